"""The shape of a National Plan of Action file, as frozen pydantic dataclasses.

The Task Force's guidelines lay a plan out as objective → activities → responsible bodies →
indicators; the file follows that shape. Values arrive as text (``textyaml``), so amounts, dates and
addresses are checked from text here, and every list is capped before its items are validated so
that a hostile file cannot make us build thousands of objects.
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo
from pydantic.dataclasses import dataclass

from tracker.framework.schema import (
    STRICT,
    CommitmentId,
    CountryCode,
    Line,
    Paragraph,
    PartialDate,
    Slug,
    parse_partial_date,
)

MAX_OBJECTIVES = 50
MAX_ACTIVITIES = 500  # in the whole plan; one objective may hold them all
MAX_RESPONSIBLE = 20
MAX_INDICATORS = 20
MAX_COMMITMENTS = 30  # more than the framework has: an activity may cite every commitment
MAX_URL_LENGTH = 500
MAX_AMOUNT_DIGITS = 15  # room for budgets in lek or denar

PlanStatus = Literal["draft", "adopted", "expired"]


def _count(what: str, *, at_most: int, non_empty: bool = False) -> BeforeValidator:
    """Check a list's length before pydantic validates (and builds) its items."""

    def check(value: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) > at_most:
                raise ValueError(f"{len(value)} {what}, over the limit of {at_most}")
            if non_empty and not value:
                raise ValueError(f"no {what}: at least one is needed")
        return value

    return BeforeValidator(check)


def _known(context_key: str, what: str) -> AfterValidator:
    """Refuse an id missing from the collection the loader passes as validation context.

    Checked during validation rather than after, so an unknown id is reported together with every
    other problem of the file; a plan built in code (no context) is not checked.
    """

    def check(value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get(context_key)
        if known is not None and value not in known:
            raise ValueError(f"unknown {what} {value!r}")
        return value

    return AfterValidator(check)


def _whole_number(value: Any) -> Any:
    """Digits only: pydantic alone would take ``-5``, ``1_000`` or ``+7`` from text."""
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(rf"[0-9]{{1,{MAX_AMOUNT_DIGITS}}}", text):
            raise ValueError(f"{value!r} is not a whole number of 0 or more, written in digits only")
        return int(text)
    return value


def _currency(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code of three capital letters, such as EUR")
    return value


def _web_address(value: str) -> str:
    """An http(s) address a page can link to safely: no other scheme, no spaces, no user@ trick."""
    problem = f"{value!r} is not a web address starting with http:// or https://"
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(f"web address of {len(value)} characters, over the limit of {MAX_URL_LENGTH}")
    if not re.fullmatch(r"https?://[^\s\\\x00-\x1f\x7f-\x9f]+", value):
        raise ValueError(problem)
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValueError(problem) from None
    if not parts.hostname:
        raise ValueError(f"{value!r} names no host")
    if "@" in parts.netloc:
        raise ValueError(f"{value!r} has a user name before the host, which can disguise where it leads")
    return value


Amount = Annotated[int, BeforeValidator(_whole_number), Field(ge=0, lt=10**MAX_AMOUNT_DIGITS)]
Currency = Annotated[str, AfterValidator(_currency)]
WebAddress = Annotated[str, AfterValidator(_web_address)]
#: the context keys ``load_plan`` fills: the framework's commitment ids and (optionally) country codes
COMMITMENT_IDS = "commitment_ids"
COUNTRY_CODES = "country_codes"
KnownCommitment = Annotated[CommitmentId, _known(COMMITMENT_IDS, "commitment")]
KnownCountry = Annotated[CountryCode, _known(COUNTRY_CODES, "country")]


def first_day(value: str) -> dt.date:
    """The first day a partial date can mean: ``2002`` → 2002-01-01."""
    return parse_partial_date(value)


def last_day(value: str) -> dt.date:
    """The last day a partial date can mean: ``2004`` → 2004-12-31, ``2004-02`` → 2004-02-29."""
    start = parse_partial_date(value)
    match value.count("-"):
        case 0:
            return dt.date(start.year, 12, 31)
        case 1:
            return dt.date(start.year, start.month, monthrange(start.year, start.month)[1])
    return start


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Period:
    """The years (or months) a plan runs; ``end`` counts to its last day, so 2002–2004 is three years."""

    start: PartialDate
    end: PartialDate

    @property
    def starts_on(self) -> dt.date:
        return first_day(self.start)

    @property
    def ends_on(self) -> dt.date:
        return last_day(self.end)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Budget:
    """Money set aside for an activity; the amount is whole units of ``currency``."""

    amount: Amount
    currency: Currency


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Indicator:
    """How progress on an activity is measured, e.g. "officials trained", unit "persons".

    ``counts_victims``: its values are counts of victims (identified, assisted, returned…), which the
    public never sees from a plan: such counts are published only in the victim statistics, where
    small ones are suppressed.
    """

    name: Line
    unit: Line | None = None
    baseline: Line | None = None
    target: Line | None = None
    counts_victims: bool = False


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Activity:
    """A specific action a government body is to take, linked to the regional commitments it serves."""

    id: Slug
    title: Line
    # required so that a file says "nobody" out loud: an empty list fails the quality check
    responsible: Annotated[tuple[Line, ...], _count("responsible bodies", at_most=MAX_RESPONSIBLE)]
    commitments: Annotated[tuple[KnownCommitment, ...], _count("commitments", at_most=MAX_COMMITMENTS, non_empty=True)]
    description: Paragraph | None = None
    deadline: PartialDate | None = None
    timetable: Line | None = None
    budget: Budget | None = None
    funding_source: Line | None = None
    indicators: Annotated[tuple[Indicator, ...], _count("indicators", at_most=MAX_INDICATORS)] = ()


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Objective:
    id: Slug
    title: Line
    activities: Annotated[tuple[Activity, ...], _count("activities", at_most=MAX_ACTIVITIES, non_empty=True)]


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Plan:
    """A country's National Plan of Action: what the guidelines ask for, as a government adopted it."""

    country: KnownCountry
    title: Line
    status: PlanStatus
    objectives: Annotated[tuple[Objective, ...], _count("objectives", at_most=MAX_OBJECTIVES, non_empty=True)]
    adopted: PartialDate | None = None
    period: Period | None = None
    document_url: WebAddress | None = None
    summary: Paragraph | None = None

    @property
    def adopted_on(self) -> dt.date | None:
        return first_day(self.adopted) if self.adopted else None

    @property
    def activities(self) -> tuple[Activity, ...]:
        """Every activity, objective by objective, in the plan's order."""
        return tuple(activity for objective in self.objectives for activity in objective.activities)

    def activity_places(self) -> Iterator[tuple[int, int, Activity]]:
        """Each activity with the index of its objective and its index there (for positions in the file)."""
        for n, objective in enumerate(self.objectives):
            for k, activity in enumerate(objective.activities):
                yield n, k, activity

    def commitment_ids(self) -> tuple[str, ...]:
        """The commitments the plan cites, each once, in the order first cited."""
        return tuple(dict.fromkeys(c for activity in self.activities for c in activity.commitments))


@dataclass(frozen=True, kw_only=True, config=STRICT)
class PlanFile:
    plan: Plan
