"""The shape of the baseline files, as frozen pydantic dataclasses.

The baseline is what others recorded about the signatories in 2000–2005 (tier placements of the US
Trafficking in Persons reports, dated facts on law, co-ordinators, plans and shelters), each fact with
its sources and its certainty. It is shown beside the reports, never in scores. Values arrive as text
(``textyaml``); the framework's partial dates, slugs and country codes are reused.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints
from pydantic.dataclasses import dataclass

from tracker.framework.schema import (
    COUNTRY_CODE_PATTERN,
    PATTERN_MEANINGS,
    STRICT,
    CountryCode,
    Line,
    Paragraph,
    PartialDate,
    Slug,
    parse_partial_date,
)

REGION = "region"
MAX_FACTS = 1000  # in one file
MAX_SOURCES = 200

Kind = Literal[
    "tip-tier",
    "criminalisation",
    "co-ordinator",
    "co-ordination-body",
    "national-plan",
    "shelter",
    "prosecutions",
    "victim-status",
    "other",
]
Tier = Literal["tier-1", "tier-2", "tier-2-watch-list", "tier-3"]
Certainty = Literal["established", "uncertain", "conflicting", "not-found"]
When = Literal["on", "by", "about"]

KIND_LABELS: dict[str, str] = {
    "tip-tier": "US TIP report tier placement",
    "criminalisation": "Law and criminalisation",
    "co-ordinator": "National co-ordinator",
    "co-ordination-body": "Co-ordinating body",
    "national-plan": "National plan",
    "shelter": "Shelters",
    "prosecutions": "Prosecutions and convictions",
    "victim-status": "Status of victims",
    "other": "Other",
}
TIER_LABELS: dict[str, str] = {
    "tier-1": "Tier 1",
    "tier-2": "Tier 2",
    "tier-2-watch-list": "Tier 2 Watch List",
    "tier-3": "Tier 3",
}
CERTAINTY_LABELS: dict[str, str] = {
    "established": "Established",
    "uncertain": "Uncertain",
    "conflicting": "Sources conflict",
    "not-found": "Not found in the sources consulted",
}
Year = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
Wording = Annotated[str, StringConstraints(min_length=1, max_length=300)]
SourceQuote = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Url = Annotated[str, StringConstraints(pattern=r"^https://[^\s<>\"']{1,490}$")]


def _code_or_region(value: str) -> str:
    import re

    if value != REGION and not re.fullmatch(COUNTRY_CODE_PATTERN, value):
        raise ValueError(f"{value!r} is not {PATTERN_MEANINGS[COUNTRY_CODE_PATTERN]}, nor 'region'")
    return value


def _our_words(value: str) -> str:
    """A quotation mark in our wording would pass our words off as the source's: quotes go in ``quote``."""
    if any(mark in value for mark in '"“”„«»'):
        raise ValueError("quotation marks in the wording: put the source's own words in 'quote'")
    return value


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Source:
    """A public source the facts cite; ``tip_report_year`` marks a US Trafficking in Persons report."""

    id: Slug
    title: Line
    publisher: Line
    url: Url | None = None
    tip_report_year: Year | None = None
    note: Paragraph | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class SourcesFile:
    sources: tuple[Source, ...] = Field(min_length=1, max_length=MAX_SOURCES)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Citation:
    """Where in a source the fact stands: a chapter, a page, a passage."""

    source: Slug
    locator: Line


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Historical:
    """A state of the time whose territory is today's several countries (the Federal Republic of
    Yugoslavia, Serbia and Montenegro): the fact is recorded against it and shown on each of their pages."""

    name: Line
    covers: tuple[CountryCode, ...] = Field(min_length=2, max_length=10)
    note: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Fact:
    """One dated fact with its sources. Exactly one of ``country`` (a code or ``region``) and
    ``historical``. A ``tip-tier`` fact is a US government assessment: its date is the report's year."""

    id: Slug
    kind: Kind
    date: PartialDate
    wording: Annotated[Wording, AfterValidator(_our_words)]
    certainty: Certainty
    sources: tuple[Citation, ...] = Field(min_length=1, max_length=10)
    country: Annotated[str, AfterValidator(_code_or_region)] | None = None
    historical: Historical | None = None
    name_then: Line | None = None
    when: When = "on"
    tier: Tier | None = None
    quote: SourceQuote | None = None
    note: Paragraph | None = None

    @property
    def starts_on(self) -> dt.date:
        return parse_partial_date(self.date)

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def countries(self) -> tuple[str, ...]:
        """The present-day countries whose pages show the fact (none for a regional fact)."""
        if self.historical is not None:
            return self.historical.covers
        return () if self.country in (None, REGION) else (self.country,)  # type: ignore[return-value]

    @property
    def is_regional(self) -> bool:
        return self.country == REGION

    @property
    def assessed_period(self) -> tuple[dt.date, dt.date] | None:
        """The year a TIP report assesses: 1 April of the year before the report to 31 March of its year."""
        if self.kind != "tip-tier":
            return None
        return dt.date(self.year - 1, 4, 1), dt.date(self.year, 3, 31)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class FactsFile:
    facts: tuple[Fact, ...] = Field(min_length=1, max_length=MAX_FACTS)
