"""Reporting cycles and the report workflow: start, save, submit, return, respond, resubmit, accept, amend.

States and the operations that move between them::

    (none) --start--> draft --submit--> submitted --accept--> accepted --amend--> (new) draft
                                          |    ^
                                   return |    | resubmit
                                          v    |
                                         returned  (respond: the focal point answers a comment)

Each operation checks the actor's role and country and the report's state, writes one audit row
and commits once. An accepted report is locked by database triggers (``tracker.locks``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from .. import audit
from ..audit import Actor
from ..database import utcnow, write_transaction
from ..extensions import db
from ..framework import Framework
from ..framework.schema import Commitment as FrameworkCommitment
from ..models import (
    DUE_SOON,
    ActivityCitation,
    ActivityProgress,
    Commitment,
    Country,
    Entry,
    Evidence,
    FrameworkVersion,
    IndicatorValue,
    NationalPlan,
    Report,
    ReportingCycle,
    ReportState,
    ReviewComment,
    Role,
    Statistic,
    User,
)
from ..notifications import notify
from ..scoping import country_scope
from ..statistics import section
from ..uploads import StoredFile
from . import scores
from .errors import DomainError, StaleVersion
from .framework import framework_of
from .plan_records import plan_of, report_plan
from .reply_status import publication_blockers
from .sensitivity import rebuild_sensitivity
from .statistics import rebuild_public_statistics

# (state before, operation) -> state after
TRANSITIONS: dict[tuple[ReportState, str], ReportState] = {
    (ReportState.DRAFT, "submit"): ReportState.SUBMITTED,
    (ReportState.SUBMITTED, "return_for_revision"): ReportState.RETURNED,
    (ReportState.RETURNED, "resubmit"): ReportState.SUBMITTED,
    (ReportState.SUBMITTED, "accept"): ReportState.ACCEPTED,
}
EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)


class NotAllowed(DomainError):
    """The actor may not do this (wrong role or another country's report)."""


class NotFound(DomainError):
    """No such object, or none the actor may see: the two read the same."""


# ----------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class EvidenceInput:
    title: str
    url: str | None = None
    page: str | None = None
    quote: str | None = None
    file: StoredFile | None = None  # already checked and stored by tracker.uploads
    kind: str | None = None  # one of the methodology's evidence kinds, as the focal point describes it


@dataclass(frozen=True)
class EntryInput:
    """What a progress form sends for one commitment; every field may be empty in a draft."""

    reported_status: str | None = None
    narrative: str | None = None
    responsible: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget_amount: int | None = None
    budget_currency: str | None = None
    evidence: tuple[EvidenceInput, ...] = ()
    figures: dict[str, int] = field(default_factory=dict)
    cited_activities: tuple[str, ...] | None = None  # ids in the report's plan; None leaves citations as they are


# ----------------------------------------------------------------------------- checks
def require_staff(actor: Actor) -> None:
    if actor.user is None or not actor.user.is_staff:
        raise NotAllowed("Only the secretariat can do this.")


def report_for(report_id: int, actor: Actor, *, focal_point_only: bool = False) -> Report:
    """The report, if the actor may act on it: its own country's focal point, or staff."""
    report = db.session.get(Report, report_id)
    user = actor.user
    if report is None or user is None:
        raise NotFound("There is no such report.")
    scope = country_scope(user)
    if scope is not None and scope != report.country_id:
        raise NotFound("There is no such report.")  # another country's report does not exist for them
    if scope is None and focal_point_only:
        raise NotAllowed("Only the country's focal points can do this.")
    return report


Reviewed = Report | NationalPlan  # what goes through the review: the same states and operations


def move(item: Reviewed, operation: str) -> tuple[ReportState, ReportState]:
    """Apply one transition of ``TRANSITIONS`` to a report or a plan; refused in any other state."""
    after = TRANSITIONS.get((item.state, operation))
    if after is None:
        raise DomainError(f"A {item.state.value} {_noun(item)} cannot be {PAST[operation]}.")
    before = item.state
    item.state = after
    item.updated_at = utcnow()  # the mapper's version_id_col bumps ``version`` with this update
    return before, after


def _noun(item: Reviewed) -> str:
    return "plan" if isinstance(item, NationalPlan) else "report"


PAST = {
    "submit": "submitted",
    "return_for_revision": "returned",
    "resubmit": "resubmitted",
    "accept": "accepted",
}


def record_move(
    action: str,
    actor: Actor,
    item: Reviewed,
    states: tuple[ReportState, ReportState],
    *,
    after: dict[str, object] | None = None,
    **details: object,
) -> None:
    """The audit row of a transition: the state before and after, and what else the operation says."""
    before, new = states
    audit.record(
        db.session,
        action,
        actor,
        object_type=item.__tablename__,
        object_id=item.id,
        before={"state": before.value},
        after={"state": new.value, **(after or {})},
        **details,  # type: ignore[arg-type]
    )


def staff_members() -> list[User]:
    return list(
        db.session.execute(
            select(User).where(User.role.in_([Role.SECRETARIAT, Role.ADMIN]), User.is_active.is_(True))
        ).scalars()
    )


def _all_focal_points() -> list[User]:
    return list(
        db.session.execute(select(User).where(User.role == Role.FOCAL_POINT, User.is_active.is_(True))).scalars()
    )


def focal_points_of(country_id: int) -> list[User]:
    return list(
        db.session.execute(
            select(User).where(User.role == Role.FOCAL_POINT, User.country_id == country_id, User.is_active.is_(True))
        ).scalars()
    )


def claim_version(item: Reviewed, expected_version: int) -> None:
    """Compare-and-set in one UPDATE: a form loaded before someone else's save is refused."""
    model = type(item)
    result = db.session.execute(
        update(model)
        .where(model.id == item.id, model.version == expected_version)
        .values(version=model.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleVersion(f"Someone else saved this {_noun(item)} after you opened it.")
    db.session.refresh(item)


def _rescore(report: Report, *, later_cycles: bool) -> None:
    """Recompute the report's country's scores for its cycle (and, once accepted, every later cycle
    its carried-forward statuses reach), in the operation's own transaction."""
    session = db.session
    session.flush()
    cycle_ids = scores.cycles_from(session, report.cycle) if later_cycles else [report.cycle_id]
    scores.recompute(
        session,
        framework_of,
        cycle_ids=cycle_ids,
        country_ids={report.country_id},
        reason=f"report {report.id} of cycle {report.cycle_id} is now {report.state.value}",
    )


def create_cycle(
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    opens_on: dt.date,
    due_on: dt.date,
    actor: Actor,
    reply_due_on: dt.date | None = None,
) -> ReportingCycle:
    """A new cycle, pinned to the framework version that is current now. ``reply_due_on``: the last
    day countries may reply to their draft verified scorecards (None: no right of reply)."""
    require_staff(actor)
    if period_start > period_end:
        raise DomainError("The period must end after it starts.")
    if opens_on > due_on:
        raise DomainError("The cycle must open before it is due.")
    if reply_due_on is not None and reply_due_on < due_on:
        raise DomainError("The reply period must not end before reports are due.")
    session = db.session
    with write_transaction(session):
        version = session.execute(select(FrameworkVersion).where(FrameworkVersion.is_current.is_(True))).scalar()
        if version is None:
            raise DomainError("Load the framework before creating a cycle.")
        if session.execute(select(ReportingCycle.id).where(ReportingCycle.name == name.strip())).first():
            raise DomainError(f"There is already a cycle called {name.strip()!r}.")
        later_published = session.execute(
            select(ReportingCycle.name).where(
                ReportingCycle.published_at.is_not(None), ReportingCycle.period_end >= period_end
            )
        ).first()
        if later_published is not None:
            # its accepted statuses would be carried forward into a cycle the public already sees
            raise DomainError(
                f"“{later_published.name}” is published and covers a later period: a new cycle "
                "must end after every published one."
            )
        cycle = ReportingCycle(
            name=name.strip(),
            period_start=period_start,
            period_end=period_end,
            opens_on=opens_on,
            due_on=due_on,
            reply_due_on=reply_due_on,
            framework_version_id=version.id,
            created_by_id=actor.user.id if actor.user else None,
        )
        session.add(cycle)
        session.flush()
        audit.record(
            session,
            "cycle_created",
            actor,
            object_type="cycle",
            object_id=cycle.id,
            after={
                "name": cycle.name,
                "due_on": due_on.isoformat(),
                "framework": version.short_hash,
                **({"reply_due_on": reply_due_on.isoformat()} if reply_due_on else {}),
            },
        )
        # every country starts the cycle with what carry-forward gives it, or "not reported"
        scores.recompute(session, framework_of, cycle_ids=[cycle.id])
    return cycle


def publish_cycle(cycle_id: int, actor: Actor, today: dt.date | None = None) -> ReportingCycle:
    """Make a cycle's verified results public. Only accepted reports count; drafts, submitted and
    returned reports, comments and self-reported scores stay with the secretariat.

    Refused while the right of reply is not done: a reply unanswered, or a country's reply period
    still open. Builds the cycle's sensitivity table.
    """
    require_staff(actor)
    session = db.session
    with write_transaction(session):
        cycle = session.get(ReportingCycle, cycle_id)
        if cycle is None:
            raise NotFound("There is no such cycle.")
        if cycle.published_at is not None:
            raise DomainError(f"“{cycle.name}” is already published.")
        earlier = session.execute(  # in the order carry-forward reads cycles: period end, then id
            select(ReportingCycle.name).where(
                ReportingCycle.published_at.is_(None),
                (ReportingCycle.period_end < cycle.period_end)
                | ((ReportingCycle.period_end == cycle.period_end) & (ReportingCycle.id < cycle.id)),
            )
        ).first()
        if earlier is not None:
            # a published cycle's carried-forward statuses come from earlier cycles: those must be public too
            raise DomainError(f"Publish “{earlier.name}” first: cycles are published in the order of their periods.")
        accepted = session.execute(
            select(func.count(func.distinct(Report.country_id))).where(
                Report.cycle_id == cycle.id, Report.state == ReportState.ACCEPTED
            )
        ).scalar_one()
        if not accepted:
            raise DomainError("No report in this cycle is accepted yet: there is nothing verified to publish.")
        blockers = publication_blockers(cycle, today)
        if blockers:
            raise DomainError("Not yet: " + " ".join(blockers))
        cycle.published_at = utcnow()
        session.flush()
        cycles = list(
            session.execute(select(ReportingCycle).order_by(ReportingCycle.period_end, ReportingCycle.id)).scalars()
        )
        scores.rebuild_charts(
            session, framework_of, cycles, scores.Redraw.everything({cycle.id})
        )  # the public's charts now include it
        rebuild_public_statistics(session, framework_of, [cycle.id])
        rebuild_sensitivity(session, framework_of, cycle)
        audit.record(
            session,
            "cycle_published",
            actor,
            object_type="cycle",
            object_id=cycle.id,
            after={"name": cycle.name, "countries_accepted": accepted},
        )
        notify(
            session,
            _all_focal_points(),
            "cycle_published",
            f"The secretariat published the verified results of {cycle.name}.",
            "/",
        )
    audit.checkpoint_quietly(session)  # the head of the chain, now with the publication, outside the database
    return cycle


# ----------------------------------------------------------------------------- reports
def start_report(cycle_id: int, actor: Actor, today: dt.date | None = None) -> Report:
    """A focal point starts their country's report: one empty entry per applicable commitment."""
    user = actor.user
    if user is None or user.role is not Role.FOCAL_POINT or user.country_id is None:
        raise NotAllowed("Only a country's focal point can start its report.")
    session = db.session
    with write_transaction(session):
        cycle = session.get(ReportingCycle, cycle_id)
        if cycle is None:
            raise NotFound("There is no such cycle.")
        if (today or dt.date.today()) < cycle.opens_on:
            raise DomainError(f"This cycle opens on {cycle.opens_on:%d %B %Y}.")
        existing = session.execute(
            select(Report.id).where(Report.cycle_id == cycle.id, Report.country_id == user.country_id)
        ).first()
        if existing:
            raise DomainError("Your country's report for this cycle is already started.")
        framework = framework_of(cycle)
        code = user.country.code
        applicable = [c.id for c in framework.applicable_commitments(code, on=cycle.period_end)]
        if not applicable:
            raise DomainError("Your country had signed none of the instruments by the end of this cycle's period.")
        # a regional programme no government signed: optional entries on what the country contributed,
        # shown beside its record and never scored
        applicable += [c.id for c in programme_commitments(framework, cycle.period_end) if c.id not in applicable]
        rows = {
            row.code: row
            for row in session.execute(
                select(Commitment).where(Commitment.version_id == cycle.framework_version_id)
            ).scalars()
        }
        report = Report(cycle_id=cycle.id, country_id=user.country_id, state=ReportState.DRAFT)
        report.entries = [Entry(commitment=rows[code_], position=n) for n, code_ in enumerate(applicable)]
        session.add(report)
        session.flush()
        audit.record(
            session,
            "report_started",
            actor,
            object_type="report",
            object_id=report.id,
            after={"cycle": cycle.name, "country": code, "entries": len(applicable)},
        )
    return report


def save_draft(report_id: int, expected_version: int, changes: dict[int, EntryInput], actor: Actor) -> Report:
    """Save whatever the form holds; refused (StaleVersion) if someone saved since it was loaded."""
    session = db.session
    with write_transaction(session):
        report = editable_report(report_id, expected_version, actor)
        write_entries(report, changes, actor)
    return report


def editable_report(report_id: int, expected_version: int, actor: Actor) -> Report:
    """The focal point's report, still editable, its version claimed: how every save begins.
    Runs inside the caller's write transaction (a workbook's upload saves several parts in one)."""
    report = report_for(report_id, actor, focal_point_only=True)
    if report.state not in EDITABLE:
        raise DomainError(f"A {report.state.value} report cannot be edited.")
    claim_version(report, expected_version)
    return report


def write_entries(report: Report, changes: dict[int, EntryInput], actor: Actor) -> None:
    """Check and write entries of an ``editable_report``, with their audit row."""
    session = db.session
    entries = {entry.id: entry for entry in report.entries}
    unknown = set(changes) - set(entries)
    if unknown:
        raise DomainError("The form names entries that are not in this report.")
    framework = framework_of(report.cycle)
    kinds = {k.id for k in framework.methodology.evidence.kinds}
    citable = _citable_activities(report) if any(d.cited_activities for d in changes.values()) else {}
    for entry_id, data in changes.items():
        entry = entries[entry_id]
        asked = set(framework.commitment(entry.commitment.code).indicators)
        if set(data.figures) - asked:
            raise DomainError(f"The form gives figures that {entry.commitment.code} does not ask for.")
        if set(data.cited_activities or ()) - citable.get(entry.commitment.code, set()):
            raise DomainError(f"{entry.commitment.code} cites an activity of the plan that does not implement it.")
        if {e.kind for e in data.evidence if e.kind} - kinds:
            raise DomainError(f"{entry.commitment.code} gives evidence of a kind the methodology does not name.")
        _apply(entry, data)
    session.flush()
    audit.record(
        session,
        "report_saved",
        actor,
        object_type="report",
        object_id=report.id,
        after={"version": report.version, "entries": len(changes)},
    )


class InvalidStatistics(DomainError):
    """The statistics section does not add up; ``problems`` says where."""

    def __init__(self, problems: list[section.Problem]):
        self.problems = problems
        super().__init__(" ".join(problem.message for problem in problems))


def save_statistics(report_id: int, expected_version: int, values: dict[section.Key, int], actor: Actor) -> Report:
    """Save the statistics section whole, if every breakdown adds up to its total."""
    session = db.session
    with write_transaction(session):
        report = editable_report(report_id, expected_version, actor)
        write_statistics(report, values, actor)
    return report


def write_statistics(report: Report, values: dict[section.Key, int], actor: Actor) -> None:
    """Check and write the statistics section of an ``editable_report`` whole, with its audit row."""
    session = db.session
    problems = section.check(framework_of(report.cycle), values)
    if problems:
        raise InvalidStatistics(problems)
    before = {(s.measure, s.breakdown, s.category): s.value for s in report.statistics}
    # merged in place, like figures: a key kept keeps its row
    wanted = dict(values)
    kept = []
    for row in report.statistics:
        key = (row.measure, row.breakdown, row.category)
        if key in wanted:
            row.value = wanted.pop(key)
            kept.append(row)
    report.statistics = kept + [
        Statistic(measure=m, breakdown=b, category=c, value=v) for (m, b, c), v in sorted(wanted.items())
    ]
    session.flush()
    changed = sum(1 for key in before.keys() | values.keys() if before.get(key) != values.get(key))
    audit.record(
        session,
        "statistics_saved",
        actor,
        object_type="report",
        object_id=report.id,
        after={"version": report.version, "figures": len(values), "changed": changed},
    )


def _citable_activities(report: Report) -> dict[str, set[str]]:
    """Commitment code -> ids of the activities of the report's plan that implement it."""
    record = report_plan(report)
    citable: dict[str, set[str]] = {}
    for activity in plan_of(record).activities if record else ():
        for code in activity.commitments:
            citable.setdefault(code, set()).add(activity.id)
    return citable


def _apply(entry: Entry, data: EntryInput) -> None:
    entry.reported_status = data.reported_status or None
    entry.narrative = data.narrative or None
    entry.responsible = data.responsible or None
    entry.start_date, entry.end_date = data.start_date, data.end_date
    entry.budget_amount = data.budget_amount
    entry.budget_currency = (data.budget_currency or "").upper() or None
    entry.evidence = [
        Evidence(
            title=item.title or (item.file.file_name if item.file else ""),
            url=item.url or None,
            page=item.page or None,
            quote=item.quote or None,
            kind=item.kind or None,
            **(_file_columns(item.file) if item.file else {}),
        )
        for item in data.evidence
        if item.title or item.url or item.file
    ]
    # figures are merged in place: (entry, indicator) is unique, and a flush inserts before it deletes
    wanted = {k: v for k, v in data.figures.items() if v is not None}
    kept = []
    for figure in entry.figures:
        if figure.indicator in wanted:
            figure.value = wanted.pop(figure.indicator)
            kept.append(figure)
    entry.figures = kept + [IndicatorValue(indicator=k, value=v) for k, v in sorted(wanted.items())]
    if data.cited_activities is not None:
        cited = set(data.cited_activities)
        kept_citations = [c for c in entry.citations if c.activity in cited]
        new = cited - {c.activity for c in kept_citations}
        entry.citations = kept_citations + [ActivityCitation(activity=a) for a in sorted(new)]


def _file_columns(stored: StoredFile) -> dict[str, object]:
    return {
        "stored_name": stored.stored_name,
        "file_name": stored.file_name,
        "content_type": stored.content_type,
        "size_bytes": stored.size_bytes,
    }


def stored_file_of(evidence: Evidence) -> StoredFile | None:
    """The file an evidence row already holds, to keep it across a save."""
    if evidence.stored_name is None:
        return None
    return StoredFile(
        evidence.stored_name, evidence.file_name or "evidence", evidence.content_type or "", evidence.size_bytes or 0
    )


def programme_commitments(framework: Framework, on: dt.date) -> list[FrameworkCommitment]:
    """The projects of a regional programme a report may say it contributed to (outside its scores)."""
    return [
        c
        for i in framework.instruments
        if i.signatories.status == "programme" and (i.adopted_on is None or i.adopted_on <= on)
        for c in i.commitments
    ]


def submission_problems(report: Report, framework: Framework) -> dict[int, list[tuple[str, str]]]:
    """Every reason the report cannot be submitted yet: by entry id, (field, message) pairs.

    A contribution to a regional programme is optional: left empty, it is no problem."""
    method = framework.methodology
    levels = [level.id for level in method.status_levels]
    needs_evidence_above = levels.index(method.evidence.required_above)
    optional = {c.id for i in framework.instruments if i.signatories.status == "programme" for c in i.commitments}
    problems: dict[int, list[str]] = {}
    for entry in report.entries:
        found: list[tuple[str, str]] = []
        if entry.reported_status is None and entry.commitment.code in optional:
            pass
        elif entry.reported_status is None:
            found.append(("reported_status", "Choose an implementation status."))
        elif entry.reported_status not in levels:
            found.append(("reported_status", "Choose one of the listed statuses."))
        elif levels.index(entry.reported_status) > needs_evidence_above and not entry.evidence:
            label = method.status_levels[levels.index(entry.reported_status)].label
            found.append(("evidence", f"A status of “{label}” needs at least one item of evidence."))
        if entry.reported_status and entry.reported_status != levels[0] and not entry.narrative:
            found.append(("narrative", "Say what was done."))
        if entry.budget_amount is not None and not entry.budget_currency:
            found.append(("budget_currency", "Give the budget's currency."))
        if found:
            problems[entry.id] = found
    return problems


def submit(report_id: int, expected_version: int, actor: Actor) -> Report:
    """Draft → submitted, once the whole report passes ``submission_problems``."""
    return _submit(report_id, expected_version, actor, "submit")


def resubmit(report_id: int, expected_version: int, actor: Actor) -> Report:
    """Returned → submitted, after the focal point has revised it."""
    return _submit(report_id, expected_version, actor, "resubmit")


class NotReady(DomainError):
    """The report has problems; ``problems`` lists them by entry id."""

    def __init__(self, problems: dict[int, list[tuple[str, str]]]):
        super().__init__(f"The report has {sum(map(len, problems.values()))} problem(s) to fix before it can be sent.")
        self.problems = problems


def _submit(report_id: int, expected_version: int, actor: Actor, operation: str) -> Report:
    session = db.session
    with write_transaction(session):
        report = report_for(report_id, actor, focal_point_only=True)
        if report.version != expected_version:
            raise StaleVersion("Someone else saved this report after you opened it.")
        problems = submission_problems(report, framework_of(report.cycle))
        if problems:
            raise NotReady(problems)
        states = move(report, operation)
        report.submitted_at = utcnow()
        record_move(f"report_{PAST[operation]}", actor, report, states)
        _rescore(report, later_cycles=False)
        notify(
            session,
            staff_members(),
            "report_submitted",
            f"{report.country.name} {PAST[operation]} its report for {report.cycle.name}.",
            f"/review/reports/{report.id}",
        )
    return report


def return_for_revision(report_id: int, general: str, per_entry: dict[int, str], actor: Actor) -> Report:
    """Submitted → returned, with the reviewer's comments on the report and on entries."""
    require_staff(actor)
    if not general.strip() and not any(text.strip() for text in per_entry.values()):
        raise DomainError("Say what needs to change: add a comment to the report or to an entry.")
    session = db.session
    with write_transaction(session):
        report = report_for(report_id, actor)
        entry_ids = {entry.id for entry in report.entries}
        if set(per_entry) - entry_ids:
            raise DomainError("A comment names an entry that is not in this report.")
        states = move(report, "return_for_revision")
        if general.strip():
            report.comments.append(ReviewComment(author_id=actor.user.id, body=general.strip()))
        for entry_id, text in sorted(per_entry.items()):
            if text.strip():
                report.comments.append(ReviewComment(author_id=actor.user.id, entry_id=entry_id, body=text.strip()))
        session.flush()
        record_move(
            "report_returned",
            actor,
            report,
            states,
            reason=general.strip() or f"{sum(1 for t in per_entry.values() if t.strip())} entry comment(s)",
        )
        _rescore(report, later_cycles=False)  # a returned report no longer counts as self-reported
        notify(
            session,
            focal_points_of(report.country_id),
            "report_returned",
            f"The secretariat returned your report for {report.cycle.name} with comments to answer.",
            f"/reports/{report.id}",
        )
    return report


def respond(report_id: int, comment_id: int, body: str, actor: Actor) -> ReviewComment:
    """The focal point's right of reply to a reviewer's comment, on a returned report."""
    if not body.strip():
        raise DomainError("Write your answer before sending it.")
    session = db.session
    with write_transaction(session):
        report = report_for(report_id, actor, focal_point_only=True)
        if report.state is not ReportState.RETURNED:
            raise DomainError("You can answer comments while the report is returned to you.")
        comment = session.get(ReviewComment, comment_id)
        if comment is None or comment.report_id != report.id or comment.in_reply_to_id is not None:
            raise NotFound("There is no such comment on this report.")
        reply = ReviewComment(
            report_id=report.id,
            entry_id=comment.entry_id,
            in_reply_to_id=comment.id,
            author_id=actor.user.id,
            body=body.strip(),
        )
        session.add(reply)
        session.flush()
        audit.record(
            session, "comment_answered", actor, object_type="report", object_id=report.id, after={"comment": comment.id}
        )
    return reply


def accept(
    report_id: int,
    assessed: dict[int, str | None],
    actor: Actor,
    evidence_kinds: dict[int, str | None] | None = None,
) -> Report:
    """Submitted → accepted: every entry verified, with the reviewer's assessed status (or the reported
    one), and every item of evidence with the kind the reviewer confirms (by evidence id; the kind
    the country gave where the reviewer names none; "" confirms no kind)."""
    require_staff(actor)
    session = db.session
    with write_transaction(session):
        report = report_for(report_id, actor)
        if report.state is not ReportState.SUBMITTED:
            raise DomainError(f"A {report.state.value} report cannot be accepted.")
        framework = framework_of(report.cycle)
        method = framework.methodology
        levels = {level.id for level in method.status_levels}
        optional = {c.id for c in programme_commitments(framework, report.cycle.period_end)}
        kinds = {k.id for k in method.evidence.kinds}
        chosen_kinds = evidence_kinds or {}
        changed = {}
        reclassified = {}
        for entry in report.entries:
            status = assessed.get(entry.id) or entry.reported_status
            if status is None and entry.commitment.code in optional:
                entry.verified = True  # a contribution left empty: nothing to assess
                continue
            if status not in levels:
                raise DomainError(f"Entry {entry.commitment.code} has no valid status to verify.")
            if status != entry.reported_status:
                changed[entry.commitment.code] = {"reported": entry.reported_status, "assessed": status}
            entry.assessed_status = status
            entry.verified = True
            for item in entry.evidence:
                confirmed = chosen_kinds.get(item.id, item.kind) or None
                if confirmed is not None and confirmed not in kinds:
                    raise DomainError(
                        f"Evidence on {entry.commitment.code} is given a kind the methodology does not name."
                    )
                if confirmed != item.kind:
                    reclassified[str(item.id)] = {"given": item.kind, "confirmed": confirmed}
                item.confirmed_kind = confirmed
        session.flush()  # entries first: once the report is accepted the triggers refuse them
        states = move(report, "accept")
        report.accepted_at = utcnow()
        record_move(
            "report_accepted",
            actor,
            report,
            states,
            after={"assessed_differently": changed, **({"evidence_kinds": reclassified} if reclassified else {})},
        )
        _rescore(report, later_cycles=True)
        if report.cycle.is_published:  # an amendment to a published report: the public's statistics follow
            rebuild_public_statistics(session, framework_of, [report.cycle_id])
            rebuild_sensitivity(session, framework_of, report.cycle)
        notify(
            session,
            focal_points_of(report.country_id),
            "report_accepted",
            f"The secretariat accepted your report for {report.cycle.name}.",
            f"/reports/{report.id}",
        )
    return report


def amend(report_id: int, actor: Actor) -> Report:
    """A correction to an accepted report: a new draft revision that copies it and links back."""
    session = db.session
    with write_transaction(session):
        original = report_for(report_id, actor, focal_point_only=True)
        if original.state is not ReportState.ACCEPTED:
            raise DomainError("Only an accepted report is amended; edit the report itself instead.")
        latest = (
            session.execute(
                select(Report.revision)
                .where(Report.cycle_id == original.cycle_id, Report.country_id == original.country_id)
                .order_by(Report.revision.desc())
            )
            .scalars()
            .first()
        )
        if latest != original.revision:
            raise DomainError("This report already has a newer revision.")
        amendment = Report(
            cycle_id=original.cycle_id,
            country_id=original.country_id,
            revision=original.revision + 1,
            amends_id=original.id,
            state=ReportState.DRAFT,
        )
        copy_contents(original, amendment)
        session.add(amendment)
        session.flush()
        audit.record(
            session,
            "report_amended",
            actor,
            object_type="report",
            object_id=amendment.id,
            after={"amends": original.id, "revision": amendment.revision},
        )
    return amendment


def copy_contents(original: Report, into: Report, *, assessed: bool = False) -> None:
    """A new revision's entries (with evidence, figures, citations), statistics and plan progress,
    copied from ``original``; with ``assessed`` the secretariat's assessments and confirmed kinds too."""
    into.entries = [_copy(entry, assessed=assessed) for entry in original.entries]
    into.statistics = [
        Statistic(measure=s.measure, breakdown=s.breakdown, category=s.category, value=s.value)
        for s in original.statistics
    ]
    into.progress = [
        ActivityProgress(
            plan_id=p.plan_id,
            activity=p.activity,
            status=p.status,
            indicator_values=dict(p.indicator_values),
            evidence_url=p.evidence_url,
            note=p.note,
        )
        for p in original.progress
    ]


def _copy(entry: Entry, *, assessed: bool = False) -> Entry:
    return Entry(
        commitment_id=entry.commitment_id,
        position=entry.position,
        reported_status=entry.reported_status,
        narrative=entry.narrative,
        responsible=entry.responsible,
        start_date=entry.start_date,
        end_date=entry.end_date,
        budget_amount=entry.budget_amount,
        budget_currency=entry.budget_currency,
        assessed_status=entry.assessed_status if assessed else None,
        verified=assessed,
        evidence=[
            Evidence(
                title=e.title,
                url=e.url,
                page=e.page,
                quote=e.quote,
                kind=e.kind,  # an amendment's kinds are confirmed again when it is accepted
                confirmed_kind=e.confirmed_kind if assessed else None,
                **(_file_columns(stored) if (stored := stored_file_of(e)) else {}),
            )
            for e in entry.evidence
        ],
        figures=[IndicatorValue(indicator=f.indicator, value=f.value) for f in entry.figures],
        citations=[ActivityCitation(activity=c.activity) for c in entry.citations],
    )


def send_due_reminders(today: dt.date) -> int:
    """Remind focal points whose report is due within 14 days or overdue; each reminder goes once."""
    session = db.session
    sent = 0
    with write_transaction(session):
        open_cycles = session.execute(select(ReportingCycle).where(ReportingCycle.opens_on <= today)).scalars().all()
        for cycle in open_cycles:
            if today < cycle.due_on - DUE_SOON:
                continue
            framework = framework_of(cycle)
            overdue = today > cycle.due_on
            done = {
                row.country_id
                for row in session.execute(
                    select(Report.country_id).where(
                        Report.cycle_id == cycle.id, Report.state.in_([ReportState.SUBMITTED, ReportState.ACCEPTED])
                    )
                )
            }
            for country in session.execute(select(Country).order_by(Country.code)).scalars():
                if country.id in done or not framework.applicable_commitments(country.code, on=cycle.period_end):
                    continue
                kind = "overdue" if overdue else "due_soon"
                message = (
                    f"Your report for {cycle.name} was due on {cycle.due_on:%d %B %Y} and is not yet submitted."
                    if overdue
                    else f"Your report for {cycle.name} is due on {cycle.due_on:%d %B %Y}."
                )
                sent += notify(
                    session,
                    focal_points_of(country.id),
                    kind,
                    message,
                    "/reports/",
                    dedupe_key=f"{kind}:{cycle.id}:{country.id}",
                )
    return sent
