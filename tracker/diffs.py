"""What changed between two versions (revisions) of a country's report, field by field."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Entry, Report


@dataclass(frozen=True)
class Change:
    commitment: str
    field: str
    before: str
    after: str


def _evidence(entry: Entry) -> str:
    return "; ".join(
        f"{e.title}{' (' + e.url + ')' if e.url else ''}{', p. ' + e.page if e.page else ''}"
        f"{' [file ' + e.file_name + ']' if e.file_name else ''}"
        for e in entry.evidence
    )


FIELDS = (
    ("Status", lambda e: e.reported_status or ""),
    ("What was done", lambda e: e.narrative or ""),
    ("Responsible", lambda e: e.responsible or ""),
    ("Dates", lambda e: f"{e.start_date or ''} – {e.end_date or ''}".strip(" –")),
    ("Budget", lambda e: f"{e.budget_amount} {e.budget_currency or ''}".strip() if e.budget_amount is not None else ""),
    ("Evidence", _evidence),
    ("Figures", lambda e: ", ".join(f"{f.indicator}: {f.value}" for f in e.figures)),
)


def compare(older: Report, newer: Report) -> list[Change]:
    """Every field that differs, commitment by commitment, in the newer report's order."""
    old_entries = {entry.commitment.code: entry for entry in older.entries}
    changes = []
    for entry in newer.entries:
        code = entry.commitment.code
        previous = old_entries.get(code)
        for label, read in FIELDS:
            before, after = (read(previous) if previous else ""), read(entry)
            if before != after:
                changes.append(Change(code, label, before, after))
        # an amendment not yet reviewed has no assessment: only two verified entries compare on it
        verified_both = previous is not None and previous.verified and entry.verified
        if verified_both and previous.assessed_status != entry.assessed_status:
            changes.append(Change(code, "Assessed status", previous.assessed_status or "", entry.assessed_status or ""))
    return changes
