"""Sessions that can be revoked and expire, security headers on every response, the 500 page.

The session cookie carries ``user_id:session_token``; ``load_user`` accepts it only while the
token is still the user's, so logout, a password change or disabling the account ends every
session at once. Idle and absolute timeouts are checked here, on the server, on every request.
"""

from __future__ import annotations

import datetime as dt
import hmac
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user

from .extensions import db
from .models import User
from .permissions import STATIC_ENDPOINTS, enforce_access

F = TypeVar("F", bound=Callable[..., Any])

IDLE_TIMEOUT = dt.timedelta(minutes=30)  # the default of TRACKER_IDLE_MINUTES
ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)  # the default of TRACKER_SESSION_HOURS

login_manager = LoginManager()
login_manager.session_protection = None  # our token and timeouts do this job, without IP/UA guesses


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def start_session(user: User) -> None:
    """A new session for ``user``: whatever the browser held before is dropped."""
    session.clear()
    login_user(user)
    session.permanent = True
    now = dt.datetime.now(dt.UTC).timestamp()
    session["started_at"] = session["authenticated_at"] = session["seen_at"] = now


def end_session() -> None:
    logout_user()
    session.clear()


def expire_old_sessions() -> Response | None:
    """End a session idle too long (30 minutes) or too old (12 hours), whatever the cookie says."""
    if request.endpoint in STATIC_ENDPOINTS or not current_user.is_authenticated:
        return None
    now = dt.datetime.now(dt.UTC).timestamp()
    started, seen = session.get("started_at"), session.get("seen_at")
    idle = current_app.config.get("IDLE_MINUTES", 30) * 60
    absolute = current_app.config.get("SESSION_HOURS", 12) * 3600
    if (
        not isinstance(started, int | float)
        or not isinstance(seen, int | float)
        or now - seen > idle
        or now - started > absolute
    ):
        end_session()
        flash("Your session has ended. Please log in again.", "warning")
        return redirect(url_for("auth.login", next=request.path if request.method == "GET" else None))
    session["seen_at"] = now
    return None


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


# Pages that draw Plotly charts. plotly.js sets style attributes and fills <style> elements as it
# draws (every bundle does), which ``style-src 'self'`` blocks: axes, hover labels and the legend
# lose their layout and the browser logs a violation per element. These pages alone allow inline
# styles; scripts stay 'self' only everywhere, so no injected markup can run.
CHART_PAGE_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def draws_charts(view: F) -> F:
    """Mark a view whose page draws Plotly charts: it gets ``CHART_PAGE_POLICY``."""
    view._draws_charts = True  # type: ignore[attr-defined]
    return view


def _policy_for_request() -> str:
    view = current_app.view_functions.get(request.endpoint or "")
    return CHART_PAGE_POLICY if getattr(view, "_draws_charts", False) else CONTENT_SECURITY_POLICY


def add_security_headers(response: Response) -> Response:
    """Every response, error pages and static files included."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _policy_for_request())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")

    if current_app.config.get("TRACKER_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if session.get("_user_id"):  # a logged-in browser: nothing it is shown may be kept by a cache
        headers["Cache-Control"] = "no-store"
        headers.add("Vary", "Cookie")
    return response


def internal_error(error: Exception) -> tuple[str, int]:
    """A generic page with an incident id to quote; the traceback goes to the log only."""
    incident_id = uuid.uuid4().hex[:12]

    current_app.logger.exception("incident %s: %s %s", incident_id, request.method, request.path)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the database may be what failed: the page is still shown)
        current_app.logger.exception("incident %s: the rollback failed too", incident_id)
    return safe_error_page(
        500,
        "Something went wrong",
        "The server could not complete the request. Please try again later.",
        incident_id=incident_id,
    )


_PLAIN_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
    "<h1>{title}</h1><p>{message}</p>{incident}</html>"
)


def safe_error_page(status: int, title: str, message: str, incident_id: str | None = None) -> tuple[str, int]:
    """The error page; if even that cannot be drawn (a broken template, the database gone), a plain one."""
    try:
        return render_template(
            "error.html", status=status, title=title, message=message, incident_id=incident_id
        ), status
    except Exception:  # noqa: BLE001  (an error page that fails would turn a 4xx into a 500)
        current_app.logger.exception("the %s page could not be drawn", status)
        from markupsafe import escape

        incident = f"<p>Incident {escape(incident_id)}</p>" if incident_id else ""
        return _PLAIN_PAGE.format(title=escape(title), message=escape(message), incident=incident), status


# C0 controls and DEL. Form text may hold tabs and line breaks; nothing else here is ever typed.
_CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x20), 0x7F))
_CONTROL_IN_TEXT = _CONTROL - {"\t", "\n", "\r"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has(characters: frozenset[str], value: object) -> bool:
    return isinstance(value, str) and not characters.isdisjoint(value)


def refuse_control_characters() -> None:
    """Control characters are never meant in an address, a query or a form (NUL would even reach
    PostgreSQL, which refuses it with a 500): answer 400 before any view runs."""
    if _has(_CONTROL, request.path) or any(_has(_CONTROL, value) for value in (request.view_args or {}).values()):
        abort(400)
    for key, value in request.args.items(multi=True):
        if _has(_CONTROL, key) or _has(_CONTROL, value):
            abort(400)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    for key, value in request.form.items(multi=True):
        if _has(_CONTROL, key) or _has(_CONTROL_IN_TEXT, value):
            abort(400)
    for key, upload in request.files.items(multi=True):
        if _has(_CONTROL, key) or _has(_CONTROL, upload.filename or ""):
            abort(400)


def refuse_non_form_bodies() -> None:
    """Pages take HTML forms only. A JSON body would otherwise be parsed by Flask-WTF (a deeply nested
    one raises RecursionError); the API is read-only. Answer 415 to any other kind of body."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.mimetype in FORM_TYPES:
        return
    if request.mimetype or request.content_length:
        abort(415)


def init_security(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    app.before_request(refuse_non_form_bodies)
    app.before_request(refuse_control_characters)

    app.before_request(expire_old_sessions)
    app.before_request(enforce_access)
    app.after_request(add_security_headers)
    app.register_error_handler(500, internal_error)
