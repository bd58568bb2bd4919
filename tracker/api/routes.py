"""The open-data API: GET only, JSON only, published data only.

Thin: every view validates its parameters, reads through ``tracker.published`` (cycles, scores,
entries: the one place that knows what the public may see), ``tracker.queries`` (countries, the
framework) and, for National Plans of Action, the accepted revisions only (``services.plans``, read
through ``public.plans.plan_view`` like the public plan page), and turns the rows into the dicts
``openapi.py`` describes. Each view runs a fixed
number of queries, whatever the number of rows.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, abort, jsonify, request, url_for
from sqlalchemy import select

from .. import published, queries
from ..baseline.present import api_fact
from ..baseline_store import current_baseline
from ..extensions import db
from ..framework import Framework
from ..framework.schema import Country as FrameworkCountry
from ..framework.schema import Methodology
from ..models import Country, Entry, Evidence, FrameworkVersion, NationalPlan, ReportingCycle, StoredScore
from ..permissions import public
from ..plan_progress import counts_victims
from ..plans.schema import Activity
from ..public.plans import plan_view
from ..services import scores as stored
from ..services.plans import accepted_plan, accepted_plans
from ..statistics.figures import public_figures
from . import bp
from .openapi import (
    API_VERSION,
    COUNTRY_CODE_PATTERN,
    DEFAULT_LIMIT,
    LEVELS,
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    document,
)

_DIGITS = re.compile(r"[0-9]{1,12}")  # str.isdigit() and int() accept "²", "٣" and " 1_0 "


# ----------------------------------------------------------------------------- parameters
def _arguments(*allowed: str) -> dict[str, str]:
    """The query parameters, each given at most once; any other parameter is refused (a typo would
    otherwise silently widen the answer)."""
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) if allowed else "no query parameters"
        abort(400, description=f"Unknown query parameter {', '.join(unknown)}: this address takes {takes}.")
    for name in request.args:
        if len(request.args.getlist(name)) > 1:
            abort(400, description=f"The query parameter {name} is given more than once.")
    return dict(request.args)


def _integer(name: str, value: str, minimum: int, maximum: int) -> int:
    number = int(value) if _DIGITS.fullmatch(value) else None
    if number is None or not minimum <= number <= maximum:
        abort(400, description=f"{name} must be a whole number from {minimum} to {maximum}; got {value!r}.")
    return number


def _published_cycle(cycle_id: int) -> ReportingCycle:
    cycle = published.cycle(cycle_id)
    if cycle is None:  # an unpublished cycle does not exist for the public: the same answer as none at all
        abort(404, description=f"There is no published cycle with id {cycle_id}.")
    return cycle


def _country_code(code: str, *, parameter: str | None = None) -> str:
    """A well-formed code; else 400 for a query parameter, 404 for an address (no such country)."""
    if not re.fullmatch(COUNTRY_CODE_PATTERN, code):
        message = f"{code!r} is not a country code: two capital letters, such as AL or XK."
        abort(400 if parameter else 404, description=f"{parameter}: {message}" if parameter else message)
    return code


def _country(code: str) -> Country:
    country = queries.country_by_code(code)
    if country is None:
        abort(404, description=f"There is no country with code {code}.")
    return country


def _framework() -> Framework:
    framework = queries.current_framework()
    if framework is None:
        abort(503, description="The commitment framework has not been loaded yet.")
    return framework


def _version_hash(cycle: ReportingCycle) -> str:
    """The hash of the framework version a cycle pinned (without loading the version's whole document)."""
    return db.session.execute(
        select(FrameworkVersion.content_hash).where(FrameworkVersion.id == cycle.framework_version_id)
    ).scalar_one()


# ----------------------------------------------------------------------------- shapes
def _cycle(cycle: ReportingCycle) -> dict[str, Any]:
    assert cycle.published_at is not None  # published.* returns published cycles only
    return {
        "id": cycle.id,
        "name": cycle.name,
        "period_start": cycle.period_start.isoformat(),
        "period_end": cycle.period_end.isoformat(),
        "published_at": cycle.published_at.isoformat(),
    }


def _country_dict(
    country: Country,
    framework: Framework,
    cycles: list[ReportingCycle],
    overall: dict[int, StoredScore],
) -> dict[str, Any]:
    """A country as the framework describes it, with its overall score in every published cycle.

    ``signatures`` lists what binds the country: its own signatures, those inherited from a state
    it succeeded, and those an administration gave for it (``how``, ``through``).
    """
    described: FrameworkCountry | None = next((c for c in framework.countries if c.code == country.code), None)
    return {
        "code": country.code,
        "name": country.name,
        "code_note": described.code_note if described else None,
        "former_names": [
            {
                "name": n.name,
                "from": n.from_,
                "until": n.until,
                "part_of": n.part_of,
                "reference": n.reference,
                "note": n.note,
            }
            for n in (described.names if described else ())
        ],
        "signatures": [
            {
                "instrument": b.signature.instrument,
                "date": b.signature.date,
                "basis": b.signature.basis,
                "source": b.signature.source,
                "signed_as": b.signed_as,
                "how": b.how,
                "through": b.through.name if b.through else None,
            }
            for b in framework.bindings.get(country.code, ())
        ],
        "national_action_plan": (
            {"status": described.national_action_plan.status, "source": described.national_action_plan.source}
            if described
            else None
        ),
        "cycles": [
            {
                "id": cycle.id,
                "name": cycle.name,
                "state": score.state,
                "score": score.score,
                "rating": score.rating,
                "links": {"scorecard": url_for("api.scorecard", code=country.code, cycle=cycle.id)},
            }
            for cycle in cycles
            if (score := overall.get(cycle.id)) is not None
        ],
        "links": {
            "self": url_for("api.country", code=country.code),
            "scorecard": url_for("api.scorecard", code=country.code),
            "scores": url_for("api.scores", country=country.code),
        },
    }


def _explanation(score: StoredScore) -> dict[str, Any]:
    """The public part of an explanation: the rules, what was counted and the penalties."""
    explanation = score.explanation or {}
    return {
        "rules": [{"code": rule["code"], "text": rule["text"]} for rule in explanation.get("rules", [])],
        "counted": list(explanation.get("counted", [])),
        "penalties": list(explanation.get("penalties", [])),
    }


def _score_detail(score: StoredScore) -> dict[str, Any]:
    return {
        "state": score.state,
        "score": score.score,
        "rating": score.rating,
        "weight": score.weight,
        "reported": score.reported,
        "applicable": score.applicable,
        "explanation": _explanation(score),
    }


def _evidence(item: Evidence) -> dict[str, Any]:
    return {
        "title": item.title,
        "url": item.url,
        "page": item.page,
        "quote": item.quote,
        # the file itself is served (or not) by the public pages; here only its name and address
        "file": {"file_name": item.file_name or "evidence", "url": f"/evidence/{item.id}/file"}
        if item.stored_name
        else None,
    }


def _entry(entry: Entry, method: Methodology) -> dict[str, Any]:
    """``method`` is the current methodology, whatever the cycle's version: it says which figures count victims."""
    figures = public_figures(method, ((f.indicator, f.value) for f in entry.figures))
    return {
        "cycle_id": entry.report.cycle_id,
        "reported_status": entry.reported_status,
        "assessed_status": entry.assessed_status,
        "narrative": entry.narrative,
        "responsible": entry.responsible,
        "start_date": entry.start_date.isoformat() if entry.start_date else None,
        "end_date": entry.end_date.isoformat() if entry.end_date else None,
        "budget": {"amount": entry.budget_amount, "currency": entry.budget_currency}
        if entry.budget_amount is not None
        else None,
        "evidence": [_evidence(item) for item in entry.evidence],
        "figures": [{"indicator": f.indicator, "value": f.value, "shown": f.shown} for f in figures.shown],
    }


def _plan_links(code: str) -> dict[str, str]:
    return {"self": url_for("api.country_plan", code=code), "yaml": url_for("public.country_plan_yaml", code=code)}


def _activity(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "title": activity.title,
        "description": activity.description,
        "responsible": list(activity.responsible),
        "deadline": activity.deadline,
        "timetable": activity.timetable,
        "budget": {"amount": activity.budget.amount, "currency": activity.budget.currency} if activity.budget else None,
        "funding_source": activity.funding_source,
        "indicators": [
            {
                "name": i.name,
                "unit": i.unit,
                "baseline": i.baseline,
                "target": i.target,
                "counts_victims": counts_victims(i),  # as the public pages withhold its values
            }
            for i in activity.indicators
        ],
        "commitments": list(activity.commitments),
    }


def _plan_summary(record: NationalPlan, framework: Framework) -> dict[str, Any]:
    """One accepted plan in the list: enough to compare plans without fetching each one."""
    view = plan_view(record, framework)
    assert record.accepted_at is not None  # accepted plans only
    return {
        "country": {"code": record.country.code, "name": record.country.name},
        "revision": record.revision,
        "accepted_at": record.accepted_at.isoformat(),
        "illustrative": record.illustrative,
        "title": view["plan"].title,
        "quality_score": view["quality"].score,
        "coverage": {
            "covered": view["coverage"].covered_count,
            "measured": len(view["coverage"].rows),
            "percent": view["coverage"].percent,
        },
        "activity_count": len(view["plan"].activities),
        "links": _plan_links(record.country.code),
    }


def _plan_detail(record: NationalPlan, framework: Framework) -> dict[str, Any]:
    """The accepted plan whole, with the quality checklist and the coverage matrix of the public plan page."""
    view = plan_view(record, framework)
    plan, quality, covered = view["plan"], view["quality"], view["coverage"]
    assert record.accepted_at is not None  # accepted plans only
    return {
        "country": {"code": record.country.code, "name": record.country.name},
        "revision": record.revision,
        "accepted_at": record.accepted_at.isoformat(),
        "illustrative": record.illustrative,
        "title": plan.title,
        "status": plan.status,
        "adopted": plan.adopted,
        "period": {"start": plan.period.start, "end": plan.period.end} if plan.period else None,
        "document_url": plan.document_url,
        "summary": plan.summary,
        "objectives": [
            {"id": o.id, "title": o.title, "activities": [_activity(a) for a in o.activities]} for o in plan.objectives
        ],
        "quality": {
            "score": quality.score,
            "formula": view["score_formula"],
            "criteria": [
                {
                    "id": r.criterion.id,
                    "label": r.criterion.label,
                    "scope": r.criterion.scope,
                    "met": r.met,
                    "total": r.total,
                    "failing": list(r.failing),
                }
                for r in quality.results
            ],
        },
        "coverage": {
            "commitments_measured": len(covered.rows),
            "covered": covered.covered_count,
            "percent": covered.percent,
            "uncovered": list(covered.uncovered),
            "rows": [{"commitment": r.id, "title": r.title, "activities": list(r.activities)} for r in covered.rows],
        },
        "links": _plan_links(record.country.code),
    }


# ----------------------------------------------------------------------------- routes
@bp.get("/")
@public
def index() -> Response:
    _arguments()
    return jsonify(
        name="Commitment Tracker open data",
        version=API_VERSION,
        description=(
            "Published data only: the framework, published cycles, verified scores, accepted reports and "
            "accepted National Plans of Action."
        ),
        links={
            "self": url_for("api.index"),
            "openapi": url_for("api.openapi"),
            "framework": url_for("api.framework"),
            "countries": url_for("api.countries"),
            "cycles": url_for("api.cycles"),
            "scores": url_for("api.scores"),
            "statistics": url_for("api.statistics"),
            "plans": url_for("api.plans"),
            "baseline": url_for("api.baseline"),
            "scorecard": url_for("api.countries") + "/{code}/scorecard{?cycle}",
        },
    )


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    _arguments()
    return jsonify(document())


_framework_documents: dict[str, dict[str, Any]] = {}  # by content hash: a version never changes


@bp.get("/framework")
@public
def framework() -> Response:
    _arguments()
    current = _framework()
    if current.content_hash not in _framework_documents:
        content = current.to_document()
        _framework_documents[current.content_hash] = {
            "version": current.content_hash,
            "instruments": content["instruments"],
            "focus_areas": content["focus_areas"],
            "methodology": content["methodology"],
        }
    return jsonify(_framework_documents[current.content_hash])


@bp.get("/countries")
@public
def countries() -> Response:
    _arguments()
    current = _framework()
    cycles = published.cycles()
    overall: dict[int, dict[int, StoredScore]] = {}
    for score in published.scores(level="overall"):
        overall.setdefault(score.country_id, {})[score.cycle_id] = score
    return jsonify(
        countries=[
            _country_dict(country, current, cycles, overall.get(country.id, {})) for country in queries.countries()
        ]
    )


@bp.get("/countries/<code>")
@public
def country(code: str) -> Response:
    _arguments()
    chosen = _country(_country_code(code))
    overall = {s.cycle_id: s for s in published.scores(country_id=chosen.id, level="overall")}
    return jsonify(_country_dict(chosen, _framework(), published.cycles(), overall))


@bp.get("/plans")
@public
def plans() -> Response:
    """Every country's accepted National Plan of Action, summarised; drafts and plans under review never."""
    _arguments()
    framework = _framework()
    return jsonify(plans=[_plan_summary(record, framework) for record in accepted_plans()])


@bp.get("/countries/<code>/plan")
@public
def country_plan(code: str) -> Response:
    """The country's accepted plan (its newest accepted revision); an amendment in progress stays private."""
    _arguments()
    chosen = _country(_country_code(code))
    record = accepted_plan(chosen.id)
    if record is None:
        abort(404, description=f"{chosen.name} has no accepted National Plan of Action.")
    return jsonify(_plan_detail(record, _framework()))


def _baseline():  # type: ignore[no-untyped-def]
    found = current_baseline()
    if found is None:
        abort(503, description="The record of external sources (baseline/) could not be read.")
    return found


@bp.get("/baseline")
@public
def baseline() -> Response:
    """What others recorded, 2000–2005: real, cited facts; never scores, never reports."""
    _arguments()
    found = _baseline()
    return jsonify(facts=[api_fact(fact, found) for fact in found.facts])


@bp.get("/countries/<code>/baseline")
@public
def country_baseline(code: str) -> Response:
    """The facts a country's page shows: its own, those of a state of the time that covered it, the region's."""
    _arguments()
    chosen = _country(_country_code(code))
    found = _baseline()
    return jsonify(
        country={"code": chosen.code, "name": chosen.name},
        facts=[api_fact(fact, found) for fact in found.for_country(chosen.code)],
        regional=[api_fact(fact, found) for fact in found.regional()],
    )


@bp.get("/cycles")
@public
def cycles() -> Response:
    _arguments()
    return jsonify(cycles=[_cycle(cycle) for cycle in published.cycles()])


@bp.get("/statistics")
@public
def statistics() -> Response:
    """Victim statistics of published cycles, suppressed exactly as on the statistics page."""
    args = _arguments("cycle")
    cycle_id = _integer("cycle", args["cycle"], 1, MAX_ID) if "cycle" in args else None
    if cycle_id is not None:
        _published_cycle(cycle_id)
    return jsonify(statistics=published.statistics_documents(cycle_id))


@bp.get("/scores")
@public
def scores() -> Response:
    args = _arguments("cycle", "country", "level", "limit", "offset")
    # every parameter is checked (400) before anything is looked up (404)
    cycle_id = _integer("cycle", args["cycle"], 1, MAX_ID) if "cycle" in args else None
    code = _country_code(args["country"], parameter="country") if "country" in args else None
    level = args.get("level")
    if level is not None and level not in LEVELS:
        abort(400, description=f"level must be one of {', '.join(LEVELS)}; got {level!r}.")
    limit = _integer("limit", args["limit"], 1, MAX_LIMIT) if "limit" in args else DEFAULT_LIMIT
    offset = _integer("offset", args["offset"], 0, MAX_OFFSET) if "offset" in args else 0
    cycle = _published_cycle(cycle_id) if cycle_id is not None else None
    country = _country(code) if code is not None else None

    rows = published.scores(cycle.id if cycle else None, country.id if country else None, level)
    codes = {c.id: c.code for c in queries.countries()}
    page = rows[offset : offset + limit]
    groups = stored.published_comparability() if page else {}
    following = None
    if offset + limit < len(rows):
        filters = {name: args[name] for name in ("cycle", "country", "level") if name in args}
        following = url_for("api.scores", **filters, limit=limit, offset=offset + limit)
    return jsonify(
        scores=[
            {
                "cycle_id": s.cycle_id,
                "country_code": codes[s.country_id],
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
                "comparability_group": groups[s.cycle_id].key(codes[s.country_id], s.level, s.subject),
            }
            for s in page
        ],
        total=len(rows),
        limit=limit,
        offset=offset,
        next=following,
    )


@bp.get("/countries/<code>/scorecard")
@public
def scorecard(code: str) -> Response:
    args = _arguments("cycle")
    cycle_id = _integer("cycle", args["cycle"], 1, MAX_ID) if "cycle" in args else None
    chosen = _country(_country_code(code))
    if cycle_id is not None:
        cycle = _published_cycle(cycle_id)
    else:
        latest = published.cycles()
        if not latest:
            abort(404, description="No cycle is published yet.")
        cycle = latest[0]
    card = published.scorecard(cycle.id, chosen.id)
    overall = card.get(("overall", ""))
    if overall is None:
        abort(404, description=f"{chosen.name} has no scorecard in {cycle.name}.")
    framework = queries.framework_by_hash(_version_hash(cycle))
    assert framework is not None  # a cycle's framework version is never deleted (RESTRICT)
    entries = published.entries_by_id(
        [s.entry_id for (level, _), s in card.items() if level == "commitment" and s.entry_id is not None]
    )
    method = _framework().methodology

    # in the order of the framework the cycle was reported on (its stored rows are exactly its subjects)
    return jsonify(
        country={"code": chosen.code, "name": chosen.name},
        cycle=_cycle(cycle),
        framework_version=_version_hash(cycle),  # the stored identity: a rebuilt old version may dump new defaults
        overall=_score_detail(overall),
        instruments=[
            {"id": i.id, "title": i.title, **_score_detail(s)}
            for i in framework.instruments
            if (s := card.get(("instrument", i.id)))
        ],
        focus_areas=[
            {"id": a.id, "title": a.name, **_score_detail(s)}
            for a in framework.focus_areas
            if (s := card.get(("focus-area", a.id)))
        ],
        commitments=[
            {
                "id": c.id,
                "title": c.title,
                "instrument": framework.instrument_of[c.id].id,
                **_score_detail(s),
                "status": s.status,
                "carried_from": s.carried_from,
                "entry": _entry(entries[s.entry_id], method) if s.entry_id in entries else None,
            }
            for c in framework.commitments
            if (s := card.get(("commitment", c.id)))
        ],
    )
