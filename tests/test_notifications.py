"""Notifications: in the app, by email after the commit only, and reminders that go once."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tests.test_workflow import CYCLE, actor, complete, start
from tracker import services
from tracker.extensions import db
from tracker.models import Notification, User


def inbox(email: str) -> list[str]:
    user = db.session.execute(select(User).where(User.email == email)).scalar_one()
    return [n.kind for n in db.session.execute(select(Notification).where(Notification.user_id == user.id)).scalars()]


@pytest.fixture
def cycle_id(app, people):
    with app.app_context():
        return services.create_cycle(**CYCLE, actor=actor("secretariat")).id


def test_each_transition_tells_the_right_people(app, people, cycle_id, caplog):
    caplog.set_level(logging.INFO, logger="tracker.notifications")
    with app.app_context():
        report = start(cycle_id)
        services.save_draft(report.id, report.version, complete(report), actor("albania"))
        services.submit(report.id, report.version, actor("albania"))
        assert inbox(people["secretariat"]) == inbox(people["admin"]) == ["report_submitted"]
        assert inbox(people["albania"]) == [] and inbox(people["serbia"]) == []
        services.return_for_revision(report.id, "More, please.", {}, actor("secretariat"))
        assert inbox(people["albania"]) == inbox(people["albania2"]) == ["report_returned"]
        assert inbox(people["serbia"]) == []
        services.resubmit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        assert inbox(people["albania"]) == ["report_returned", "report_accepted"]
    emails = [r.getMessage() for r in caplog.records if "email (no SMTP configured)" in r.getMessage()]
    assert any("albania@example.org" in e and "accepted your report" in e for e in emails)


def test_no_email_for_an_operation_that_failed(app, people, cycle_id, caplog):
    caplog.set_level(logging.INFO, logger="tracker.notifications")
    with app.app_context():
        report = start(cycle_id)
        with pytest.raises(services.NotReady):
            services.submit(report.id, report.version, actor("albania"))  # empty: refused
        assert inbox(people["secretariat"]) == []
    assert not [r for r in caplog.records if "email" in r.getMessage()]


def test_emails_go_through_smtp_when_configured(app, people, cycle_id, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):  # type: ignore[no-untyped-def]
            sent.append((host, port))

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            return False

        def send_message(self, message):  # type: ignore[no-untyped-def]
            sent.append((message["To"], message["Subject"]))

    monkeypatch.setattr("tracker.notifications.smtplib.SMTP", FakeSMTP)
    app.config.update(SMTP_HOST="mail.example.org", SMTP_PORT=2525)
    with app.app_context():
        report = start(cycle_id)
        services.save_draft(report.id, report.version, complete(report), actor("albania"))
        services.submit(report.id, report.version, actor("albania"))
    assert ("mail.example.org", 2525) in sent
    assert (people["secretariat"], "Commitment Tracker: Albania submitted its report for 2003 review.") in sent


def test_due_reminders_go_once_and_skip_reports_already_sent(app, people, cycle_id, password_hash):
    due = CYCLE["due_on"]
    with app.app_context():
        assert services.send_due_reminders(due - dt.timedelta(days=30)) == 0  # too early
        first = services.send_due_reminders(due - dt.timedelta(days=10))
        assert first == 3  # Albania's two focal points and Serbia's one
        assert services.send_due_reminders(due - dt.timedelta(days=9)) == 0  # idempotent
        report = start(cycle_id, "serbia")
        services.save_draft(report.id, report.version, complete(report), actor("serbia"))
        services.submit(report.id, report.version, actor("serbia"))
        assert services.send_due_reminders(due + dt.timedelta(days=1)) == 2  # overdue: Albania only
        assert inbox(people["albania"]) == ["due_soon", "overdue"]
        assert inbox(people["serbia"]) == ["due_soon"]


def test_the_cli_and_the_page(app, people, cycle_id):
    runner = app.test_cli_runner()
    due = CYCLE["due_on"]
    result = runner.invoke(args=["notify", "due", "--today", (due - dt.timedelta(days=3)).isoformat()])
    assert result.exit_code == 0 and "3 reminder(s) sent" in result.output
    again = runner.invoke(args=["notify", "due", "--today", (due - dt.timedelta(days=2)).isoformat()])
    assert "0 reminder(s) sent" in again.output
    client = app.test_client()
    log_in(client, people["albania"])
    page = client.get("/notifications").text
    assert "is due on 31 March 2004" in page
    assert '1<span class="visually-hidden"> unread' in page
    client.post("/notifications/read")
    assert "unread</span>" not in client.get("/notifications").text


def test_a_notification_opened_is_read_and_leads_to_its_page(app, people, cycle_id):
    """Opening one notification marks it read (the others stay new); another person's cannot be opened."""
    runner = app.test_cli_runner()
    due = CYCLE["due_on"]
    assert runner.invoke(args=["notify", "due", "--today", (due - dt.timedelta(days=3)).isoformat()]).exit_code == 0
    with app.app_context():
        mine = db.session.execute(
            select(Notification).join(User, User.id == Notification.user_id).where(User.email == people["albania"])
        ).scalar_one()
        theirs = db.session.execute(
            select(Notification).join(User, User.id == Notification.user_id).where(User.email == people["serbia"])
        ).scalar_one()
        mine_id, theirs_id, link = mine.id, theirs.id, mine.link
    client = app.test_client()
    log_in(client, people["albania"])
    page = client.get("/notifications").text
    assert f'action="/notifications/{mine_id}/open"' in page
    opened = client.post(f"/notifications/{mine_id}/open")
    assert opened.status_code == 302 and opened.headers["Location"] == link
    assert "unread</span>" not in client.get("/notifications").text
    assert client.post(f"/notifications/{theirs_id}/open").status_code == 404
    with app.app_context():
        assert db.session.get(Notification, theirs_id).read_at is None  # still new for its owner
