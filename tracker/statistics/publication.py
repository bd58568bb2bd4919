"""One cycle's victim statistics as the public sees them: regional tables, suppressed together.

Every number that is published anywhere (a country's total, a category of its breakdown, the
region's column and grand totals, capacity figures that count people) is one cell of one system of
equations, and the whole cycle is suppressed in one call, so a count hidden in one table can't be
recovered from another. A country's breakdown that no suppression can protect (its other cells
are all zero) is withheld whole. The result is plain JSON: it is stored once at publication and
the pages, downloads and API all read that same document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..framework import Framework
from .section import Key as SectionKey
from .suppression import Equation, Mark, Published, Rule, Unprotectable, suppress, table_equations

REGION = "*"  # the region's totals, in suppression keys
MAX_WITHHOLDING_ROUNDS = 50

Values = Mapping[str, Mapping[SectionKey, int]]  # country code -> the report's statistics


def publish(framework: Framework, values: Values) -> dict[str, Any]:
    """The cycle's public statistics document from the accepted reports' counts, by country code."""
    statistics = framework.statistics
    if statistics is None:
        return {"measures": [], "capacity": [], "countries": [], "threshold": None}
    rule = Rule(threshold=statistics.suppression.threshold, secondary=statistics.suppression.secondary)
    withheld: set[tuple[str, str, str]] = set()  # (measure, breakdown, country) breakdowns held back
    for _ in range(MAX_WITHHOLDING_ROUNDS):
        cells, equations = _system(framework, values, withheld)
        try:
            published = suppress(cells, equations, rule)
        except Unprotectable as stuck:
            more = _breakdowns_to_withhold(stuck.keys, values)
            if not more - withheld:
                raise
            withheld |= more
            continue
        return _document(framework, values, withheld, published)
    raise RuntimeError("statistics could not be protected")  # pragma: no cover - bounded by the breakdowns


def _given(framework: Framework, country_values: Mapping[SectionKey, int], measure: str, breakdown: str) -> bool:
    return all((measure, breakdown, code) in country_values for code, _ in framework.statistic_categories(breakdown))


def _reporting(framework: Framework, values: Values, measure: str) -> list[str]:
    """Countries that gave the measure's total, in framework order."""
    return [c.code for c in framework.countries if (measure, "", "") in values.get(c.code, {})]


def _breakdown_rows(
    framework: Framework, values: Values, withheld: set[tuple[str, str, str]], measure: str, breakdown: str
) -> list[str]:
    return [
        code
        for code in _reporting(framework, values, measure)
        if (measure, breakdown, code) not in withheld and _given(framework, values[code], measure, breakdown)
    ]


def _grand_key(rows: list[str], reporting: list[str], measure: str, breakdown: str) -> tuple:
    """The breakdown table's grand total: the region's total when every reporting country gave the
    breakdown (one number is one cell, wherever it appears), else a total of its own."""
    if rows == reporting:
        return ("total", measure, REGION)
    return ("breakdown-total", measure, breakdown)


def _system(
    framework: Framework, values: Values, withheld: set[tuple[str, str, str]]
) -> tuple[dict[tuple, int], list[Equation]]:
    statistics = framework.statistics
    assert statistics is not None
    cells: dict[tuple, int] = {}
    equations: list[Equation] = []
    for measure in statistics.measures:
        countries = _reporting(framework, values, measure.id)
        if not countries:
            continue
        for code in countries:
            cells[("total", measure.id, code)] = values[code][(measure.id, "", "")]
        cells[("total", measure.id, REGION)] = sum(cells[("total", measure.id, code)] for code in countries)
        equations.append(Equation(("total", measure.id, REGION), tuple(("total", measure.id, c) for c in countries)))
        for breakdown in measure.breakdowns:
            rows = _breakdown_rows(framework, values, withheld, measure.id, breakdown)
            if not rows:
                continue
            categories = [code for code, _ in framework.statistic_categories(breakdown)]
            grand = _grand_key(rows, countries, measure.id, breakdown)
            for code in rows:
                for category in categories:
                    cells[("cell", measure.id, breakdown, code, category)] = values[code][
                        (measure.id, breakdown, category)
                    ]
            for category in categories:
                cells[("column", measure.id, breakdown, category)] = sum(
                    cells[("cell", measure.id, breakdown, code, category)] for code in rows
                )
            cells[grand] = sum(cells[("total", measure.id, code)] for code in rows)
            equations += table_equations(
                rows,
                categories,
                lambda r, c, m=measure.id, b=breakdown: ("cell", m, b, r, c),
                lambda r, m=measure.id: ("total", m, r),
                lambda c, m=measure.id, b=breakdown: ("column", m, b, c),
                grand,
            )
    for figure in statistics.capacity:
        if not figure.people:
            continue
        countries = [c.code for c in framework.countries if (figure.id, "", "") in values.get(c.code, {})]
        if not countries:
            continue
        for code in countries:
            cells[("capacity", figure.id, code)] = values[code][(figure.id, "", "")]
        cells[("capacity", figure.id, REGION)] = sum(cells[("capacity", figure.id, c)] for c in countries)
        equations.append(
            Equation(("capacity", figure.id, REGION), tuple(("capacity", figure.id, c) for c in countries))
        )
    return cells, _unique(equations)


def _unique(equations: list[Equation]) -> list[Equation]:
    """The region's total is the sum of the country totals in every table that lists them all: once is enough."""
    seen: set[tuple] = set()
    kept = []
    for equation in equations:
        signature = (equation.total, tuple(sorted(map(repr, equation.parts))))
        if signature not in seen:
            seen.add(signature)
            kept.append(equation)
    return kept


def _breakdowns_to_withhold(keys: tuple, values: Values) -> set[tuple[str, str, str]]:
    """The country breakdowns an unprotectable cell lies in; for a country's total, all its breakdowns."""
    found: set[tuple[str, str, str]] = set()
    for key in keys:
        if key[0] == "cell":
            _, measure, breakdown, code, _category = key
            found.add((measure, breakdown, code))
        elif key[0] == "total" and key[2] != REGION:
            _, measure, code = key
            found |= {(measure, b, code) for (m, b, _c) in values.get(code, {}) if m == measure and b}
        elif key[0] == "column":
            _, measure, breakdown, _category = key
            found |= {
                (measure, breakdown, code)
                for code, given in values.items()
                if any(m == measure and b == breakdown for m, b, _ in given)
            }
    return found


def _cell(published: Published, key: tuple) -> dict[str, Any]:
    return {"value": published.values[key], "shown": published.shown(key), "mark": str(published.marks[key])}


def _plain(value: int) -> dict[str, Any]:
    return {"value": value, "shown": f"{value:,}", "mark": "published"}


def _document(
    framework: Framework, values: Values, withheld: set[tuple[str, str, str]], published: Published
) -> dict[str, Any]:
    statistics = framework.statistics
    assert statistics is not None
    names = {c.code: c.name for c in framework.countries}
    measures = []
    for measure in statistics.measures:
        countries = _reporting(framework, values, measure.id)
        if not countries:
            measures.append({"id": measure.id, "label": measure.label, "totals": [], "region": None, "breakdowns": []})
            continue
        breakdowns = []
        for breakdown_id in measure.breakdowns:
            breakdown = statistics.breakdown(breakdown_id)
            rows = _breakdown_rows(framework, values, withheld, measure.id, breakdown_id)
            categories = framework.statistic_categories(breakdown_id)
            grand = _grand_key(rows, countries, measure.id, breakdown_id) if rows else None
            breakdowns.append(
                {
                    "id": breakdown_id,
                    "label": breakdown.label,
                    "categories": [{"id": code, "label": label} for code, label in categories],
                    "rows": [
                        {
                            "country": code,
                            "name": names[code],
                            "cells": [
                                _cell(published, ("cell", measure.id, breakdown_id, code, c)) for c, _ in categories
                            ],
                            "total": _cell(published, ("total", measure.id, code)),
                        }
                        for code in rows
                    ],
                    "column_totals": [_cell(published, ("column", measure.id, breakdown_id, c)) for c, _ in categories]
                    if rows
                    else [],
                    "total": _cell(published, grand) if grand else None,
                    "not_given": [
                        names[c] for c in countries if c not in rows and (measure.id, breakdown_id, c) not in withheld
                    ],
                    "withheld": [names[c] for c in countries if (measure.id, breakdown_id, c) in withheld],
                }
            )
        measures.append(
            {
                "id": measure.id,
                "label": measure.label,
                "totals": [
                    {"country": code, "name": names[code], **_cell(published, ("total", measure.id, code))}
                    for code in countries
                ],
                "region": _cell(published, ("total", measure.id, REGION)),
                "breakdowns": breakdowns,
            }
        )
    capacity = []
    for figure in statistics.capacity:
        countries = [c.code for c in framework.countries if (figure.id, "", "") in values.get(c.code, {})]
        rows = []
        for code in countries:
            value = values[code][(figure.id, "", "")]
            if figure.people:
                cell = _cell(published, ("capacity", figure.id, code))
            elif figure.kind == "yes-no":
                cell = {"value": value, "shown": "Yes" if value else "No", "mark": "published"}
            else:
                cell = _plain(value)
            rows.append({"country": code, "name": names[code], **cell})
        region: dict[str, Any] | None = None
        if countries:
            if figure.people:
                region = _cell(published, ("capacity", figure.id, REGION))
            elif figure.kind == "yes-no":
                yes = sum(1 for row in rows if row["value"])
                region = {"value": yes, "shown": f"{yes} of {len(rows)}", "mark": "published"}
            else:
                region = _plain(sum(row["value"] for row in rows))
        capacity.append(
            {
                "id": figure.id,
                "label": figure.label,
                "kind": figure.kind,
                "people": figure.people,
                "values": rows,
                "region": region,
            }
        )
    reporting = sorted({code for code, given in values.items() if given}, key=list(names).index)
    return {
        "threshold": statistics.suppression.threshold,
        "countries": [{"code": code, "name": names[code]} for code in reporting],
        "measures": measures,
        "capacity": capacity,
    }


def outsiders_view(document: dict[str, Any]) -> tuple[Published, list[Equation]]:
    """What a reader of the published document has: every cell as shown, and how the cells add up.

    Rebuilt from the document alone (no reported count), so ``exposed(*outsiders_view(doc))`` is the
    audit an outsider could run: anything it finds could be worked out from what was published.
    """
    values: dict[tuple, int | None] = {}
    marks: dict[tuple, str] = {}
    equations: list[Equation] = []

    def take(key: tuple, cell: dict[str, Any]) -> tuple:
        values[key], marks[key] = cell["value"], cell["mark"]
        return key

    for measure in document["measures"]:
        m = measure["id"]
        totals = {t["country"]: take(("total", m, t["country"]), t) for t in measure["totals"]}
        if measure["region"]:
            equations.append(Equation(take(("total", m, REGION), measure["region"]), tuple(totals.values())))
        for breakdown in measure["breakdowns"]:
            b, ids = breakdown["id"], [c["id"] for c in breakdown["categories"]]
            if not breakdown["rows"]:
                continue
            rows = [line["country"] for line in breakdown["rows"]]
            for line in breakdown["rows"]:
                for category, cell in zip(ids, line["cells"], strict=True):
                    take(("cell", m, b, line["country"], category), cell)
            for category, cell in zip(ids, breakdown["column_totals"], strict=True):
                take(("column", m, b, category), cell)
            grand = (
                ("total", m, REGION)
                if len(rows) == len(totals)
                else take(("breakdown-total", m, b), breakdown["total"])
            )
            equations += table_equations(
                rows,
                ids,
                lambda r, c, m=m, b=b: ("cell", m, b, r, c),
                lambda r, m=m: ("total", m, r),
                lambda c, m=m, b=b: ("column", m, b, c),
                grand,
            )
    for figure in document["capacity"]:
        if figure["people"] and figure["values"]:
            parts = tuple(take(("capacity", figure["id"], v["country"]), v) for v in figure["values"])
            equations.append(Equation(take(("capacity", figure["id"], REGION), figure["region"]), parts))
    rule = Rule(threshold=document["threshold"]) if document.get("threshold") else Rule()
    return Published(values=values, marks={k: Mark(v) for k, v in marks.items()}, rule=rule), _unique(equations)
