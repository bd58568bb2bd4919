"""The public statistics of each published cycle: built when what is published changes, stored,
and read by every public page, download and API route alike (so they suppress the same way)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..database import utcnow
from ..framework import Framework
from ..models import ChartFigure, Country, ReportingCycle, Statistic
from ..published import latest_accepted_reports
from ..scoring.charts import to_json
from ..statistics import charts, publication

FLOWS = (
    # measure, breakdown, axis title, hover
    ("victims-identified", "origin", "Country of origin", "Identified in %{y}, from %{x}: %{text}"),
    (
        "victims-returned",
        "destination",
        "Country where they were exploited",
        "Nationals of %{y} returned from %{x}: %{text}",
    ),
)


def statistics_key(cycle_id: int) -> str:
    """The stored document's key; ``public:`` because it holds only what may be published."""
    return f"public:statistics:{cycle_id}"


def rebuild_public_statistics(
    session: Session, framework_of: Callable[[ReportingCycle], Framework], cycle_ids: Iterable[int]
) -> int:
    """Build again the published cycles' statistics among ``cycle_ids``; rewrite those that changed."""
    cycles = list(
        session.execute(
            select(ReportingCycle).where(
                ReportingCycle.id.in_(list(cycle_ids)), ReportingCycle.published_at.isnot(None)
            )
        ).scalars()
    )
    changed = 0
    for cycle in cycles:
        framework = framework_of(cycle)
        if framework.statistics is None:
            continue
        document = publication.publish(framework, _published_values(session, cycle.id))
        document["cycle"] = {
            "id": cycle.id,
            "name": cycle.name,
            "period_start": cycle.period_start.isoformat(),
            "period_end": cycle.period_end.isoformat(),
        }
        figures = {
            f"{measure}:{breakdown}": charts.flows(document, measure, breakdown, title=title, hover=hover)
            for measure, breakdown, title, hover in FLOWS
        }
        changed += _store(session, statistics_key(cycle.id), figures, document)
    return changed


def _published_values(session: Session, cycle_id: int) -> dict[str, dict[tuple[str, str, str], int]]:
    """The statistics of the cycle's latest accepted revisions, by country code."""
    rows = session.execute(
        select(Country.code, Statistic.measure, Statistic.breakdown, Statistic.category, Statistic.value)
        .join_from(Statistic, Statistic.report)
        .join(Country)
        .where(Statistic.report_id.in_(latest_accepted_reports()), Statistic.report.has(cycle_id=cycle_id))
    )
    values: dict[str, dict[tuple[str, str, str], int]] = defaultdict(dict)
    for code, measure, breakdown, category, value in rows:
        values[code][(measure, breakdown, category)] = value
    return dict(values)


def _store(session: Session, key: str, figures: dict[str, Any], document: dict[str, Any]) -> int:
    text = to_json(figures)
    stored = session.execute(select(ChartFigure.figure, ChartFigure.table).where(ChartFigure.key == key)).first()
    if stored is not None and stored.figure == text and stored.table == document:
        return 0
    row = {"key": key, "figure": text, "table": document, "built_at": utcnow()}
    session.execute(insert(ChartFigure) if stored is None else update(ChartFigure), [row])
    return 1
