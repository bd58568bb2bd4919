"""Regressions for what the security review found: each of these once failed."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, audit_actions, log_in, user_id
from tracker import services
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import User


def test_parallel_wrong_passwords_all_count(app, people):
    """Twelve guesses at once: each is counted, the account locks, and the right password then fails."""

    def guess(_: int) -> bool:
        with app.app_context():
            return services.log_in(people["serbia"], "a wrong guess, long enough", "10.0.0.1") is not None

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert not any(pool.map(guess, range(12)))
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == people["serbia"])).scalar_one()
        assert user.failed_logins >= 10 and user.locked_until is not None
        assert services.log_in(people["serbia"], PASSWORD, "10.0.0.1") is None


def test_wrong_current_passwords_count_towards_the_lock(client, people, app):
    log_in(client, people["albania"])
    new = "a brand new passphrase here"
    for _ in range(10):
        response = client.post("/account/password", data={"current": "not my password!", "new": new, "confirm": new})
        assert "current password is not right" in response.text
    actions = audit_actions(app)
    assert actions.count("password_change_failed") == 10 and "account_locked" in actions
    response = client.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert "current password is not right" in response.text  # locked: even the right one is refused


@pytest.mark.parametrize("path", ["/login", "/admin/audit?actor=a%00b"])
def test_nul_bytes_are_a_bad_request_not_a_crash(client, people, path):
    if path.startswith("/admin"):
        log_in(client, people["admin"])
        assert client.get(path).status_code == 400
    else:
        assert client.post(path, data={"email": "a\x00b@example.org", "password": "x" * 12}).status_code == 400


def test_a_stale_sensitive_post_comes_back_to_its_page(client, people, app):
    log_in(client, people["admin"])
    with client.session_transaction() as session:
        session["authenticated_at"] = time.time() - 3600
    target = user_id(app, people["serbia"])
    response = client.post(f"/admin/users/{target}/disable", headers={"Referer": "http://localhost/admin/users"})
    assert response.headers["Location"] == "/reauthenticate?next=/admin/users"
    back = client.post("/reauthenticate", data={"password": PASSWORD, "next": "/admin/users"})
    assert back.headers["Location"] == "/admin/users" and client.get("/admin/users").status_code == 200


def test_the_session_cookie_expires_within_twelve_hours(client, people):
    cookie = log_in(client, people["albania"]).headers["Set-Cookie"]
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert expires - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=12, minutes=1)


@pytest.mark.parametrize("query", ["until=9999-12-31", "page=99999999999999999999", "since=0001-01-01"])
def test_the_audit_page_survives_extreme_filters(client, people, query):
    log_in(client, people["admin"])
    assert client.get(f"/admin/audit?{query}").status_code == 200


def test_problems_before_a_syntax_error_are_kept(tmp_path):
    from tracker.framework.textyaml import read_text_yaml

    path = tmp_path / "x.yaml"
    path.write_text("a: &x [1]\nb: *x\nc: [unclosed\n")
    _, problems = read_text_yaml(path, "x.yaml")
    messages = [p.message for p in problems]
    assert messages[:2] == ["anchors (&x) are not allowed", "aliases (*x) are not allowed"]
    assert messages[2].startswith("not valid YAML")


def test_write_transactions_do_not_nest(app):
    with (
        app.app_context(),
        write_transaction(db.session),
        pytest.raises(RuntimeError, match="inside another"),
        write_transaction(db.session),
    ):
        pass
