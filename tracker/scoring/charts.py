"""Plotly figures (as plain JSON-ready dicts) and their data tables, from stored scores.

Pure, like the engine: callers pass the numbers and get a figure and a table with the same numbers,
so a chart always has an accessible alternative that cannot drift from it. Figures are built when
scores change and stored; no request builds one.

Colours: Viridis for scores (perceptually even and readable with the common colour-vision
deficiencies); "not applicable" is a flat grey cell marked "N/A" and "not reported" a white cell
marked "NR", so neither can be mistaken for a score of 0 (dark purple, labelled "0").
Links in a figure are relative ("<cycle>/<country>/<basis>/<level>/<subject>"): the page that draws
it supplies the base, so the same builder serves the secretariat and the public.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NOT_APPLICABLE_COLOUR = "#bdbdbd"
NOT_REPORTED_COLOUR = "#ffffff"
AVERAGE_COLOUR = "#6c757d"
SERIES_COLOURS = ("#0072b2", "#d55e00", "#009e73")  # Okabe–Ito: safe for colour-vision deficiencies
CELL_MARKS = {"not-applicable": "N/A", "not-reported": "NR"}
STATE_WORDS = {"not-applicable": "Not applicable", "not-reported": "Not reported"}
BASIS_WORDS = {"verified": "verified by the secretariat", "self-reported": "self-reported, not yet verified"}


@dataclass(frozen=True)
class Cell:
    """One score as a chart shows it."""

    state: str  # scored | not-applicable | not-reported
    score: float | None = None
    rating: str | None = None  # the band's label
    basis: str = "verified"
    link: str | None = None
    reported: int = 0
    applicable: int = 0
    carried: bool = False
    penalised: bool = False
    thin: bool = False  # an area score resting on fewer commitments than the crosswalk's minimum


@dataclass(frozen=True)
class RowGroup:
    """A row's comparability group, as a heatmap marks it (see ``scoring.comparability``)."""

    mark: str
    label: str


NO_GROUP = "No commitment applies: nothing to compare"
THIN_MARK = "*"  # beside the score of a thin area score, in the chart and its table


def cell_text(cell: Cell) -> str:
    """The cell's value as a table shows it."""
    if cell.state != "scored" or cell.score is None:
        return STATE_WORDS.get(cell.state, cell.state)
    return f"{_score(cell.score)}{THIN_MARK if cell.thin else ''} ({cell.rating})"


def hover_text(row: str, column: str, cell: Cell) -> str:
    lines = [f"<b>{_escape(row)}</b> · {_escape(column)}"]
    if cell.state == "scored" and cell.score is not None:
        lines.append(f"Score {_score(cell.score)} of 100 · {_escape(cell.rating or '')}")
    else:
        lines.append(STATE_WORDS.get(cell.state, cell.state))
    lines.append(BASIS_WORDS.get(cell.basis, cell.basis).capitalize())
    if cell.applicable and cell.state != "not-applicable":
        lines.append(f"{cell.reported} of {cell.applicable} commitments reported")
    if cell.thin:
        lines.append(f"{THIN_MARK} Rests on {cell.reported} commitment(s) only")
    if cell.carried:
        lines.append("Status carried forward from an earlier cycle")
    if cell.penalised:
        lines.append("Negative indicator applied")
    if cell.link:
        lines.append("<i>Click for the explanation</i>")
    return "<br>".join(lines)


def heatmap(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: dict[tuple[int, int], Cell],
    *,
    column_hints: Sequence[str] | None = None,
    row_groups: Sequence[RowGroup | None] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A rows × columns heatmap: scored cells on the Viridis scale, N/A and NR as their own layers.

    ``row_groups``: each row's comparability group (rows already in group order). With more than one
    group, each row's label carries its group's mark, a line separates the groups, and the table
    lists the groups so that no one reads a column as a ranking across them."""
    empty = Cell("not-reported")
    groups = list(row_groups) if row_groups else [None] * len(rows)
    several = len({g.mark if g else None for g in groups}) > 1
    names = list(rows)  # the table's labels; its group rows carry the marks
    if several:
        rows = [f"{row} [{g.mark if g else '–'}]" for row, g in zip(rows, groups, strict=True)]

    def grid(pick: Any) -> list[list[Any]]:
        return [[pick(cells.get((r, c), empty), r, c) for c in range(len(columns))] for r in range(len(rows))]

    hovers = grid(
        lambda cell, r, c: (
            hover_text(names[r], column_hints[c] if column_hints else columns[c], cell)
            + (f"<br>Group {_escape(groups[r].mark)}: {_escape(groups[r].label)}" if several and groups[r] else "")
        )
    )
    links = grid(lambda cell, r, c: cell.link or "")
    common = {
        "type": "heatmap",
        "x": list(columns),
        "y": list(rows),
        "xgap": 2,
        "ygap": 2,
        "hovertext": hovers,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "customdata": links,
        "hoverongaps": False,
    }
    scored = {
        **common,
        "name": "Score",
        "z": grid(lambda cell, r, c: cell.score if cell.state == "scored" else None),
        "text": grid(
            lambda cell, r, c: (
                _score(cell.score) + (THIN_MARK if cell.thin else "")
                if cell.state == "scored" and cell.score is not None
                else ""
            )
        ),
        "texttemplate": "%{text}",
        "zmin": 0,
        "zmax": 100,
        "colorscale": "Viridis",
        "colorbar": {"title": {"text": "Score"}, "tickvals": [0, 20, 40, 60, 80, 100], "thickness": 14},
    }
    layers = [scored]
    for state, colour in (("not-applicable", NOT_APPLICABLE_COLOUR), ("not-reported", NOT_REPORTED_COLOUR)):
        z = grid(lambda cell, r, c, state=state: 1 if cell.state == state else None)
        if any(v is not None for row in z for v in row):
            layers.append(
                {
                    **common,
                    "name": STATE_WORDS[state],
                    "z": z,
                    "text": grid(lambda cell, r, c, state=state: CELL_MARKS[state] if cell.state == state else ""),
                    "texttemplate": "%{text}",
                    "textfont": {"color": "#212529"},
                    "colorscale": [[0, colour], [1, colour]],
                    "showscale": False,
                }
            )
    layout = {
        "height": 110 + 30 * len(rows),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "xaxis": {
            "side": "top",
            "tickangle": -45 if len(columns) > 10 else 0,
            "tickmode": "array",
            "tickvals": list(columns),
            "ticktext": [_wrap(c) for c in columns],
        },
        "yaxis": {"autorange": "reversed", "automargin": True},
        "plot_bgcolor": "#f8f9fa",
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
    }
    layout["xaxis"]["automargin"] = True
    if several:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": r - 0.5,
                "y1": r - 0.5,
                "line": {"color": "#212529", "width": 3},
            }
            for r in range(1, len(rows))
            if (groups[r].mark if groups[r] else None) != (groups[r - 1].mark if groups[r - 1] else None)
        ]
    legend: list[dict[str, str]] = []
    for g in groups:
        entry = {"mark": g.mark, "label": g.label} if g else {"mark": "–", "label": NO_GROUP}
        if several and entry not in legend:
            legend.append(entry)
    table = {
        "caption": title,
        "groups": legend,
        "columns": list(column_hints or columns),
        "rows": [
            {
                "label": names[r],
                "group": (groups[r].mark if groups[r] else "–") if several else None,
                "cells": [
                    {
                        "text": cell_text(cell := cells.get((r, c), empty)),
                        "link": cell.link,
                        "state": cell.state,
                        "carried": cell.carried,
                        "thin": cell.thin,
                    }
                    for c in range(len(columns))
                ],
            }
            for r in range(len(rows))
        ],
    }
    return {"data": layers, "layout": layout}, table


def trend(
    title: str, cycles: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Scores across cycles, one line per series (the country on each basis, the regional average)."""
    data = []
    for n, (name, values) in enumerate(series):
        average = name.lower().startswith(("regional", "average"))
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": list(cycles),
                "y": list(values),
                "connectgaps": False,
                "line": {
                    "color": AVERAGE_COLOUR if average else SERIES_COLOURS[n % len(SERIES_COLOURS)],
                    "dash": "dot" if average else ("dash" if "self" in name.lower() else "solid"),
                },
                "hovertemplate": f"{_escape(name)}: %{{y:.1f}}<extra>%{{x}}</extra>",
            }
        )
    layout = {
        "height": 300,
        "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
        "yaxis": {"range": [0, 100], "title": {"text": "Score"}},
        "xaxis": {"type": "category"},
        "legend": {"orientation": "h", "y": -0.2},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
    }
    table = {
        "caption": title,
        "columns": [name for name, _ in series],
        "rows": [
            {"label": cycle, "cells": [{"text": _maybe(values[n]), "link": None} for _, values in series]}
            for n, cycle in enumerate(cycles)
        ],
    }
    return {"data": data, "layout": layout}, table


def comparison(
    title: str, subjects: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Grouped horizontal bars: the country's score per subject beside the regional average."""
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": list(subjects),
            "x": list(values),
            "marker": {"color": AVERAGE_COLOUR if n else SERIES_COLOURS[0]},
            "hovertemplate": f"{_escape(name)}: %{{x:.1f}}<extra>%{{y}}</extra>",
        }
        for n, (name, values) in enumerate(series)
    ]
    layout = {
        "height": 90 + 50 * len(subjects),
        "barmode": "group",
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        "xaxis": {"range": [0, 100], "title": {"text": "Score"}},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "legend": {"orientation": "h", "y": -0.15},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
    }
    table = {
        "caption": title,
        "columns": [name for name, _ in series],
        "rows": [
            {"label": subject, "cells": [{"text": _maybe(values[n]), "link": None} for _, values in series]}
            for n, subject in enumerate(subjects)
        ],
    }
    return {"data": data, "layout": layout}, table


def to_json(figure: dict[str, Any]) -> str:
    """Compact JSON that is safe inside ``<script type="application/json">`` (no ``<``, ``>`` or ``&``)."""
    text = json.dumps(figure, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _score(value: float | None) -> str:
    """One decimal at most, none when it is zero: 25, 12.5, 32 (for 31.96)."""
    return "" if value is None else f"{value:.1f}".removesuffix(".0")


def _maybe(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _wrap(label: str, width: int = 16) -> str:
    """A long axis label on two or more lines, so that neighbouring labels do not overlap."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(_escape(line) for line in lines)


def _escape(text: str) -> str:
    """Plotly renders hover text as a small HTML subset: names must not inject tags."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
