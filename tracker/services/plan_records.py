"""Which stored plan a country or a report is on, and the plan it holds.

Apart from ``plans`` (the operations on plans) because reporting needs these lookups too, and
``plans`` builds on reporting's operations: one direction each, no import circle.
"""

from __future__ import annotations

import functools

from sqlalchemy import select

from ..extensions import db
from ..models import NationalPlan, Report, ReportState
from ..plans import Plan, load_plan


@functools.lru_cache(maxsize=64)
def _parsed(source: str) -> Plan:
    return load_plan(source, commitment_ids=None)


def plan_of(record: NationalPlan) -> Plan:
    """The stored plan, parsed once per process and text.

    Its commitment ids are not checked again: they were checked against the framework when the plan
    was stored, and a later framework version must not make an accepted plan unreadable.
    """
    return _parsed(record.source)


def accepted_plan(country_id: int) -> NationalPlan | None:
    """The plan in force for the tracker: the country's newest accepted revision."""
    return (
        db.session.execute(
            select(NationalPlan)
            .where(NationalPlan.country_id == country_id, NationalPlan.state == ReportState.ACCEPTED)
            .order_by(NationalPlan.revision.desc())
        )
        .scalars()
        .first()
    )


def report_plan(report: Report) -> NationalPlan | None:
    """The plan a report gives progress on: the one its progress already names, else the country's
    accepted plan (so a report keeps the plan it started on when the plan is amended later)."""
    if report.progress:
        return report.progress[0].plan
    return accepted_plan(report.country_id)
