"""Whether the right of reply still holds a cycle back from publication.

Apart from ``replies`` because publishing (in ``reporting``) asks it, and ``replies`` builds on
reporting's operations: one direction each, no import circle.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ..extensions import db
from ..models import Country, ReplyWindowClosed, Report, ReportingCycle, ReportState, ScoreReply


def publication_blockers(cycle: ReportingCycle, today: dt.date | None = None) -> list[str]:
    """Why the cycle cannot be published yet because of the right of reply (empty: nothing)."""
    if cycle.reply_due_on is None:
        return []
    session = db.session
    problems = []
    unanswered = session.execute(
        select(func.count(ScoreReply.id)).where(ScoreReply.cycle_id == cycle.id, ScoreReply.answered_at.is_(None))
    ).scalar_one()
    if unanswered:
        problems.append(f"{unanswered} repl{'y is' if unanswered == 1 else 'ies are'} still to be answered.")
    if (today or dt.date.today()) <= cycle.reply_due_on:
        accepted = session.execute(
            select(Country.name, Country.id)
            .join(Report, Report.country_id == Country.id)
            .where(Report.cycle_id == cycle.id, Report.state == ReportState.ACCEPTED)
            .distinct()
            .order_by(Country.name)
        ).all()
        closed = set(
            session.execute(
                select(ReplyWindowClosed.country_id).where(ReplyWindowClosed.cycle_id == cycle.id)
            ).scalars()
        )
        still = [name for name, country_id in accepted if country_id not in closed]
        if still:
            problems.append(
                f"The reply period runs to {cycle.reply_due_on.isoformat()} and {', '.join(still)} may still reply."
            )
    return problems
