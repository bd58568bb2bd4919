"""Login, the password rule, brute-force lockout, and safe redirects."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tests.conftest import PASSWORD, audit_actions, log_in
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import AuditEvent, User
from tracker.passwords import MAX_LENGTH, hash_password, password_problem, verify_password
from tracker.services import MAX_FAILED_LOGINS


def test_login_lands_on_the_persons_work_and_the_account_page_is_there(client, people, app):
    response = log_in(client, people["albania"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/reports/"  # a focal point's work: the country's reports
    page = client.get("/account")
    assert page.status_code == 200
    assert "Albania" in page.text and "Focal point" in page.text
    assert audit_actions(app)[-1] == "login"


def test_admin_lands_on_users_and_the_secretariat_on_the_review_queue(client, people, app):
    assert log_in(client, people["admin"]).headers["Location"] == "/admin/users"
    other = app.test_client()
    assert log_in(other, people["secretariat"]).headers["Location"] == "/review/"


def test_email_is_not_case_sensitive(client, people):
    assert log_in(client, people["albania"].upper()).status_code == 302


def test_unknown_account_and_wrong_password_read_the_same(client, people, app):
    unknown = log_in(client, "nobody@example.org")
    wrong = log_in(client, people["albania"], "wrong password, long enough")
    assert unknown.status_code == wrong.status_code == 400
    strip = lambda text: text.replace("nobody@example.org", "").replace(people["albania"], "")  # noqa: E731
    assert strip(unknown.text) == strip(wrong.text)
    assert "not right" in wrong.text
    with app.app_context():
        events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "login_failed")).scalars().all()
        assert [(e.actor_email, e.reason) for e in events] == [
            ("nobody@example.org", "unknown account"),
            (people["albania"], "wrong password"),
        ]


def test_eleventh_attempt_is_refused_even_with_the_right_password(client, people, app):
    for _ in range(MAX_FAILED_LOGINS):
        assert log_in(client, people["albania"], "wrong password, long enough").status_code == 400
    assert audit_actions(app).count("account_locked") == 1
    assert log_in(client, people["albania"], PASSWORD).status_code == 400
    assert client.get("/account").status_code == 302  # not logged in
    assert audit_actions(app)[-1] == "login_refused"


def test_lock_is_released_when_it_expires_and_that_is_audited(client, people, app):
    for _ in range(MAX_FAILED_LOGINS):
        log_in(client, people["albania"], "wrong password, long enough")
    with app.app_context(), write_transaction(db.session):
        db.session.execute(
            update(User)
            .where(User.email == people["albania"])
            .values(locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert log_in(client, people["albania"]).status_code == 302
    assert audit_actions(app)[-2:] == ["account_unlocked", "login"]
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == people["albania"])).scalar_one()
        assert (user.failed_logins, user.locked_until) == (0, None)


def test_a_success_resets_the_failure_count(client, people, app):
    for _ in range(MAX_FAILED_LOGINS - 1):
        log_in(client, people["albania"], "wrong password, long enough")
    assert log_in(client, people["albania"]).status_code == 302
    client.post("/logout")
    log_in(client, people["albania"], "wrong password, long enough")
    assert "account_locked" not in audit_actions(app)


def test_disabled_account_cannot_log_in(client, people, app):
    with app.app_context(), write_transaction(db.session):
        db.session.execute(update(User).where(User.email == people["serbia"]).values(is_active=False))
    response = log_in(client, people["serbia"])
    assert response.status_code == 400
    assert "not right" in response.text


@pytest.mark.parametrize(("length", "accepted"), [(11, False), (12, True), (MAX_LENGTH, True), (MAX_LENGTH + 1, False)])
def test_password_length_rule(length, accepted):
    assert (password_problem("a" * length) is None) == accepted


def test_no_composition_rules():
    assert password_problem("all lowercase words here") is None


def test_long_passwords_are_never_truncated():
    first = "x" * 100 + "first ending"
    stored = hash_password(first)
    assert verify_password(stored, first)
    assert not verify_password(stored, "x" * 100 + "other ending")
    assert not verify_password(stored, first[:-1])


def test_passwords_are_argon2id_hashes(app, people):
    with app.app_context():
        stored = db.session.execute(select(User.password_hash).where(User.email == people["admin"])).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/framework/", "/framework/"),
        ("/account?tab=1", "/account?tab=1"),
        ("//evil.example", "/reports/"),
        ("https://evil.example/", "/reports/"),
        ("/\\evil.example", "/reports/"),
        ("javascript:alert(1)", "/reports/"),
        ("evil.example", "/reports/"),
        ("/%0d%0aSet-Cookie:x=1", "/%0d%0aSet-Cookie:x=1"),
    ],
)
def test_next_accepts_same_site_paths_only(client, people, target, expected):  # else: the focal point's work
    response = log_in(client, people["albania"], next=target)
    assert response.headers["Location"] == expected


def test_login_renews_the_session(client, people):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    log_in(client, people["albania"])
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{session['_user_id'].split(':')[0]}:")
