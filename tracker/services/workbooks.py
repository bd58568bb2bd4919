"""The report's workbook round trip: the report as plain data for tracker.workbook, and an upload
merged into it and saved through save_draft, like the web form (one transaction, all or nothing)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .. import workbook
from ..audit import Actor
from ..models import Report
from . import reporting
from .reporting import EntryInput, EvidenceInput, framework_of, save_draft

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
    return workbook.Sheet(
        report_id=report.id,
        country=report.country.code,
        version=report.version,
        framework_version=framework.content_hash,
        levels=[(level.id, level.label) for level in framework.methodology.status_levels],
        kinds=[(k.id, k.label) for k in framework.methodology.evidence.kinds],
        entries=entries,
    )


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

    @property
    def collisions(self) -> list[Change]:
        return [c for c in self.changes if c.collides]


def preview(report: Report, parsed: workbook.Parsed) -> Preview:
    """Field by field: what the workbook changes; merged three ways against the file's own base, so a
    file made from an older version applies what does not collide and shows what does."""
    current = {e.entry_id: e for e in sheet_of(report).entries}
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
            was = base.get(name, _plain(now))
            take_workbook = _plain(wb) != _plain(now) and _plain(wb) != was
            collides = take_workbook and _plain(now) != was
            if take_workbook:
                result.changes.append(Change(stored.code, LABELS[name], now, wb, collides))
            source = given if take_workbook and not collides else stored
            setattr(merged, name, getattr(source, name))
        result.merged[entry_id] = merged
    return result


def apply(report_id: int, parsed: workbook.Parsed, actor: Actor) -> Report:
    """Save the merged entries through save_draft (its checks, its audit row, its one transaction).

    Evidence files cannot travel in a workbook: a row whose title names a stored file keeps it."""
    report = reporting.report_for(report_id, actor, focal_point_only=True)
    merged = preview(report, parsed).merged
    files = {
        (entry.id, e.title): reporting.stored_file_of(e)
        for entry in report.entries
        for e in entry.evidence
        if e.stored_name
    }
    changes = {
        entry_id: EntryInput(
            **{name: getattr(row, name) for name in workbook.FIELDS},
            evidence=tuple(
                EvidenceInput(e.title, e.url, e.page, e.quote, files.get((entry_id, e.title)), e.kind)
                for e in row.evidence
            ),
            figures=dict(row.figures),
        )
        for entry_id, row in merged.items()
    }
    return save_draft(report_id, report.version, changes, actor)
