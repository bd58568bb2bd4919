"""Re-authentication resumes the action it interrupted (issue 20): one password, then the action is done.

A stale login posts Publish, Accept or Disable; the password page says what will happen; the right
password carries the same POST out through its own view (its flash, its audit row, its redirect).
A wrong password does nothing and keeps the action; logout, another user, expiry and a second
replay carry nothing out.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, log_in, user_id
from tests.test_public_portal import actor, fill, start
from tracker import pending, services
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import AuditEvent, Report, ReportingCycle, ReportState, User


def stale(client) -> None:  # type: ignore[no-untyped-def]
    """A login older than REAUTH_MINUTES."""
    with client.session_transaction() as session:
        session["authenticated_at"] = time.time() - 3600


def events(app, action: str) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).where(AuditEvent.action == action)).scalar_one()


@pytest.fixture
def accepted_cycle(app, people) -> int:
    """A cycle with one accepted report and no reply period: ready to publish."""
    with app.app_context():
        cycle = services.create_cycle(
            "2003 review",
            dt.date(2003, 1, 1),
            dt.date(2003, 12, 31),
            dt.date(2004, 1, 15),
            dt.date(2004, 3, 31),
            actor("secretariat"),
        )
        report = start(cycle.id, "albania")
        fill(report, "Done")
        services.submit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        return cycle.id


@pytest.fixture
def submitted_report(app, people) -> int:
    with app.app_context():
        cycle = services.create_cycle(
            "2003 review",
            dt.date(2003, 1, 1),
            dt.date(2003, 12, 31),
            dt.date(2004, 1, 15),
            dt.date(2004, 3, 31),
            actor("secretariat"),
        )
        report = start(cycle.id, "albania")
        fill(report, "Done")
        services.submit(report.id, report.version, actor("albania"))
        return report.id


def published(app, cycle_id: int) -> bool:
    with app.app_context():
        return db.session.get(ReportingCycle, cycle_id).published_at is not None


def test_publish_after_a_stale_login_is_done_once_the_password_is_given(app, client, accepted_cycle):
    log_in(client, "secretariat@example.org")
    stale(client)
    asked = client.post(f"/review/cycles/{accepted_cycle}/publish", data={"confirm": "y"})
    assert asked.status_code == 302 and asked.headers["Location"] == "/reauthenticate"
    assert not published(app, accepted_cycle)
    page = client.get("/reauthenticate").text
    assert "Enter your password to publish 2003 review." in page
    assert "Cancel" in page
    done = client.post("/reauthenticate", data={"password": PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == f"/review/cycles/{accepted_cycle}"
    assert published(app, accepted_cycle)
    assert events(app, "cycle_published") == 1
    landed = client.get(done.headers["Location"]).text
    assert "“2003 review” is published" in landed


def test_publish_asks_to_confirm_that_it_cannot_be_undone(app, client, accepted_cycle):
    log_in(client, "secretariat@example.org")
    page = client.get(f"/review/cycles/{accepted_cycle}").text
    assert "publishing makes these 1 accepted report and their scores public; it cannot be undone" in page
    refused = client.post(f"/review/cycles/{accepted_cycle}/publish", follow_redirects=True)
    assert "Nothing was published: tick the box" in refused.text
    assert not published(app, accepted_cycle)


def test_accept_after_a_stale_login_is_done_once_the_password_is_given(app, client, submitted_report):
    log_in(client, "secretariat@example.org")
    stale(client)
    with app.app_context():
        first = db.session.get(Report, submitted_report).entries[0].id
    form = {f"assessed-{first}": "planned", "accept-submit": "1", "accept-confirm": "y"}
    asked = client.post(f"/review/reports/{submitted_report}", data=form)
    assert asked.status_code == 302 and asked.headers["Location"] == "/reauthenticate"
    assert "Enter your password to accept the report of Albania." in client.get("/reauthenticate").text
    done = client.post("/reauthenticate", data={"password": PASSWORD})
    assert done.headers["Location"] == "/review/"
    assert "The report of Albania is accepted and locked." in client.get("/review/").text
    with app.app_context():
        report = db.session.get(Report, submitted_report)
        assert report.state is ReportState.ACCEPTED
        assert report.entries[0].assessed_status == "planned"  # the posted fields were carried out
    assert events(app, "report_accepted") == 1


def test_accept_without_the_box_ticked_does_nothing(app, client, submitted_report):
    log_in(client, "secretariat@example.org")
    refused = client.post(f"/review/reports/{submitted_report}", data={"accept-submit": "1"})
    assert refused.status_code == 400 and "Nothing was accepted: tick the box" in refused.text
    with app.app_context():
        assert db.session.get(Report, submitted_report).state is ReportState.SUBMITTED


def active(app, email: str) -> bool:
    with app.app_context():
        return db.session.execute(select(User.is_active).where(User.email == email)).scalar_one()


def test_disable_after_a_stale_login_is_done_and_a_wrong_password_keeps_it(app, client, people):
    serbia = user_id(app, people["serbia"])
    log_in(client, people["admin"])
    stale(client)
    asked = client.post(f"/admin/users/{serbia}/disable", headers={"Referer": "http://localhost/admin/users"})
    assert asked.headers["Location"] == "/reauthenticate"
    page = client.get("/reauthenticate").text
    assert "Enter your password to disable the account of serbia@example.org." in page
    assert 'action="/reauthenticate/cancel"' in page
    wrong = client.post("/reauthenticate", data={"password": "not the password"})
    assert "Nothing was done yet: enter it again to disable the account of serbia@example.org." in wrong.text
    assert active(app, people["serbia"])
    done = client.post("/reauthenticate", data={"password": PASSWORD})
    assert done.headers["Location"] == f"/admin/users#user-{serbia}"
    assert not active(app, people["serbia"])
    assert "The account is disabled and logged out." in client.get("/admin/users").text
    assert events(app, "user_disabled") == 1


def test_a_replay_is_single_use(app, client, people):
    serbia = user_id(app, people["serbia"])
    log_in(client, people["admin"])
    stale(client)
    client.post(f"/admin/users/{serbia}/disable")
    assert client.post("/reauthenticate", data={"password": PASSWORD}).status_code == 302
    with client.session_transaction() as session:
        assert pending.SESSION_KEY not in session
    stale(client)  # even with the password given again, nothing is left to carry out
    again = client.post("/reauthenticate", data={"password": PASSWORD})
    assert again.headers["Location"] == "/account"
    assert events(app, "user_disabled") == 1


def test_nothing_is_replayed_after_logout_or_for_another_user(app, client, people):
    serbia = user_id(app, people["serbia"])
    log_in(client, people["admin"])
    stale(client)
    client.post(f"/admin/users/{serbia}/disable")
    with client.session_transaction() as session:
        kept = dict(session[pending.SESSION_KEY])
    client.post("/logout")
    log_in(client, people["admin"])
    stale(client)
    assert client.post("/reauthenticate", data={"password": PASSWORD}).headers["Location"] == "/account"
    assert active(app, people["serbia"])
    # a pending action smuggled into a new session of the same user (new token) or another user's
    for email in (people["admin"], "admin2@example.org"):
        if email == "admin2@example.org":
            with app.app_context(), write_transaction(db.session):
                admin = db.session.execute(select(User).where(User.email == people["admin"])).scalar_one()
                db.session.add(
                    User(
                        email=email,
                        name="Admin2",
                        role=admin.role,
                        password_hash=admin.password_hash,
                        session_token="b" * 64,
                    )
                )
        log_in(client, email)
        stale(client)
        with client.session_transaction() as session:
            session[pending.SESSION_KEY] = kept
        assert "disable" not in client.get("/reauthenticate").text
        assert client.post("/reauthenticate", data={"password": PASSWORD}).headers["Location"] == "/account"
    assert active(app, people["serbia"])
    assert events(app, "user_disabled") == 0


def test_a_pending_action_expires(app, client, people):
    serbia = user_id(app, people["serbia"])
    log_in(client, people["admin"])
    stale(client)
    client.post(f"/admin/users/{serbia}/disable")
    with client.session_transaction() as session:
        session[pending.SESSION_KEY] = {
            **session[pending.SESSION_KEY],
            "expires_at": time.time() - 1,
        }
    assert "disable" not in client.get("/reauthenticate").text
    assert client.post("/reauthenticate", data={"password": PASSWORD}).headers["Location"] == "/account"
    assert active(app, people["serbia"])


def test_cancel_forgets_the_action_and_goes_back(app, client, people):
    serbia = user_id(app, people["serbia"])
    log_in(client, people["admin"])
    stale(client)
    client.post(f"/admin/users/{serbia}/disable", headers={"Referer": "http://localhost/admin/users"})
    cancelled = client.post("/reauthenticate/cancel")
    assert cancelled.headers["Location"] == "/admin/users"
    assert client.post("/reauthenticate", data={"password": PASSWORD}).headers["Location"] == "/account"
    assert active(app, people["serbia"])


def test_a_get_comes_back_to_the_page_and_drops_an_older_pending_action(app, client, people):
    serbia = user_id(app, people["serbia"])
    log_in(client, people["admin"])
    stale(client)
    client.post(f"/admin/users/{serbia}/disable")
    asked = client.get("/admin/users/invite")
    assert asked.headers["Location"] == "/reauthenticate?next=/admin/users/invite"
    back = client.post("/reauthenticate", data={"password": PASSWORD, "next": "/admin/users/invite"})
    assert back.headers["Location"] == "/admin/users/invite"
    assert active(app, people["serbia"])


def test_the_replay_runs_the_views_own_checks(app, client, people):
    """The admin may not disable themselves: the replay says so, as the direct POST does."""
    admin = user_id(app, people["admin"])
    log_in(client, people["admin"])
    stale(client)
    client.post(f"/admin/users/{admin}/disable")
    done = client.post("/reauthenticate", data={"password": PASSWORD}, follow_redirects=True)
    assert active(app, people["admin"])
    assert done.status_code == 200 and "alert-danger" in done.text


def test_a_form_too_large_to_keep_comes_back_to_its_page(app, client, people):
    """The cookie holds 4 kB: a form that would not fit is not kept, and the page says nothing will be done."""
    serbia = user_id(app, people["serbia"])
    log_in(client, people["admin"])
    stale(client)
    asked = client.post(
        f"/admin/users/{serbia}/disable",
        data={"note": secrets.token_hex(4000)},
        headers={"Referer": "http://localhost/admin/users"},
    )
    assert asked.headers["Location"] == "/reauthenticate?next=/admin/users"
    prompt = client.get(asked.headers["Location"]).text
    assert "Enter your password to" not in prompt and "Nothing was done yet" in prompt
    assert (
        client.post("/reauthenticate", data={"password": PASSWORD, "next": "/admin/users"}).headers["Location"]
        == "/admin/users"
    )
    assert active(app, people["serbia"])


def test_an_invitation_posted_after_a_stale_login_is_sent_after_the_password(app, client, people):
    log_in(client, people["admin"])
    stale(client)
    form = {"email": "new@example.org", "name": "New Person", "role": "secretariat", "country": ""}
    assert client.post("/admin/users/invite", data=form).headers["Location"] == "/reauthenticate"
    assert "Enter your password to invite new@example.org." in client.get("/reauthenticate").text
    done = client.post("/reauthenticate", data={"password": PASSWORD})
    assert done.status_code == 200 and "/invitation/" in done.text  # the page with the link, as usual
    with app.app_context():
        assert db.session.execute(select(User).where(User.email == "new@example.org")).scalar_one()
