"""Progress per activity of a National Plan of Action through the pages: the focal point's progress
page, the activities an entry cites on the report form, the secretariat's review, and the explanation
of a commitment's score (public only once the report is accepted and its cycle published)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tests.test_plans_workflow import accepted_albanian_plan
from tests.test_report_pages import form_fields
from tests.test_workflow import AFTER_OPENING, CYCLE, actor, complete
from tracker import services
from tracker.extensions import db
from tracker.models import ActivityCitation, ActivityProgress, Report
from tracker.services.plans import ProgressInput, save_progress

MEETINGS = "p.act-1-1.value.Committee meetings held"


@pytest.fixture
def report_id(app, people):
    """An Albanian draft report in a fresh cycle, with Albania's plan accepted."""
    with app.app_context():
        accepted_albanian_plan()
        cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
        return services.start_report(cycle.id, actor("albania"), today=AFTER_OPENING).id


@pytest.fixture
def focal(app, people):
    client = app.test_client()
    log_in(client, people["albania"])
    return client


def version(app, report_id: int) -> str:
    with app.app_context():
        return str(db.session.get(Report, report_id).version)


def saved_progress(app, report_id: int) -> dict[str, tuple]:
    with app.app_context():
        rows = db.session.execute(select(ActivityProgress).where(ActivityProgress.report_id == report_id)).scalars()
        return {r.activity: (r.status, r.indicator_values, r.evidence_url, r.note) for r in rows}


# ----------------------------------------------------------------------------- the progress page
def test_the_progress_page_saves_and_shows_it_again(app, focal, report_id):
    page = focal.get(f"/reports/{report_id}/plan")
    assert page.status_code == 200
    assert "Appoint a national anti-trafficking co-ordinator" in page.text
    assert 'name="p.act-1-1.status"' in page.text and f'name="{MEETINGS}"' in page.text
    assert "0 of 13 activities reported on" in page.text

    response = focal.post(
        f"/reports/{report_id}/plan",
        data={
            "version": version(app, report_id),
            "p.act-1-1.status": "completed",
            MEETINGS: "5",
            "p.act-1-1.evidence": "https://example.org/decision.pdf",
            "p.act-1-1.note": "Met five times.",
            "p.act-1-2.status": "under-way",
            "p.act-1-3.status": "",
        },
    )
    assert response.status_code == 302, response.text
    assert saved_progress(app, report_id) == {
        "act-1-1": (
            "completed",
            {"Committee meetings held": "5"},
            "https://example.org/decision.pdf",
            "Met five times.",
        ),
        "act-1-2": ("under-way", {}, None, None),
    }
    again = focal.get(f"/reports/{report_id}/plan").text
    assert "2 of 13 activities reported on" in again
    assert f'name="{MEETINGS}" value="5"' in again
    assert re.search(r'<option value="completed" selected>', again)
    assert "Met five times." in again
    report_page = focal.get(f"/reports/{report_id}").text
    assert "National Plan of Action: 2 of 13 activities reported on" in report_page
    assert f'href="/reports/{report_id}/plan"' in report_page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("p.act-1-2.status", "done-ish", "is not a progress status"),
        ("p.act-1-2.value.Invented indicator", "3", "indicator the activity does not have"),
        ("p.act-1-2.evidence", "javascript:alert(1)", "must be a web address"),
    ],
    ids=["bad status", "unknown indicator", "script link"],
)
def test_bad_progress_is_refused_whole_keeping_what_was_typed(app, focal, report_id, field, value, message):
    data = {
        "version": version(app, report_id),
        "p.act-1-1.status": "completed",
        MEETINGS: "4 so far",
        "p.act-1-2.status": "under-way",
        "p.act-1-2.note": "Typed note, kept",
        field: value,
    }
    response = focal.post(f"/reports/{report_id}/plan", data=data)
    assert response.status_code == 400
    assert "There is a problem" in response.text and message in response.text
    assert 'href="#activity-act-1-2"' in response.text  # the summary links to the activity
    assert f'name="{MEETINGS}" value="4 so far"' in response.text
    assert "Typed note, kept" in response.text
    if field.endswith("evidence"):
        assert 'value="javascript:alert(1)"' in response.text  # shown back in the field, never as a link
        assert 'href="javascript:' not in response.text
    assert saved_progress(app, report_id) == {}  # nothing stored, not even the good activity


def test_a_stale_version_gets_409_and_keeps_the_typed_progress(app, focal, report_id):
    old = version(app, report_id)
    with app.app_context():
        save_progress(report_id, int(old), {"act-1-3": ProgressInput(status="delayed")}, actor("albania2"))
    response = focal.post(
        f"/reports/{report_id}/plan",
        data={"version": old, "p.act-1-1.status": "completed", MEETINGS: "6"},
    )
    assert response.status_code == 409
    assert "Someone else saved this report" in response.text
    assert f'name="{MEETINGS}" value="6"' in response.text
    assert set(saved_progress(app, report_id)) == {"act-1-3"}
    # the form now carries the current version: saving again overwrites, knowingly
    assert f'name="version" type="hidden" value="{version(app, report_id)}"' in response.text


def test_another_countrys_report_does_not_exist_and_a_sent_report_is_read_only(app, people, focal, report_id):
    serbia = app.test_client()
    log_in(serbia, people["serbia"])
    assert serbia.get(f"/reports/{report_id}/plan").status_code == 404
    assert serbia.post(f"/reports/{report_id}/plan", data={"version": "1"}).status_code == 404

    with app.app_context():
        save_progress(
            report_id, int(version(app, report_id)), {"act-1-1": ProgressInput(status="under-way")}, actor("albania")
        )
        report = db.session.get(Report, report_id)
        services.save_draft(report_id, report.version, complete(report), actor("albania"))
        services.submit(report_id, report.version, actor("albania"))
    page = focal.get(f"/reports/{report_id}/plan").text
    assert "Save progress" not in page and 'name="p.act-1-1.status"' not in page
    assert "Under way" in page
    response = focal.post(
        f"/reports/{report_id}/plan", data={"version": version(app, report_id), "p.act-1-1.status": "completed"}
    )
    assert "cannot be changed" in response.text
    assert saved_progress(app, report_id)["act-1-1"][0] == "under-way"


def test_without_an_accepted_plan_the_page_explains_what_comes_first(app, people):
    with app.app_context():
        cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
        report_id = services.start_report(cycle.id, actor("serbia"), today=AFTER_OPENING).id
    client = app.test_client()
    log_in(client, people["serbia"])
    page = client.get(f"/reports/{report_id}/plan").text
    assert "once the secretariat has accepted" in page and 'href="/reports/plan"' in page
    assert "can be reported once the secretariat has accepted" in client.get(f"/reports/{report_id}").text
    refused = client.post(f"/reports/{report_id}/plan", data={"version": "1", "p.act-1-1.status": "completed"})
    assert "no accepted National Plan of Action" in refused.text
    assert saved_progress(app, report_id) == {}


# ----------------------------------------------------------------------------- citations on entries
def _entry_prefix(fields: dict[str, str], entry_id: int) -> str:
    return next(name for name, value in fields.items() if name.endswith("-entry_id") and value == str(entry_id))[
        : -len("-entry_id")
    ]


def test_an_entry_shows_the_activities_for_its_commitment_and_its_citations_round_trip(app, focal, report_id):
    with app.app_context():
        save_progress(
            report_id, int(version(app, report_id)), {"act-1-2": ProgressInput(status="delayed")}, actor("albania")
        )
        entries = {e.commitment.code: e.id for e in db.session.get(Report, report_id).entries}
    page = focal.get(f"/reports/{report_id}").text
    assert "Activities of the national plan for <code>PAL-2C</code>" in page
    assert "Make trafficking in human beings a separate offence" in page
    fields = form_fields(page)
    prefix = _entry_prefix(fields, entries["PAL-2C"])
    assert f'name="{prefix}-cited" value="act-1-2"' in page
    assert "Activities of the national plan for <code>PAL-2B</code>" in page  # act-4-1, act-4-2
    assert "PAL-6" in page and "Activities of the national plan for <code>PAL-6</code>" not in page  # none for it

    data = {name: value for name, value in fields.items() if not name.endswith("-cited")}
    data["save"] = "1"
    pal_2b = _entry_prefix(fields, entries["PAL-2B"])
    response = focal.post(
        f"/reports/{report_id}",
        data={**data, f"{prefix}-cited": ["act-1-2"], f"{pal_2b}-cited": ["act-4-1", "act-4-2"]},
    )
    assert response.status_code == 302, response.text
    assert cited(app, entries["PAL-2C"]) == ["act-1-2"] and cited(app, entries["PAL-2B"]) == ["act-4-1", "act-4-2"]
    again = focal.get(f"/reports/{report_id}").text
    assert re.search(rf'name="{prefix}-cited" value="act-1-2" id="[^"]+" checked', again)
    assert "Progress in this report: <span" in again and "Delayed" in again

    fields = form_fields(again)  # untick one: it is no longer cited; the other entry's stay
    data = {name: value for name, value in fields.items() if not name.endswith("-cited")}
    data["save"] = "1"
    response = focal.post(f"/reports/{report_id}", data={**data, f"{pal_2b}-cited": ["act-4-2"]})
    assert response.status_code == 302
    assert cited(app, entries["PAL-2C"]) == [] and cited(app, entries["PAL-2B"]) == ["act-4-2"]

    data["version"] = version(app, report_id)
    forged = focal.post(f"/reports/{report_id}", data={**data, f"{prefix}-cited": ["act-4-2"]})
    assert forged.status_code == 400 and "cites an activity of the plan that does not implement it" in forged.text
    assert cited(app, entries["PAL-2C"]) == []


def cited(app, entry_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(
                select(ActivityCitation.activity).where(ActivityCitation.entry_id == entry_id).order_by("activity")
            ).scalars()
        )


# ----------------------------------------------------------------------------- review and explanations
def _report_with_progress_and_a_citation(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    save_progress(
        report.id,
        report.version,
        {
            "act-1-2": ProgressInput(
                status="under-way",
                indicator_values={"Amendment adopted by Parliament": "first reading passed"},
                evidence_url="https://example.org/first-reading.pdf",
                note="Second reading in spring.",
            ),
            "act-1-1": ProgressInput(status="completed", indicator_values={"Committee meetings held": "6"}),
            "act-4-1": ProgressInput(
                status="under-way", indicator_values={"Places in the centre": "20", "Victims accommodated": "3"}
            ),
            # "Returns assisted" does not say "victims": the plan marks it ``counts_victims``
            "act-4-3": ProgressInput(status="under-way", indicator_values={"Returns assisted": "2"}),
        },
        actor("albania"),
    )
    changes = complete(report)
    entry = next(e for e in report.entries if e.commitment.code == "PAL-2C")
    changes[entry.id] = dataclasses.replace(changes[entry.id], cited_activities=("act-1-2",))
    services.save_draft(report.id, report.version, changes, actor("albania"))
    services.submit(report.id, report.version, actor("albania"))
    return report


def test_the_review_page_shows_cited_activities_and_every_activitys_progress(app, people, report_id):
    with app.app_context():
        _report_with_progress_and_a_citation(report_id)
    staff = app.test_client()
    log_in(staff, people["secretariat"])
    page = staff.get(f"/review/reports/{report_id}").text
    assert "Cites activities of the national plan" in page
    cites = page[page.index("Cites activities of the national plan") :]
    assert "act-1-2" in cites[:600] and "first reading passed" in cites[:900]
    section = page[page.index('id="plan-progress"') :]
    assert "4 of 13 activities reported on" in section
    assert "Second reading in spring." in section and 'href="https://example.org/first-reading.pdf"' in section
    assert "Committee meetings held: <strong>6</strong>" in section
    assert "Victims accommodated: <strong>3</strong>" in section  # the secretariat sees every value
    assert section.count("Not reported") == 9


def test_progress_per_activity_flows_into_a_commitments_explanation_once_published(app, people, client, report_id):
    with app.app_context():
        report = _report_with_progress_and_a_citation(report_id)
        cycle_id = report.cycle_id
    public_path = f"/countries/AL/{cycle_id}/commitment/PAL-2C"
    staff_path = f"/review/scores/{cycle_id}/AL/self-reported/commitment/PAL-2C"
    staff = app.test_client()
    log_in(staff, people["secretariat"])

    # submitted, not accepted, cycle unpublished: the staff explanation shows it, the public has no page
    staff_page = staff.get(staff_path).text
    assert "Activities of the national plan for this commitment" in staff_page
    assert "first reading passed" in staff_page and "Under way" in staff_page
    assert client.get(public_path).status_code == 404

    with app.app_context():
        services.accept(report_id, {}, actor("secretariat"))
    assert client.get(public_path).status_code == 404  # accepted, but the cycle is not published yet
    with app.app_context():
        services.publish_cycle(cycle_id, actor("secretariat"))

    page = client.get(public_path)
    assert page.status_code == 200
    shown = page.text[page.text.index("Activities of the national plan for this commitment") :]
    assert "Make trafficking in human beings a separate offence in the Criminal Code" in shown
    assert "act-1-2" in shown and "Under way" in shown
    assert "Amendment adopted by Parliament: <strong>first reading passed</strong>" in shown
    assert 'href="https://example.org/first-reading.pdf"' in shown
    assert "The entry cites 1 of 1." in shown
    assert "Second reading in spring." not in page.text  # notes are for the secretariat

    # a count of victims in an indicator is never given to the public (it may be a small one)
    pal_2b = client.get(f"/countries/AL/{cycle_id}/commitment/PAL-2B").text
    assert "Places in the centre: <strong>20</strong>" in pal_2b
    assert "Victims accommodated: <span" in pal_2b and "a count of victims, not published here" in pal_2b
    assert not re.search(r"Victims accommodated(?:\s|:|</?[a-z][^>]*>)*3", pal_2b)
    staff_pal_2b = staff.get(f"/review/scores/{cycle_id}/AL/verified/commitment/PAL-2B").text
    assert "Victims accommodated: <strong>3</strong>" in staff_pal_2b
    # (MAP-4's activity, a count of returns, is a contribution to the regional programme since the
    # corrections of the framework: outside the scores, it has no explanation of its own to show)

    # an amendment in the works changes the activity's progress: the public still sees the accepted one
    with app.app_context():
        amendment = services.amend(report_id, actor("albania"))
        save_progress(
            amendment.id,
            amendment.version,
            {
                "act-1-2": ProgressInput(
                    status="completed", indicator_values={"Amendment adopted by Parliament": "DRAFT"}
                )
            },
            actor("albania"),
        )
        services.submit(amendment.id, amendment.version, actor("albania"))
    public_again = client.get(public_path).text
    assert "DRAFT" not in public_again and "first reading passed" in public_again
    staff_again = staff.get(staff_path).text
    assert "DRAFT" in staff_again and "Completed" in staff_again  # staff see the submitted amendment


def test_a_commitment_no_activity_implements_shows_no_plan_section(app, people, client, report_id):
    with app.app_context():
        report = _report_with_progress_and_a_citation(report_id)
        services.accept(report_id, {}, actor("secretariat"))
        services.publish_cycle(report.cycle_id, actor("secretariat"))
        cycle_id = report.cycle_id
        assert "PAL-6" in {e.commitment.code for e in db.session.get(Report, report_id).entries}
    page = client.get(f"/countries/AL/{cycle_id}/commitment/PAL-6")
    assert page.status_code == 200 and "Activities of the national plan" not in page.text
    overall = client.get(f"/countries/AL/{cycle_id}/overall/all")
    assert overall.status_code == 200 and "Activities of the national plan" not in overall.text


def test_a_plan_accepted_after_a_report_is_not_shown_against_it(app, people, client):
    """A report accepted before the country had a plan gave no progress: its explanations stay as they were."""
    with app.app_context():
        cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
        report = services.start_report(cycle.id, actor("albania"), today=AFTER_OPENING)
        services.save_draft(report.id, report.version, complete(report), actor("albania"))
        services.submit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        services.publish_cycle(cycle.id, actor("secretariat"))
        cycle_id = cycle.id
    path = f"/countries/AL/{cycle_id}/commitment/PAL-2C"
    assert "Activities of the national plan" not in client.get(path).text
    with app.app_context():
        accepted_albanian_plan()  # act-1-2 implements PAL-2C
    page = client.get(path)
    assert page.status_code == 200 and "Activities of the national plan" not in page.text
    staff = app.test_client()
    log_in(staff, people["secretariat"])
    staff_page = staff.get(f"/review/scores/{cycle_id}/AL/verified/commitment/PAL-2C")
    assert staff_page.status_code == 200 and "Activities of the national plan" not in staff_page.text


def test_the_explanation_loads_progress_and_citations_in_a_fixed_number_of_statements(app, people, client, report_id):
    from tests.test_scores import _statements

    with app.app_context():
        report = _report_with_progress_and_a_citation(report_id)
        services.accept(report_id, {}, actor("secretariat"))
        services.publish_cycle(report.cycle_id, actor("secretariat"))
        cycle_id = report.cycle_id
    staff = app.test_client()
    log_in(staff, people["secretariat"])
    counts = []
    for who, path in (
        (client, f"/countries/AL/{cycle_id}/commitment/PAL-2B"),
        (client, f"/countries/AL/{cycle_id}/commitment/PAL-6"),  # no activity implements it
        (staff, f"/review/scores/{cycle_id}/AL/verified/commitment/PAL-2B"),
        (staff, f"/review/scores/{cycle_id}/AL/verified/commitment/PAL-6"),
    ):
        with app.app_context():  # one context per request: the logged-in user is kept on it
            counts.append(_statements(who, path))
    public, without, reviewed, reviewed_without = counts
    assert public <= 10 and reviewed <= 10, counts
    assert (public, reviewed) == (without, reviewed_without)  # the same with activities as without


def test_the_report_pages_stay_within_ten_statements_with_progress_and_citations(app, people, report_id):
    """The same number with progress and citations as without: no statement per activity or entry."""
    from tests.test_scores import _statements

    staff, focal = app.test_client(), app.test_client()
    log_in(staff, people["secretariat"])
    log_in(focal, people["albania"])
    paths = (
        (staff, f"/review/reports/{report_id}"),
        (focal, f"/reports/{report_id}"),
        (focal, f"/reports/{report_id}/plan"),
    )

    def counts() -> list[int]:
        found = []
        for who, path in paths:
            with app.app_context():
                found.append(_statements(who, path))
        return found

    without = counts()
    with app.app_context():
        _report_with_progress_and_a_citation(report_id)  # progress on 4 activities, a citation, submitted
    with_progress = counts()
    assert max(with_progress) <= 10 and with_progress == without, (without, with_progress)
