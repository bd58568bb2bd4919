"""Sessions end when they should: logout, password change, disabling, idle and absolute timeouts."""

from __future__ import annotations

import time

import pytest

from tests.conftest import PASSWORD, log_in, user_id
from tracker.audit import Actor
from tracker.models import Role
from tracker.security import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT
from tracker.services import change_role, set_user_active


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_a_cookie_replayed_after_logout_gets_no_access(client, people):
    log_in(client, people["albania"])
    captured = session_cookie(client)
    assert client.post("/logout").status_code == 302
    client.set_cookie("session", captured)
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_ends_the_users_other_sessions_too(app, people):
    first, second = app.test_client(), app.test_client()
    log_in(first, people["albania"])
    log_in(second, people["albania"])
    first.post("/logout")
    assert second.get("/account").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, people):
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here, people["albania"])
    log_in(elsewhere, people["albania"])
    new = "a brand new passphrase for tests"
    response = here.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert log_in(app.test_client(), people["albania"], new).status_code == 302


def test_password_change_needs_the_current_password(client, people):
    log_in(client, people["albania"])
    new = "a brand new passphrase for tests"
    response = client.post("/account/password", data={"current": "not my password!", "new": new, "confirm": new})
    assert response.status_code == 200
    assert "current password is not right" in response.text


@pytest.mark.parametrize("change", ["disable", "role"])
def test_disabling_or_re_roling_a_user_ends_their_sessions(app, client, people, change):
    log_in(client, people["albania"])
    with app.app_context():
        if change == "disable":
            set_user_active(user_id(app, people["albania"]), False, Actor())
        else:
            change_role(user_id(app, people["albania"]), Role.SECRETARIAT, None, Actor())
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    ("key", "age"),
    [("seen_at", IDLE_TIMEOUT.total_seconds() + 5), ("started_at", ABSOLUTE_TIMEOUT.total_seconds() + 5)],
)
def test_idle_and_absolute_timeouts(client, people, key, age):
    log_in(client, people["albania"])
    assert client.get("/account").status_code == 200
    with client.session_transaction() as session:
        session[key] = time.time() - age
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/account").status_code == 302  # and the session is gone, not just refused once


def test_activity_keeps_a_session_alive(client, people):
    log_in(client, people["albania"])
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - IDLE_TIMEOUT.total_seconds() + 60
    assert client.get("/account").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["seen_at"] < 5


def test_session_cookie_flags(client, people):
    response = log_in(client, people["albania"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run on plain http


def test_production_cookies_are_secure(database_url):
    from config import ProductionConfig
    from tracker.app import create_app

    config = ProductionConfig(
        {
            "TRACKER_SECRET_KEY": "k" * 64,
            "TRACKER_AUDIT_KEY": "a" * 64,
            "TRACKER_BASE_URL": "https://tracker.example.org",
            "TRACKER_DATABASE_URL": database_url,
        }
    )
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.debug


def test_sensitive_actions_need_a_recent_login(client, people):
    log_in(client, people["admin"])
    assert client.get("/admin/users/invite").status_code == 200
    with client.session_transaction() as session:
        session["authenticated_at"] = time.time() - 20 * 60
    response = client.get("/admin/users/invite")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/reauthenticate?next=/admin/users/invite")
    wrong = client.post("/reauthenticate", data={"password": "not the password", "next": "/admin/users/invite"})
    assert wrong.status_code == 200 and "not right" in wrong.text
    right = client.post("/reauthenticate", data={"password": PASSWORD, "next": "/admin/users/invite"})
    assert right.headers["Location"] == "/admin/users/invite"
    assert client.get("/admin/users/invite").status_code == 200
