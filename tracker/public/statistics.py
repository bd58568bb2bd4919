"""The regional clearing point's public statistics: totals, breakdowns and flows per published
cycle, always the stored suppressed document (``services.statistics``), never a reported count."""

from __future__ import annotations

import json

from flask import abort, render_template, request

from .. import published
from ..current import framework_or_503
from ..permissions import public
from ..scoring.charts import to_json
from ..security import draws_charts
from ..services.statistics import FLOWS, statistics_key
from . import bp
from .progress import _chosen_cycle


@bp.get("/statistics/")
@public
@draws_charts
def statistics():  # type: ignore[no-untyped-def]
    framework = framework_or_503()
    cycles = published.cycles()
    cycle = _chosen_cycle(cycles)
    stored = published.charts([statistics_key(c.id) for c in cycles])
    document = stored.get(statistics_key(cycle.id)) if cycle else None
    measures = document.table["measures"] if document else []
    measure_id = request.args.get("measure") or (measures[0]["id"] if measures else "")
    measure = next((m for m in measures if m["id"] == measure_id), None)
    if measures and measure is None:
        abort(404)
    flows = []
    if document:
        figures = json.loads(document.figure)
        for measure_key, breakdown, title, _hover in FLOWS:
            figure = figures.get(f"{measure_key}:{breakdown}")
            if figure:
                label = next(m["label"] for m in measures if m["id"] == measure_key)
                flows.append(
                    {"id": f"flows-{breakdown}", "title": f"{label}: {title.lower()}", "json": to_json(figure)}
                )
    trend = _trend(cycles, stored, measure_id)
    return render_template(
        "public/statistics.html",
        framework=framework,
        cycles=cycles,
        cycle=cycle,
        document=document.table if document else None,
        measure=measure,
        flows=flows,
        trend=trend,
    )


def _trend(cycles, stored, measure_id: str):  # type: ignore[no-untyped-def]
    """A measure's published totals per country across the published cycles, oldest first."""
    columns = [c for c in reversed(cycles) if statistics_key(c.id) in stored]
    rows: dict[str, dict[int, dict]] = {}
    names: dict[str, str] = {}
    for cycle in columns:
        measure = next((m for m in stored[statistics_key(cycle.id)].table["measures"] if m["id"] == measure_id), None)
        for total in (measure or {}).get("totals", []):
            rows.setdefault(total["country"], {})[cycle.id] = total
            names[total["country"]] = total["name"]
    return {"cycles": columns, "rows": [(names[code], cells) for code, cells in rows.items()]}
