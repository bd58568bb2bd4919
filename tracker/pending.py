"""A sensitive action interrupted by the password prompt, kept so that giving the password carries it out.

Before, an old login sent a POST to the password page and back to the form with nothing done. Now the
POST is kept in the session (its address and fields, never its CSRF token), bound to the user's
session id (``user_id:session_token``, which logout, a password change or disabling rotate), for
``PENDING_MINUTES``. After a correct password ``replay`` sends it once through its own view, with
every before-request check, so permissions, state checks and audit rows are exactly those of a
direct POST. The session cookie is signed: a browser can read its own fields there but not change them.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, request, session
from flask.ctx import RequestContext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder

SESSION_KEY = "pending_action"
PENDING_MINUTES = 5
MAX_FIELDS_BYTES = 2000  # compressed, as the cookie stores it (4 kB at most): long comments are not kept
_REPLACED = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "wsgi.input")


@dataclass(frozen=True)
class PendingAction:
    """What was asked, for whom, until when, and where Cancel goes."""

    owner: str
    endpoint: str
    path: str
    query: str
    fields: tuple[tuple[str, str], ...]
    description: str
    back: str | None
    expires_at: float


def _now() -> float:
    return dt.datetime.now(dt.UTC).timestamp()


def remember(description: str, back: str | None) -> bool:
    """Keep this POST to be carried out after the password; False when it cannot be kept (a file, too large)."""
    if request.method != "POST" or request.files or request.endpoint is None:
        return False
    fields = [(name, value) for name, value in request.form.items(multi=True) if not name.endswith("csrf_token")]
    if len(zlib.compress(json.dumps(fields).encode())) > MAX_FIELDS_BYTES:
        discard()
        return False
    session[SESSION_KEY] = {
        "owner": current_user.get_id(),
        "endpoint": request.endpoint,
        "path": request.path,
        "query": request.query_string.decode("latin-1"),
        "fields": fields,
        "description": description,
        "back": back,
        "expires_at": _now() + PENDING_MINUTES * 60,
    }
    return True


def current() -> PendingAction | None:
    """The pending action of the logged-in user, if it has not expired; anything else is dropped."""
    stored: Any = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        action = PendingAction(
            owner=str(stored["owner"]),
            endpoint=str(stored["endpoint"]),
            path=str(stored["path"]),
            query=str(stored["query"]),
            fields=tuple((str(name), str(value)) for name, value in stored["fields"]),
            description=str(stored["description"]),
            back=stored["back"] if isinstance(stored["back"], str) else None,
            expires_at=float(stored["expires_at"]),
        )
    except (KeyError, TypeError, ValueError):
        discard()
        return None
    if not current_user.is_authenticated or action.owner != current_user.get_id() or action.expires_at < _now():
        discard()
        return None
    return action


def take() -> PendingAction | None:
    """The pending action, removed from the session: it can be carried out once."""
    action = current()
    discard()
    return action


def discard() -> None:
    session.pop(SESSION_KEY, None)


def replay(action: PendingAction) -> Response:
    """Carry the action out through its own view, as the POST it was; call only after a correct password.

    The request is rebuilt on this request's environment (host, scheme, address, cookies) and shares
    its session and database session, so the flash message and audit rows land as usual. The CSRF
    token is a fresh one: the password form's own token was checked on the way here.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    fields = MultiDict(list(action.fields))
    fields["csrf_token"] = generate_csrf()
    built = EnvironBuilder(path=action.path, query_string=action.query, method="POST", data=fields).get_environ()
    environ = {key: value for key, value in request.environ.items() if key != "werkzeug.request"}
    environ.update({key: built[key] for key in _REPLACED})
    context = RequestContext(app, environ, session=session._get_current_object())  # type: ignore[attr-defined]
    context.push()
    try:
        try:
            if request.endpoint != action.endpoint:  # the address no longer leads to the same view
                return app.make_response(("That action can no longer be carried out.", 400))
            result = app.preprocess_request()
            if result is None:
                result = app.dispatch_request()
        except HTTPException as error:
            result = app.handle_user_exception(error)
        return app.make_response(result)
    finally:
        context.pop()
