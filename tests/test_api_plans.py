"""National Plans of Action in the open-data API: the accepted revision only, read as the public plan page reads it."""

from __future__ import annotations

from sqlalchemy import select

from tests.test_api import AL_TITLE, API, Contract, _document, make_plan
from tests.test_scores import _statements, actor
from tracker.caching import page_cache
from tracker.extensions import db
from tracker.models import Country, NationalPlan
from tracker.plans import SCORE_FORMULA, assess_quality, coverage
from tracker.queries import current_framework
from tracker.services.plans import accept_plan, plan_of, submit_plan


def _record(app, plan_id: int) -> NationalPlan:
    with app.app_context():
        record = db.session.get(NationalPlan, plan_id)
        db.session.expunge(record)
        return record


def test_a_draft_or_submitted_plan_is_not_found_and_not_listed(app, client, people):
    with app.app_context():
        plan_id = make_plan("AL", "draft", "Secret draft title")
    contract = Contract(_document(client))
    for state in ("draft", "submitted"):
        if state == "submitted":
            with app.app_context():
                submit_plan(plan_id, _record(app, plan_id).version, actor("albania"))
        response = client.get(f"{API}/countries/AL/plan")
        assert response.status_code == 404, state
        assert response.json["error"] == {
            "status": 404,
            "title": "Page not found",
            "detail": "Albania has no accepted National Plan of Action.",
        }
        contract.validate(f"{API}/countries/AL/plan", response)
        listed = client.get(f"{API}/plans")
        assert listed.json == {"plans": []}, state
        assert "Secret draft title" not in response.text + listed.text

    with app.app_context():
        accept_plan(plan_id, actor("secretariat"))
    # the page cache is keyed on the public state: the acceptance shows at once
    accepted = client.get(f"{API}/countries/AL/plan")
    assert accepted.status_code == 200 and accepted.json["title"] == "Secret draft title"
    assert [p["country"]["code"] for p in client.get(f"{API}/plans").json["plans"]] == ["AL"]


def test_the_fields_are_those_of_the_plan_its_quality_check_and_its_coverage(app, client, people):
    with app.app_context():
        plan_id = make_plan("AL", "accepted")
        make_plan("AL", "draft", "Amendment in progress")  # revision 2: not shown
        record = db.session.get(NationalPlan, plan_id)
        plan = plan_of(record)
        framework = current_framework()
        quality = assess_quality(plan)
        covered = coverage(plan, framework.applicable_commitments("AL"))
        accepted_at = record.accepted_at.isoformat()
    response = client.get(f"{API}/countries/AL/plan")
    assert response.status_code == 200
    Contract(_document(client)).validate(f"{API}/countries/AL/plan", response)
    body = response.json
    assert "Amendment in progress" not in response.text
    assert {k: body[k] for k in ("country", "revision", "accepted_at", "illustrative", "title", "status")} == {
        "country": {"code": "AL", "name": "Albania"},
        "revision": 1,
        "accepted_at": accepted_at,
        "illustrative": False,
        "title": AL_TITLE,
        "status": "adopted",
    }
    assert (body["adopted"], body["period"], body["document_url"], body["summary"]) == (
        plan.adopted,
        {"start": plan.period.start, "end": plan.period.end},
        plan.document_url,
        plan.summary,
    )
    assert body["links"] == {"self": f"{API}/countries/AL/plan", "yaml": "/countries/AL/plan.yaml"}
    assert client.get(body["links"]["yaml"]).text == record.source

    # objectives and activities, in the plan's order, every field
    assert [(o["id"], o["title"]) for o in body["objectives"]] == [(o.id, o.title) for o in plan.objectives]
    activities = [a for o in body["objectives"] for a in o["activities"]]
    assert [a["id"] for a in activities] == [a.id for a in plan.activities] and len(activities) == 13
    for shown, activity in zip(activities, plan.activities, strict=True):
        assert shown["responsible"] == list(activity.responsible)
        assert shown["commitments"] == list(activity.commitments)
        assert (shown["deadline"], shown["timetable"], shown["funding_source"], shown["description"]) == (
            activity.deadline,
            activity.timetable,
            activity.funding_source,
            activity.description,
        )
        assert shown["budget"] == (
            {"amount": activity.budget.amount, "currency": activity.budget.currency} if activity.budget else None
        )
        assert [(i["name"], i["unit"], i["baseline"], i["target"]) for i in shown["indicators"]] == [
            (i.name, i.unit, i.baseline, i.target) for i in activity.indicators
        ]
    victims = [i for a in activities for i in a["indicators"] if i["counts_victims"]]
    assert len(victims) == 2  # the two the example marks
    assert any(a["budget"] for a in activities) and any(a["budget"] is None for a in activities)
    assert {key for a in activities for key in a} == {  # no progress: that belongs to each cycle's report
        "id",
        "title",
        "description",
        "responsible",
        "deadline",
        "timetable",
        "budget",
        "funding_source",
        "indicators",
        "commitments",
    }

    # the quality check and the coverage, as assess_quality and coverage give them
    assert body["quality"]["score"] == quality.score == 89  # the example's documented figure
    assert body["quality"]["formula"] == SCORE_FORMULA
    assert body["quality"]["criteria"] == [
        {
            "id": r.criterion.id,
            "label": r.criterion.label,
            "scope": r.criterion.scope,
            "met": r.met,
            "total": r.total,
            "failing": list(r.failing),
        }
        for r in quality.results
    ]
    assert any(c["failing"] for c in body["quality"]["criteria"])  # the example misses some on purpose
    shown = body["coverage"]
    assert (shown["covered"], shown["commitments_measured"]) == (covered.covered_count, len(covered.rows)) == (11, 20)
    assert shown["percent"] == covered.percent == 55
    assert shown["uncovered"] == list(covered.uncovered) and len(shown["uncovered"]) == 9
    assert shown["rows"] == [
        {"commitment": r.id, "title": r.title, "activities": list(r.activities)} for r in covered.rows
    ]

    # the list says the same in brief
    listed = client.get(f"{API}/plans")
    Contract(_document(client)).validate(f"{API}/plans", listed)
    assert listed.json["plans"] == [
        {
            "country": {"code": "AL", "name": "Albania"},
            "revision": 1,
            "accepted_at": accepted_at,
            "illustrative": False,
            "title": AL_TITLE,
            "quality_score": 89,
            "coverage": {"covered": 11, "measured": 20, "percent": 55},
            "activity_count": 13,
            "links": {"self": f"{API}/countries/AL/plan", "yaml": "/countries/AL/plan.yaml"},
        }
    ]


def test_an_acceptance_changes_the_response_and_nothing_else_does(app, client, people):
    empty = client.get(f"{API}/plans")
    assert (
        empty.json == {"plans": []} and empty.headers["ETag"] and empty.headers["Cache-Control"] == "public, no-cache"
    )
    unchanged = client.get(f"{API}/plans", headers={"If-None-Match": empty.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""

    with app.app_context():
        make_plan("AL", "submitted")  # under review: nothing public changes
    assert client.get(f"{API}/plans", headers={"If-None-Match": empty.headers["ETag"]}).status_code == 304
    with app.app_context():
        first = db.session.execute(select(NationalPlan.id)).scalar_one()
        accept_plan(first, actor("secretariat"))
    listed = client.get(f"{API}/plans", headers={"If-None-Match": empty.headers["ETag"]})
    assert listed.status_code == 200 and [p["revision"] for p in listed.json["plans"]] == [1]
    assert listed.headers["ETag"] != empty.headers["ETag"] and listed.headers["Last-Modified"]

    detail = client.get(f"{API}/countries/AL/plan")
    assert detail.json["revision"] == 1
    etags = {"If-None-Match": detail.headers["ETag"]}
    assert client.get(f"{API}/countries/AL/plan", headers=etags).status_code == 304
    with app.app_context():
        amendment = make_plan("AL", "submitted", "Second revision")  # revision 2, under review
    assert client.get(f"{API}/countries/AL/plan", headers=etags).status_code == 304
    with app.app_context():
        accept_plan(amendment, actor("secretariat"))
    changed = client.get(f"{API}/countries/AL/plan", headers=etags)
    assert changed.status_code == 200
    assert (changed.json["revision"], changed.json["title"]) == (2, "Second revision")
    assert [(p["revision"], p["title"]) for p in client.get(f"{API}/plans").json["plans"]] == [(2, "Second revision")]


def test_statements_do_not_grow_with_the_number_of_plans(app, client, people):
    paths = (f"{API}/plans", f"{API}/countries/AL/plan")

    def counts() -> list[int]:
        with app.app_context():
            page_cache(app).clear()  # measure the work, not a page served from memory
            return [_statements(client, path) for path in paths]

    with app.app_context():
        make_plan("AL", "accepted")
        client.get(f"{API}/framework")  # the framework is rebuilt once per process, then kept
        one = counts()
        make_plan("MK", "accepted", "North Macedonia's plan", illustrative=True)
        make_plan("RS", "accepted", "Serbia's plan")
        make_plan("RS", "draft", "Serbia's amendment")
        countries = db.session.execute(select(Country.code).order_by(Country.name)).scalars().all()
    several = counts()
    assert one == several and max(several) <= 10, dict(zip(paths, several, strict=True))
    listed = client.get(f"{API}/plans").json["plans"]
    assert [p["country"]["code"] for p in listed] == [c for c in countries if c in {"AL", "MK", "RS"}]
    assert [(p["title"], p["illustrative"]) for p in listed if p["country"]["code"] != "AL"] == [
        ("North Macedonia's plan", True),
        ("Serbia's plan", False),
    ]
