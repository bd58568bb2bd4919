"""Regressions for what the security review found: each of these once failed."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from pathlib import Path

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


def test_a_stale_sensitive_post_is_carried_out_after_the_password(client, people, app):
    """Issue 20: the password page no longer drops the action; it lands where the action lands."""
    log_in(client, people["admin"])
    with client.session_transaction() as session:
        session["authenticated_at"] = time.time() - 3600
    target = user_id(app, people["serbia"])
    response = client.post(f"/admin/users/{target}/disable", headers={"Referer": "http://localhost/admin/users"})
    assert response.headers["Location"] == "/reauthenticate"
    back = client.post("/reauthenticate", data={"password": PASSWORD})
    assert back.headers["Location"] == f"/admin/users#user-{target}"
    assert "The account is disabled" in client.get("/admin/users").text


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


# ----------------------------------------------------------------------------- the reporting review
from tests.test_report_pages import CYCLE_FORM, form_fields  # noqa: E402
from tests.test_report_pages import start as start_report  # noqa: E402
from tests.test_workflow import actor, complete  # noqa: E402
from tracker.models import Evidence, IndicatorValue, Report, ReportingCycle, ReviewComment  # noqa: E402


@pytest.fixture
def draft(app, people):
    staff, focal = app.test_client(), app.test_client()
    log_in(staff, people["secretariat"])
    staff.post("/review/cycles", data=CYCLE_FORM)
    log_in(focal, people["albania"])
    with app.app_context():
        cycle_id = db.session.execute(select(ReportingCycle.id)).scalar_one()
    return focal, start_report(focal, cycle_id)


def test_a_figure_the_commitment_does_not_ask_for_is_refused(app, draft):
    focal, report_id = draft
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    data.update({"entries-0-figures-9-indicator": "made-up", "entries-0-figures-9-value": "7", "save": "1"})
    response = focal.post(f"/reports/{report_id}", data=data)
    assert response.status_code == 400 and "does not ask for" in response.text
    with app.app_context():
        assert db.session.execute(select(IndicatorValue)).scalars().all() == []
    assert focal.get(f"/reports/{report_id}").status_code == 200


def test_on_sqlite_too_no_row_can_be_moved_into_an_accepted_report(app, people):
    import datetime as dt

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        cycle = services.create_cycle(
            "c",
            dt.date(2003, 1, 1),
            dt.date(2003, 12, 31),
            dt.date(2004, 1, 1),
            dt.date(2004, 3, 1),
            actor("secretariat"),
        )
        report = services.start_report(cycle.id, actor("albania"), today=dt.date(2004, 2, 1))
        services.save_draft(report.id, report.version, complete(report), actor("albania"))
        services.submit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        amendment = services.amend(report.id, actor("albania"))
        locked_entry = report.entries[0].id
        free_evidence = amendment.entries[0].evidence[0].id
        free_figure = amendment.entries[0].figures[0].id if amendment.entries[0].figures else None
        statements = [f"UPDATE evidence SET entry_id = {locked_entry} WHERE id = {free_evidence}"]
        if free_figure:
            statements.append(f"UPDATE indicator_value SET entry_id = {locked_entry} WHERE id = {free_figure}")
        for statement in statements:
            with pytest.raises(DBAPIError, match="accepted and locked"), write_transaction(db.session):
                db.session.execute(text(statement))


def test_a_file_chosen_on_a_save_that_got_409_is_asked_for_again(app, people, draft):
    import io

    focal, report_id = draft
    colleague = app.test_client()
    log_in(colleague, people["albania2"])
    mine = form_fields(focal.get(f"/reports/{report_id}").text)
    theirs = form_fields(colleague.get(f"/reports/{report_id}").text)
    assert colleague.post(f"/reports/{report_id}", data={**theirs, "save": "1"}).status_code == 302
    mine.update({"entries-0-evidence-0-title": "Law", "save": "1"})
    mine["entries-0-evidence-0-file"] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "law.pdf")
    conflict = focal.post(f"/reports/{report_id}", data=mine, content_type="multipart/form-data")
    assert conflict.status_code == 409
    assert "choose this file again" in conflict.text
    assert list((Path(app.config["UPLOAD_DIR"])).glob("*")) == []  # nothing left behind


def test_an_evidence_row_without_a_title_is_an_error_not_a_silent_loss(app, draft):
    focal, report_id = draft
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    data.update({"entries-0-evidence-0-page": "12", "entries-0-evidence-0-quote": "Article 4", "save": "1"})
    response = focal.post(f"/reports/{report_id}", data=data)
    assert response.status_code == 400 and "Give the document a title." in response.text
    assert "Article 4" in response.text  # kept on the page


def test_a_reply_that_is_too_long_says_so(app, people, draft):
    focal, report_id = draft
    with app.app_context():
        report = db.session.get(Report, report_id)
        services.save_draft(report.id, report.version, complete(report), actor("albania"))
        services.submit(report.id, report.version, actor("albania"))
        services.return_for_revision(report.id, "Please revise.", {}, actor("secretariat"))
        comment_id = db.session.execute(select(ReviewComment.id)).scalar_one()
    response = focal.post(
        f"/reports/{report_id}/comments/{comment_id}/reply", data={"body": "x" * 6000}, follow_redirects=True
    )
    assert "Your answer was not sent" in response.text and "5,000 characters" in response.text


def test_a_forged_entry_id_is_a_bad_request(draft):
    focal, report_id = draft
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    data.update({"entries-0-entry_id": "abc", "save": "1"})
    assert focal.post(f"/reports/{report_id}", data=data).status_code == 400


def test_another_reports_file_cannot_be_claimed(app, people, draft):
    """A real stored name from Serbia's report, sent as Albania's keep_file, is not kept."""
    import io

    focal, albania_report = draft
    serbia = app.test_client()
    log_in(serbia, people["serbia"])
    with app.app_context():
        cycle_id = db.session.execute(select(ReportingCycle.id)).scalar_one()
    serbia_report = start_report(serbia, cycle_id)
    data = form_fields(serbia.get(f"/reports/{serbia_report}").text)
    data.update({"entries-0-evidence-0-title": "Serbian law", "save": "1"})
    data["entries-0-evidence-0-file"] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "rs.pdf")
    assert serbia.post(f"/reports/{serbia_report}", data=data, content_type="multipart/form-data").status_code == 302
    with app.app_context():
        stolen = db.session.execute(select(Evidence.stored_name)).scalar_one()
    mine = form_fields(focal.get(f"/reports/{albania_report}").text)
    mine.update({"entries-0-evidence-0-title": "Claimed", "entries-0-evidence-0-keep_file": stolen, "save": "1"})
    assert focal.post(f"/reports/{albania_report}", data=mine).status_code == 302
    with app.app_context():
        claimed = db.session.execute(select(Evidence).where(Evidence.title == "Claimed")).scalar_one()
        assert claimed.stored_name is None
