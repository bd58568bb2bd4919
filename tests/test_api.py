"""The open-data API: published data only, every response as its OpenAPI document describes it."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis import GenerationMode
from sqlalchemy import event, select

from tests.plans.common import EXAMPLE_TITLE, example_for
from tests.test_scores import actor, make_cycle
from tracker import services
from tracker.audit import Actor
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import Country, Evidence, Report, ReportingCycle, Role, StoredScore, User
from tracker.services import EntryInput, EvidenceInput
from tracker.services.plans import accept_plan, import_plan, return_plan, submit_plan
from tracker.uploads import StoredFile

API = "/api/v1"
CODES = ["AL", "BA", "BG", "HR", "HU", "MD", "ME", "MK", "RO", "RS", "SI", "TR", "XK"]
LEVELS = ["overall", "instrument", "focus-area", "commitment"]

# Strings that exist only in what the public must never see.
CANARY_CYCLE = "canary-unpublished-cycle-7f3a"
CANARY_SERBIA = "canary-serbia-submitted-narrative-91c2"
CANARY_COMMENT = "canary-reviewer-comment-unpublished-4d8e"
CANARY_COMMENT_PUBLISHED = "canary-reviewer-comment-published-cycle-b61f"
CANARY_ENTRY_COMMENT = "canary-reviewer-entry-comment-e0a9"
CANARY_AMENDMENT = "canary-draft-amendment-narrative-2c7b"
CANARY_AMENDMENT_EVIDENCE = "canary-draft-amendment-evidence-55aa"
CANARY_DRAFT = "canary-bosnia-draft-narrative-0b3d"
CANARY_RETURNED = "canary-albania-returned-narrative-6e1c"
CANARY_STORED_NAME = "canarystoredname0123456789abcdef"
CANARY_PLAN_AMENDMENT = "canary-plan-amendment-title-3f9d"
CANARY_PLAN_SUBMITTED = "canary-plan-submitted-title-8a21"
CANARY_PLAN_DRAFT = "canary-plan-draft-title-c47e"
CANARY_PLAN_RETURNED = "canary-plan-returned-title-19b0"
CANARY_PLAN_COMMENT = "canary-plan-review-comment-e5d3"
CANARIES = [
    CANARY_CYCLE,
    CANARY_SERBIA,
    CANARY_COMMENT,
    CANARY_COMMENT_PUBLISHED,
    CANARY_ENTRY_COMMENT,
    CANARY_AMENDMENT,
    CANARY_AMENDMENT_EVIDENCE,
    CANARY_DRAFT,
    CANARY_RETURNED,
    CANARY_STORED_NAME,
    CANARY_PLAN_AMENDMENT,
    CANARY_PLAN_SUBMITTED,
    CANARY_PLAN_DRAFT,
    CANARY_PLAN_RETURNED,
    CANARY_PLAN_COMMENT,
]
AL_PLAN = example_for("AL")
AL_TITLE = EXAMPLE_TITLE


# ----------------------------------------------------------------------------- seeding
def _opening(cycle_id: int) -> dt.date:
    return db.session.get(ReportingCycle, cycle_id).opens_on + dt.timedelta(days=1)


def _answers(report: Report, status: str, narrative: str, *, upload: bool = False) -> dict[int, EntryInput]:
    framework = services.framework_of(report.cycle)
    answers = {}
    for n, entry in enumerate(report.entries):
        code = entry.commitment.code
        evidence = [  # method 2: implementation evidence and independent corroboration reach the top level
            EvidenceInput(
                title=f"Gazette for {code}",
                url="https://example.org/gazette",
                page="4",
                quote="q",
                kind="implementation",
            ),
            EvidenceInput(title=f"NGO report on {code}", url="https://example.org/ngo", kind="corroboration"),
        ]
        if upload and n == 0:
            evidence.append(
                EvidenceInput(
                    title="Annual report",
                    file=StoredFile(CANARY_STORED_NAME, "annual-report.pdf", "application/pdf", 1234),
                )
            )
        answers[entry.id] = EntryInput(
            reported_status=status,
            narrative=f"{narrative} ({code})",
            responsible="Ministry of Interior",
            start_date=dt.date(2003, 2, 1),
            end_date=dt.date(2003, 11, 30),
            budget_amount=5000,
            budget_currency="EUR",
            evidence=tuple(evidence),
            figures={i: 0 if i == "immediate-deportations" else 7 for i in framework.commitment(code).indicators},
        )
    return answers


def _report(cycle_id: int, who: str, status: str, narrative: str, *, submit: bool = True, upload: bool = False):
    report = services.start_report(cycle_id, actor(who), today=_opening(cycle_id))
    services.save_draft(report.id, report.version, _answers(report, status, narrative, upload=upload), actor(who))
    if submit:
        services.submit(report.id, report.version, actor(who))
    return report


def make_plan(code: str, state: str, title: str | None = None, *, comment: str = "", illustrative: bool = False) -> int:
    """Albania's example plan as ``code``'s (``title`` replacing its title), taken to ``state`` through the
    services (imported from the command line, reviewed by the secretariat); its id. In an app context."""
    source = AL_PLAN.replace("  country: AL\n", f"  country: {code}\n")
    if title is not None:
        source = source.replace(AL_TITLE, title)
    country_id = db.session.execute(select(Country.id).where(Country.code == code)).scalar_one()
    command_line = Actor(None, "command line")
    record = import_plan(country_id, source, command_line, source_name=f"{code}.yaml", illustrative=illustrative)
    if state in ("submitted", "returned", "accepted"):
        submit_plan(record.id, record.version, command_line)
    if state == "returned":
        return_plan(record.id, comment or "Please complete the budgets.", actor("secretariat"))
    if state == "accepted":
        accept_plan(record.id, actor("secretariat"))
    return record.id


@pytest.fixture
def seeded(app, people, password_hash):
    """A published cycle with Albania's accepted report (reported "planned", verified "fully implemented"),
    and everything the public must not see: an unpublished later cycle with Serbia's submitted report,
    Albania's returned one and Bosnia's draft, reviewer comments in both cycles, and a draft amendment
    of Albania's published report. National Plans of Action: Albania's accepted plan with an amendment in
    draft, Serbia's plan under review, Bosnia's draft and North Macedonia's returned plan."""
    with app.app_context():
        with write_transaction(db.session):
            bosnia = db.session.execute(select(Country).where(Country.code == "BA")).scalar_one()
            db.session.add(
                User(
                    email="bosnia@example.org",
                    name="Bosnia",
                    role=Role.FOCAL_POINT,
                    country=bosnia,
                    password_hash=password_hash,
                    session_token=secrets.token_hex(32),
                )
            )
        published_id = make_cycle(2003)
        report = _report(published_id, "albania", "planned", "Published narrative", upload=True)
        first = report.entries[0]
        services.return_for_revision(
            report.id, CANARY_COMMENT_PUBLISHED, {first.id: CANARY_ENTRY_COMMENT}, actor("secretariat")
        )
        services.resubmit(report.id, report.version, actor("albania"))
        services.accept(report.id, {e.id: "fully-implemented" for e in report.entries}, actor("secretariat"))
        services.publish_cycle(published_id, actor("secretariat"))
        first_code = first.commitment.code
        uploaded = db.session.execute(select(Evidence.id).where(Evidence.stored_name == CANARY_STORED_NAME)).scalar()

        amendment = services.amend(report.id, actor("albania"))
        inputs = _answers(amendment, "not-started", CANARY_AMENDMENT)
        inputs = {
            k: EntryInput(
                reported_status=v.reported_status,
                narrative=v.narrative,
                evidence=(EvidenceInput(title=CANARY_AMENDMENT_EVIDENCE),),
            )
            for k, v in inputs.items()
        }
        services.save_draft(amendment.id, amendment.version, inputs, actor("albania"))

        hidden_id = services.create_cycle(
            f"2004 review {CANARY_CYCLE}",
            dt.date(2004, 1, 1),
            dt.date(2004, 12, 31),
            dt.date(2005, 1, 15),
            dt.date(2005, 3, 31),
            actor("secretariat"),
        ).id
        _report(hidden_id, "serbia", "fully-implemented", CANARY_SERBIA)
        returned = _report(hidden_id, "albania", "in-progress", CANARY_RETURNED)
        services.return_for_revision(returned.id, CANARY_COMMENT, {}, actor("secretariat"))
        _report(hidden_id, "bosnia", "planned", CANARY_DRAFT, submit=False)

        make_plan("AL", "accepted")
        make_plan("AL", "draft", CANARY_PLAN_AMENDMENT)  # revision 2
        make_plan("RS", "submitted", CANARY_PLAN_SUBMITTED)
        make_plan("BA", "draft", CANARY_PLAN_DRAFT)
        make_plan("MK", "returned", CANARY_PLAN_RETURNED, comment=CANARY_PLAN_COMMENT)
        return {
            "published": published_id,
            "hidden": hidden_id,
            "first_code": first_code,
            "uploaded_evidence": uploaded,
        }


def _stored_verified(app, cycle_id: int) -> list[dict]:
    with app.app_context():
        rows = db.session.execute(
            select(StoredScore, Country.code)
            .join(Country, StoredScore.country_id == Country.id)
            .where(StoredScore.cycle_id == cycle_id, StoredScore.basis == "verified")
            .order_by(StoredScore.country_id, StoredScore.level, StoredScore.subject)
        ).all()
        return [
            {
                "cycle_id": s.cycle_id,
                "country_code": code,
                "level": s.level,
                "subject": s.subject,
                "state": s.state,
                "score": s.score,
                "rating": s.rating,
                "status": s.status,
                "weight": s.weight,
                "reported": s.reported,
                "applicable": s.applicable,
                "carried_from": s.carried_from,
            }
            for s, code in rows
        ]


# ----------------------------------------------------------------------------- the document
def _document(client) -> dict:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


class Contract:
    """The schema the document declares for each (path, status), with $refs resolved."""

    def __init__(self, document: dict):
        self.document = document
        self.registry = Registry().with_resource("urn:api", Resource(contents=document, specification=DRAFT202012))
        self.templates = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path) for path in document["paths"]
        ]

    def operation_of(self, url: str) -> str:
        path = urlsplit(url).path.removeprefix(API) or "/"
        matches = [template for pattern, template in self.templates if pattern.match(path)]
        assert len(matches) == 1, f"{url} matches {matches} in the document"
        return matches[0]

    def validate(self, url: str, response, body: object = None) -> None:
        """``response`` must be what the document declares for its path and status; ``body`` replaces its JSON."""
        template = self.operation_of(url)
        status = str(response.status_code)
        declared = self.document["paths"][template]["get"]["responses"]
        assert status in declared, f"{url}: status {status} is not documented"
        pointer = "/".join(
            part.replace("~", "~0").replace("/", "~1") for part in ("paths", template, "get", "responses", status)
        )
        if "$ref" in declared[status]:  # a shared response in components/responses
            pointer = declared[status]["$ref"].removeprefix("#/")
        assert response.mimetype == "application/json", url
        schema = {"$ref": f"urn:api#/{pointer}/content/application~1json/schema"}
        validator = Draft202012Validator(schema, registry=self.registry, format_checker=FormatChecker())
        instance = response.json if body is None else body
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]
        assert not errors, f"{url} ({status}) does not match the document:\n" + "\n".join(errors[:10])


def test_the_openapi_document_is_valid(client):
    document = _document(client)
    validate_spec(document)
    assert document["openapi"] == "3.1.0"


def test_the_document_describes_exactly_the_routes(app, client):
    document = _document(client)
    served = {
        re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule).removeprefix(API) or "/"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API + "/")
    }
    assert served == set(document["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/"):
            assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule.rule  # read-only
    for path, item in document["paths"].items():
        assert set(item) == {"get"}, path


# ----------------------------------------------------------------------------- reading everything
def _every_route(client, seeded) -> list[tuple[str, object]]:
    """GET every API address the seeded data offers: each country, scorecard and filter."""
    published_id = seeded["published"]
    urls = [
        f"{API}/",
        f"{API}/openapi.json",
        f"{API}/framework",
        f"{API}/countries",
        f"{API}/cycles",
        f"{API}/scores",
        f"{API}/scores?cycle={published_id}",
        f"{API}/statistics",
        f"{API}/statistics?cycle={published_id}",
        f"{API}/plans",
        f"{API}/countries/AL/plan",
        f"{API}/baseline",
    ]
    urls += [f"{API}/scores?level={level}" for level in LEVELS]
    for code in CODES:
        urls += [
            f"{API}/countries/{code}",
            f"{API}/countries/{code}/scorecard",
            f"{API}/countries/{code}/scorecard?cycle={published_id}",
            f"{API}/countries/{code}/baseline",
            f"{API}/scores?country={code}",
        ]
        urls += [f"{API}/scores?cycle={published_id}&country={code}&level={level}" for level in LEVELS]
    found = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.json)
        found.append((url, response))
    url = f"{API}/scores?limit=100"  # every page of the paginated list
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.json)
        found.append((url, response))
        url = response.json["next"]
    return found


def test_nothing_unpublished_appears_anywhere(client, seeded):
    responses = _every_route(client, seeded)
    for url, response in responses:
        body = response.get_data(as_text=True)
        for canary in CANARIES:
            assert canary not in body, f"{canary} leaked in {url}"
    cycle_ids = set()
    for url, response in responses:
        if "/scores" in url:
            cycle_ids |= {row["cycle_id"] for row in response.json["scores"]}
        if url == f"{API}/cycles":
            assert [c["id"] for c in response.json["cycles"]] == [seeded["published"]]
        if re.search(r"/countries/[A-Z]{2}$", url):
            assert {c["id"] for c in response.json["cycles"]} <= {seeded["published"]}
        if "/scorecard" in url:
            assert response.json["cycle"]["id"] == seeded["published"]
    assert cycle_ids == {seeded["published"]}
    # not even the unpublished cycle's id answers
    for url in (f"{API}/scores?cycle={seeded['hidden']}", f"{API}/countries/RS/scorecard?cycle={seeded['hidden']}"):
        response = client.get(url)
        assert response.status_code == 404
        assert CANARY_CYCLE not in response.get_data(as_text=True)


def test_published_values_appear(app, client, seeded, framework):
    published_id = seeded["published"]
    scores = client.get(f"{API}/scores?cycle={published_id}&limit=5000").json
    groups = [row.pop("comparability_group") for row in scores["scores"]]
    assert scores["scores"] == _stored_verified(app, published_id)  # verified rows, exactly
    for row, group in zip(scores["scores"], groups, strict=True):  # a peer group wherever something applies
        assert (group is None) == (row["state"] == "not-applicable"), row
    with app.app_context():
        albania = db.session.execute(
            select(StoredScore.score, StoredScore.basis)
            .join(Country)
            .where(StoredScore.cycle_id == published_id, Country.code == "AL", StoredScore.level == "overall")
        ).all()
    by_basis = {basis: score for score, basis in albania}
    # the test can tell them apart; "planned" earns nothing under method 2
    assert by_basis["verified"] == 100.0 and by_basis["self-reported"] == 0.0
    overall = client.get(f"{API}/scores?cycle={published_id}&country=AL&level=overall").json["scores"]
    assert [(row["score"], row["rating"], row["state"]) for row in overall] == [(100.0, "advanced", "scored")]
    commitment_scores = client.get(f"{API}/scores?country=AL&level=commitment").json["scores"]
    applicable = {c.id for c in framework.applicable_commitments("AL")}
    assert len(commitment_scores) == len(framework.commitments)  # not-applicable ones too, as such
    assert {row["score"] for row in commitment_scores if row["subject"] in applicable} == {100.0}
    assert {row["state"] for row in commitment_scores if row["subject"] not in applicable} == {"not-applicable"}

    card = client.get(f"{API}/countries/AL/scorecard").json
    assert card["cycle"]["name"] == "2003 review" and card["overall"]["score"] == 100.0
    assert card["overall"]["explanation"]["counted"] and card["overall"]["explanation"]["rules"]
    assert [i["id"] for i in card["instruments"]] == ["palermo-2000", "action-plan-2001", "zagreb-2001", "tirana-2002"]
    assert len(card["focus_areas"]) == 8 and len(card["commitments"]) == len(framework.commitments) == 29
    first = next(c for c in card["commitments"] if c["id"] == seeded["first_code"])
    assert first["status"] == "fully-implemented" and first["score"] == 100.0
    entry = first["entry"]
    assert entry["reported_status"] == "planned" and entry["assessed_status"] == "fully-implemented"
    assert entry["narrative"] == f"Published narrative ({seeded['first_code']})"
    assert entry["responsible"] == "Ministry of Interior" and entry["cycle_id"] == published_id
    assert entry["budget"] == {"amount": 5000, "currency": "EUR"}
    assert entry["evidence"][0] == {
        "title": f"Gazette for {seeded['first_code']}",
        "url": "https://example.org/gazette",
        "page": "4",
        "quote": "q",
        "file": None,
    }
    assert entry["evidence"][2]["file"] == {  # after the gazette and the NGO report
        "file_name": "annual-report.pdf",
        "url": f"/evidence/{seeded['uploaded_evidence']}/file",
    }
    applicable = {c.id for c in framework.applicable_commitments("AL")}
    assert all((c["entry"] is not None) == (c["id"] in applicable) for c in card["commitments"])

    serbia = client.get(f"{API}/countries/RS/scorecard").json  # reported only in the unpublished cycle
    assert serbia["overall"]["state"] == "not-reported" and serbia["overall"]["score"] is None
    assert all(c["entry"] is None for c in serbia["commitments"])
    hungary = client.get(f"{API}/countries/HU/scorecard").json
    palermo = next(i for i in hungary["instruments"] if i["id"] == "palermo-2000")
    assert palermo["state"] == "not-applicable"

    country = client.get(f"{API}/countries/AL").json
    assert country["cycles"] == [
        {
            "id": published_id,
            "name": "2003 review",
            "state": "scored",
            "score": 100.0,
            "rating": "advanced",
            "links": {"scorecard": f"{API}/countries/AL/scorecard?cycle={published_id}"},
        }
    ]
    assert {"instrument": "tirana-2002", "date": "2002-12-11", "basis": "signed", "how": "own"}.items() <= country[
        "signatures"
    ][1].items()
    macedonia = client.get(f"{API}/countries/MK").json
    assert macedonia["former_names"][0]["name"] == "Republic of Macedonia"
    assert macedonia["former_names"][0]["reference"] == "the former Yugoslav Republic of Macedonia"
    serbia = client.get(f"{API}/countries/RS").json
    inherited = next(s for s in serbia["signatures"] if s["instrument"] == "palermo-2000")
    assert (inherited["how"], inherited["through"]) == ("inherited", "Federal Republic of Yugoslavia")
    assert "not assigned by ISO 3166-1" in client.get(f"{API}/countries/XK").json["code_note"]
    cycles = client.get(f"{API}/cycles").json["cycles"]
    assert [(c["name"], c["period_start"], c["period_end"]) for c in cycles] == [
        ("2003 review", "2003-01-01", "2003-12-31")
    ]
    assert dt.datetime.fromisoformat(cycles[0]["published_at"]).tzinfo is not None


def test_the_framework_is_served_in_full(client, framework):
    body = client.get(f"{API}/framework").json
    assert body["version"] == framework.content_hash
    assert [i["id"] for i in body["instruments"]] == [i.id for i in framework.instruments]
    commitment = body["instruments"][0]["commitments"][0]
    expected = framework.instruments[0].commitments[0]
    assert (commitment["id"], commitment["passage"], commitment["weight"]) == (
        expected.id,
        expected.passage,
        expected.weight,
    )
    assert list(commitment["focus_areas"]) == list(expected.focus_areas)
    method = body["methodology"]
    assert [(s["id"], s["points"]) for s in method["status_levels"]] == [
        (s.id, s.points) for s in framework.methodology.status_levels
    ]
    assert method["evidence"]["required_above"] == framework.methodology.evidence.required_above
    assert method["carry_forward"]["enabled"] is framework.methodology.carry_forward.enabled
    assert [b["id"] for b in method["rating_bands"]] == [b.id for b in framework.methodology.rating_bands]
    assert len(method["negative_indicators"]) == len(framework.methodology.negative_indicators)


def test_the_index_links_every_collection(client):
    body = client.get(f"{API}/").json
    for name in ("framework", "countries", "cycles", "scores", "statistics", "plans", "openapi"):
        assert client.get(body["links"][name]).status_code == 200, name


def test_an_accepted_amendment_replaces_the_published_entry(app, client, people):
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = _report(cycle_id, "albania", "planned", "First revision")
        services.accept(report.id, {}, actor("secretariat"))
        services.publish_cycle(cycle_id, actor("secretariat"))
        amendment = services.amend(report.id, actor("albania"))
        inputs = _answers(amendment, "in-progress", "Second revision")
        services.save_draft(amendment.id, amendment.version, inputs, actor("albania"))
        services.submit(amendment.id, amendment.version, actor("albania"))
        amendment_id = amendment.id
    before = client.get(f"{API}/countries/AL/scorecard").get_data(as_text=True)
    assert "First revision" in before and "Second revision" not in before  # submitted: not yet public
    with app.app_context():
        services.accept(amendment_id, {}, actor("secretariat"))
    after = client.get(f"{API}/countries/AL/scorecard").json
    narratives = {c["entry"]["narrative"].split(" (")[0] for c in after["commitments"] if c["entry"]}
    assert narratives == {"Second revision"}
    assert after["overall"]["score"] == 50.0


def test_a_carried_forward_status_shows_the_entry_it_comes_from(app, client, people):
    with app.app_context():
        first, second = make_cycle(2003), make_cycle(2004)
        report = _report(first, "albania", "in-progress", "Said in 2003")
        services.accept(report.id, {}, actor("secretariat"))
        serbia = _report(second, "serbia", "planned", "Serbia in 2004")
        services.accept(serbia.id, {}, actor("secretariat"))
        services.publish_cycle(first, actor("secretariat"))
        services.publish_cycle(second, actor("secretariat"))
    card = client.get(f"{API}/countries/AL/scorecard").json  # the latest published cycle by default
    assert card["cycle"]["id"] == second
    carried = card["commitments"][0]
    assert carried["carried_from"] == "2003 review" and carried["score"] == 50.0
    assert "carried" in {rule["code"] for rule in carried["explanation"]["rules"]}
    assert carried["entry"]["cycle_id"] == first and carried["entry"]["narrative"].startswith("Said in 2003")
    assert [c["id"] for c in client.get(f"{API}/cycles").json["cycles"]] == [second, first]
    assert [(c["id"], c["state"]) for c in client.get(f"{API}/countries/AL").json["cycles"]] == [
        (second, "scored"),
        (first, "scored"),
    ]
    contract = Contract(_document(client))
    for url in (f"{API}/countries/AL/scorecard", f"{API}/countries/AL", f"{API}/countries", f"{API}/scores"):
        contract.validate(url, client.get(url))


def test_scores_paginate_with_a_next_link(client, seeded, framework):
    everything = client.get(f"{API}/scores?limit=5000").json
    per_country = 1 + len(framework.instruments) + len(framework.focus_areas) + len(framework.commitments)
    assert everything["total"] == len(everything["scores"]) == len(CODES) * per_country and everything["next"] is None
    assert client.get(f"{API}/scores").json["limit"] == 1000
    pages, url = [], f"{API}/scores?country=AL&limit=10"
    while url:
        page = client.get(url).json
        pages.append(page)
        url = page["next"]
        if url:
            assert parse_qs(urlsplit(url).query)["country"] == ["AL"]
    assert [len(p["scores"]) for p in pages] == [10, 10, 10, 10, per_country - 40]
    assert [p["offset"] for p in pages] == [0, 10, 20, 30, 40]
    assert [row for p in pages for row in p["scores"]] == client.get(f"{API}/scores?country=AL").json["scores"]
    assert client.get(f"{API}/scores?offset=100000").json["scores"] == []


# ----------------------------------------------------------------------------- errors
ERRORS = [
    ("/countries/ZZ", 404, "There is no country with code ZZ."),
    ("/countries/al", 404, "not a country code"),
    ("/countries/ZZ/scorecard", 404, "There is no country with code ZZ."),
    ("/countries/AL/scorecard?cycle=abc", 400, "cycle must be a whole number from 1 to 2147483647; got 'abc'."),
    ("/countries/AL/scorecard?cycle=999999", 404, "There is no published cycle with id 999999."),
    ("/countries/RS/scorecard?cycle={hidden}", 404, "There is no published cycle with id {hidden}."),
    ("/scores?cycle={hidden}", 404, "There is no published cycle with id {hidden}."),
    ("/scores?cycle=999999", 404, "There is no published cycle with id 999999."),
    ("/scores?cycle=abc", 400, "cycle must be a whole number"),
    ("/scores?cycle=0", 400, "cycle must be a whole number"),
    ("/scores?cycle=-1", 400, "cycle must be a whole number"),
    ("/scores?cycle=1.5", 400, "cycle must be a whole number"),
    ("/scores?cycle=+1", 400, "cycle must be a whole number"),
    ("/scores?cycle=99999999999999999999", 400, "cycle must be a whole number"),
    ("/scores?cycle=%D9%A3", 400, "cycle must be a whole number"),  # an Arabic-Indic three: int() takes it
    ("/scores?country=ZZ", 404, "There is no country with code ZZ."),
    ("/scores?country=al", 400, "not a country code"),
    ("/scores?level=country", 400, "level must be one of overall, instrument, focus-area, commitment"),
    ("/scores?limit=0", 400, "limit must be a whole number from 1 to 5000"),
    ("/scores?limit=5001", 400, "limit must be a whole number from 1 to 5000"),
    ("/scores?offset=-1", 400, "offset must be a whole number"),
    ("/scores?level=overall&level=commitment", 400, "The query parameter level is given more than once."),
    ("/scores?contry=AL", 400, "Unknown query parameter contry"),
    ("/cycles?cycle=1", 400, "Unknown query parameter cycle: this address takes no query parameters."),
    ("/scores?cycle=%00", 400, None),
    # a malformed parameter is named before anything is looked up
    ("/scores?cycle=999999&offset=true", 400, "offset must be a whole number"),
    ("/countries/ZZ/scorecard?cycle=abc", 400, "cycle must be a whole number"),
    # National Plans of Action: only an accepted one exists for the public
    ("/countries/ZZ/plan", 404, "There is no country with code ZZ."),
    ("/countries/al/plan", 404, "not a country code"),
    ("/countries/RS/plan", 404, "Serbia has no accepted National Plan of Action."),  # submitted
    ("/countries/BA/plan", 404, "Bosnia and Herzegovina has no accepted National Plan of Action."),  # draft
    ("/countries/MK/plan", 404, "North Macedonia has no accepted National Plan of Action."),  # returned
    ("/countries/HU/plan", 404, "Hungary has no accepted National Plan of Action."),  # none at all
    ("/countries/AL/plan?revision=2", 400, "Unknown query parameter revision"),
    ("/plans?country=AL", 400, "Unknown query parameter country: this address takes no query parameters."),
]


def test_errors_are_json_and_say_what_is_wrong(client, seeded):
    contract = Contract(_document(client))
    for template, status, says in ERRORS:
        path = API + template.format(hidden=seeded["hidden"])
        response = client.get(path)
        assert response.status_code == status, path
        assert response.mimetype == "application/json", path
        error = response.json["error"]
        assert error["status"] == status and error["title"], path
        if says:
            assert says.format(hidden=seeded["hidden"]) in error["detail"], (path, error)
        contract.validate(path, response)
        for canary in CANARIES:
            assert canary not in response.get_data(as_text=True), (path, canary)
    response = client.get(f"{API}/nowhere")
    assert response.status_code == 404 and response.json["error"]["status"] == 404


def test_the_scorecard_is_not_found_before_anything_is_published(client):
    response = client.get(f"{API}/countries/AL/scorecard")
    assert response.status_code == 404 and response.json["error"]["detail"] == "No cycle is published yet."
    assert client.get(f"{API}/cycles").json == {"cycles": []}
    assert client.get(f"{API}/scores").json["scores"] == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_is_not_allowed(client, method):
    for path in ("/", "/scores", "/countries/AL", "/countries/AL/scorecard", "/plans", "/countries/AL/plan"):
        response = client.open(API + path, method=method)
        assert response.status_code == 405
        assert response.mimetype == "application/json"
        assert response.json["error"]["status"] == 405
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_head_answers_without_a_body(client):
    response = client.head(f"{API}/framework")
    assert response.status_code == 200 and response.get_data() == b""
    assert response.mimetype == "application/json"


# ----------------------------------------------------------------------------- the contract
def test_every_response_conforms_to_the_document(client, seeded):
    contract = Contract(_document(client))
    seen = set()
    for url, response in _every_route(client, seeded):
        contract.validate(url, response)
        seen.add(contract.operation_of(url))
    assert seen == set(contract.document["paths"])  # every operation was checked


def test_the_contract_check_can_fail(client):
    """The validator is not vacuous: an undeclared field, a wrong type or an undocumented status is caught."""
    contract = Contract(_document(client))
    response = client.get(f"{API}/countries/AL")
    contract.validate(f"{API}/countries/AL", response)
    leaky = response.json | {"reviewer_comment": "x"}
    with pytest.raises(AssertionError, match="reviewer_comment"):
        contract.validate(f"{API}/countries/AL", response, leaky)
    wrong = response.json | {"cycles": [{"id": "1"}]}
    with pytest.raises(AssertionError, match="is not of type 'integer'"):
        contract.validate(f"{API}/countries/AL", response, wrong)
    response = client.get(f"{API}/cycles")
    response.status_code = 404
    with pytest.raises(AssertionError, match="status 404 is not documented"):
        contract.validate(f"{API}/cycles", response)


@contextmanager
def counting_queries(app):
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_fixed_number_of_queries_per_request(app, client, seeded):
    client.get(f"{API}/framework")  # the framework is rebuilt once per process, then kept
    counts = {}
    for url in (
        f"{API}/countries/AL/scorecard",  # 25 entries with evidence and figures
        f"{API}/countries/RS/scorecard",  # none
        f"{API}/scores",
        f"{API}/countries",
        f"{API}/countries/AL",
        f"{API}/cycles",
        f"{API}/framework",
        f"{API}/plans",
        f"{API}/countries/AL/plan",
    ):
        with counting_queries(app) as statements:
            assert client.get(url).status_code == 200
        counts[url] = len(statements)
    assert max(counts.values()) <= 10, counts
    assert counts[f"{API}/countries/AL/scorecard"] - counts[f"{API}/countries/RS/scorecard"] <= 3, counts


# ----------------------------------------------------------------------------- property-based
def test_schemathesis_finds_no_server_error_and_every_response_conforms(app, seeded):
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = set(json.loads(app.test_client().get(f"{API}/openapi.json").data)["paths"])
    assert {op.path for op in operations} == documented - {"/openapi.json"}  # schemathesis skips the document itself
    checked = 0
    for operation in operations:
        strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)]
        if list(operation.iter_parameters()):
            strategies.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        if "{code}" in operation.path:  # mostly unknown codes otherwise: also look at a real country
            strategies.append(operation.as_strategy(path_parameters={"code": "AL"}))
        if operation.path in ("/scores", "/statistics"):
            strategies.append(operation.as_strategy(query={"cycle": seeded["published"]}))
        if operation.path == "/countries/{code}/scorecard":
            strategies.append(
                operation.as_strategy(path_parameters={"code": "AL"}, query={"cycle": seeded["published"]})
            )
        for strategy in strategies:

            @given(case=strategy)
            @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            def check(case):  # type: ignore[no-untyped-def]
                # the WSGI transport does not decode Brotli or gzip, which the app (Flask-Compress) may send
                response = case.call(headers={"Accept-Encoding": "identity"})
                assert response.status_code < 500, (case.path, case.query, response.text[:500])
                case.validate_response(response)

            check()
            checked += 1
    assert checked == 25  # 12 operations, a negative strategy for the 6 with parameters, 7 extra strategies
