"""Public progress pages: the region's heatmap, a page per country and per commitment, the
explanation of any published score, the methodology, open data and published evidence files.

Everything here reads through ``tracker.published``: published cycles and verified scores only.
"""

from __future__ import annotations

from flask import abort, render_template, request

from .. import plan_progress, published, queries, uploads
from ..current import framework_or_503
from ..framework import Framework, fictional
from ..installation import demonstration
from ..permissions import public
from ..scoring.comparability import peer_groups
from ..scoring.example import worked_example
from ..security import draws_charts
from ..services import scores as stored
from ..services.framework import framework_of
from ..statistics.figures import public_figures
from . import bp
from .plans import summary as plan_summary

VIEWS = {"focus-areas": "Focus areas", "commitments": "Commitments"}
LEVELS = ("overall", "instrument", "focus-area", "commitment")


def _chosen_cycle(cycles):  # type: ignore[no-untyped-def]
    """The published cycle the query string names, else the latest; 404 for an unknown one."""
    wanted = request.args.get("cycle")
    if wanted is None:
        return cycles[0] if cycles else None
    chosen = next((c for c in cycles if str(c.id) == wanted), None)
    if chosen is None:
        abort(404)
    return chosen


def labels(framework: Framework) -> dict[str, dict[str, str]]:
    """Rating-band, status and figure labels by id, for templates."""
    method = framework.methodology
    return {
        "bands": {b.id: b.label for b in method.rating_bands},
        "bands_by_id": {b.id: b.label for b in method.rating_bands},
        "statuses": {s.id: s.label for s in method.status_levels},
        "indicators": {i.id: i.label for i in method.indicators},
    }


@bp.get("/progress/")
@public
@draws_charts
def progress():  # type: ignore[no-untyped-def]
    framework = framework_or_503()
    cycles = published.cycles()
    cycle = _chosen_cycle(cycles)
    view = request.args.get("view", "focus-areas")
    if view not in VIEWS:
        view = "focus-areas"
    chart = published.chart(stored.region_key(cycle.id, "verified", view, "public:")) if cycle else None
    return render_template(
        "public/progress.html", framework=framework, cycles=cycles, cycle=cycle, view=view, views=VIEWS, chart=chart
    )


@bp.get("/countries/<code>/")
@public
@draws_charts
def country(code: str):  # type: ignore[no-untyped-def]
    framework = framework_or_503()
    found = queries.country_by_code(code)
    if found is None or found.code not in {c.code for c in framework.countries}:
        abort(404)
    cycles = published.cycles()
    cycle = _chosen_cycle(cycles)
    card, entries, charts, replies = {}, {}, {}, {}
    scored_with = framework_of(cycle) if cycle is not None else framework  # a past cycle keeps its version
    # a demonstration scores its fictional countries only: a real one has no invented report to show
    unscored = demonstration() and not fictional(found.code)
    if cycle is not None and not unscored:
        card = published.scorecard(cycle.id, found.id)
        for reply in published.score_replies(cycle.id, found.id) if cycle.reply_due_on else ():
            replies.setdefault(reply.commitment, []).append(reply)
        entries = {e.commitment.code: e for e in published.entries(cycle.id, found.id)}
        charts = published.charts(
            [stored.trend_key(found.id, "public:"), stored.comparison_key(cycle.id, found.id, "public:")]
        )
    return render_template(
        "public/country.html",
        framework=scored_with,
        current=framework,
        named_then=framework.country_label(found.code, cycle.period_end) if cycle else found.name,
        country=found,
        profile=framework.country(found.code),
        bindings=framework.bindings.get(found.code, ()),
        cycles=cycles,
        cycle=cycle,
        card=card,
        entries=entries,
        trend=charts.get(stored.trend_key(found.id, "public:")),
        comparison=charts.get(stored.comparison_key(cycle.id, found.id, "public:")) if cycle else None,
        national_plan=_plan_card(found.id, framework),
        replies=replies,
        cycle_method=scored_with.methodology if cycle else None,
        unscored_in_demonstration=unscored,
        fictional_countries=[c for c in framework.countries if fictional(c.code)] if unscored else [],
        **labels(scored_with),
    )


def _plan_card(country_id: int, framework: Framework):  # type: ignore[no-untyped-def]
    """The country page's card for its accepted National Plan of Action (``tracker.public.plans``)."""
    return plan_summary(country_id, framework)


@bp.get("/countries/<code>/<int:cycle_id>/<level>/<subject>")
@public
def explanation(code: str, cycle_id: int, level: str, subject: str):  # type: ignore[no-untyped-def]
    current = framework_or_503()
    found, cycle = queries.country_by_code(code), published.cycle(cycle_id)
    if found is None or cycle is None or level not in LEVELS:
        abort(404)
    framework = framework_of(cycle)  # the score is explained in the terms of the version it was scored with
    card = published.scorecard(cycle.id, found.id)
    score = card.get((level, "" if level == "overall" else subject))
    if score is None:
        abort(404)
    members = framework.members(level, score.subject)
    counted = [card[("commitment", c.id)] for c in members if ("commitment", c.id) in card]
    one_commitment = level == "commitment"
    entries = published.entries_by_id([s.entry_id for s in counted if s.entry_id], with_plan_progress=one_commitment)
    # a commitment's explanation lists the plan activities implementing it (accepted plan, published entry)
    entry = entries.get(score.entry_id) if one_commitment and score.entry_id else None
    return render_template(
        "public/explanation.html",
        framework=framework,
        country=found,
        named_then=current.country_label(found.code, cycle.period_end),
        cycle=cycle,
        score=score,
        plan_activities=plan_progress.for_entry(entry, public=True) if entry is not None else None,
        subject_name=framework.subject_name(level, score.subject),
        commitment_scores=counted,
        entries=entries,
        figures={
            e.id: public_figures(framework.methodology, ((f.indicator, f.value) for f in e.figures))
            for e in entries.values()
        },
        **labels(framework),
    )


@bp.get("/commitments/<commitment_id>/")
@public
def commitment(commitment_id: str):  # type: ignore[no-untyped-def]
    framework = framework_or_503()
    try:
        chosen = framework.commitment(commitment_id)
    except KeyError:
        abort(404)
    cycles = published.cycles()
    cycle = _chosen_cycle(cycles)
    rows = {}
    entries = {}
    if cycle is not None:
        rows = {s.country_id: s for s in published.scores(cycle.id, level="commitment") if s.subject == chosen.id}
        entries = {e.report.country_id: e for e in published.entries(cycle.id, commitment=chosen.id)}
    return render_template(
        "public/commitment.html",
        framework=framework,
        commitment=chosen,
        instrument=framework.instrument_of[chosen.id],
        cycles=cycles,
        cycle=cycle,
        countries=queries.countries(),
        named_then={c.code: framework.country_label(c.code, cycle.period_end) for c in framework.countries}
        if cycle
        else {},
        rows=rows,
        entries=entries,
        **labels(framework),
    )


@bp.get("/methodology/")
@public
def methodology():  # type: ignore[no-untyped-def]
    """The method in plain words, worked on an example by the engine itself, with the method each
    published cycle was scored with and the latest cycle's sensitivity to the weights."""
    framework = framework_or_503()
    cycles = published.cycles()
    latest = cycles[0] if cycles else None
    return render_template(
        "public/methodology.html",
        framework=framework,
        method=framework.methodology,
        example=worked_example(framework),
        kind_labels={k.id: k.label for k in framework.methodology.evidence.kinds},
        set_sizes=sorted({len(framework.applicable_commitments(c.code)) for c in framework.countries} - {0}),
        peer_groups=peer_groups(
            {c.code: [m.id for m in framework.applicable_commitments(c.code)] for c in framework.countries},
            {c.id: framework.instrument_of[c.id].id for c in framework.commitments},
            {i.id: i.short_title for i in framework.instruments},
        ),
        country_names={c.code: c.name for c in framework.countries},
        cycle_methods=[(c, framework_of(c).methodology) for c in cycles],
        sensitivity_cycle=latest,
        sensitivity=[r for r in published.sensitivity_rows(latest.id) if r.level != "focus-area"] if latest else [],
        **labels(framework),
    )


@bp.get("/evidence/<int:evidence_id>/file")
@public
def evidence_file(evidence_id: int):  # type: ignore[no-untyped-def]
    """A published entry's evidence file, always as a download; any other is 404."""
    return uploads.send_evidence(published.evidence(evidence_id))
