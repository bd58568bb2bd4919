"""What the public may see, and nothing else: every public page, download and API response reads
through these queries.

The rule, in one place: only cycles with ``published_at`` set; only the *verified* basis of their
stored scores; only entries of the latest *accepted* revision of a country's report in such a
cycle. Never drafts, submitted or returned reports, reviewer comments, self-reported scores or
unpublished cycles. Each query carries the rule in its own WHERE clause, so that no caller can
forget it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, func, select, union_all
from sqlalchemy.orm import aliased, joinedload

from . import queries
from .extensions import db
from .models import (
    ActivityProgress,
    ChartFigure,
    Commitment,
    Country,
    Entry,
    Evidence,
    FrameworkVersion,
    IndicatorValue,
    Installation,
    NationalPlan,
    Report,
    ReportingCycle,
    ReportState,
    ScoreReply,
    ScoreSensitivity,
    StoredScore,
)

PUBLIC_BASIS = "verified"


def _published_cycle():  # type: ignore[no-untyped-def]
    return ReportingCycle.published_at.is_not(None)


def cycles() -> list[ReportingCycle]:
    """Published cycles, the most recent period first."""
    return list(
        db.session.execute(
            select(ReportingCycle)
            .options(queries.pinned_version())  # framework_of(cycle) then needs no query
            .where(_published_cycle())
            .order_by(ReportingCycle.period_end.desc(), ReportingCycle.id.desc())
        ).scalars()
    )


def cycle(cycle_id: int) -> ReportingCycle | None:
    """A published cycle, or None (an unpublished one does not exist for the public)."""
    return db.session.execute(
        select(ReportingCycle).where(ReportingCycle.id == cycle_id, _published_cycle())
    ).scalar_one_or_none()


@dataclass(frozen=True)
class State:
    """Everything a public page is made of that can change while the app runs, short of its URL.

    ``changed``: when published data last changed (see ``last_changed``); ``framework``: the content
    hash of the current framework version (the framework pages, country names); ``demo``: whether
    demonstration data is present (the banner). Two requests that see the same state get the same
    public page for the same URL, which is what the page cache (``tracker.caching``) relies on.
    """

    changed: dt.datetime | None
    framework: str | None
    demo: bool


def state() -> State:
    """The public state, in one query: a publication, a report accepted in a published cycle (an
    amendment may change only text), a public chart rebuilt (``services.scores`` also stamps a
    published cycle's public heatmaps when its verified rows change), a framework version loaded."""
    published, accepted_at, built_at, content_hash, demo_present = db.session.execute(_state_statement()).one()
    moments = [_utc(m) for m in (published, accepted_at, built_at) if m is not None]
    return State(max(moments) if moments else None, content_hash, bool(demo_present))


@cache
def _state_statement() -> Select[Any]:
    """Built once: it asks the same on every public request (a page from the cache costs just this),
    and building the expression costs more than the database takes to answer it."""
    # the newest acceptance the public sees: a report's in a published cycle, or a National Plan of Action's
    # (an accepted plan is public at once, on the country's page)
    report_accepted = (
        select(Report.accepted_at.label("at"))
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(_published_cycle(), Report.state == ReportState.ACCEPTED)
    )
    plan_accepted = select(NationalPlan.accepted_at.label("at")).where(NationalPlan.state == ReportState.ACCEPTED)
    acceptances = union_all(report_accepted, plan_accepted).subquery()
    accepted = select(func.max(acceptances.c.at)).scalar_subquery()
    built = select(func.max(ChartFigure.built_at)).where(ChartFigure.key.like("public:%")).scalar_subquery()
    framework = (
        select(FrameworkVersion.content_hash).where(FrameworkVersion.is_current.is_(True)).limit(1).scalar_subquery()
    )
    demo = select(Installation.id).where(Installation.id == 1, Installation.demonstration.is_(True)).exists()
    return select(func.max(ReportingCycle.published_at), accepted, built, framework, demo)


def last_changed() -> dt.datetime | None:
    """When anything the public sees last changed (``State.changed``). One query."""
    return state().changed


def _utc(moment: dt.datetime | str) -> dt.datetime:
    """Timestamps from scalar subqueries come back untyped on SQLite; every stored time is UTC."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def scores(cycle_id: int | None = None, country_id: int | None = None, level: str | None = None) -> list[StoredScore]:
    """Verified stored scores of published cycles, optionally narrowed."""
    statement = (
        select(StoredScore)
        .join(ReportingCycle, StoredScore.cycle_id == ReportingCycle.id)
        .where(_published_cycle(), StoredScore.basis == PUBLIC_BASIS)
        .order_by(StoredScore.cycle_id, StoredScore.country_id, StoredScore.level, StoredScore.subject)
    )
    if cycle_id is not None:
        statement = statement.where(StoredScore.cycle_id == cycle_id)
    if country_id is not None:
        statement = statement.where(StoredScore.country_id == country_id)
    if level is not None:
        statement = statement.where(StoredScore.level == level)
    return list(db.session.execute(statement).scalars())


def scorecard(cycle_id: int, country_id: int) -> dict[tuple[str, str], StoredScore]:
    """A country's verified scores in a published cycle, by (level, subject); empty if unpublished."""
    return {(s.level, s.subject): s for s in scores(cycle_id, country_id)}


def score_export_rows() -> Iterator[Row[Any]]:
    """Every published verified score with its cycle and country, for the open-data CSV and JSON."""
    statement = (
        select(
            ReportingCycle.name.label("cycle"),
            ReportingCycle.id.label("cycle_id"),
            ReportingCycle.period_start,
            ReportingCycle.period_end,
            Country.code.label("country_code"),
            Country.name.label("country"),
            StoredScore.level,
            StoredScore.subject,
            StoredScore.state,
            StoredScore.score,
            StoredScore.rating,
            StoredScore.status,
            StoredScore.weight,
            StoredScore.reported,
            StoredScore.applicable,
            StoredScore.carried_from,
            StoredScore.conservative,
            StoredScore.coverage,
            StoredScore.evidence_cycle,
        )
        .join(ReportingCycle, StoredScore.cycle_id == ReportingCycle.id)
        .join(Country, StoredScore.country_id == Country.id)
        .where(_published_cycle(), StoredScore.basis == PUBLIC_BASIS)
        .order_by(ReportingCycle.period_end, ReportingCycle.id, Country.code, StoredScore.level, StoredScore.subject)
    )
    return iter(db.session.execute(statement.execution_options(yield_per=1000)))


def latest_accepted_reports():  # type: ignore[no-untyped-def]
    """Reports that are the latest accepted revision for their country and cycle, in a published cycle."""
    newer = aliased(Report)
    return (
        select(Report.id)
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(
            _published_cycle(),
            Report.state == ReportState.ACCEPTED,
            ~select(newer.id)
            .where(
                newer.cycle_id == Report.cycle_id,
                newer.country_id == Report.country_id,
                newer.state == ReportState.ACCEPTED,
                newer.revision > Report.revision,
            )
            .exists(),
        )
    )


def _with_everything(statement: Select[tuple[Entry]]) -> Select[tuple[Entry]]:
    """Entries with their commitment, report, cycle, country, evidence and figures, in one query.

    Evidence and figures are joined, not fetched in batches of 500 parents: a page shows a few dozen
    entries with one or two of each, so the joined rows stay few and the statements per page fixed.
    """
    return statement.options(
        joinedload(Entry.commitment),
        joinedload(Entry.report).joinedload(Report.cycle),
        joinedload(Entry.report).joinedload(Report.country),
        joinedload(Entry.evidence),
        joinedload(Entry.figures),
    )


def entries(cycle_id: int, country_id: int | None = None, commitment: str | None = None) -> list[Entry]:
    """Published entries of a published cycle (the latest accepted revision), optionally of one country or
    one commitment (its id), with evidence and figures. For every entry at once, see ``entry_export_rows``."""
    statement = (
        select(Entry)
        .join(Report, Entry.report_id == Report.id)
        .where(Report.id.in_(latest_accepted_reports()), Report.cycle_id == cycle_id)
        .order_by(Report.cycle_id, Report.country_id, Entry.position)
    )
    if country_id is not None:
        statement = statement.where(Report.country_id == country_id)
    if commitment is not None:
        statement = statement.join(Commitment, Entry.commitment_id == Commitment.id).where(
            Commitment.code == commitment
        )
    return list(db.session.execute(_with_everything(statement)).unique().scalars())


def entries_by_id(entry_ids: list[int], *, with_plan_progress: bool = False) -> dict[int, Entry]:
    """Published entries among these ids (others, unpublished, are simply absent).

    ``with_plan_progress``: also load each entry's citations and its report's progress per activity
    (with the plan), one more statement whatever the number of entries, for an explanation page.
    """
    if not entry_ids:
        return {}
    statement = (
        select(Entry)
        .join(Report, Entry.report_id == Report.id)
        .where(Entry.id.in_(entry_ids), Report.id.in_(latest_accepted_reports()))
    )
    if with_plan_progress:
        statement = statement.options(
            joinedload(Entry.citations),  # an entry cites a few activities: joined to the entry's one query
            joinedload(Entry.report).selectinload(Report.progress).joinedload(ActivityProgress.plan),
        )
    return {entry.id: entry for entry in db.session.execute(_with_everything(statement)).unique().scalars()}


@dataclass(frozen=True)
class ExportedEntry:
    """One published entry as the open-data files give it: plain values, no ORM objects."""

    cycle: str
    country_code: str
    country: str
    commitment: str
    reported_status: str | None
    verified_status: str | None
    narrative: str | None
    responsible: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    budget_amount: int | None
    budget_currency: str | None
    evidence: list[tuple[str, str | None]]  # (title, url), in the order they were given
    figures: list[tuple[str, int]]  # (indicator, value), by indicator


def entry_export_rows() -> list[ExportedEntry]:
    """Every published entry with its evidence and figures, in three queries whatever their number
    (the entries, then each child table filtered by the same rule), as plain rows."""
    published_entry = Entry.report_id.in_(latest_accepted_reports())
    evidence: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for entry_id, title, url in db.session.execute(
        select(Evidence.entry_id, Evidence.title, Evidence.url)
        .join(Entry, Evidence.entry_id == Entry.id)
        .where(published_entry)
        .order_by(Evidence.entry_id, Evidence.id)
    ):
        evidence[entry_id].append((title, url))
    figures: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for entry_id, indicator, value in db.session.execute(
        select(IndicatorValue.entry_id, IndicatorValue.indicator, IndicatorValue.value)
        .join(Entry, IndicatorValue.entry_id == Entry.id)
        .where(published_entry)
        .order_by(IndicatorValue.entry_id, IndicatorValue.indicator)
    ):
        figures[entry_id].append((indicator, value))
    rows = db.session.execute(
        select(
            Entry.id,
            ReportingCycle.name,
            Country.code,
            Country.name,
            Commitment.code,
            Entry.reported_status,
            Entry.assessed_status,
            Entry.narrative,
            Entry.responsible,
            Entry.start_date,
            Entry.end_date,
            Entry.budget_amount,
            Entry.budget_currency,
        )
        .join(Report, Entry.report_id == Report.id)
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .join(Country, Report.country_id == Country.id)
        .join(Commitment, Entry.commitment_id == Commitment.id)
        .where(published_entry)
        .order_by(Report.cycle_id, Report.country_id, Entry.position)
    )
    return [ExportedEntry(*row[1:], evidence.get(row[0], []), figures.get(row[0], [])) for row in rows]


def evidence(evidence_id: int) -> Evidence | None:
    """An item of evidence of a published entry, or None."""
    return db.session.execute(
        select(Evidence)
        .join(Entry, Evidence.entry_id == Entry.id)
        .where(Evidence.id == evidence_id, Entry.report_id.in_(latest_accepted_reports()))
    ).scalar_one_or_none()


def chart(key: str) -> ChartFigure | None:
    """A public figure: built from published verified scores only (see ``services.scores``)."""
    if not key.startswith("public:"):
        return None
    return db.session.get(ChartFigure, key)


def charts(keys: list[str]) -> dict[str, ChartFigure]:
    keys = [k for k in keys if k.startswith("public:")]
    return {c.key: c for c in db.session.execute(select(ChartFigure).where(ChartFigure.key.in_(keys))).scalars()}


def statistics_documents(cycle_id: int | None = None) -> list[dict[str, Any]]:
    """The published cycles' victim statistics, already suppressed (``services.statistics``), oldest first."""
    chosen = [c for c in reversed(cycles()) if cycle_id is None or c.id == cycle_id]
    stored = charts([f"public:statistics:{c.id}" for c in chosen])
    return [stored[key].table for c in chosen if (key := f"public:statistics:{c.id}") in stored]


def score_replies(cycle_id: int, country_id: int) -> list[ScoreReply]:
    """A government's replies to its assessments and the secretariat's answers, in a published cycle
    only: before publication nothing of the right of reply is public."""
    return list(
        db.session.execute(
            select(ScoreReply)
            .join(ReportingCycle, ScoreReply.cycle_id == ReportingCycle.id)
            .where(_published_cycle(), ScoreReply.cycle_id == cycle_id, ScoreReply.country_id == country_id)
            .order_by(ScoreReply.commitment, ScoreReply.id)
        ).scalars()
    )


def sensitivity_rows(cycle_id: int | None = None) -> list[Row[Any]]:
    """The sensitivity table of published cycles: every score under both weightings."""
    statement = (
        select(
            ReportingCycle.id.label("cycle_id"),
            ReportingCycle.name.label("cycle"),
            Country.code.label("country_code"),
            Country.name.label("country"),
            ScoreSensitivity.level,
            ScoreSensitivity.subject,
            ScoreSensitivity.weighted,
            ScoreSensitivity.equal,
            ScoreSensitivity.weighted_conservative,
            ScoreSensitivity.equal_conservative,
            ScoreSensitivity.weighted_rating,
            ScoreSensitivity.equal_rating,
        )
        .join(ReportingCycle, ScoreSensitivity.cycle_id == ReportingCycle.id)
        .join(Country, ScoreSensitivity.country_id == Country.id)
        .where(_published_cycle())
        .order_by(
            ReportingCycle.period_end, ReportingCycle.id, Country.code, ScoreSensitivity.level, ScoreSensitivity.subject
        )
    )
    if cycle_id is not None:
        statement = statement.where(ReportingCycle.id == cycle_id)
    return list(db.session.execute(statement))
