"""Progress per activity of a National Plan of Action, shaped for the pages that show it beside a
report's entries: the focal point's report, the secretariat's review and the score explanations.

Read-only. Every function here reads what the caller already loaded, or runs one query for a whole
report, so a page's statement count does not grow with its entries or activities.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import PROGRESS_STATUSES, ActivityProgress, Entry, NationalPlan, Report, ReportState
from .plans import Plan
from .plans.schema import Activity, Indicator
from .services.plans import activities_for, plan_of, report_plan


def counts_victims(indicator: Indicator) -> bool:
    """An indicator whose value is a count of victims: one country's raw count, perhaps a small one,
    which the public pages never give (the victim statistics publish such counts, small ones
    suppressed). The plan marks it (``counts_victims``); a name or unit that says "victim" is
    withheld too, in case a plan forgot to."""
    return indicator.counts_victims or "victim" in f"{indicator.name} {indicator.unit or ''}".lower()


@dataclass(frozen=True)
class ActivityRow:
    """One activity of the plan as a report stands on it: its progress there (None: not reported) and
    whether the entry being shown cites it."""

    activity: Activity
    progress: ActivityProgress | None
    cited: bool = False

    @property
    def status_label(self) -> str:
        if self.progress is None:
            return "Not reported"
        return PROGRESS_STATUSES.get(self.progress.status, self.progress.status)


@dataclass(frozen=True)
class EntryActivities:
    """The plan's activities that implement one entry's commitment, with the report's progress on them."""

    record: NationalPlan
    plan: Plan
    report: Report
    rows: list[ActivityRow]
    public: bool = False  # for the public: counts of victims are withheld (``withheld``)

    def withheld(self, indicator: Indicator) -> bool:
        return self.public and counts_victims(indicator)

    @property
    def cited(self) -> list[ActivityRow]:
        return [row for row in self.rows if row.cited]


def citations_by_entry(report: Report) -> dict[int, list[str]]:
    """Every citation of a report's entries, by entry id (loaded with the entries: no query of its own)."""
    return {entry.id: [c.activity for c in entry.citations] for entry in report.entries if entry.citations}


def progress_by_activity(report: Report) -> dict[str, ActivityProgress]:
    return {row.activity: row for row in report.progress}


def citable_activities(plan: Plan | None) -> dict[str, list[Activity]]:
    """Commitment code → the plan's activities that implement it, in the plan's order."""
    found: dict[str, list[Activity]] = {}
    for activity in plan.activities if plan is not None else ():
        for code in activity.commitments:
            found.setdefault(code, []).append(activity)
    return found


def for_entry(entry: Entry, *, public: bool) -> EntryActivities | None:
    """The activities of the report's plan that implement the entry's commitment, with progress and
    citations; None when there are none to show.

    ``public``: only an accepted plan is shown (the caller has already made sure the entry is from
    an accepted report of a published cycle), so nothing of a draft plan reaches the public.

    An accepted report that gave no progress shows none: a plan accepted after it was written is
    not what that report was about, and "not reported" beside every activity would say otherwise.
    """
    report = entry.report
    if report.state is ReportState.ACCEPTED and not report.progress:
        return None
    record = report_plan(report)
    if record is None or (public and record.state is not ReportState.ACCEPTED):
        return None
    plan = plan_of(record)
    activities = activities_for(plan, entry.commitment.code)
    if not activities:
        return None
    progress = progress_by_activity(report)
    cited = {citation.activity for citation in entry.citations}
    rows = [ActivityRow(activity, progress.get(activity.id), activity.id in cited) for activity in activities]
    return EntryActivities(record, plan, report, rows, public)
