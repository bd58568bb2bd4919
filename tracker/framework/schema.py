"""The shape of every framework file, as frozen pydantic dataclasses.

These are the typed objects the rest of the product uses: the loader validates text values into
them, the database keeps their canonical JSON, and the scoring engine reads them. Lists are
tuples so that a loaded framework can never be changed in place.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints
from pydantic.dataclasses import dataclass

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)

SLUG_PATTERN = r"^[a-z][a-z0-9-]{0,63}$"
COMMITMENT_ID_PATTERN = r"^[A-Z]{2,4}-[0-9]{1,2}[A-Z]?$"
COUNTRY_CODE_PATTERN = r"^[A-Z]{2}$"
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"

#: What each pattern means, for error messages a person can act on.
PATTERN_MEANINGS = {
    SLUG_PATTERN: "an id of lowercase letters, digits and hyphens, starting with a letter",
    COMMITMENT_ID_PATTERN: (
        "a commitment id such as PAL-2A or TIR-3 (2–4 capitals, a hyphen, a number, an optional capital)"
    ),
    COUNTRY_CODE_PATTERN: "an ISO 3166-1 alpha-2 code of two capital letters, such as AL or XK",
    PARTIAL_DATE_PATTERN: "a date written YYYY, YYYY-MM or YYYY-MM-DD",
}

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
CommitmentId = Annotated[str, StringConstraints(pattern=COMMITMENT_ID_PATTERN)]
CountryCode = Annotated[str, StringConstraints(pattern=COUNTRY_CODE_PATTERN)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Paragraph = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Quote = Annotated[str, StringConstraints(min_length=1, max_length=160)]
Points = Annotated[int, Field(ge=0, le=100)]
Percent = Annotated[int, Field(ge=0, le=100)]


def _real_partial_date(value: str) -> str:
    parse_partial_date(value)
    return value


def parse_partial_date(value: str) -> dt.date:
    """The first day a partial date can mean: ``2001`` → 2001-01-01; rejects impossible dates."""
    if not re.fullmatch(PARTIAL_DATE_PATTERN, value):
        raise ValueError(f"{value!r} is not {PATTERN_MEANINGS[PARTIAL_DATE_PATTERN]}")
    parts = [int(part) for part in value.split("-")] + [1, 1]
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None


PartialDate = Annotated[str, AfterValidator(_real_partial_date)]


# ----------------------------------------------------------------------------- focus areas
@dataclass(frozen=True, kw_only=True, config=STRICT)
class FocusArea:
    """One of the Task Force's seven areas of concern."""

    id: Slug
    name: Line
    description: Paragraph
    source: Line


@dataclass(frozen=True, kw_only=True, config=STRICT)
class FocusAreasFile:
    focus_areas: tuple[FocusArea, ...] = Field(min_length=1)


# ----------------------------------------------------------------------------- instruments
@dataclass(frozen=True, kw_only=True, config=STRICT)
class Commitment:
    """One thing the signatories undertook, cited to its passage; ``focus_areas`` is the crosswalk."""

    id: CommitmentId
    title: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    text: Paragraph
    passage: Line
    focus_areas: tuple[Slug, ...] = Field(min_length=1)
    weight: int
    evidence_guidance: Paragraph
    quote: Quote | None = None
    indicators: tuple[Slug, ...] = ()


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Instrument:
    """A declaration, statement or action plan, and the commitments it carries."""

    id: Slug
    title: Line
    short_title: Line
    kind: Literal["declaration", "statement", "action_plan"]
    adopted: PartialDate
    adopted_by: Paragraph
    summary: Paragraph
    legal_status: Paragraph
    source: Paragraph
    commitments: tuple[Commitment, ...] = Field(min_length=1)
    place: Line | None = None

    @property
    def adopted_on(self) -> dt.date:
        return parse_partial_date(self.adopted)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class InstrumentFile:
    instrument: Instrument


# ----------------------------------------------------------------------------- countries
@dataclass(frozen=True, kw_only=True, config=STRICT)
class FormerName:
    name: Line
    until: PartialDate
    # a country's first recorded name may have no known start in our sources
    from_: PartialDate | None = Field(default=None, alias="from")


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Signature:
    """A country's signature of (or participation in) an instrument, from a given date."""

    instrument: Slug
    date: PartialDate
    basis: Literal["signed", "participates"]
    source: Paragraph

    @property
    def signed_on(self) -> dt.date:
        return parse_partial_date(self.date)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class NationalActionPlan:
    status: Literal["adopted", "not_recorded"]
    source: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Country:
    code: CountryCode
    name: Line
    signatures: tuple[Signature, ...]
    national_action_plan: NationalActionPlan
    names: tuple[FormerName, ...] = ()


@dataclass(frozen=True, kw_only=True, config=STRICT)
class CountriesFile:
    countries: tuple[Country, ...] = Field(min_length=1)


# ----------------------------------------------------------------------------- methodology
@dataclass(frozen=True, kw_only=True, config=STRICT)
class StatusLevel:
    id: Slug
    label: Line
    points: Points
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class EvidenceRule:
    """Levels above ``required_above`` need evidence; without it they count as ``cap_without_evidence``."""

    required_above: Slug
    cap_without_evidence: Slug
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class WeightRange:
    min: Annotated[int, Field(ge=0, le=100)]
    max: Annotated[int, Field(ge=1, le=100)]
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class CarryForward:
    enabled: bool
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Exclusion:
    id: Slug
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class NegativeIndicator:
    """A reported fact that subtracts from a country's score and caps its rating.

    It is triggered when the figure ``indicator``, reported on ``commitment``'s entry, is above zero.
    """

    id: Slug
    label: Line
    description: Paragraph
    commitment: CommitmentId
    indicator: Slug
    penalty: Percent
    rating_cap: Slug


@dataclass(frozen=True, kw_only=True, config=STRICT)
class RatingBand:
    id: Slug
    label: Line
    min: Percent
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Indicator:
    """A figure a progress form may ask for; aggregated counts only.

    ``counts_victims``: the figure counts victims, so the public never sees its value, which could be
    a count of 1 to 4 that the victim statistics suppress (``tracker.statistics.figures``).
    """

    id: Slug
    label: Line
    unit: Literal["persons", "cases", "permits", "places", "facilities", "count"]
    description: Paragraph
    counts_victims: bool = False


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Methodology:
    title: Line
    summary: Paragraph
    status_levels: tuple[StatusLevel, ...] = Field(min_length=2)
    evidence: EvidenceRule
    weights: WeightRange
    carry_forward: CarryForward
    exclusions: tuple[Exclusion, ...]
    negative_indicators: tuple[NegativeIndicator, ...]
    rating_bands: tuple[RatingBand, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, kw_only=True, config=STRICT)
class MethodologyFile:
    methodology: Methodology


# ----------------------------------------------------------------------------- statistics
@dataclass(frozen=True, kw_only=True, config=STRICT)
class Suppression:
    """Counts of people from 1 to ``threshold - 1`` are never published; ``secondary`` also withholds
    whatever would let them be worked out from totals."""

    threshold: Annotated[int, Field(ge=3, le=100)]
    secondary: bool
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Category:
    id: Slug
    label: Line


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Breakdown:
    """A way of splitting a total; with ``countries`` every framework country is a category too
    (by its code), before the listed ones."""

    id: Slug
    label: Line
    categories: tuple[Category, ...] = Field(min_length=1)
    countries: bool = False


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Measure:
    """A count of people a report's statistics section asks for, and the breakdowns it may be given in."""

    id: Slug
    label: Line
    description: Paragraph
    breakdowns: tuple[Slug, ...] = ()


@dataclass(frozen=True, kw_only=True, config=STRICT)
class CapacityFigure:
    """A figure of assistance capacity; ``people`` says whether it counts people (and is suppressed)."""

    id: Slug
    label: Line
    kind: Literal["count", "yes-no"]
    people: bool
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Statistics:
    title: Line
    summary: Paragraph
    suppression: Suppression
    measures: tuple[Measure, ...] = Field(min_length=1)
    breakdowns: tuple[Breakdown, ...]
    capacity: tuple[CapacityFigure, ...]

    def breakdown(self, breakdown_id: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.id == breakdown_id)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class StatisticsFile:
    statistics: Statistics
