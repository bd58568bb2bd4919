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
    """One of the Task Force's seven areas of concern, or an area of the project's own.

    ``origin`` keeps the two apart on every page: ``project`` marks an area we added (co-ordination,
    monitoring and reporting), never to be mistaken for one of the Task Force's seven.
    """

    id: Slug
    name: Line
    description: Paragraph
    source: Line
    origin: Literal["task-force", "project"] = "task-force"


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Crosswalk:
    """Who mapped the commitments to the focus areas, and how far an area score can be trusted.

    The mapping is interpretive: the instruments do not assign their passages to the Task Force's
    areas. An area score resting on fewer than ``minimum_commitments`` commitments is marked as such.
    """

    made_by: Paragraph
    description: Paragraph
    minimum_commitments: Annotated[int, Field(ge=1, le=10)]


@dataclass(frozen=True, kw_only=True, config=STRICT)
class FocusAreasFile:
    focus_areas: tuple[FocusArea, ...] = Field(min_length=1)
    crosswalk: Crosswalk


# ----------------------------------------------------------------------------- instruments
#: How firmly the instrument words a passage: "will" is not "express the need for".
Nature = Literal["undertaking", "responsibility", "expressed-need", "agreement", "programme"]
NATURE_WORDS = {
    "undertaking": "an undertaking (“will”)",
    "responsibility": "a responsibility of the State the signatories underlined",
    "expressed-need": "a need the signatories expressed, not a promise",
    "agreement": "an action the signatories agreed to",
    "programme": "a project of a regional programme, not a government undertaking",
}
#: Where the wording a passage is known from comes from.
Wording = Literal["instrument", "summary", "press-release"]


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Commitment:
    """One thing the signatories undertook, cited to its passage.

    ``focus_areas`` is the crosswalk; ``primary_focus_area`` (one of them) is the only area the
    commitment counts towards in an area score, so that no commitment counts twice. Versions stored
    before primary areas existed have none and count in every area they list, as they were scored.
    ``quote`` holds only the instrument's own words (a test checks them against commitments/texts/);
    ``passage_from`` says whether the passage is known from the instrument's text or a summary.
    """

    id: CommitmentId
    title: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    text: Paragraph
    passage: Line
    focus_areas: tuple[Slug, ...] = Field(min_length=1)
    weight: int
    evidence_guidance: Paragraph
    quote: Quote | None = None
    indicators: tuple[Slug, ...] = ()
    primary_focus_area: Slug | None = None
    passage_from: Wording | None = None
    nature: Nature | None = None

    @property
    def aggregation_areas(self) -> tuple[str, ...]:
        """The areas whose scores this commitment counts in."""
        return (self.primary_focus_area,) if self.primary_focus_area else self.focus_areas

    @property
    def secondary_focus_areas(self) -> tuple[str, ...]:
        return tuple(area for area in self.focus_areas if area != self.primary_focus_area)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class SourceText:
    """A text an instrument was encoded from, and whose words it holds."""

    title: Line
    locator: Line
    wording: Wording
    date: PartialDate | None = None
    note: Paragraph | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class SignatoryRecord:
    """What is known of who signed an instrument.

    ``listed``: the signatures in countries.yaml are the record (``note`` says where the list comes
    from). ``not-established``: nobody is recorded; the instrument applies to no country until a
    signature is recorded with a source. ``programme``: not signed by governments (a regional
    programme); it applies to a country only through a participation recorded with a source.
    """

    status: Literal["listed", "not-established", "programme"]
    note: Paragraph


LISTED = SignatoryRecord(status="listed", note="The signatures recorded in countries.yaml.")


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Instrument:
    """A declaration, statement or action plan, and the commitments it carries.

    ``adopted`` may be uncertain (``date_status``: ``uncertain``, with the best estimate the sources
    allow) or unknown (``not-established``, no date at all); ``date_note`` says why.
    """

    id: Slug
    title: Line
    short_title: Line
    kind: Literal["declaration", "statement", "action_plan"]
    adopted_by: Paragraph
    summary: Paragraph
    legal_status: Paragraph
    source: Paragraph
    commitments: tuple[Commitment, ...] = Field(min_length=1)
    adopted: PartialDate | None = None
    date_status: Literal["established", "uncertain", "not-established"] = "established"
    date_note: Paragraph | None = None
    place: Line | None = None
    other_titles: tuple[Line, ...] = ()
    recalls: tuple[Line, ...] = ()
    texts: tuple[SourceText, ...] = ()
    signatories: SignatoryRecord = LISTED

    @property
    def adopted_on(self) -> dt.date | None:
        return parse_partial_date(self.adopted) if self.adopted else None

    @property
    def applies_by_signature(self) -> bool:
        """False for an instrument that applies to no country unless a signature or participation is
        recorded with a source."""
        return self.signatories.status == "listed"


@dataclass(frozen=True, kw_only=True, config=STRICT)
class InstrumentFile:
    instrument: Instrument


# ----------------------------------------------------------------------------- countries
@dataclass(frozen=True, kw_only=True, config=STRICT)
class FormerName:
    """A name the country had before ``until``.

    ``part_of`` names the state it then belonged to (Serbia within the Federal Republic of
    Yugoslavia); ``reference`` is how the instruments referred to it when that was not its name
    ("the former Yugoslav Republic of Macedonia", a provisional reference).
    """

    name: Line
    until: PartialDate
    # a country's first recorded name may have no known start in our sources
    from_: PartialDate | None = Field(default=None, alias="from")
    part_of: Line | None = None
    reference: Line | None = None
    note: Paragraph | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Signature:
    """A signature of (or participation in) an instrument, from a given date.

    ``signed_as`` is the name the source gives the signatory, when it is not today's name.
    """

    instrument: Slug
    date: PartialDate
    basis: Literal["signed", "participates"]
    source: Paragraph
    signed_as: Line | None = None

    @property
    def signed_on(self) -> dt.date:
        return parse_partial_date(self.date)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class HistoricalSignatory:
    """An entity that signed and is not one of today's countries: a state that no longer exists,
    or an administration that signed for a territory.

    Its ``successors`` (country codes or other historical signatories' ids) inherit what it signed;
    ``acts_for`` names the territories an administration signed for (UNMIK for Kosovo).
    """

    id: Slug
    name: Line
    kind: Literal["state", "administration"]
    description: Paragraph
    source: Paragraph
    signatures: tuple[Signature, ...] = ()
    successors: tuple[Annotated[str, StringConstraints(pattern=r"^([A-Z]{2}|[a-z][a-z0-9-]{0,63})$")], ...] = ()
    acts_for: tuple[CountryCode, ...] = ()
    from_: PartialDate | None = Field(default=None, alias="from")
    until: PartialDate | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class NationalActionPlan:
    status: Literal["adopted", "not_recorded"]
    source: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Country:
    """One of today's countries; ``code_note`` explains a code ISO 3166-1 did not assign (XK)."""

    code: CountryCode
    name: Line
    signatures: tuple[Signature, ...]
    national_action_plan: NationalActionPlan
    names: tuple[FormerName, ...] = ()
    code_note: Paragraph | None = None

    def former_name_on(self, on: dt.date) -> FormerName | None:
        """The name the country had on ``on``, when it was not today's."""
        for former in self.names:
            starts = parse_partial_date(former.from_) if former.from_ else dt.date.min
            if starts <= on < parse_partial_date(former.until):
                return former
        return None

    def label_on(self, on: dt.date | None) -> str:
        """How a page names the country for a moment in the past, with today's name beside it:
        "Turkey (today Türkiye)", "Serbia (then part of Serbia and Montenegro)"."""
        former = self.former_name_on(on) if on else None
        if former is None:
            return self.name
        details = [f"then part of {former.part_of}"] if former.part_of else []
        if former.name != self.name:
            details.append(f"today {self.name}")
        return f"{former.name} ({'; '.join(details)})" if details else former.name


@dataclass(frozen=True, kw_only=True, config=STRICT)
class CountriesFile:
    countries: tuple[Country, ...] = Field(min_length=1)
    historical_signatories: tuple[HistoricalSignatory, ...] = ()


@dataclass(frozen=True, kw_only=True, config=STRICT)
class OverlayFile:
    """Fictional countries and what they "signed" (the demonstration's): countries only, no history."""

    countries: tuple[Country, ...] = Field(min_length=1)


# ----------------------------------------------------------------------------- methodology
# Every field added after the first method has a default that reproduces the first method, so the
# framework documents stored before it (cycles pin them) still load and score exactly as they did.
@dataclass(frozen=True, kw_only=True, config=STRICT)
class StatusLevel:
    """A status a country can report. ``counts: false`` names a level that earns nothing whatever
    its points (a promise is not an action); points then must be 0."""

    id: Slug
    label: Line
    points: Points
    description: Paragraph
    counts: bool = True


@dataclass(frozen=True, kw_only=True, config=STRICT)
class EvidenceKind:
    """A kind of evidence (adoption, implementation, independent corroboration)."""

    id: Slug
    label: Line
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class LevelRequirement:
    """What a status level needs beyond any evidence: an item of each of ``kinds``, confirmed by the
    secretariat. Requirements add up: a level needs its own and those of every level below it."""

    level: Slug
    kinds: tuple[Slug, ...] = Field(min_length=1)
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class EvidenceRule:
    """Levels above ``required_above`` need evidence; without it they count as ``cap_without_evidence``.

    ``requirements`` grade the evidence by kind (none in the first method): a status whose
    confirmed evidence does not meet its level's requirement counts as the highest level it meets.
    """

    required_above: Slug
    cap_without_evidence: Slug
    description: Paragraph
    kinds: tuple[EvidenceKind, ...] = ()
    requirements: tuple[LevelRequirement, ...] = ()


@dataclass(frozen=True, kw_only=True, config=STRICT)
class WeightRange:
    min: Annotated[int, Field(ge=0, le=100)]
    max: Annotated[int, Field(ge=1, le=100)]
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class CarryForward:
    """``max_cycles``: how many cycles an accepted status may be carried (None: without limit, as
    the first method did)."""

    enabled: bool
    description: Paragraph
    max_cycles: Annotated[int, Field(ge=1, le=20)] | None = None


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Coverage:
    """Coverage is the share of the applicable weight that was reported. Below ``threshold`` (percent)
    no rating band is given; ``rating_from`` says which form of a score the band is read from."""

    threshold: Percent
    rating_from: Literal["reported-only", "conservative"]
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Exclusion:
    id: Slug
    description: Paragraph


@dataclass(frozen=True, kw_only=True, config=STRICT)
class NegativeIndicator:
    """A fact that subtracts from a country's score and caps its rating.

    ``trigger: finding``: it fires on a finding the secretariat recorded with its source; the figure
    ``indicator`` reported on ``commitment``'s entry is context only. ``trigger: figure`` (the first
    method): it fires when that figure is above zero.
    """

    id: Slug
    label: Line
    description: Paragraph
    commitment: CommitmentId
    indicator: Slug
    penalty: Percent
    rating_cap: Slug
    trigger: Literal["figure", "finding"] = "figure"


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
    """The scoring method. ``version`` names it on every page that shows a score ("1": the first
    method, which documents stored before versions were named are)."""

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
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)] = "1"
    coverage: Coverage | None = None


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
