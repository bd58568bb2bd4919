"""The National Plan of Action pages: the focal point's (view, upload, edit, submit), the secretariat's
review, and the public plan page, through the test client on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, log_in
from tests.plans.common import EXAMPLE_TITLE, example_for
from tests.test_csrf import token_from
from tests.test_workflow import actor
from tracker.extensions import db
from tracker.models import Country, NationalPlan, ReportState
from tracker.plans import assess_quality, coverage
from tracker.queries import current_framework
from tracker.services.plans import accept_plan, import_plan, plan_of, submit_plan

AL_PLAN = example_for("AL")
AL_TITLE = EXAMPLE_TITLE


def country_id(code: str) -> int:
    return db.session.execute(select(Country.id).where(Country.code == code)).scalar_one()


def draft(app, source: str = AL_PLAN, *, state: str = "draft") -> int:
    """Albania's plan, imported and taken to ``state`` through the services; its id."""
    with app.app_context():
        record = import_plan(country_id("AL"), source, actor("albania"), source_name="AL.yaml")
        if state in ("submitted", "accepted"):
            submit_plan(record.id, record.version, actor("albania"))
        if state == "accepted":
            accept_plan(record.id, actor("secretariat"))
        return record.id


def stored(app, plan_id: int) -> NationalPlan:
    with app.app_context():
        record = db.session.get(NationalPlan, plan_id)
        db.session.expunge(record)
        return record


def plan_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(NationalPlan)).scalar_one()


def activity_form(plan_id: int, version: int, **changes: str) -> dict[str, str | list[str]]:
    """The form of activity act-1-2 as the page fills it, with ``changes``."""
    data: dict[str, str | list[str]] = {
        "version": str(version),
        "objective": "obj-1",
        "id": "act-1-2",
        "title": "Make trafficking in human beings a separate offence in the Criminal Code",
        "responsible": "Ministry of Justice",
        "deadline": "2002-12",
        "funding_source": "State budget",
        "commitments": ["PAL-2C"],
        "indicators-0-name": "Amendment adopted by Parliament",
    }
    data.update(changes)
    return data


@pytest.fixture
def albania(client, people):
    log_in(client, people["albania"])
    return client


# ----------------------------------------------------------------------------- scoping
def test_a_focal_point_sees_and_edits_only_its_own_countrys_plan(app, client, people):
    plan_id = draft(app)
    log_in(client, people["serbia"])
    assert client.get(f"/reports/plan/{plan_id}").status_code == 404
    assert client.get(f"/reports/plan/{plan_id}/details").status_code == 404
    assert client.get(f"/reports/plan/{plan_id}/export.yaml").status_code == 404
    version = stored(app, plan_id).version
    response = client.post(f"/reports/plan/{plan_id}/details", data={"version": str(version), "title": "Serbian"})
    assert response.status_code == 404
    assert client.post(f"/reports/plan/{plan_id}/submit", data={"version": str(version)}).status_code == 404
    assert stored(app, plan_id).state is ReportState.DRAFT and stored(app, plan_id).title == AL_TITLE
    own = client.get("/reports/plan")  # Serbia has none: the page explains and offers to start one
    assert own.status_code == 200 and "has no National Plan of Action" in own.text and AL_TITLE not in own.text

    client.post("/logout")
    log_in(client, people["albania"])
    page = client.get("/reports/plan")
    assert page.status_code == 200 and AL_TITLE in page.text and "Submit for review" in page.text
    assert client.get(f"/reports/plan/{plan_id}/export.yaml").text == stored(app, plan_id).source
    assert client.get("/review/plans/").status_code == 403


def test_the_figures_on_the_pages_are_those_of_the_quality_check_and_coverage(app, albania):
    plan_id = draft(app, state="accepted")
    with app.app_context():
        plan = plan_of(db.session.get(NationalPlan, plan_id))
        quality = assess_quality(plan)
        covered = coverage(plan, current_framework().applicable_commitments("AL"))
    assert (quality.score, covered.covered_count, len(covered.rows)) == (89, 11, 20)  # the example's figures
    for page in (albania.get("/reports/plan").text, albania.get("/countries/AL/plan").text):
        assert f"Quality score {quality.score} out of 100" in page
        assert f"covers <strong>{covered.covered_count} of {len(covered.rows)}</strong>" in page
        assert f"({covered.percent}%)" in page
        assert page.count("No activity</strong>") == len(covered.uncovered)
        for result in quality.results:
            assert f"{result.met} of {result.total}" in page
    country_page = albania.get("/countries/AL/").text
    assert f"Quality score <strong>{quality.score}/100</strong>" in country_page
    assert f"covers <strong>{covered.covered_count} of {len(covered.rows)}</strong>" in country_page


# ----------------------------------------------------------------------------- upload
def test_an_upload_with_an_error_lists_it_at_its_line_and_stores_nothing(app, albania):
    broken = AL_PLAN.replace('deadline: "2002-12"', 'deadline: "2002-13"', 1)
    line = next(n for n, text in enumerate(broken.splitlines(), start=1) if '"2002-13"' in text)
    response = albania.post(
        "/reports/plan/upload",
        data={"file": (__import__("io").BytesIO(broken.encode()), "AL.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert re.search(rf"AL\.yaml:{line}:\d+: ", response.text), response.text
    assert "2002-13" in response.text and "nothing was stored" in response.text.lower()
    assert plan_count(app) == 0

    good = albania.post(
        "/reports/plan/upload",
        data={"file": (__import__("io").BytesIO(AL_PLAN.encode()), "AL.yaml")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302 and plan_count(app) == 1


def test_a_plan_is_started_from_the_minimal_form(app, albania):
    typed = {"title": "Plan against trafficking", "status": "adopted", "adopted": "", "objective_title": "Laws"}
    refused = albania.post("/reports/plan/start", data={**typed, "activity_title": "A law", "responsible": "Ministry"})
    assert refused.status_code == 400 and plan_count(app) == 0
    assert 'value="Plan against trafficking"' in refused.text  # typed values kept
    assert "at least one is needed" in refused.text  # no commitment ticked
    refused = albania.post(
        "/reports/plan/start",
        data={**typed, "activity_title": "A law", "responsible": "Ministry", "commitments": "PAL-2C"},
    )
    assert refused.status_code == 400 and "needs its adoption date" in refused.text and plan_count(app) == 0

    started = albania.post(
        "/reports/plan/start",
        data={
            **typed,
            "adopted": "2003-02",
            "activity_title": "A law",
            "responsible": "Ministry",
            "commitments": "PAL-2C",
        },
    )
    assert started.status_code == 302 and plan_count(app) == 1
    with app.app_context():
        record = db.session.execute(select(NationalPlan)).scalar_one()
        assert plan_of(record).objectives[0].activities[0].commitments == ("PAL-2C",)


# ----------------------------------------------------------------------------- edits
def test_an_edit_that_makes_the_plan_invalid_keeps_the_typed_values_and_stores_nothing(app, albania):
    plan_id = draft(app)
    before = stored(app, plan_id)
    response = albania.post(
        f"/reports/plan/{plan_id}/activities/act-1-2",
        data=activity_form(plan_id, before.version, title="Typed title to keep", deadline="2002-13"),
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.text and "is not a real date" in response.text
    assert 'value="Typed title to keep"' in response.text and 'value="2002-13"' in response.text
    after = stored(app, plan_id)
    assert (after.source, after.version) == (before.source, before.version)

    duplicate = albania.post(
        f"/reports/plan/{plan_id}/activities/act-1-2", data=activity_form(plan_id, before.version, id="act-1-1")
    )
    assert duplicate.status_code == 400 and "duplicate activity id" in duplicate.text
    assert stored(app, plan_id).source == before.source


def test_an_activity_edit_is_saved_whole(app, albania):
    plan_id = draft(app)
    version = stored(app, plan_id).version
    response = albania.post(
        f"/reports/plan/{plan_id}/activities/act-1-2",
        data=activity_form(
            plan_id,
            version,
            objective="obj-2",
            budget_amount="12000",
            budget_currency="EUR",
            commitments=["PAL-2C", "PAL-2E"],
            **{"indicators-0-name": "Amendment adopted", "indicators-0-target": "2002", "indicators-1-name": "Cases"},
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        plan = plan_of(db.session.get(NationalPlan, plan_id))
    moved = next(a for a in plan.objectives[1].activities if a.id == "act-1-2")  # moved to obj-2, at its end
    assert plan.objectives[1].activities[-1] is moved
    assert (moved.budget.amount, moved.budget.currency, moved.commitments) == (12000, "EUR", ("PAL-2C", "PAL-2E"))
    assert [(i.name, i.target) for i in moved.indicators] == [("Amendment adopted", "2002"), ("Cases", None)]
    assert "act-1-2" not in [a.id for a in plan.objectives[0].activities]


def test_a_stale_edit_is_refused_with_409_and_keeps_what_was_typed(app, albania):
    plan_id = draft(app)
    opened = stored(app, plan_id).version
    first = albania.post(
        f"/reports/plan/{plan_id}/details",
        data={"version": str(opened), "title": "First title", "status": "adopted", "adopted": "2001-12"},
    )
    assert first.status_code == 302
    second = albania.post(
        f"/reports/plan/{plan_id}/details",
        data={"version": str(opened), "title": "Second title", "status": "adopted", "adopted": "2001-12"},
    )
    assert second.status_code == 409
    assert "Someone else saved this plan" in second.text and 'value="Second title"' in second.text
    assert stored(app, plan_id).title == "First title"


def test_objectives_are_added_renamed_and_removed(app, albania):
    plan_id = draft(app)
    version = stored(app, plan_id).version
    added = albania.post(
        f"/reports/plan/{plan_id}/objectives/new",
        data={
            **activity_form(plan_id, version, id="act-5-1", title="Hotline"),
            "objective_id": "obj-5",
            "objective_title": "Helplines",
        },
    )
    assert added.status_code == 302
    version = stored(app, plan_id).version
    clash = albania.post(
        f"/reports/plan/{plan_id}/objectives/obj-5",
        data={"version": str(version), "objective_id": "obj-1", "objective_title": "Helplines"},
    )
    assert clash.status_code == 400 and "duplicate objective id" in clash.text
    renamed = albania.post(
        f"/reports/plan/{plan_id}/objectives/obj-5",
        data={"version": str(version), "objective_id": "obj-5", "objective_title": "Telephone helplines"},
    )
    assert renamed.status_code == 302
    with app.app_context():
        assert plan_of(db.session.get(NationalPlan, plan_id)).objectives[-1].title == "Telephone helplines"
    removed = albania.post(
        f"/reports/plan/{plan_id}/objectives/obj-5/remove", data={"version": str(stored(app, plan_id).version)}
    )
    assert removed.status_code == 302
    with app.app_context():
        assert [o.id for o in plan_of(db.session.get(NationalPlan, plan_id)).objectives][-1] == "obj-4"


# ----------------------------------------------------------------------------- review, with CSRF on
def test_submit_return_resubmit_and_accept_through_the_pages_with_csrf_tokens(app, people):
    app.config["WTF_CSRF_ENABLED"] = True
    plan_id = draft(app)
    focal, staff = app.test_client(), app.test_client()
    for client, who in ((focal, "albania"), (staff, "secretariat")):
        token = token_from(client.get("/login").text)
        assert (
            client.post("/login", data={"email": people[who], "password": PASSWORD, "csrf_token": token}).status_code
            == 302
        )

    page = focal.get("/reports/plan").text
    version = stored(app, plan_id).version
    assert focal.post(f"/reports/plan/{plan_id}/submit", data={"version": str(version)}).status_code == 400  # no token
    response = focal.post(
        f"/reports/plan/{plan_id}/submit", data={"version": str(version), "csrf_token": token_from(page)}
    )
    assert response.status_code == 302 and stored(app, plan_id).state is ReportState.SUBMITTED

    assert "1 to review" in staff.get("/review/").text  # the review queue counts plans waiting
    listing = staff.get("/review/plans/")
    assert listing.status_code == 200 and "Albania" in listing.text and f"/review/plans/{plan_id}" in listing.text
    review = staff.get(f"/review/plans/{plan_id}").text
    assert "Accept the plan" in review and "Return for revision" in review
    token = token_from(review)
    no_comment = staff.post(
        f"/review/plans/{plan_id}", data={"csrf_token": token, "return-submit": "1", "return-comment": ""}
    )
    assert no_comment.status_code == 400 and stored(app, plan_id).state is ReportState.SUBMITTED
    returned = staff.post(
        f"/review/plans/{plan_id}",
        data={"csrf_token": token, "return-submit": "1", "return-comment": "Name a funding source for act-2-2."},
    )
    assert returned.status_code == 302 and stored(app, plan_id).state is ReportState.RETURNED
    assert "Name a funding source for act-2-2." in focal.get(f"/reports/plan/{plan_id}").text
    assert "Returned by the secretariat with a comment to answer." in focal.get("/reports/").text

    page = focal.get(f"/reports/plan/{plan_id}").text
    assert "Resubmit for review" in page
    resubmit = {"version": str(stored(app, plan_id).version), "csrf_token": token_from(page)}
    assert focal.post(f"/reports/plan/{plan_id}/submit", data=resubmit).status_code == 302
    # the reviewer sees what they had asked for beside the resubmitted plan
    again = staff.get(f"/review/plans/{plan_id}").text
    assert "you had returned it with this comment" in again and "Name a funding source for act-2-2." in again
    assert staff.post(f"/review/plans/{plan_id}", data={"accept-submit": "1"}).status_code == 400  # no token
    # a login older than the recent-login window must confirm the password, as for accepting a report
    with staff.session_transaction() as session:
        session["authenticated_at"] = session["authenticated_at"] - 24 * 3600
    review = staff.get(f"/review/plans/{plan_id}").text
    asked = staff.post(f"/review/plans/{plan_id}", data={"csrf_token": token_from(review), "accept-submit": "1"})
    assert asked.status_code == 302 and asked.headers["Location"] == "/reauthenticate"
    prompt = staff.get("/reauthenticate").text
    assert "Enter your password to accept the plan of Albania." in prompt
    wrong = staff.post("/reauthenticate", data={"csrf_token": token_from(prompt), "password": "not it"})
    assert "Nothing was done yet" in wrong.text
    assert stored(app, plan_id).state is ReportState.SUBMITTED
    accepted = staff.post("/reauthenticate", data={"csrf_token": token_from(prompt), "password": PASSWORD})
    assert accepted.status_code == 302 and accepted.headers["Location"] == f"/review/plans/{plan_id}"
    assert stored(app, plan_id).state is ReportState.ACCEPTED
    assert "Amend the plan" in focal.get("/reports/plan").text


def test_an_amendment_shows_the_secretariat_what_changed(app, albania, people):
    plan_id = draft(app, state="accepted")
    page = albania.get("/reports/plan")
    assert albania.post(f"/reports/plan/{plan_id}/amend", data={"version": "1"}).status_code == 302
    with app.app_context():
        amendment = db.session.execute(select(NationalPlan).where(NationalPlan.amends_id == plan_id)).scalar_one()
        amendment_id, version = amendment.id, amendment.version
    assert page.status_code == 200
    assert (
        albania.post(
            f"/reports/plan/{amendment_id}/activities/act-4-4/remove", data={"version": str(version)}
        ).status_code
        == 302
    )
    albania.post("/logout")
    log_in(albania, people["secretariat"])
    review = albania.get(f"/review/plans/{amendment_id}").text
    assert "Changes against revision 1" in review and "Activities removed: <code>act-4-4</code>" in review


# ----------------------------------------------------------------------------- public
def test_the_public_sees_only_the_accepted_plan(app, client, people):
    assert client.get("/countries/AL/plan").status_code == 404
    assert 'id="plan-card-title"' not in client.get("/countries/AL/").text  # the baseline may name real plans
    plan_id = draft(app, AL_PLAN.replace(AL_TITLE, "Secret draft title"))
    for state in ("draft", "submitted"):
        if state == "submitted":
            with app.app_context():
                submit_plan(plan_id, stored(app, plan_id).version, actor("albania"))
        assert client.get("/countries/AL/plan").status_code == 404
        assert client.get("/countries/AL/plan.yaml").status_code == 404
        for path in ("/countries/AL/", "/countries/", "/commitments/PAL-2C/", "/methodology/", "/data/"):
            assert "Secret draft title" not in client.get(path).text, path

    with app.app_context():
        accept_plan(plan_id, actor("secretariat"))
    # the page cache is keyed on the public state: the acceptance must show at once
    page = client.get("/countries/AL/plan")
    assert page.status_code == 200 and "Secret draft title" in page.text
    assert "Illustrative example —" not in page.text  # imported as a real plan: no banner
    assert "See the plan" in client.get("/countries/AL/").text
    assert client.get("/countries/AL/plan.yaml").text == stored(app, plan_id).source
    assert "AL-national-plan-rev1.yaml" in client.get("/data/").text  # listed with the open data

    # an amendment in progress stays private; the accepted revision stays public
    log_in(client, people["albania"])
    client.post(f"/reports/plan/{plan_id}/amend", data={"version": "1"})
    with app.app_context():
        amendment = db.session.execute(select(NationalPlan).where(NationalPlan.amends_id == plan_id)).scalar_one()
        amendment_id, version = amendment.id, amendment.version
    edited = client.post(
        f"/reports/plan/{amendment_id}/details",
        data={"version": str(version), "title": "Amended title", "status": "adopted", "adopted": "2001-12"},
    )
    assert edited.status_code == 302
    client.post("/logout")
    assert "Amended title" not in client.get("/countries/AL/plan").text
    assert "Amended title" not in client.get("/countries/AL/").text
    data_page = client.get("/data/").text
    assert "AL-national-plan-rev1.yaml" in data_page and "rev2" not in data_page


def test_an_illustrative_plan_carries_the_banner_everywhere(app, client, people):
    with app.app_context():
        record = import_plan(country_id("AL"), AL_PLAN, actor("albania"), illustrative=True)
        submit_plan(record.id, record.version, actor("albania"))
        accept_plan(record.id, actor("secretariat"))
    banner = "Illustrative example — not the country's real plan"
    assert banner in client.get("/countries/AL/plan").text
    assert banner in client.get("/countries/AL/").text
    log_in(client, people["albania"])
    assert banner in client.get("/reports/plan").text
