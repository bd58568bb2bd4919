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
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from .extensions import db
from .models import ChartFigure, Country, Entry, Evidence, Report, ReportingCycle, ReportState, StoredScore

PUBLIC_BASIS = "verified"


def _published_cycle():  # type: ignore[no-untyped-def]
    return ReportingCycle.published_at.is_not(None)


def cycles() -> list[ReportingCycle]:
    """Published cycles, the most recent period first."""
    return list(
        db.session.execute(
            select(ReportingCycle)
            .where(_published_cycle())
            .order_by(ReportingCycle.period_end.desc(), ReportingCycle.id.desc())
        ).scalars()
    )


def cycle(cycle_id: int) -> ReportingCycle | None:
    """A published cycle, or None (an unpublished one does not exist for the public)."""
    return db.session.execute(
        select(ReportingCycle).where(ReportingCycle.id == cycle_id, _published_cycle())
    ).scalar_one_or_none()


def last_changed() -> dt.datetime | None:
    """When anything the public sees last changed: a publication, a report accepted in a published
    cycle (an amendment may change only text), or a public chart rebuilt. One query."""
    accepted = (
        select(func.max(Report.accepted_at))
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(_published_cycle(), Report.state == ReportState.ACCEPTED)
        .scalar_subquery()
    )
    built = select(func.max(ChartFigure.built_at)).where(ChartFigure.key.like("public:%")).scalar_subquery()
    row = db.session.execute(select(func.max(ReportingCycle.published_at), accepted, built)).one()
    moments = [_utc(m) for m in row if m is not None]
    return max(moments) if moments else None


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
        )
        .join(ReportingCycle, StoredScore.cycle_id == ReportingCycle.id)
        .join(Country, StoredScore.country_id == Country.id)
        .where(_published_cycle(), StoredScore.basis == PUBLIC_BASIS)
        .order_by(ReportingCycle.period_end, ReportingCycle.id, Country.code, StoredScore.level, StoredScore.subject)
    )
    return iter(db.session.execute(statement.execution_options(yield_per=1000)))


def _latest_accepted():  # type: ignore[no-untyped-def]
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


def entries(cycle_id: int | None = None, country_id: int | None = None) -> list[Entry]:
    """Published entries (the latest accepted revision in published cycles) with evidence and figures."""
    statement = (
        select(Entry)
        .join(Report, Entry.report_id == Report.id)
        .where(Report.id.in_(_latest_accepted()))
        .options(
            joinedload(Entry.commitment),
            joinedload(Entry.report).joinedload(Report.cycle),
            joinedload(Entry.report).joinedload(Report.country),
            selectinload(Entry.evidence),
            selectinload(Entry.figures),
        )
        .order_by(Report.cycle_id, Report.country_id, Entry.position)
    )
    if cycle_id is not None:
        statement = statement.where(Report.cycle_id == cycle_id)
    if country_id is not None:
        statement = statement.where(Report.country_id == country_id)
    return list(db.session.execute(statement).unique().scalars())


def entries_by_id(entry_ids: list[int]) -> dict[int, Entry]:
    """Published entries among these ids (others, unpublished, are simply absent)."""
    if not entry_ids:
        return {}
    statement = (
        select(Entry)
        .join(Report, Entry.report_id == Report.id)
        .where(Entry.id.in_(entry_ids), Report.id.in_(_latest_accepted()))
        .options(
            joinedload(Entry.commitment),
            joinedload(Entry.report).joinedload(Report.cycle),
            selectinload(Entry.evidence),
            selectinload(Entry.figures),
        )
    )
    return {entry.id: entry for entry in db.session.execute(statement).unique().scalars()}


def evidence(evidence_id: int) -> Evidence | None:
    """An item of evidence of a published entry, or None."""
    return db.session.execute(
        select(Evidence)
        .join(Entry, Evidence.entry_id == Entry.id)
        .where(Evidence.id == evidence_id, Entry.report_id.in_(_latest_accepted()))
    ).scalar_one_or_none()


def chart(key: str) -> ChartFigure | None:
    """A public figure: built from published verified scores only (see ``services.scores``)."""
    if not key.startswith("public:"):
        return None
    return db.session.get(ChartFigure, key)


def charts(keys: list[str]) -> dict[str, ChartFigure]:
    keys = [k for k in keys if k.startswith("public:")]
    return {c.key: c for c in db.session.execute(select(ChartFigure).where(ChartFigure.key.in_(keys))).scalars()}
