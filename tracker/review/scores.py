"""The secretariat's scores: the region heatmaps, a country's scorecard, the explanation of any score,
and every scorecard as a table and a CSV. Published or not, verified and self-reported side by side.

Pages read stored scores and stored figures only: no page computes a score or builds a figure.
"""

from __future__ import annotations

from flask import abort, render_template, request

from .. import plan_progress, queries, services
from ..exports import csv_response, xlsx_response
from ..permissions import STAFF, roles_required
from ..scoring import BASES
from ..security import draws_charts
from ..services import scores as stored
from . import bp

LEVELS = ("overall", "instrument", "focus-area", "commitment")
VIEWS = {"focus-areas": "Focus areas", "commitments": "Commitments"}
CSV_COLUMNS = (
    "cycle",
    "country_code",
    "country",
    "basis",
    "level",
    "subject",
    "state",
    "score",
    "rating",
    "status",
    "weight",
    "reported",
    "applicable",
    "carried_from",
)


def _choice(name: str, allowed: tuple[str, ...] | dict[str, str], default: str) -> str:
    value = request.args.get(name, default)
    return value if value in allowed else default


@bp.get("/scores/")
@roles_required(*STAFF)
@draws_charts
def scores():  # type: ignore[no-untyped-def]
    cycles = queries.cycles_by_period()
    chosen = next((c for c in cycles if str(c.id) == request.args.get("cycle")), cycles[0] if cycles else None)
    basis = _choice("basis", BASES, "verified")
    view = _choice("view", VIEWS, "focus-areas")
    chart = queries.chart(stored.region_key(chosen.id, basis, view)) if chosen else None
    return render_template(
        "review/scores.html", cycles=cycles, cycle=chosen, basis=basis, view=view, views=VIEWS, chart=chart
    )


@bp.get("/scores/<int:cycle_id>/<code>/")
@roles_required(*STAFF)
@draws_charts
def scorecard(cycle_id: int, code: str):  # type: ignore[no-untyped-def]
    cycle, country = queries.cycle(cycle_id), queries.country_by_code(code)
    if cycle is None or country is None:
        abort(404)
    charts = queries.charts([stored.trend_key(country.id), stored.comparison_key(cycle.id, country.id)])
    framework = services.framework_of(cycle)
    sections = [
        ("Overall", "overall", [("", "All commitments that apply", None)]),
        ("Instruments", "instrument", [(i.id, i.title, None) for i in framework.instruments]),
        ("Focus areas", "focus-area", [(a.id, a.name, None) for a in framework.focus_areas]),
        ("Commitments", "commitment", [(c.id, f"{c.id} {c.title}", c.weight) for c in framework.commitments]),
    ]
    return render_template(
        "review/scorecard.html",
        cycle=cycle,
        country=country,
        framework=framework,
        sections=sections,
        **_labels(framework),
        card=queries.scorecard(cycle.id, country.id),
        trend=charts.get(stored.trend_key(country.id)),
        comparison=charts.get(stored.comparison_key(cycle.id, country.id)),
    )


@bp.get("/scores/<int:cycle_id>/<code>/<basis>/<level>/<subject>")
@roles_required(*STAFF)
def explanation(cycle_id: int, code: str, basis: str, level: str, subject: str):  # type: ignore[no-untyped-def]
    cycle, country = queries.cycle(cycle_id), queries.country_by_code(code)
    if cycle is None or country is None or basis not in BASES or level not in LEVELS:
        abort(404)
    subject = "" if level == "overall" else subject
    card = queries.scorecard(cycle.id, country.id)
    score = card.get((basis, level, subject))
    if score is None:
        abort(404)
    framework = services.framework_of(cycle)
    members = framework.members(level, subject)
    commitment_scores = [card[(basis, "commitment", c.id)] for c in members if (basis, "commitment", c.id) in card]
    entry_ids = [s.entry_id for s in commitment_scores if s.entry_id]
    entries = queries.explained_entries(entry_ids, with_plan_progress=level == "commitment")
    # a commitment's explanation lists the activities of the country's plan that implement it
    entry = entries.get(score.entry_id) if level == "commitment" and score.entry_id else None
    return render_template(
        "review/explanation.html",
        cycle=cycle,
        country=country,
        framework=framework,
        basis=basis,
        score=score,
        **_labels(framework),
        other=card.get((BASES[1] if basis == BASES[0] else BASES[0], level, subject)),
        subject_name=framework.subject_name(level, subject),
        commitment_scores=commitment_scores,
        entries=entries,
        plan_activities=plan_progress.for_entry(entry, public=False) if entry is not None else None,
        comments=queries.entry_comments(entry_ids),
    )


@bp.get("/scorecards/")
@roles_required(*STAFF)
def scorecards():  # type: ignore[no-untyped-def]
    cycles, countries = queries.cycles_by_period(), queries.reporting_countries()
    groups = {  # each cycle's peer groups: overall scores compare only within one
        cycle.id: stored.comparability_groups(services.framework_of(cycle), cycle, countries) for cycle in cycles
    }
    return render_template(
        "review/scorecards.html",
        cycles=cycles,
        countries=countries,
        overall=queries.overall_scores(),
        groups=groups,
        legends=(legends := {c: sorted(set(g.values()), key=lambda g: g.mark.rjust(3)) for c, g in groups.items()}),
        several_groups=any(len(groups) > 1 for groups in legends.values()),
    )


@bp.get("/scorecards.csv")
@roles_required(*STAFF)
def scorecards_csv():  # type: ignore[no-untyped-def]
    """Every stored score of every cycle, published or not: one row per score, both bases."""
    return csv_response(CSV_COLUMNS, queries.score_export_rows(), "scorecards.csv")


@bp.get("/scorecards.xlsx")
@roles_required(*STAFF)
def scorecards_xlsx():  # type: ignore[no-untyped-def]
    """The same table as scorecards.csv, as a workbook (formula-safe as the CSV is)."""
    return xlsx_response(CSV_COLUMNS, queries.score_export_rows(), "scorecards.xlsx")


def _labels(framework) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Rating-band and status labels by id, for templates."""
    method = framework.methodology
    return {
        "bands": {b.id: b.label for b in method.rating_bands},
        "statuses": {s.id: s.label for s in method.status_levels},
        "indicators": {i.id: i.label for i in method.indicators},
    }
