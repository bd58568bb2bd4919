"""National Plans of Action: import, edit, and the review a report gets, and progress per activity.

A plan is stored as the YAML that ``tracker.plans`` reads, in its canonical form (``dump_plan``), so
the file a ministry imports, the plan a focal point edits on the web and the file ``nap export``
writes are one format, and every save validates the whole plan again: nothing half-valid is stored.

States and operations are the report's (``reporting.TRANSITIONS``)::

    (none) --import/create--> draft --submit--> submitted --accept--> accepted --amend--> (new) draft
                                                  |    ^
                                           return |    | resubmit
                                                  v    |
                                                 returned

Accepted is the plan the public sees (on the country's page) and the one reports give progress on.
Each operation checks role, country and state, writes one audit row and commits once.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import aliased, contains_eager

from .. import audit
from ..audit import Actor
from ..database import utcnow, write_transaction
from ..extensions import db
from ..framework import Framework
from ..framework.textyaml import Problem
from ..models import (
    PROGRESS_STATUSES,
    ActivityProgress,
    Country,
    NationalPlan,
    Report,
    ReportState,
)
from ..notifications import notify
from ..plans import Plan, PlanError, dump_plan, load_plan
from ..queries import current_framework
from ..scoping import country_scope
from .errors import DomainError, StaleVersion
from .plan_records import accepted_plan, plan_of, report_plan
from .reporting import (
    EDITABLE,
    PAST,
    NotAllowed,
    NotFound,
    claim_version,
    editable_report,
    focal_points_of,
    framework_of,
    move,
    record_move,
    require_staff,
    staff_members,
)

MAX_PROGRESS_TEXT = 2000  # an indicator value or a note: a paragraph, not a document


class InvalidPlan(DomainError):
    """The plan file (or the edit) has problems; ``problems`` lists every one at its line."""

    def __init__(self, problems: Collection[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"The plan has {len(self.problems)} problem(s); nothing was saved.")


def _framework() -> Framework:
    framework = current_framework()
    if framework is None:
        raise DomainError("No framework is loaded yet: run `flask --app wsgi framework load` first.")
    return framework


def validate_plan(source: str | bytes, country: Country, *, source_name: str | None = None) -> Plan:
    """The plan in ``source`` if it is valid and is ``country``'s, else InvalidPlan with every problem."""
    framework = _framework()
    try:
        plan = load_plan(
            source,
            commitment_ids=[c.id for c in framework.commitments],
            country_codes=[c.code for c in framework.countries],
            source_name=source_name,
        )
    except PlanError as error:
        raise InvalidPlan(error.problems) from None
    if plan.country != country.code:
        shown = source_name or "<text>"
        line = _line_of(source, "country")
        raise InvalidPlan(
            [Problem(shown, line, 1, "plan.country", f"the file is {plan.country}'s plan, not {country.code}'s")]
        )
    return plan


def _line_of(source: str | bytes, key: str) -> int:
    text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{key}\s*:", line):
            return number
    return 1


def _plan_for(plan_id: int, actor: Actor, *, focal_point_only: bool = False) -> NationalPlan:
    """The plan, if the actor may act on it: its country's focal point, staff, or the command line."""
    record = db.session.get(NationalPlan, plan_id)
    user = actor.user
    if record is None:
        raise NotFound("There is no such plan.")
    if user is None:
        return record  # the command line
    scope = country_scope(user)
    if scope is not None and scope != record.country_id:
        raise NotFound("There is no such plan.")  # another country's plan does not exist for them
    if scope is None and focal_point_only:
        raise NotAllowed("Only the country's focal points can do this.")
    return record


def _may_write_for(country_id: int, actor: Actor) -> None:
    user = actor.user
    if user is None:
        return
    scope = country_scope(user)
    if scope is not None and scope != country_id:
        raise NotFound("There is no such country.")


def _store(record: NationalPlan, plan: Plan) -> None:
    record.source = dump_plan(plan)
    record.title = plan.title
    record.plan_status = plan.status
    record.activity_count = len(plan.activities)


def latest_plan(country_id: int) -> NationalPlan | None:
    """The country's newest revision, whatever its state."""
    return (
        db.session.execute(
            select(NationalPlan).where(NationalPlan.country_id == country_id).order_by(NationalPlan.revision.desc())
        )
        .scalars()
        .first()
    )


def accepted_plans() -> list[NationalPlan]:
    """Every country's plan in force (its newest accepted revision), by country name, in one query."""
    newer = aliased(NationalPlan)
    later_accepted = (
        select(newer.id)
        .where(
            newer.country_id == NationalPlan.country_id,
            newer.state == ReportState.ACCEPTED,
            newer.revision > NationalPlan.revision,
        )
        .exists()
    )
    return list(
        db.session.execute(
            select(NationalPlan)
            .join(NationalPlan.country)
            .options(contains_eager(NationalPlan.country))
            .where(NationalPlan.state == ReportState.ACCEPTED, ~later_accepted)
            .order_by(Country.name)
        ).scalars()
    )


def import_plan(
    country_id: int, source: str | bytes, actor: Actor, *, source_name: str | None = None, illustrative: bool = False
) -> NationalPlan:
    """Validate a plan file whole and make it the country's draft.

    It replaces an editable draft (or returned plan), starts the first plan, or amends the accepted
    one; a plan under review is left alone until the secretariat decides.
    """
    session = db.session
    with write_transaction(session):
        _may_write_for(country_id, actor)
        country = session.get(Country, country_id)
        if country is None:
            raise NotFound("There is no such country.")
        plan = validate_plan(source, country, source_name=source_name)
        record = latest_plan(country_id)
        if record is not None and record.state is ReportState.SUBMITTED:
            raise DomainError("The country's plan is with the secretariat for review; import again once it is decided.")
        if record is None or record.state is ReportState.ACCEPTED:
            record = NationalPlan(
                country_id=country_id,
                revision=1 if record is None else record.revision + 1,
                amends_id=None if record is None else record.id,
                state=ReportState.DRAFT,
                illustrative=illustrative,
            )
            session.add(record)
        else:
            record.illustrative = illustrative
            record.updated_at = utcnow()
        _store(record, plan)
        session.flush()
        audit.record(
            session,
            "plan_imported",
            actor,
            object_type="national_plan",
            object_id=record.id,
            after={
                "country": country.code,
                "revision": record.revision,
                "activities": record.activity_count,
                "file": source_name,
            },
        )
    return record


def save_plan(plan_id: int, expected_version: int, plan: Plan, actor: Actor) -> NationalPlan:
    """Store an edited plan (built by the editing pages), after validating its text as an import would."""
    session = db.session
    with write_transaction(session):
        record = _plan_for(plan_id, actor, focal_point_only=True)
        if record.state not in EDITABLE:
            raise DomainError(f"A {record.state.value} plan cannot be edited.")
        claim_version(record, expected_version)
        checked = validate_plan(dump_plan(plan), record.country)
        before = record.activity_count
        _store(record, checked)
        session.flush()
        audit.record(
            session,
            "plan_saved",
            actor,
            object_type="national_plan",
            object_id=record.id,
            before={"activities": before},
            after={"version": record.version, "activities": record.activity_count},
        )
    return record


def submit_plan(plan_id: int, expected_version: int, actor: Actor) -> NationalPlan:
    """Draft → submitted (or returned → submitted: a resubmission) for the secretariat's review."""
    session = db.session
    with write_transaction(session):
        record = _plan_for(plan_id, actor, focal_point_only=True)
        if record.version != expected_version:
            raise StaleVersion("Someone else saved this plan after you opened it.")
        operation = "resubmit" if record.state is ReportState.RETURNED else "submit"
        states = move(record, operation)
        record.submitted_at = utcnow()
        record_move(f"plan_{PAST[operation]}", actor, record, states, after={"revision": record.revision})
        notify(
            session,
            staff_members(),
            "plan_submitted",
            f"{record.country.name} {PAST[operation]} its National Plan of Action for review.",
            f"/review/plans/{record.id}",
        )
    return record


def return_plan(plan_id: int, comment: str, actor: Actor) -> NationalPlan:
    """Submitted → returned, with what needs to change."""
    require_staff(actor)
    if not comment.strip():
        raise DomainError("Say what needs to change before returning the plan.")
    session = db.session
    with write_transaction(session):
        record = _plan_for(plan_id, actor)
        states = move(record, "return_for_revision")
        record.review_comment = comment.strip()
        record_move("plan_returned", actor, record, states, after={"revision": record.revision}, reason=comment.strip())
        notify(
            session,
            focal_points_of(record.country_id),
            "plan_returned",
            "The secretariat returned your National Plan of Action with comments.",
            f"/reports/plan/{record.id}",
        )
    return record


def accept_plan(plan_id: int, actor: Actor) -> NationalPlan:
    """Submitted → accepted: the plan is locked, public on the country's page, and reported on."""
    require_staff(actor)
    session = db.session
    with write_transaction(session):
        record = _plan_for(plan_id, actor)
        states = move(record, "accept")
        record.accepted_at = utcnow()
        record.review_comment = None
        record_move("plan_accepted", actor, record, states, after={"revision": record.revision})
        notify(
            session,
            focal_points_of(record.country_id),
            "plan_accepted",
            "The secretariat accepted your National Plan of Action; it is now public.",
            f"/reports/plan/{record.id}",
        )
    return record


def amend_plan(plan_id: int, actor: Actor) -> NationalPlan:
    """A change to an accepted plan: a new draft revision that copies it and links back."""
    session = db.session
    with write_transaction(session):
        original = _plan_for(plan_id, actor, focal_point_only=True)
        if original.state is not ReportState.ACCEPTED:
            raise DomainError("Only an accepted plan is amended; edit the plan itself instead.")
        latest = latest_plan(original.country_id)
        if latest is not None and latest.id != original.id:
            raise DomainError("This plan already has a newer revision.")
        amendment = NationalPlan(
            country_id=original.country_id,
            revision=original.revision + 1,
            amends_id=original.id,
            state=ReportState.DRAFT,
            source=original.source,
            title=original.title,
            plan_status=original.plan_status,
            activity_count=original.activity_count,
            illustrative=original.illustrative,
        )
        session.add(amendment)
        session.flush()
        audit.record(
            session,
            "plan_amended",
            actor,
            object_type="national_plan",
            object_id=amendment.id,
            after={"amends": original.id, "revision": amendment.revision},
        )
    return amendment


# --- progress per activity, in a cycle's report ---------------------------------------------------


@dataclass(frozen=True)
class ProgressInput:
    """What the form says about one activity; an empty status means "not reported on"."""

    status: str = ""
    indicator_values: dict[str, str] = field(default_factory=dict)
    evidence_url: str = ""
    note: str = ""


class ProgressProblem(NamedTuple):
    """One thing wrong with an activity's progress, and the field it is about (for the form to mark):
    ``activity``, ``status``, ``values``, ``evidence`` or ``text`` (a value, link or note too long)."""

    field: str
    message: str


class InvalidProgress(DomainError):
    """Progress that cannot be saved; ``problems`` maps an activity id to what is wrong with it."""

    def __init__(self, problems: dict[str, list[ProgressProblem]]):
        self.problems = problems
        super().__init__(f"{sum(map(len, problems.values()))} problem(s) in the plan progress; nothing was saved.")


_URL = re.compile(r"https?://[^\s<>\"'\\\x00-\x1f\x7f]+")


def progress_problems(plan: Plan, progress: dict[str, ProgressInput]) -> dict[str, list[ProgressProblem]]:
    """Everything wrong with the progress a form gives, by activity id (empty when it can be saved)."""
    activities = {activity.id: activity for activity in plan.activities}
    problems: dict[str, list[ProgressProblem]] = {}
    for activity_id, given in progress.items():
        found = problems.setdefault(activity_id, [])
        activity = activities.get(activity_id)
        if activity is None:
            found.append(ProgressProblem("activity", "This activity is not in the plan."))
            continue
        if given.status and given.status not in PROGRESS_STATUSES:
            found.append(ProgressProblem("status", f"{given.status!r} is not a progress status."))
        names = {indicator.name for indicator in activity.indicators}
        if set(given.indicator_values) - names:
            found.append(ProgressProblem("values", "A value is given for an indicator the activity does not have."))
        texts = [*given.indicator_values.values(), given.note, given.evidence_url]
        if any(len(text) > MAX_PROGRESS_TEXT for text in texts):
            found.append(
                ProgressProblem("text", f"Keep each value, link and note under {MAX_PROGRESS_TEXT} characters.")
            )
        if given.evidence_url and not _URL.fullmatch(given.evidence_url):
            found.append(
                ProgressProblem(
                    "evidence", "The evidence link must be a web address starting with http:// or https://."
                )
            )
        if not given.status and (any(v.strip() for v in given.indicator_values.values()) or given.note.strip()):
            found.append(ProgressProblem("status", "Choose a status for an activity you report on."))
    return {activity_id: found for activity_id, found in problems.items() if found}


def save_progress(report_id: int, expected_version: int, progress: dict[str, ProgressInput], actor: Actor) -> Report:
    """Save the report's progress on the plan's activities, merged in place; all or nothing."""
    session = db.session
    with write_transaction(session):
        report = editable_report(report_id, expected_version, actor)
        write_progress(report, progress, actor)
    return report


def write_progress(report: Report, progress: dict[str, ProgressInput], actor: Actor) -> None:
    """Check and write an ``editable_report``'s progress on its plan, merged in place, with its audit row."""
    session = db.session
    record = report_plan(report)
    if record is None:
        raise DomainError("The country has no accepted National Plan of Action to report progress on.")
    problems = progress_problems(plan_of(record), progress)
    if problems:
        raise InvalidProgress(problems)
    rows = {row.activity: row for row in report.progress}
    changed = 0
    for activity_id, given in progress.items():
        row = rows.get(activity_id)
        if not given.status:
            if row is not None:
                report.progress.remove(row)
                changed += 1
            continue
        values = {name: value.strip() for name, value in given.indicator_values.items() if value.strip()}
        wanted = (given.status, values, given.evidence_url.strip() or None, given.note.strip() or None)
        if row is None:
            row = ActivityProgress(plan_id=record.id, activity=activity_id)
            report.progress.append(row)
        elif (row.status, row.indicator_values, row.evidence_url, row.note) == wanted:
            continue
        row.status, row.indicator_values, row.evidence_url, row.note = wanted
        changed += 1
    session.flush()
    audit.record(
        session,
        "plan_progress_saved",
        actor,
        object_type="report",
        object_id=report.id,
        after={"version": report.version, "plan": record.id, "activities": changed},
    )


def activities_for(plan: Plan, commitment_code: str) -> list:  # type: ignore[type-arg]
    """The plan's activities that implement one regional commitment, in the plan's order."""
    return [activity for activity in plan.activities if commitment_code in activity.commitments]


__all__ = [
    "InvalidPlan",
    "InvalidProgress",
    "ProgressInput",
    "ProgressProblem",
    "accept_plan",
    "accepted_plan",
    "accepted_plans",
    "activities_for",
    "amend_plan",
    "framework_of",
    "import_plan",
    "latest_plan",
    "plan_of",
    "progress_problems",
    "report_plan",
    "return_plan",
    "save_plan",
    "save_progress",
    "submit_plan",
    "validate_plan",
]
