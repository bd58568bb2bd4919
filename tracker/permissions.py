"""Who may do what: deny by default, per-country scoping, and the decorators views declare.

Every endpoint either is public (``@public`` or a static endpoint) or names the roles it allows
(``@roles_required``); ``enforce_access`` runs before every request and serves nothing else.
Country scoping lives in ``scoped`` (from ``scoping``) and ``get_scoped_or_404``: every view that reads a country's
objects goes through them, so a focal point can never reach another country's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import Select

from . import pending
from .models import Role, User
from .scoping import country_scope, scoped
from .services.accounts import record_denied_access

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
STATIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})
STAFF = (Role.SECRETARIAT, Role.ADMIN)
EVERY_ROLE = tuple(Role)
RECENT_LOGIN = dt.timedelta(minutes=15)  # the default of TRACKER_REAUTH_MINUTES


def public(view: F) -> F:
    """Anyone may see this, logged in or not."""
    view._access = PUBLIC  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Only a logged-in user with one of ``roles`` may use this."""

    def decorate(view: F) -> F:
        view._access = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return decorate


def recent_login_required(view: F | None = None, *, describe: Callable[..., str] | None = None) -> Any:
    """A sensitive action: the password must have been given in the last few minutes.

    ``describe(**view_args)`` says what a POST will do ("publish 2004 annual report"): the password
    page shows it, then carries the action out (see ``pending``).
    """

    def decorate(view: F) -> F:
        view._recent_login = True  # type: ignore[attr-defined]
        view._describe = describe  # type: ignore[attr-defined]
        return view

    return decorate(view) if view is not None else decorate


def access_of(endpoint: str) -> str | frozenset[Role] | None:
    """What an endpoint declares: PUBLIC, a set of roles, or None (which is served to no one)."""
    if endpoint in STATIC_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "_access", None)


def enforce_access() -> Any:
    """Runs before every request; returns a response (redirect) or aborts when access is denied."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    access = access_of(endpoint)
    if access == PUBLIC:
        return None
    if access is None:
        current_app.logger.error("endpoint %s declares no access rule; refused", endpoint)
        abort(404)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=_here()))
    if current_user.role not in access:
        record_denied_access(current_user, request.path, request.remote_addr)
        abort(403)
    view = current_app.view_functions[endpoint]
    if getattr(view, "_recent_login", False) and not login_is_recent():
        describe = getattr(view, "_describe", None)
        return ask_password(describe(**(request.view_args or {})) if describe else None)
    return None


def ask_password(description: str | None = None) -> Response:
    """Send an old login to the password page. A POST is kept and carried out after the password;
    a GET (or a POST too large to keep) comes back to where it was."""
    if request.method == "POST":
        if pending.remember(description or "carry out that action", _here()):
            return redirect(url_for("auth.reauthenticate"))
        flash("Nothing was done yet: that form is too large to keep, so send it again after your password.", "warning")
    pending.discard()  # an older pending action must not run after this prompt
    return redirect(url_for("auth.reauthenticate", next=_here()))


def login_is_recent(now: dt.datetime | None = None) -> bool:
    """The password was given within REAUTH_MINUTES (at login or on the password page)."""
    now = now or dt.datetime.now(dt.UTC)
    authenticated_at = session.get("authenticated_at")
    window = current_app.config.get("REAUTH_MINUTES", RECENT_LOGIN.total_seconds() / 60) * 60
    return authenticated_at is not None and now.timestamp() - authenticated_at <= window


def _here() -> str | None:
    """Where to come back to: this page for a GET; for a POST, the page its form was on (a POST-only
    address would answer 405 to the browser's GET after logging in)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: ``/x``, never ``//host``, ``http://host``, ``/\\host`` or ``javascript:``."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 for ch in target)
    ):
        return default
    return target


# ----------------------------------------------------------------------------- country scoping
def get_scoped_or_404(statement: Select[Any], country_column: Any, user: User) -> Any:
    """One object the user may see, or 404 — the same answer whether it exists elsewhere or not."""
    from .extensions import db

    found = db.session.execute(scoped(statement, country_column, user)).unique().scalar_one_or_none()
    if found is None:
        if country_scope(user) is not None and db.session.execute(statement).first() is not None:
            # another country's object: a probe worth recording
            record_denied_access(user, request.path, request.remote_addr)
        abort(404)
    return found
