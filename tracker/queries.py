"""Read-only queries for pages, exports and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, func, select, text
from sqlalchemy.orm import aliased, joinedload, selectinload

from . import scoping
from .extensions import db
from .framework import Framework
from .models import (
    DUE_SOON,
    ActivityProgress,
    AuditEvent,
    ChartFigure,
    Country,
    Entry,
    Finding,
    FrameworkVersion,
    NationalPlan,
    Notification,
    Report,
    ReportingCycle,
    ReportState,
    ReviewComment,
    ScoreReply,
    StoredScore,
    User,
)

# Framework objects rebuilt from stored documents, by content hash. A version's content never
# changes, so an entry never goes stale; the number of versions is small.
_framework_cache: dict[str, Framework] = {}


def current_framework() -> Framework | None:
    """The current framework version, rebuilt once per process and then served from memory."""
    row = db.session.execute(
        select(FrameworkVersion.id, FrameworkVersion.content_hash).where(FrameworkVersion.is_current.is_(True))
    ).first()
    if row is None:
        return None
    return framework_by_hash(row.content_hash)


def framework_by_hash(content_hash: str) -> Framework | None:
    if content_hash not in _framework_cache:
        document = db.session.execute(
            select(FrameworkVersion.document).where(FrameworkVersion.content_hash == content_hash)
        ).scalar_one_or_none()
        if document is None:
            return None
        _framework_cache[content_hash] = Framework.from_document(document)
    return _framework_cache[content_hash]


def database_answers() -> bool:
    """True when the database runs a trivial query."""
    return db.session.execute(text("SELECT 1")).scalar() == 1


def countries() -> list[Country]:
    return list(db.session.execute(select(Country).order_by(Country.name)).scalars())


def reporting_countries() -> list[Country]:
    """The countries listed as reporting (``scoping.reporting_countries``): on a demonstration
    installation its fictional ones only."""
    return scoping.reporting_countries(db.session)


def users() -> list[User]:
    """Every account with its country, in one query."""
    return list(
        db.session.execute(select(User).options(joinedload(User.country)).order_by(User.role, User.email)).scalars()
    )


def audit_actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars())


@dataclass(frozen=True)
class Page:
    items: list[AuditEvent]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


AUDIT_PAGE_SIZE = 50


def audit_events(
    *,
    action: str | None = None,
    actor: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: int = 1,
) -> Page:
    """The newest events first, filtered; one page at a time (one query)."""
    statement = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        statement = statement.where(AuditEvent.action == action)
    if actor:
        statement = statement.where(AuditEvent.actor_email.contains(actor.lower(), autoescape=True))
    if since:
        statement = statement.where(AuditEvent.occurred_at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until and until < dt.date.max:
        statement = statement.where(
            AuditEvent.occurred_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    rows = list(db.session.execute(statement.offset((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE + 1)).scalars())
    return Page(rows[:AUDIT_PAGE_SIZE], page, len(rows) > AUDIT_PAGE_SIZE)


# ----------------------------------------------------------------------------- reporting
@dataclass(frozen=True)
class CycleStatus:
    """One cycle as a country sees it: its latest report (None: not started) and the deadline."""

    cycle: ReportingCycle
    report: Report | None
    open_comments: int

    @property
    def state_label(self) -> str:
        return self.report.state.label if self.report else "Not started"

    def deadline(self, today: dt.date) -> str | None:
        """ "overdue", "due soon" or None, for a report that still has to be sent."""
        if self.report and self.report.state in (ReportState.SUBMITTED, ReportState.ACCEPTED):
            return None
        if today > self.cycle.due_on:
            return "overdue"
        if today >= self.cycle.due_on - DUE_SOON:
            return "due soon"
        return None


def cycles() -> list[ReportingCycle]:
    return list(db.session.execute(select(ReportingCycle).order_by(ReportingCycle.due_on.desc())).scalars())


Reply = aliased(ReviewComment)  # a comment's answer, to find comments still without one


def pinned_version():  # type: ignore[no-untyped-def]
    """A cycle's framework version without its large JSON document: its hash is what ``framework_of``
    and the pages need."""
    return joinedload(ReportingCycle.framework_version).load_only(FrameworkVersion.id, FrameworkVersion.content_hash)


def cycle(cycle_id: int) -> ReportingCycle | None:
    """A cycle with its framework version's hash (``services.framework_of`` then needs no query)."""
    return db.session.get(ReportingCycle, cycle_id, options=[pinned_version()])


def country_cycles(country_id: int) -> list[CycleStatus]:
    """Every cycle with the country's latest report in it and its open comments: three queries."""
    all_cycles = cycles()
    reports = db.session.execute(
        select(Report).where(Report.country_id == country_id).order_by(Report.cycle_id, Report.revision)
    ).scalars()
    latest = {report.cycle_id: report for report in reports}  # the last revision wins
    open_counts = dict(
        db.session.execute(
            select(ReviewComment.report_id, func.count())
            .where(
                ReviewComment.report_id.in_([r.id for r in latest.values()] or [0]),
                ReviewComment.in_reply_to_id.is_(None),
                ~select(Reply.id).where(Reply.in_reply_to_id == ReviewComment.id).exists(),
            )
            .group_by(ReviewComment.report_id)
        ).all()
    )
    return [
        CycleStatus(cycle, latest.get(cycle.id), open_counts.get(latest[cycle.id].id, 0) if cycle.id in latest else 0)
        for cycle in all_cycles
    ]


def report_with_everything(report_id: int) -> Report | None:
    """A report with its cycle, country, entries, commitments, evidence, figures and comments, eagerly."""
    return db.session.execute(report_statement(report_id)).unique().scalar_one_or_none()


def report_statement(report_id: int) -> Select[tuple[Report]]:
    """The select behind ``report_with_everything``, for ``permissions.get_scoped_or_404``."""
    return (
        select(Report)
        .where(Report.id == report_id)
        .options(
            joinedload(Report.cycle).options(pinned_version()),
            joinedload(Report.country),
            selectinload(Report.entries).joinedload(Entry.commitment),
            # joined to the entries' one query: a report's few dozen entries have one or two of each
            selectinload(Report.entries).joinedload(Entry.evidence),
            selectinload(Report.entries).joinedload(Entry.figures),
            selectinload(Report.entries).joinedload(Entry.citations),
            selectinload(Report.comments).joinedload(ReviewComment.author),
            selectinload(Report.statistics),
            # not its plan: ``report_plan`` then reads one plan row whether the report has progress or not
            selectinload(Report.progress),
        )
    )


def review_queue() -> list[Report]:
    """Submitted reports, the longest waiting first."""
    return list(
        db.session.execute(
            select(Report)
            .where(Report.state == ReportState.SUBMITTED)
            .options(joinedload(Report.country), joinedload(Report.cycle))
            .order_by(Report.submitted_at)
        ).scalars()
    )


def plans_to_review() -> int:
    """National plans submitted and waiting for the secretariat (the review queue counts them)."""
    return db.session.execute(
        select(func.count()).select_from(NationalPlan).where(NationalPlan.state == ReportState.SUBMITTED)
    ).scalar_one()


def cycle_reports(cycle_id: int) -> dict[int, Report]:
    """The latest report of every country in a cycle, by country id."""
    reports = db.session.execute(
        select(Report).where(Report.cycle_id == cycle_id).order_by(Report.country_id, Report.revision)
    ).scalars()
    return {report.country_id: report for report in reports}


def report_revisions(cycle_id: int, country_id: int) -> list[Report]:
    """Every revision of a country's report in a cycle, oldest first."""
    return list(
        db.session.execute(
            select(Report).where(Report.cycle_id == cycle_id, Report.country_id == country_id).order_by(Report.revision)
        ).scalars()
    )


def unread_notifications(user_id: int) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).scalar_one()


def notifications(user_id: int, limit: int = 100) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc()).limit(limit)
        ).scalars()
    )


# ----------------------------------------------------------------------------- scores
def chart(key: str) -> ChartFigure | None:
    return db.session.get(ChartFigure, key)


def charts(keys: list[str]) -> dict[str, ChartFigure]:
    """Several stored figures in one query, by key (missing ones are absent)."""
    return {c.key: c for c in db.session.execute(select(ChartFigure).where(ChartFigure.key.in_(keys))).scalars()}


def cycles_by_period() -> list[ReportingCycle]:
    """Every cycle, the most recent period first."""
    return list(
        db.session.execute(
            select(ReportingCycle).order_by(ReportingCycle.period_end.desc(), ReportingCycle.id.desc())
        ).scalars()
    )


def country_by_code(code: str) -> Country | None:
    return db.session.execute(select(Country).where(Country.code == code.upper())).scalar_one_or_none()


def stored_score(cycle_id: int, country_id: int, basis: str, level: str, subject: str) -> StoredScore | None:
    return db.session.execute(
        select(StoredScore).where(
            StoredScore.cycle_id == cycle_id,
            StoredScore.country_id == country_id,
            StoredScore.basis == basis,
            StoredScore.level == level,
            StoredScore.subject == subject,
        )
    ).scalar_one_or_none()


def scorecard(cycle_id: int, country_id: int) -> dict[tuple[str, str, str], StoredScore]:
    """A country's stored scores for a cycle, both bases, by (basis, level, subject)."""
    rows = db.session.execute(
        select(StoredScore).where(StoredScore.cycle_id == cycle_id, StoredScore.country_id == country_id)
    ).scalars()
    return {(s.basis, s.level, s.subject): s for s in rows}


def overall_scores() -> dict[tuple[int, int, str], StoredScore]:
    """Every country's overall score in every cycle, by (cycle id, country id, basis)."""
    rows = db.session.execute(select(StoredScore).where(StoredScore.level == "overall")).scalars()
    return {(s.cycle_id, s.country_id, s.basis): s for s in rows}


def score_export_rows(cycle_ids: list[int] | None = None) -> Iterator[Row[Any]]:
    """Every stored score with its cycle and country, for CSV: streamed, in a stable order."""
    statement = (
        select(
            ReportingCycle.name.label("cycle"),
            Country.code.label("country_code"),
            Country.name.label("country"),
            StoredScore.basis,
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
        .order_by(ReportingCycle.period_end, ReportingCycle.id, Country.code, StoredScore.level, StoredScore.subject)
    )
    if cycle_ids is not None:
        statement = statement.where(StoredScore.cycle_id.in_(cycle_ids))
    return iter(db.session.execute(statement.execution_options(yield_per=1000)))


def explained_entries(entry_ids: list[int], *, with_plan_progress: bool = False) -> dict[int, Entry]:
    """The entries behind a score with their commitment, report, evidence and figures, in one query (one
    scorecard's entries, each with one or two items of evidence and figures: few joined rows).

    ``with_plan_progress``: also each entry's citations and its report's progress per activity with
    the plan (one more statement, whatever the number of entries)."""
    if not entry_ids:
        return {}
    statement = (
        select(Entry)
        .where(Entry.id.in_(entry_ids))
        .options(
            joinedload(Entry.commitment),
            joinedload(Entry.report).joinedload(Report.cycle),
            joinedload(Entry.evidence),
            joinedload(Entry.figures),
        )
    )
    if with_plan_progress:
        statement = statement.options(
            joinedload(Entry.citations),  # an entry cites a few activities: joined to the entry's one query
            joinedload(Entry.report).selectinload(Report.progress).joinedload(ActivityProgress.plan),
        )
    rows = db.session.execute(statement).unique().scalars()
    return {entry.id: entry for entry in rows}


def entry_comments(entry_ids: list[int]) -> dict[int, list[ReviewComment]]:
    """Reviewer comments and replies on these entries, oldest first, by entry id."""
    found: dict[int, list[ReviewComment]] = {}
    if entry_ids:
        rows = db.session.execute(
            select(ReviewComment)
            .where(ReviewComment.entry_id.in_(entry_ids))
            .options(joinedload(ReviewComment.author))
            .order_by(ReviewComment.id)
        ).scalars()
        for comment in rows:
            found.setdefault(comment.entry_id, []).append(comment)
    return found


def score_replies(cycle_id: int, country_id: int | None = None) -> list[ScoreReply]:
    """A cycle's replies to assessments (one country's, or all), oldest first; for the country's
    focal points and the secretariat, never the public (see ``published.score_replies``)."""
    statement = (
        select(ScoreReply)
        .options(joinedload(ScoreReply.country), joinedload(ScoreReply.author))
        .where(ScoreReply.cycle_id == cycle_id)
        .order_by(ScoreReply.id)
    )
    if country_id is not None:
        statement = statement.where(ScoreReply.country_id == country_id)
    return list(db.session.execute(statement).scalars())


def findings(cycle_id: int) -> list[Finding]:
    """The findings recorded for a cycle, oldest first."""
    return list(
        db.session.execute(
            select(Finding)
            .options(joinedload(Finding.country))
            .where(Finding.cycle_id == cycle_id)
            .order_by(Finding.id)
        ).scalars()
    )
