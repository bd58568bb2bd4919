"""The flows chart of the public statistics: where victims came from, where they were identified.

Built from the published (already suppressed) document only, so the chart can never show more
than the tables: a hidden count is a grey cell marked "<5" or "c", never a colour.
"""

from __future__ import annotations

from typing import Any

SUPPRESSED_COLOUR = "#bdbdbd"


def flows(
    document: dict[str, Any], measure_id: str, breakdown_id: str, *, title: str, hover: str
) -> dict[str, Any] | None:
    """Reporting country (rows) × the breakdown's countries (columns) as a heatmap, or None when
    no country gave that breakdown. ``hover`` is a Plotly template over %{y}, %{x} and %{text}."""
    measure = next((m for m in document["measures"] if m["id"] == measure_id), None)
    breakdown = next((b for b in (measure or {}).get("breakdowns", []) if b["id"] == breakdown_id), None)
    if not breakdown or not breakdown["rows"]:
        return None
    columns = [c["label"] for c in breakdown["categories"]]
    rows = [row["name"] for row in breakdown["rows"]]
    cells = [row["cells"] for row in breakdown["rows"]]
    common = {
        "type": "heatmap",
        "x": columns,
        "y": rows,
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": False,
        "hovertemplate": hover + "<extra></extra>",
        "texttemplate": "%{text}",
    }
    counts = {
        **common,
        "name": "Count",
        "z": [[c["value"] if c["mark"] == "published" else None for c in row] for row in cells],
        "text": [[c["shown"] if c["mark"] == "published" else "" for c in row] for row in cells],
        "colorscale": "Blues",
        "reversescale": True,
        "zmin": 0,
        "colorbar": {"title": {"text": "Victims"}, "thickness": 14},
    }
    hidden = {
        **common,
        "name": "Withheld",
        "z": [[1 if c["mark"] != "published" else None for c in row] for row in cells],
        "text": [[c["shown"] if c["mark"] != "published" else "" for c in row] for row in cells],
        "textfont": {"color": "#212529"},
        "colorscale": [[0, SUPPRESSED_COLOUR], [1, SUPPRESSED_COLOUR]],
        "showscale": False,
    }
    return {
        "data": [counts, hidden],
        "layout": {
            "height": 140 + 32 * len(rows),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "xaxis": {"side": "top", "tickangle": -45, "automargin": True, "title": {"text": title}},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "plot_bgcolor": "#f8f9fa",
            "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
        },
    }
