"""A report's statistics section: which counts it holds, reading them from a form, and the rule
that a breakdown is given whole and adds up to its total.

Counts are keyed ``(measure, breakdown, category)``: a measure's total is ``(measure, "", "")``,
a capacity figure ``(figure, "", "")``. Pure: the form and the database both speak in these keys.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ..framework import Framework
from ..framework.schema import Breakdown, Measure

Key = tuple[str, str, str]

MAX_COUNT = 10_000_000  # larger than any country's count, small enough for every database's integer


@dataclass(frozen=True)
class Field:
    """One number the section asks for."""

    key: Key
    label: str
    kind: str  # count | yes-no

    @property
    def name(self) -> str:
        """The form field's name: ``s.victims-assisted``, ``s.victims-assisted.sex.female``."""
        return "s." + ".".join(part for part in self.key if part)


@dataclass(frozen=True)
class Problem:
    """Something that keeps the section from being saved, said where it is."""

    field: str  # the form field's name, or "s.<measure>.<breakdown>" for a whole breakdown
    message: str


def total_key(measure: str) -> Key:
    return (measure, "", "")


def measure_fields(framework: Framework, measure: Measure) -> tuple[Field, dict[str, tuple[Field, ...]]]:
    """A measure's total and, per breakdown, its categories' fields."""
    total = Field(total_key(measure.id), f"{measure.label}: total", "count")
    breakdowns = {
        breakdown: tuple(
            Field((measure.id, breakdown, category), label, "count")
            for category, label in framework.statistic_categories(breakdown)
        )
        for breakdown in measure.breakdowns
    }
    return total, breakdowns


def fields(framework: Framework) -> Iterator[Field]:
    """Every number of the section, in the order a form shows them."""
    statistics = framework.statistics
    if statistics is None:
        return
    for measure in statistics.measures:
        total, breakdowns = measure_fields(framework, measure)
        yield total
        for categories in breakdowns.values():
            yield from categories
    for figure in statistics.capacity:
        yield Field((figure.id, "", ""), figure.label, figure.kind)


def parse(framework: Framework, form: Mapping[str, str]) -> tuple[dict[Key, int], dict[str, str], list[Problem]]:
    """The counts a form gives (blank means not given), what was typed, and every problem."""
    values: dict[Key, int] = {}
    typed: dict[str, str] = {}
    problems: list[Problem] = []
    for field in fields(framework):
        text = (form.get(field.name) or "").strip().replace(",", "").replace(" ", "")
        typed[field.name] = (form.get(field.name) or "").strip()
        if not text:
            continue
        if field.kind == "yes-no":
            if text not in {"0", "1"}:
                problems.append(Problem(field.name, "Choose yes or no."))
                continue
        elif not (text.isascii() and text.isdigit()) or len(text) > 30 or int(text) > MAX_COUNT:
            problems.append(Problem(field.name, "Enter a whole number of 0 or more (a count, not a percentage)."))
            continue
        values[field.key] = int(text)
    return values, typed, problems + check(framework, values)


def check(framework: Framework, values: Mapping[Key, int]) -> list[Problem]:
    """A breakdown is given whole (every category, 0 where there was none) and adds up to its total."""
    statistics = framework.statistics
    known = {field.key for field in fields(framework)}
    problems = [
        Problem(Field(key, "", "count").name, "Not a figure this report asks for.")
        for key in values
        if key not in known
    ]
    if statistics is None:
        return problems
    for measure in statistics.measures:
        total_field, breakdowns = measure_fields(framework, measure)
        total = values.get(total_field.key)
        for breakdown_id, categories in breakdowns.items():
            problems += _check_breakdown(
                statistics.breakdown(breakdown_id), measure, total, [(c, values.get(c.key)) for c in categories]
            )
    return problems


def _check_breakdown(
    breakdown: Breakdown, measure: Measure, total: int | None, given: list[tuple[Field, int | None]]
) -> list[Problem]:
    name = f"s.{measure.id}.{breakdown.id}"
    filled = [value for _, value in given if value is not None]
    if not filled:
        return []
    missing = [field.label for field, value in given if value is None]
    if missing:
        shown = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
        return [
            Problem(
                name,
                f"{measure.label} by {breakdown.label.lower()}: give every category (0 where there were none) "
                f"or leave them all blank. Missing: {shown}.",
            )
        ]
    if total is None:
        return [Problem(name, f"{measure.label}: give the total before breaking it down by {breakdown.label.lower()}.")]
    if sum(filled) != total:
        return [
            Problem(
                name,
                f"{measure.label} by {breakdown.label.lower()}: the categories add up to {sum(filled):,}, "
                f"but the total is {total:,}.",
            )
        ]
    return []
