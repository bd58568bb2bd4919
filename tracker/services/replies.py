"""The government's right of reply before publication (the GRETA and mySociety model).

Once the secretariat has accepted a country's report for a cycle, the country's focal points see
the draft verified scorecard, with every assessed status that differs from what they reported, and
may reply per commitment until the cycle's reply deadline (or until they say they have no further
replies). The secretariat answers each reply: it keeps the assessment or changes it, with a reason;
a change is a new accepted revision of the report (``reassess``), audited with that reason.
Publishing is refused while a reply is unanswered or a country's reply window is still open.
The replies and answers become public with the cycle, beside the scorecard; never before.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from .. import audit
from ..audit import Actor
from ..database import utcnow, write_transaction
from ..extensions import db
from ..models import (
    ReplyDecision,
    ReplyWindowClosed,
    Report,
    ReportingCycle,
    ReportState,
    Role,
    ScoreReply,
)
from ..notifications import notify
from . import scores
from .errors import DomainError
from .framework import framework_of
from .reporting import NotAllowed, NotFound, copy_contents, focal_points_of, require_staff, staff_members

MAX_REPLY = 5000


def latest_accepted(cycle_id: int, country_id: int) -> Report | None:
    """The country's latest revision for the cycle, if it is accepted: the draft verified scorecard's source."""
    latest = db.session.execute(
        select(Report)
        .where(Report.cycle_id == cycle_id, Report.country_id == country_id)
        .order_by(Report.revision.desc())
        .limit(1)
    ).scalar_one_or_none()
    return latest if latest is not None and latest.state is ReportState.ACCEPTED else None


def window_open(cycle: ReportingCycle, country_id: int, today: dt.date | None = None) -> bool:
    """Whether the country may still reply for this cycle."""
    if cycle.reply_due_on is None or cycle.published_at is not None:
        return False
    if (today or dt.date.today()) > cycle.reply_due_on:
        return False
    closed = db.session.execute(
        select(ReplyWindowClosed.id).where(
            ReplyWindowClosed.cycle_id == cycle.id, ReplyWindowClosed.country_id == country_id
        )
    ).first()
    return closed is None


def _focal_point(actor: Actor) -> int:
    user = actor.user
    if user is None or user.role is not Role.FOCAL_POINT or user.country_id is None:
        raise NotAllowed("Only a country's focal point can reply for it.")
    return user.country_id


def reply_to_assessment(
    cycle_id: int, commitment: str, body: str, actor: Actor, today: dt.date | None = None
) -> ScoreReply:
    """A focal point replies to the assessment of one commitment of their country's draft scorecard."""
    country_id = _focal_point(actor)
    body = body.strip()
    if not body:
        raise DomainError("Write your reply before sending it.")
    if len(body) > MAX_REPLY:
        raise DomainError(f"A reply is at most {MAX_REPLY} characters.")
    session = db.session
    with write_transaction(session):
        cycle = session.get(ReportingCycle, cycle_id)
        if cycle is None:
            raise NotFound("There is no such cycle.")
        report = latest_accepted(cycle.id, country_id)
        if report is None:
            raise DomainError("You can reply once the secretariat has accepted your report for this cycle.")
        if not window_open(cycle, country_id, today):
            raise DomainError("The period for replies to this cycle's scorecard is over.")
        entry = next((e for e in report.entries if e.commitment.code == commitment), None)
        if entry is None:
            raise NotFound("Your report has no such commitment.")
        pending = session.execute(
            select(ScoreReply.id).where(
                ScoreReply.cycle_id == cycle.id,
                ScoreReply.country_id == country_id,
                ScoreReply.commitment == commitment,
                ScoreReply.answered_at.is_(None),
            )
        ).first()
        if pending is not None:
            raise DomainError(f"Your reply on {commitment} is waiting for the secretariat's answer.")
        reply = ScoreReply(
            cycle_id=cycle.id,
            country_id=country_id,
            report_id=report.id,
            commitment=commitment,
            reported_status=entry.reported_status,
            assessed_status=entry.assessed_status,
            body=body,
            author_id=actor.user.id,  # type: ignore[union-attr]
        )
        session.add(reply)
        session.flush()
        audit.record(
            session,
            "assessment_replied",
            actor,
            object_type="score_reply",
            object_id=reply.id,
            after={"cycle": cycle.name, "commitment": commitment, "assessed": entry.assessed_status},
        )
        notify(
            session,
            staff_members(),
            "assessment_replied",
            f"{report.country.name} replied to the assessment of {commitment} in {cycle.name}.",
            f"/review/cycles/{cycle.id}/replies",
        )
    return reply


def close_replies(cycle_id: int, actor: Actor, today: dt.date | None = None) -> ReplyWindowClosed:
    """The focal point says the country has no further replies: its window closes now."""
    country_id = _focal_point(actor)
    session = db.session
    with write_transaction(session):
        cycle = session.get(ReportingCycle, cycle_id)
        if cycle is None:
            raise NotFound("There is no such cycle.")
        if latest_accepted(cycle.id, country_id) is None or not window_open(cycle, country_id, today):
            raise DomainError("There is no open period for replies to close.")
        closed = ReplyWindowClosed(cycle_id=cycle.id, country_id=country_id, closed_by_id=actor.user.id)  # type: ignore[union-attr]
        session.add(closed)
        session.flush()
        audit.record(
            session, "replies_closed", actor, object_type="cycle", object_id=cycle.id, after={"country": country_id}
        )
    return closed


def answer_reply(reply_id: int, decision: str, answer: str, actor: Actor, new_status: str | None = None) -> ScoreReply:
    """The secretariat answers a reply: keeps the assessment, or changes it (``new_status``), with a reason."""
    require_staff(actor)
    answer = answer.strip()
    if not answer:
        raise DomainError("Give the reason for your answer: it is published beside the reply.")
    try:
        chosen = ReplyDecision(decision)
    except ValueError:
        raise DomainError("Keep or change the assessment.") from None
    session = db.session
    with write_transaction(session):
        reply = session.get(ScoreReply, reply_id)
        if reply is None:
            raise NotFound("There is no such reply.")
        if reply.answered_at is not None:
            raise DomainError("This reply is already answered.")
        if reply.cycle.published_at is not None:
            raise DomainError("The cycle is published: its replies are closed.")
        if chosen is ReplyDecision.CHANGED:
            reassess(reply.cycle_id, reply.country_id, reply.commitment, new_status, answer, actor)
        answered_by = actor.user.id  # type: ignore[union-attr]
        with session.no_autoflush:  # an answer is whole or absent (a CHECK constraint): set it at once
            reply.decision = chosen
            reply.new_status = new_status if chosen is ReplyDecision.CHANGED else None
            reply.answer = answer
            reply.answered_by_id = answered_by
            reply.answered_at = utcnow()
        session.flush()
        audit.record(
            session,
            "assessment_reply_answered",
            actor,
            object_type="score_reply",
            object_id=reply.id,
            after={"decision": chosen.value, "new_status": reply.new_status},
            reason=answer,
        )
        notify(
            session,
            focal_points_of(reply.country_id),
            "assessment_reply_answered",
            f"The secretariat answered your reply on {reply.commitment} ({reply.cycle.name}).",
            f"/reports/cycles/{reply.cycle_id}/scorecard",
        )
    return reply


def reassess(
    cycle_id: int, country_id: int, commitment: str, new_status: str | None, reason: str, actor: Actor
) -> Report:
    """Change an accepted assessment: a new accepted revision of the report, identical but for that
    entry's assessed status, audited with the reason. Runs inside the caller's transaction.

    The accepted revision itself stays locked and unchanged (``tracker.locks``): the change is a
    revision, like every correction, so the record of what was assessed first is kept.
    """
    require_staff(actor)
    session = db.session
    cycle = session.get(ReportingCycle, cycle_id)
    original = latest_accepted(cycle_id, country_id)
    if cycle is None or original is None:
        raise DomainError("The country's latest report for this cycle is not accepted: there is nothing to reassess.")
    levels = {level.id for level in framework_of(cycle).methodology.status_levels}
    if new_status not in levels:
        raise DomainError("Choose the new assessed status.")
    target = next((e for e in original.entries if e.commitment.code == commitment), None)
    if target is None:
        raise NotFound("The report has no such commitment.")
    if target.assessed_status == new_status:
        raise DomainError("That is the assessed status already: keep the assessment instead.")
    revision = Report(
        cycle_id=original.cycle_id,
        country_id=original.country_id,
        revision=original.revision + 1,
        amends_id=original.id,
        state=ReportState.SUBMITTED,
        submitted_at=original.submitted_at,
    )
    copy_contents(original, revision, assessed=True)
    changed = next(e for e in revision.entries if e.commitment_id == target.commitment_id)
    changed.assessed_status = new_status
    session.add(revision)
    session.flush()  # entries first: once the revision is accepted the triggers refuse them
    revision.state = ReportState.ACCEPTED
    revision.accepted_at = utcnow()
    session.flush()
    audit.record(
        session,
        "assessment_changed",
        actor,
        object_type="report",
        object_id=revision.id,
        before={"report": original.id, "assessed": target.assessed_status},
        after={"revision": revision.revision, "commitment": commitment, "assessed": new_status},
        reason=reason,
    )
    scores.recompute(session, framework_of, cycle_ids=scores.cycles_from(session, cycle), country_ids={country_id})
    return revision


def set_reply_deadline(
    cycle_id: int, reply_due_on: dt.date, actor: Actor, today: dt.date | None = None
) -> ReportingCycle:
    """Open (or extend) the right of reply of an unpublished cycle, e.g. one created without it.
    A deadline never moves earlier: countries rely on it."""
    require_staff(actor)
    session = db.session
    with write_transaction(session):
        cycle = session.get(ReportingCycle, cycle_id)
        if cycle is None:
            raise NotFound("There is no such cycle.")
        if cycle.published_at is not None:
            raise DomainError("The cycle is published: its right of reply is over.")
        if reply_due_on < (today or dt.date.today()):
            raise DomainError("The reply period must end today or later.")
        if cycle.reply_due_on is not None and reply_due_on < cycle.reply_due_on:
            raise DomainError("A reply deadline can be extended, never brought forward.")
        before = cycle.reply_due_on.isoformat() if cycle.reply_due_on else None
        cycle.reply_due_on = reply_due_on
        session.flush()
        audit.record(
            session,
            "reply_deadline_set",
            actor,
            object_type="cycle",
            object_id=cycle.id,
            before={"reply_due_on": before},
            after={"reply_due_on": reply_due_on.isoformat()},
        )
        notify(
            session,
            [u for c in _accepted_countries(cycle.id) for u in focal_points_of(c)],
            "reply_period_open",
            f"You may reply to your draft verified scorecard for {cycle.name} until {reply_due_on.isoformat()}.",
            f"/reports/cycles/{cycle.id}/scorecard",
        )
    return cycle


def _accepted_countries(cycle_id: int) -> list[int]:
    return list(
        db.session.execute(
            select(Report.country_id)
            .where(Report.cycle_id == cycle_id, Report.state == ReportState.ACCEPTED)
            .distinct()
        ).scalars()
    )
