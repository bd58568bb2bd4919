"""Open data: published verified scores and entries as CSV and JSON, with documented, stable columns.

Columns are part of the contract: new ones are added at the end, none is renamed or removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Response, abort, render_template, request

from .. import published
from ..baseline.present import COLUMNS as BASELINE_COLUMNS
from ..baseline.present import rows as baseline_rows
from ..baseline_store import current_baseline
from ..current import framework_or_503
from ..exports import csv_response
from ..installation import demonstration, demonstration_name
from ..permissions import public
from ..services.plans import accepted_plans
from ..services.scores import published_comparability
from ..statistics.figures import public_figures
from . import bp

SCORE_COLUMNS = (
    ("cycle", "Reporting cycle name"),
    ("period_start", "First day of the period the cycle covers (ISO 8601)"),
    ("period_end", "Last day of that period (ISO 8601)"),
    ("country_code", "ISO 3166-1 alpha-2 code (Kosovo: XK)"),
    ("country", "Country name"),
    ("level", "overall, instrument, focus-area or commitment"),
    ("subject", "Instrument, focus-area or commitment id; empty for overall"),
    ("state", "scored, not-applicable or not-reported"),
    ("score", "0 to 100, two decimals; empty unless scored"),
    ("rating", "Rating band id (minimal, limited, partial, substantial, advanced)"),
    ("status", "For a commitment: the verified status level id, after the evidence rule"),
    ("weight", "A commitment's weight; for other levels the sum of the weights counted"),
    ("reported", "Commitments reported or carried forward"),
    ("applicable", "Commitments that apply"),
    ("carried_from", "For a commitment: the cycle its status was carried forward from"),
    ("conservative", "The conservative form: not reported counts as 0 (method 2); empty where not computed"),
    ("coverage", "Share of the applicable weight reported or carried forward, 0 to 100"),
    ("evidence_cycle", "The cycle(s) the counted evidence is from, newest first"),
    (
        "comparability_group",
        "Scores of one cycle, level and subject may be compared only when this key is the same: the countries "
        "answer for the same commitments (the instruments counted, joined with '+'). Empty where nothing applies",
    ),
)
SENSITIVITY_COLUMNS = (
    ("cycle", "Reporting cycle name"),
    ("country_code", "ISO 3166-1 alpha-2 code"),
    ("country", "Country name"),
    ("level", "overall, instrument or focus-area"),
    ("subject", "Instrument or focus-area id; empty for overall"),
    ("weighted", "Reported-only score with the methodology's weights"),
    ("equal", "Reported-only score with every commitment weighing 1"),
    ("weighted_conservative", "Conservative score with the methodology's weights"),
    ("equal_conservative", "Conservative score with equal weights"),
    ("weighted_rating", "Rating band with the methodology's weights; empty: insufficient reporting"),
    ("equal_rating", "Rating band with equal weights; empty: insufficient reporting"),
)
ENTRY_COLUMNS = (
    ("cycle", "Reporting cycle name"),
    ("country_code", "ISO 3166-1 alpha-2 code"),
    ("country", "Country name"),
    ("commitment", "Commitment id"),
    ("reported_status", "Status the government reported"),
    ("verified_status", "Status the secretariat verified"),
    ("narrative", "What was done, as reported"),
    ("responsible", "Who did it, as reported"),
    ("start_date", "When the work started (ISO 8601), if given"),
    ("end_date", "When it ended or is due to end (ISO 8601), if given"),
    ("budget_amount", "The budget the government reported for the work, a whole number, if given"),
    ("budget_currency", "Its currency (ISO 4217 code), if given"),
    ("evidence", "Evidence titles and links, separated by ' | '"),
    (
        "figures",
        "Figures reported, as indicator=value pairs separated by '; '. Figures that count victims are left "
        "out: counts of victims are published only in the victim statistics, with small counts suppressed; of "
        "immediate-deportations only whether it is above zero is given, as immediate-deportations=above zero "
        "or immediate-deportations=none reported",
    ),
)


def _score_rows() -> Iterator[dict[str, Any]]:
    groups = published_comparability()
    for row in published.score_export_rows():
        values = row._asdict()
        values["comparability_group"] = groups[row.cycle_id].key(row.country_code, row.level, row.subject)
        yield {
            name: (values[name].isoformat() if hasattr(values[name], "isoformat") else values[name])
            for name, _ in SCORE_COLUMNS
        }


def _entry_rows() -> Iterator[dict[str, Any]]:
    method = framework_or_503().methodology
    for entry in published.entry_export_rows():
        yield {
            "cycle": entry.cycle,
            "country_code": entry.country_code,
            "country": entry.country,
            "commitment": entry.commitment,
            "reported_status": entry.reported_status,
            "verified_status": entry.verified_status,
            "narrative": entry.narrative,
            "responsible": entry.responsible,
            "start_date": entry.start_date.isoformat() if entry.start_date else None,
            "end_date": entry.end_date.isoformat() if entry.end_date else None,
            "budget_amount": entry.budget_amount,
            "budget_currency": entry.budget_currency,
            "evidence": " | ".join(f"{title} {url}".strip() if url else title for title, url in entry.evidence),
            "figures": "; ".join(f"{f.indicator}={f.shown}" for f in public_figures(method, entry.figures).shown),
        }


DEMONSTRATION_COLUMN = (
    "demonstration",
    "true while this installation holds demonstration data (invented reports, figures and scores); false otherwise",
)


def _columns(columns: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Every dataset ends with ``demonstration`` (the baseline's own rows say false: they are real)."""
    return columns if columns[-1][0] == "demonstration" else (*columns, DEMONSTRATION_COLUMN)


def _flagged(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    flag = demonstration()
    for row in rows:
        yield {"demonstration": flag, **row}


def _csv(columns: tuple[tuple[str, str], ...], rows: Iterable[dict[str, Any]], filename: str) -> Response:
    names = [name for name, _ in _columns(columns)]
    return csv_response(names, ([row[name] for name in names] for row in _flagged(rows)), filename)


def _json(columns: tuple[tuple[str, str], ...], rows: Callable[[], Iterable[dict[str, Any]]], name: str) -> Response:
    document = {
        "dataset": name,
        "demonstration": demonstration(),
        "columns": [{"name": column, "description": text} for column, text in _columns(columns)],
        "rows": list(_flagged(rows())),
    }
    response = Response(json.dumps(document, ensure_ascii=False, separators=(",", ":")), mimetype="application/json")
    if demonstration():
        response.headers["Content-Disposition"] = f'inline; filename="{demonstration_name(name + ".json")}"'
    return response


def _sensitivity_rows() -> Iterator[dict[str, Any]]:
    for row in published.sensitivity_rows():
        values = row._asdict()
        yield {name: values[name] for name, _ in SENSITIVITY_COLUMNS}


@bp.get("/data/sensitivity.csv")
@public
def sensitivity_csv():  # type: ignore[no-untyped-def]
    return _csv(SENSITIVITY_COLUMNS, _sensitivity_rows(), "sensitivity.csv")


@bp.get("/data/sensitivity.json")
@public
def sensitivity_json():  # type: ignore[no-untyped-def]
    return _json(SENSITIVITY_COLUMNS, _sensitivity_rows, "sensitivity")


@bp.get("/data/")
@public
def open_data():  # type: ignore[no-untyped-def]
    return render_template(
        "public/open_data.html",
        sensitivity_columns=_columns(SENSITIVITY_COLUMNS),
        score_columns=_columns(SCORE_COLUMNS),
        entry_columns=_columns(ENTRY_COLUMNS),
        statistic_columns=_columns(STATISTIC_COLUMNS),
        cycles=published.cycles(),
        plans=accepted_plans(),
        baseline_columns=BASELINE_COLUMNS,
    )


@bp.get("/data/scores.csv")
@public
def scores_csv():  # type: ignore[no-untyped-def]
    return _csv(SCORE_COLUMNS, _score_rows(), "scores.csv")


@bp.get("/data/scores.json")
@public
def scores_json():  # type: ignore[no-untyped-def]
    return _json(SCORE_COLUMNS, _score_rows, "scores")


@bp.get("/data/entries.csv")
@public
def entries_csv():  # type: ignore[no-untyped-def]
    return _csv(ENTRY_COLUMNS, _entry_rows(), "entries.csv")


@bp.get("/data/entries.json")
@public
def entries_json():  # type: ignore[no-untyped-def]
    return _json(ENTRY_COLUMNS, _entry_rows, "entries")


STATISTIC_COLUMNS = (
    ("cycle", "Reporting cycle name"),
    ("period_start", "First day of the period the cycle covers (ISO 8601)"),
    ("period_end", "Last day of that period (ISO 8601)"),
    ("scope", "country, or region: the sum over the countries that gave the figure (or the breakdown)"),
    ("country_code", "ISO 3166-1 alpha-2 code; empty for the region"),
    ("country", "Country name; empty for the region"),
    ("measure", "victims-identified, victims-assisted, victims-returned, or a capacity figure's id"),
    ("breakdown", "The breakdown's id (sex, age, origin, ...); empty for a total"),
    ("category", "The category's id (a country code for origin and destination); empty for a total"),
    ("value", "The count; empty where it is not published"),
    ("shown", "As published: the count, '<5' (a count from 1 to 4) or 'c' (withheld to protect one)"),
)


def _statistic_rows(cycle_id: int | None = None) -> Iterator[dict[str, Any]]:
    for document in published.statistics_documents(cycle_id):
        cycle = document["cycle"]
        base = {"cycle": cycle["name"], "period_start": cycle["period_start"], "period_end": cycle["period_end"]}

        def row(scope, code, name, measure, breakdown, category, cell, base=base):  # type: ignore[no-untyped-def]
            return {
                **base,
                "scope": scope,
                "country_code": code,
                "country": name,
                "measure": measure,
                "breakdown": breakdown,
                "category": category,
                "value": cell["value"],
                "shown": cell["shown"],
            }

        for measure in document["measures"]:
            for total in measure["totals"]:
                yield row("country", total["country"], total["name"], measure["id"], "", "", total)
            if measure["region"]:
                yield row("region", "", "", measure["id"], "", "", measure["region"])
            for breakdown in measure["breakdowns"]:
                ids = [c["id"] for c in breakdown["categories"]]
                for line in breakdown["rows"]:
                    for category, cell in zip(ids, line["cells"], strict=True):
                        yield row(
                            "country", line["country"], line["name"], measure["id"], breakdown["id"], category, cell
                        )
                for category, cell in zip(ids, breakdown["column_totals"], strict=True):
                    yield row("region", "", "", measure["id"], breakdown["id"], category, cell)
        for figure in document["capacity"]:
            for value in figure["values"]:
                yield row("country", value["country"], value["name"], figure["id"], "", "", value)
            if figure["region"]:
                yield row("region", "", "", figure["id"], "", "", figure["region"])


def _chosen_statistics_cycle() -> int | None:
    wanted = request.args.get("cycle")
    if wanted is None:
        return None
    if not (wanted.isascii() and wanted.isdigit()) or int(wanted) not in {c.id for c in published.cycles()}:
        abort(404)
    return int(wanted)


@bp.get("/data/statistics.csv")
@public
def statistics_csv():  # type: ignore[no-untyped-def]
    return _csv(STATISTIC_COLUMNS, _statistic_rows(_chosen_statistics_cycle()), "statistics.csv")


@bp.get("/data/statistics.json")
@public
def statistics_json():  # type: ignore[no-untyped-def]
    cycle_id = _chosen_statistics_cycle()
    return _json(STATISTIC_COLUMNS, lambda: _statistic_rows(cycle_id), "statistics")


def _baseline_rows() -> list[dict[str, Any]]:
    """What others recorded (``baseline/``): real, cited facts, never scores; 503 when the files are broken."""
    baseline = current_baseline()
    if baseline is None:
        abort(503)
    return baseline_rows(baseline)


@bp.get("/data/baseline.csv")
@public
def baseline_csv():  # type: ignore[no-untyped-def]
    return _csv(BASELINE_COLUMNS, _baseline_rows(), "baseline.csv")


@bp.get("/data/baseline.json")
@public
def baseline_json():  # type: ignore[no-untyped-def]
    return _json(BASELINE_COLUMNS, _baseline_rows, "baseline")
