"""The progress form and the review pages, through HTTP as the people who use them."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, log_in
from tracker.extensions import db
from tracker.models import Entry, Report, ReportingCycle, ReportState

CYCLE_FORM = {
    "name": "2003 review",
    "period_start": "2003-01-01",
    "period_end": "2003-12-31",
    "opens_on": "2000-01-01",
    "due_on": "2099-03-31",
}


@pytest.fixture
def cycle_id(app, people):
    staff = app.test_client()
    log_in(staff, people["secretariat"])
    response = staff.post("/review/cycles", data=CYCLE_FORM)
    assert response.status_code == 302, response.text
    with app.app_context():
        return db.session.execute(select(ReportingCycle.id)).scalar_one()


@pytest.fixture
def focal(app, people):
    client = app.test_client()
    log_in(client, people["albania"])
    return client


@pytest.fixture
def staff(app, people):
    client = app.test_client()
    log_in(client, people["secretariat"])
    return client


def start(focal, cycle_id) -> int:
    response = focal.post(f"/reports/cycles/{cycle_id}/start")
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


class _FormReader(HTMLParser):
    """Reads the fields of the progress form as a browser would send them unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if attributes.get("form"):  # reply boxes belong to other forms
            return
        if tag == "input" and name and attributes.get("type") not in ("submit", "file"):
            self.fields[name] = attributes.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.fields[name] = ""
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields[self._select] = attributes.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(page: str) -> dict[str, str]:
    """The progress form's fields (inputs, selected options, textarea text) as they stand on the page."""
    start = page.rindex("<form", 0, page.index('id="report-form"'))
    reader = _FormReader()
    reader.feed(page[start : page.index("</form>", start)])
    # a browser drops the newline that opens a textarea's content
    return {name: value.removeprefix("\r\n").removeprefix("\n") for name, value in reader.fields.items()}


def filled(page: str, status: str = "in-progress") -> dict[str, str]:
    data = form_fields(page)
    for name in list(data):
        if name.endswith("-reported_status"):
            data[name] = status
            prefix = name.removesuffix("-reported_status")
            data[f"{prefix}-narrative"] = "Done: <script>alert('x')</script>"
            data[f"{prefix}-evidence-0-title"] = "Official Gazette 12/2003"
            data[f"{prefix}-evidence-0-url"] = "https://example.org/gazette"
    return data


def test_dashboard_lists_the_cycle_and_starts_a_report(focal, cycle_id):
    page = focal.get("/reports/").text
    assert "2003 review" in page and "Not started" in page and "Start report" in page
    report_id = start(focal, cycle_id)
    assert "Draft" in focal.get("/reports/").text
    assert focal.get(f"/reports/{report_id}").status_code == 200


def test_draft_saves_anything_and_submit_shows_every_problem(app, focal, cycle_id):
    report_id = start(focal, cycle_id)
    page = focal.get(f"/reports/{report_id}").text
    data = form_fields(page)
    data["entries-0-reported_status"] = "fully-implemented"
    data["entries-0-narrative"] = "A draft sentence."
    data["save"] = "1"
    assert focal.post(f"/reports/{report_id}", data=data).status_code == 302
    page = focal.get(f"/reports/{report_id}").text
    assert "A draft sentence." in page
    data = form_fields(page)
    data["send"] = "1"
    refused = focal.post(f"/reports/{report_id}", data=data)
    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert "needs at least one item of evidence" in refused.text
    assert "Choose an implementation status." in refused.text
    with app.app_context():
        assert db.session.get(Report, report_id).state is ReportState.DRAFT


def test_the_loop_through_the_pages(app, focal, staff, people, cycle_id):
    report_id = start(focal, cycle_id)
    data = filled(focal.get(f"/reports/{report_id}").text)
    data["send"] = "1"
    assert focal.post(f"/reports/{report_id}", data=data).status_code == 302
    assert "Albania" in staff.get("/review/").text
    review = staff.get(f"/review/reports/{report_id}").text
    assert "&lt;script&gt;" in review and "<script>alert" not in review
    with app.app_context():
        first = (
            db.session.execute(select(Entry.id).where(Entry.report_id == report_id).order_by(Entry.position))
            .scalars()
            .first()
        )
    returned = staff.post(
        f"/review/reports/{report_id}",
        data={f"comment-{first}": "Which article?", "return-general": "Add the 2003 figures.", "return-submit": "1"},
    )
    assert returned.status_code == 302
    page = focal.get(f"/reports/{report_id}").text
    assert "Which article?" in page and "Add the 2003 figures." in page
    assert "1" in focal.get("/reports/").text  # one open comment on the dashboard
    comment_id = int(re.search(r'id="reply-(\d+)"', page).group(1))
    assert (
        focal.post(f"/reports/{report_id}/comments/{comment_id}/reply", data={"body": "Article 4."}).status_code == 302
    )
    data = filled(focal.get(f"/reports/{report_id}").text, "substantially-implemented")
    data["send"] = "1"
    assert focal.post(f"/reports/{report_id}", data=data).status_code == 302
    with staff.session_transaction() as session:
        session["authenticated_at"] = time.time() - 3600  # logged in an hour ago: accepting asks again
    accept = {f"assessed-{first}": "in-progress", "accept-submit": "1", "accept-confirm": "y"}
    asked = staff.post(f"/review/reports/{report_id}", data=accept)
    assert asked.status_code == 302 and asked.headers["Location"] == "/reauthenticate"  # its own page, at the top
    assert "Enter your password to accept the report of Albania." in staff.get("/reauthenticate").text
    accepted = staff.post("/reauthenticate", data={"password": PASSWORD})
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/review/"
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.state is ReportState.ACCEPTED
        assert report.entries[0].assessed_status == "in-progress"
        assert report.entries[1].assessed_status == "substantially-implemented"
    # an accepted report does not change through its form
    locked = focal.post(f"/reports/{report_id}", data={**data, "save": "1"})
    assert "cannot be changed" in locked.text
    with app.app_context():
        assert db.session.get(Report, report_id).entries[0].reported_status == "substantially-implemented"


def test_a_stale_save_gets_409_with_the_text_kept(app, people, focal, cycle_id):
    report_id = start(focal, cycle_id)
    colleague = app.test_client()
    log_in(colleague, people["albania2"])
    mine = form_fields(focal.get(f"/reports/{report_id}").text)
    theirs = form_fields(colleague.get(f"/reports/{report_id}").text)
    theirs["entries-0-narrative"] = "Their words."
    assert colleague.post(f"/reports/{report_id}", data={**theirs, "save": "1"}).status_code == 302
    mine["entries-0-narrative"] = "My careful paragraph."
    conflict = focal.post(f"/reports/{report_id}", data={**mine, "save": "1"})
    assert conflict.status_code == 409
    assert "My careful paragraph." in conflict.text and "Their words." in conflict.text
    with app.app_context():
        assert db.session.get(Report, report_id).entries[0].narrative == "Their words."
    # saving again from the conflict page keeps mine, knowingly
    again = form_fields(conflict.text)
    assert focal.post(f"/reports/{report_id}", data={**again, "save": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Report, report_id).entries[0].narrative == "My careful paragraph."


def test_another_countrys_focal_point_gets_404_everywhere(app, people, focal, cycle_id):
    report_id = start(focal, cycle_id)
    serbia = app.test_client()
    log_in(serbia, people["serbia"])
    assert serbia.get(f"/reports/{report_id}").status_code == 404
    assert serbia.post(f"/reports/{report_id}", data={"save": "1"}).status_code == 404
    assert serbia.post(f"/reports/{report_id}/comments/1/reply", data={"body": "x"}).status_code == 404
    assert serbia.post(f"/reports/{report_id}/amend").status_code == 404
    assert serbia.get(f"/review/reports/{report_id}").status_code == 403


def test_cycle_form_checks_dates(staff, cycle_id):
    response = staff.post("/review/cycles", data={**CYCLE_FORM, "name": "bad", "due_on": "1999-01-01"})
    assert response.status_code == 400
    assert "cannot be due before reporting opens" in response.text
    assert "already a cycle" in staff.post("/review/cycles", data=CYCLE_FORM).text


def test_the_changes_an_amendment_makes_are_shown(app, people, focal, staff, cycle_id):
    report_id = start(focal, cycle_id)
    data = filled(focal.get(f"/reports/{report_id}").text)
    assert focal.post(f"/reports/{report_id}", data={**data, "send": "1"}).status_code == 302
    accepted = staff.post(f"/review/reports/{report_id}", data={"accept-submit": "1", "accept-confirm": "y"})
    assert accepted.status_code == 302
    amended = focal.post(f"/reports/{report_id}/amend")
    amendment_id = int(amended.headers["Location"].rsplit("/", 1)[1])
    page = focal.get(f"/reports/{amendment_id}").text
    assert f"/reports/{report_id}/compare/{amendment_id}" in page
    data = form_fields(page)
    data["entries-0-narrative"] = "Corrected: the law entered into force in 2004."
    data["entries-1-reported_status"] = "fully-implemented"
    assert focal.post(f"/reports/{amendment_id}", data={**data, "save": "1"}).status_code == 302
    diff = focal.get(f"/reports/{report_id}/compare/{amendment_id}")
    assert diff.status_code == 200
    rows = re.findall(r"<tr><td><code>([\w-]+)</code></td><td>([^<]+)</td>", diff.text)
    assert rows == [("PAL-2A", "What was done"), ("PAL-2B", "Status")]
    assert "Corrected: the law entered into force in 2004." in diff.text
    assert staff.get(f"/reports/{report_id}/compare/{amendment_id}").status_code == 200
    serbia = app.test_client()
    log_in(serbia, people["serbia"])
    assert serbia.get(f"/reports/{report_id}/compare/{amendment_id}").status_code == 404


def test_answers_travel_with_the_save_so_no_edit_is_lost(app, focal, staff, cycle_id):
    report_id = start(focal, cycle_id)
    data = filled(focal.get(f"/reports/{report_id}").text)
    assert focal.post(f"/reports/{report_id}", data={**data, "send": "1"}).status_code == 302
    staff.post(f"/review/reports/{report_id}", data={"return-general": "Add the 2003 figures.", "return-submit": "1"})
    page = focal.get(f"/reports/{report_id}").text
    comment_id = int(re.search(r'name="reply-(\d+)"', page).group(1))
    data = form_fields(page)
    data["entries-0-narrative"] = "Revised while answering."
    too_long = focal.post(f"/reports/{report_id}", data={**data, f"reply-{comment_id}": "x" * 5001, "save": "1"})
    assert too_long.status_code == 400 and "under 5,000 characters" in too_long.text
    assert "Revised while answering." in too_long.text  # still on the page
    saved = focal.post(f"/reports/{report_id}", data={**data, f"reply-{comment_id}": "Figures added.", "save": "1"})
    assert saved.status_code == 302
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.entries[0].narrative == "Revised while answering."
        assert [c.body for c in report.comments if c.in_reply_to_id == comment_id] == ["Figures added."]
    assert "Figures added." in focal.get(f"/reports/{report_id}").text
