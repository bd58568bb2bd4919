"""What the public may see of an entry's figures: the one rule every public page, download and the API use.

An entry's figure is one country's raw count for one cycle. A figure that counts victims, shown as
reported, would publish a count of 1 to 4, or one the victim statistics withhold as "c", after all.
So its value is never public: the figure of a negative indicator shows only whether it is above
zero (the penalty in the score says as much), and the others are left out, the victim statistics
publishing counts of victims with small counts suppressed. A figure the methodology does not
describe is left out too: nothing says it does not count people. The secretariat and the country's
own focal point see every value as reported; this module is for the public only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..framework.schema import Methodology

ABOVE_ZERO = "above zero"
NONE_REPORTED = "none reported"


@dataclass(frozen=True)
class PublicFigure:
    """A figure as published: ``value`` is the count, or None when only ``shown`` is public."""

    indicator: str
    label: str
    value: int | None
    shown: str


@dataclass(frozen=True)
class PublicFigures:
    """An entry's figures as published, and the labels of those left out (published only in the
    victim statistics, with suppression)."""

    shown: tuple[PublicFigure, ...]
    withheld: tuple[str, ...]


def public_figure(method: Methodology, indicator: str, value: int) -> PublicFigure | None:
    """The public value of one figure, or None when it is not published at all."""
    described = next((i for i in method.indicators if i.id == indicator), None)
    if described is None:
        return None
    if not described.counts_victims:
        return PublicFigure(indicator, described.label, value, str(value))
    if any(negative.indicator == indicator for negative in method.negative_indicators):
        return PublicFigure(indicator, described.label, None, ABOVE_ZERO if value > 0 else NONE_REPORTED)
    return None


def public_figures(method: Methodology, figures: Iterable[tuple[str, int]]) -> PublicFigures:
    """An entry's (indicator, value) pairs as the public sees them, in the order given."""
    labels = {i.id: i.label for i in method.indicators}
    shown, withheld = [], []
    for indicator, value in figures:
        figure = public_figure(method, indicator, value)
        if figure is not None:
            shown.append(figure)
        else:
            withheld.append(labels.get(indicator, indicator))
    return PublicFigures(tuple(shown), tuple(withheld))
