"""The report's workbook round trip: the report as plain data for tracker.workbook, and an upload
merged into it and saved through save_draft, like the web form (one transaction, all or nothing)."""

from __future__ import annotations

import hashlib
import json
import textwrap
from dataclasses import dataclass, field

from .. import workbook
from ..audit import Actor
from ..database import write_transaction
from ..extensions import db
from ..framework import Framework
from ..models import PROGRESS_STATUSES, Report
from ..statistics import section
from . import reporting
from .errors import DomainError
from .plan_records import plan_of, report_plan
from .plans import ProgressInput, progress_problems, write_progress
from .reporting import EntryInput, EvidenceInput, editable_report, framework_of, write_entries, write_statistics

LABELS = {
    "reported_status": "Status",
    "narrative": "What was done",
    "responsible": "Responsible body",
    "start_date": "Started",
    "end_date": "Ended or due",
    "budget_amount": "Budget",
    "budget_currency": "Currency",
    "evidence": "Evidence",
    "figures": "Figures",
}
STATISTICS, PROGRESS = "Statistics", "Plan progress"  # what the preview names them by


def key_of(secret_key: str) -> bytes:
    """A key for workbook signatures only, derived from the session secret (never the audit key)."""
    return hashlib.sha256(b"tracker-workbook-signature\x00" + secret_key.encode()).digest()


def sheet_of(report: Report) -> workbook.Sheet:
    framework = framework_of(report.cycle)
    entries = []
    for entry in report.entries:
        commitment = framework.commitment(entry.commitment.code)
        entries.append(
            workbook.EntryRow(
                entry_id=entry.id,
                code=entry.commitment.code,
                text=f"{commitment.text} ({commitment.passage})",
                **{name: getattr(entry, name) for name in workbook.FIELDS},
                evidence=[workbook.EvidenceRow(e.title, e.url, e.page, e.quote, e.kind) for e in entry.evidence],
                figures={f.indicator: f.value for f in entry.figures},
                indicator_labels=_indicators(framework, commitment),
            )
        )
    stored = {(s.measure, s.breakdown, s.category): s.value for s in report.statistics}
    record = report_plan(report)
    progress = None
    if record is not None:
        given = {row.activity: row for row in report.progress}
        progress = []
        for activity in plan_of(record).activities:
            row = given.get(activity.id)
            progress.append(
                workbook.ProgressRow(
                    activity.id,
                    activity.title,
                    [i.name for i in activity.indicators],
                    row.status if row else None,
                    dict(row.indicator_values or {}) if row else {},
                    row.evidence_url if row else None,
                    row.note if row else None,
                )
            )
    return workbook.Sheet(
        report_id=report.id,
        country=report.country.code,
        version=report.version,
        framework_version=framework.content_hash,
        levels=[(level.id, level.label) for level in framework.methodology.status_levels],
        kinds=[(k.id, k.label) for k in framework.methodology.evidence.kinds],
        entries=entries,
        statistics=statistic_rows(framework, stored),
        progress=progress,
        progress_statuses=list(PROGRESS_STATUSES.items()),
    )


def statistic_rows(framework: Framework, stored: dict[section.Key, int]) -> list[workbook.StatisticRow]:
    """The section's numbers in the form's order, labelled as the form labels them."""
    statistics = framework.statistics
    if statistics is None:
        return []
    measures = {m.id: m.label for m in statistics.measures}
    capacity = {c.id: c.label for c in statistics.capacity}
    rows = []
    for item in section.fields(framework):
        measure, breakdown, category = item.key
        rows.append(
            workbook.StatisticRow(
                key=item.name,
                measure=measures.get(measure) or capacity.get(measure, measure),
                breakdown=statistics.breakdown(breakdown).label if breakdown else "",
                category=item.label if breakdown else ("total" if measure in measures else ""),
                kind=item.kind,
                value=stored.get(item.key),
            )
        )
    return rows


def blank_sheet(framework, country: str, codes: list[str]) -> workbook.Sheet:  # type: ignore[no-untyped-def]
    """Entries for a report not started yet, to circulate inside the ministry (never uploaded)."""
    rows = []
    for code in codes:
        commitment = framework.commitment(code)
        rows.append(
            workbook.EntryRow(
                entry_id=None,  # type: ignore[arg-type]  # not an entry yet: the file cannot be uploaded
                code=code,
                text=f"{commitment.text} ({commitment.passage})",
                indicator_labels=_indicators(framework, commitment),
            )
        )
    return workbook.Sheet(
        report_id=None,
        country=country,
        version=0,
        framework_version=framework.content_hash,
        levels=[(level.id, level.label) for level in framework.methodology.status_levels],
        kinds=[(k.id, k.label) for k in framework.methodology.evidence.kinds],
        entries=rows,
        statistics=statistic_rows(framework, {}),
    )


def _indicators(framework, commitment) -> dict[str, str]:  # type: ignore[no-untyped-def]
    labels = {i.id: i.label for i in framework.methodology.indicators}
    return {i: labels.get(i, i) for i in commitment.indicators}


def _plain(value: object) -> object:
    return json.loads(json.dumps(value, default=str))


@dataclass
class Change:
    code: str
    label: str
    stored: object
    workbook: object
    collides: bool = False  # someone saved this field on the web since the file was made


@dataclass
class Preview:
    changes: list[Change] = field(default_factory=list)
    merged: dict[int, workbook.EntryRow] = field(default_factory=dict)
    statistics: dict[str, int] = field(default_factory=dict)  # the section after the merge (field name -> count)
    progress: dict[str, workbook.ProgressRow] = field(default_factory=dict)  # the plan progress after the merge
    statistics_changed: bool = False
    progress_changed: bool = False
    problems: list[str] = field(default_factory=list)  # what the merged report could not be saved with

    @property
    def collisions(self) -> list[Change]:
        return [c for c in self.changes if c.collides]


def _merge(stored: object, given: object, base: object) -> tuple[bool, bool]:
    """Three ways: whether to take the workbook's value, and whether that collides with a web save."""
    take = _plain(given) != _plain(stored) and _plain(given) != base
    return take, take and _plain(stored) != base


def preview(report: Report, parsed: workbook.Parsed) -> Preview:
    """Field by field: what the workbook changes; merged three ways against the file's own base, so a
    file made from an older version applies what does not collide and shows what does."""
    sheet = sheet_of(report)
    current = {e.entry_id: e for e in sheet.entries}
    result = Preview()
    for entry_id, stored in current.items():
        given = parsed.entries.get(entry_id)
        if given is None:
            result.merged[entry_id] = stored
            continue
        base = parsed.base.get(str(entry_id), {})
        mine, theirs = workbook.field_values(given), workbook.field_values(stored)
        merged = workbook.EntryRow(
            entry_id=entry_id, code=stored.code, text=stored.text, indicator_labels=stored.indicator_labels
        )
        for name in (*workbook.FIELDS, "evidence", "figures"):
            wb, now = mine[name], theirs[name]
            take_workbook, collides = _merge(now, wb, base.get(name, _plain(now)))
            if take_workbook:
                result.changes.append(Change(stored.code, LABELS[name], now, wb, collides))
            source = given if take_workbook and not collides else stored
            setattr(merged, name, getattr(source, name))
        result.merged[entry_id] = merged
    if sheet.statistics:
        _merge_statistics(sheet, parsed, result)
        if result.statistics_changed:
            result.problems += _statistics_problems(report, sheet, result)
    if sheet.progress is not None:
        _merge_progress(sheet, parsed, result)
        if result.progress_changed:
            result.problems += _progress_problems(report, sheet, result)
    return result


def _statistics_problems(report: Report, sheet: workbook.Sheet, result: Preview) -> list[str]:
    """The section's own rule (a breakdown given whole, adding up to its total), said at its rows."""
    framework = framework_of(report.cycle)
    rows = {row.key: n for n, row in enumerate(sheet.statistics, start=2)}
    found = []
    for problem in section.check(framework, _statistic_values(framework, result)):
        n = rows.get(problem.field) or next((r for key, r in rows.items() if key.startswith(problem.field + ".")), 2)
        found.append(f"{workbook.STATISTICS_SHEET}!E{n}: {problem.message}")
    return found


def _progress_problems(report: Report, sheet: workbook.Sheet, result: Preview) -> list[str]:
    record = report_plan(report)
    if record is None:
        return []
    rows = workbook.progress_rows(sheet)
    return [
        f"{workbook.PROGRESS_SHEET}!A{rows.get(activity, 2)}: {problem.message}"
        for activity, problems in progress_problems(plan_of(record), _progress_inputs(result)).items()
        for problem in problems
    ]


def _statistic_values(framework: Framework, result: Preview) -> dict[section.Key, int]:
    keys = {f.name: f.key for f in section.fields(framework)}
    return {keys[name]: value for name, value in result.statistics.items() if name in keys}


def _progress_inputs(result: Preview) -> dict[str, ProgressInput]:
    return {
        activity: ProgressInput(row.status or "", dict(row.values), row.evidence_url or "", row.note or "")
        for activity, row in result.progress.items()
    }


def _merge_statistics(sheet: workbook.Sheet, parsed: workbook.Parsed, result: Preview) -> None:
    known = "statistics" in parsed.base  # a blank count is left out of the base: absent means blank
    base = parsed.base.get("statistics", {})
    for row in sheet.statistics:
        now, wb = row.value, parsed.statistics.get(row.key)
        take, collides = _merge(now, wb, base.get(row.key) if known else now)
        label = " · ".join(part for part in (row.measure, row.breakdown, row.category) if part)
        if take:
            result.changes.append(Change(STATISTICS, label, now, wb, collides))
            result.statistics_changed |= not collides
        value = wb if take and not collides else now
        if value is not None:
            result.statistics[row.key] = value


def _merge_progress(sheet: workbook.Sheet, parsed: workbook.Parsed, result: Preview) -> None:
    base = parsed.base.get("progress", {})  # every activity of the plan as downloaded
    for row in sheet.progress or ():
        given = parsed.progress.get(row.activity) or workbook.ProgressRow(row.activity, row.title, row.indicators)
        now, wb = row.compared(), given.compared()
        take, collides = _merge(now, wb, base.get(row.activity, _plain(now)))
        if take:
            label = f"{row.activity}: {textwrap.shorten(row.title, 40, placeholder='…')}"
            result.changes.append(Change(PROGRESS, label, _said(row), _said(given), collides))
            result.progress_changed |= not collides
        result.progress[row.activity] = given if take and not collides else row


def _said(row: workbook.ProgressRow) -> str:
    """Progress on one activity in words, for the preview."""
    parts = [PROGRESS_STATUSES.get(row.status or "", row.status or "not reported on")]
    parts += [f"{name}: {value}" for name, value in row.values.items() if value]
    parts += [part for part in (row.evidence_url, row.note) if part]
    return "; ".join(parts)


def apply(report_id: int, parsed: workbook.Parsed, actor: Actor) -> Report:
    """Save the merged report through the web form's operations (their checks, their audit rows), all
    in one transaction: the entries, then the statistics and the plan progress where the file changes them.

    Evidence files cannot travel in a workbook: a row that keeps a stored file's title, or its link,
    keeps the file."""
    report = reporting.report_for(report_id, actor, focal_point_only=True)
    version, result = report.version, preview(report, parsed)
    files: dict[tuple[int, str], object] = {}
    for entry in report.entries:
        for e in entry.evidence:
            if e.stored_name:
                files.setdefault((entry.id, "title:" + e.title), reporting.stored_file_of(e))
                if e.url:
                    files.setdefault((entry.id, "url:" + e.url), reporting.stored_file_of(e))
    changes = {
        entry_id: EntryInput(
            **{name: getattr(row, name) for name in workbook.FIELDS},
            evidence=tuple(
                EvidenceInput(
                    e.title,
                    e.url,
                    e.page,
                    e.quote,
                    files.get((entry_id, "title:" + e.title)) or files.get((entry_id, f"url:{e.url}")),  # type: ignore[arg-type]
                    e.kind,
                )
                for e in row.evidence
            ),
            figures=dict(row.figures),
        )
        for entry_id, row in result.merged.items()
    }
    if result.problems:
        raise DomainError(result.problems[0])
    statistics, progress = _statistic_values(framework_of(report.cycle), result), _progress_inputs(result)
    with write_transaction(db.session):
        report = editable_report(report_id, version, actor)
        write_entries(report, changes, actor)
        if result.statistics_changed:
            write_statistics(report, statistics, actor)
        if result.progress_changed:
            write_progress(report, progress, actor)
    return report
