"""The baseline in the shapes the pages, downloads and API use: rows with stable columns, and a timeline.

Pure: the same rows feed ``/data/baseline.csv|json`` and ``/api/v1/baseline``, so the two cannot drift.
A tier placement is always said to be a US government assessment of the year before its report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .loader import Baseline
from .schema import CERTAINTY_LABELS, KIND_LABELS, TIER_LABELS, Fact

NOT_FOUND = "not found in the sources consulted"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
_MONTHS += ("November", "December")

COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "The fact's id, stable across releases"),
    (
        "countries",
        "ISO 3166-1 alpha-2 codes of today's countries whose page shows it, separated by ' '; empty for the region",
    ),
    ("scope", "country, historical (a state of the time covering several of today's countries) or region"),
    ("name_then", "The country or state as named at the time"),
    (
        "kind",
        "tip-tier, criminalisation, co-ordinator, co-ordination-body, national-plan, shelter, prosecutions, "
        "victim-status or other",
    ),
    ("date", "YYYY, YYYY-MM or YYYY-MM-DD; for a tier placement, the year of the report"),
    ("when", "on, by (held by that date) or about (approximate)"),
    ("wording", "What was recorded, in our words"),
    ("quote", "The source's own words, where quoted"),
    ("tip_tier", f"For a tier placement: Tier 1, Tier 2, Tier 2 Watch List, Tier 3, or '{NOT_FOUND}'"),
    ("assessed_by", "For a tier placement: US government (US Department of State)"),
    ("assessed_from", "For a tier placement: first day of the year the report assesses (1 April of the year before)"),
    ("assessed_to", "For a tier placement: last day of that year (31 March of the report's year)"),
    ("certainty", "established, uncertain, conflicting or not-found"),
    ("note", "Why a fact is not established, or what else to know"),
    ("sources", "Each source's title and locator, separated by ' | '"),
    ("source_urls", "Sources' addresses where recorded, separated by ' | '"),
    ("demonstration", "Always false: the baseline is real, cited data, never demonstration data"),
)


def _date_text(value: str) -> str:
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def when_text(fact: Fact) -> str:
    """``2003``, ``by 2003``, ``about 2004``, ``November 2001``, ``18 April 2002``; a tier: ``TIP report 2003``."""
    if fact.kind == "tip-tier":
        return f"TIP report {fact.date}"
    date = _date_text(fact.date)
    return date if fact.when == "on" else f"{fact.when} {date}"


def tier_text(fact: Fact) -> str:
    """The placement as words; never a tier when none was found."""
    if fact.certainty == "not-found":
        return NOT_FOUND
    return TIER_LABELS[fact.tier] if fact.tier else "unclear"


def assessment_text(fact: Fact) -> str:
    """``US government assessment of 1 April 2002 – 31 March 2003 (Trafficking in Persons Report 2003)``."""
    period = fact.assessed_period
    assert period is not None
    start, end = (f"{d.day} {_MONTHS[d.month - 1]} {d.year}" for d in period)
    return f"US government assessment of {start} – {end} (Trafficking in Persons Report {fact.date})"


def scope(fact: Fact) -> str:
    return "historical" if fact.historical else ("region" if fact.is_regional else "country")


def row(fact: Fact, baseline: Baseline) -> dict[str, Any]:
    """One fact as a row of ``COLUMNS``: text values, None where empty."""
    sources = [(baseline.source(c.source), c.locator) for c in fact.sources]
    period = fact.assessed_period
    tip = fact.kind == "tip-tier"
    return {
        "id": fact.id,
        "countries": " ".join(fact.countries),
        "scope": scope(fact),
        "name_then": fact.historical.name if fact.historical else fact.name_then,
        "kind": fact.kind,
        "date": fact.date,
        "when": fact.when,
        "wording": fact.wording,
        "quote": fact.quote,
        "tip_tier": tier_text(fact) if tip else None,
        "assessed_by": "US government (US Department of State)" if tip else None,
        "assessed_from": period[0].isoformat() if period else None,
        "assessed_to": period[1].isoformat() if period else None,
        "certainty": fact.certainty,
        "note": fact.note,
        "sources": " | ".join(f"{s.title}, {locator}" for s, locator in sources),
        "source_urls": " | ".join(s.url for s, _ in sources if s.url) or None,
        "demonstration": False,
    }


def rows(baseline: Baseline, facts: tuple[Fact, ...] | None = None) -> list[dict[str, Any]]:
    return [row(fact, baseline) for fact in (baseline.facts if facts is None else facts)]


@dataclass(frozen=True)
class CountryBaseline:
    """What a country page shows: its facts by year (tier placements apart), the region's, the sources cited."""

    tiers: tuple[Fact, ...]
    years: tuple[tuple[int, tuple[Fact, ...]], ...]  # the timeline: each year with its facts (tiers first)
    regional: tuple[Fact, ...]
    sources: tuple[tuple[int, Any], ...]  # (number, Source) in order of first citation on the page
    historical_notes: tuple[tuple[str, str], ...]  # (state of the time, why its facts are shown here)

    def source_number(self, source_id: str) -> int:
        return next(n for n, s in self.sources if s.id == source_id)

    @property
    def empty(self) -> bool:
        return not (self.tiers or self.years or self.regional)


def for_country(baseline: Baseline, code: str) -> CountryBaseline:
    facts = baseline.for_country(code)
    tiers = tuple(sorted((f for f in facts if f.kind == "tip-tier"), key=lambda f: (f.year, f.id)))
    dated = [f for f in facts if f.kind != "tip-tier"]

    def in_year(year: int) -> tuple[Fact, ...]:
        return tuple(sorted((f for f in facts if f.year == year), key=lambda f: (f.kind != "tip-tier", f.starts_on)))

    years = tuple((year, in_year(year)) for year in sorted({f.year for f in facts}))
    regional = baseline.regional()
    numbers: dict[str, int] = {}
    for fact in (*tiers, *dated, *regional):
        for citation in fact.sources:
            numbers.setdefault(citation.source, len(numbers) + 1)
    notes: dict[str, list[str]] = {}  # one paragraph per explanation, naming every state it explains
    for f in facts:
        if f.historical and f.historical.name not in notes.setdefault(f.historical.note, []):
            notes[f.historical.note].append(f.historical.name)
    return CountryBaseline(
        tiers=tiers,
        years=years,
        regional=regional,
        sources=tuple((n, baseline.source(s)) for s, n in numbers.items()),
        historical_notes=tuple(("; ".join(names), note) for note, names in notes.items()),
    )


def labels() -> dict[str, Any]:
    """The words the templates need."""
    return {"kind_labels": KIND_LABELS, "certainty_labels": CERTAINTY_LABELS, "tier_labels": TIER_LABELS}


__all__ = ["COLUMNS", "CountryBaseline", "for_country", "row", "rows", "when_text", "tier_text"]


def api_fact(fact: Fact, baseline: Baseline) -> dict[str, Any]:
    """One fact as the API gives it (``openapi.py``, schema BaselineFact): sources as objects, tiers apart."""
    period = fact.assessed_period
    return {
        "id": fact.id,
        "countries": list(fact.countries),
        "scope": scope(fact),
        "name_then": fact.historical.name if fact.historical else fact.name_then,
        "kind": fact.kind,
        "date": fact.date,
        "when": fact.when,
        "wording": fact.wording,
        "quote": fact.quote,
        "tip": (
            {
                "tier": tier_text(fact),
                "found": fact.certainty != "not-found",
                "assessed_by": "US government (US Department of State)",
                "assessed_from": period[0].isoformat(),
                "assessed_to": period[1].isoformat(),
            }
            if period
            else None
        ),
        "certainty": fact.certainty,
        "note": fact.note,
        "historical_note": fact.historical.note if fact.historical else None,
        "sources": [
            {
                "id": c.source,
                "title": baseline.source(c.source).title,
                "publisher": baseline.source(c.source).publisher,
                "locator": c.locator,
                "url": baseline.source(c.source).url,
            }
            for c in fact.sources
        ],
    }
