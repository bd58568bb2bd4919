"""Public pages: the framework browser and the health check. Thin: data comes from queries."""

from __future__ import annotations

from flask import abort, jsonify, render_template
from sqlalchemy.exc import SQLAlchemyError

from .. import published, queries
from ..framework import Framework
from ..permissions import public
from ..security import draws_charts
from ..services.scores import region_key
from . import bp


def _framework() -> Framework:
    framework = queries.current_framework()
    if framework is None:
        abort(503, description="framework-not-loaded")
    return framework


@bp.get("/healthz")
@public
def healthz():  # type: ignore[no-untyped-def]
    """200 when the database answers; 503 otherwise, so a load balancer takes the worker out."""
    try:
        ok = queries.database_answers()
    except SQLAlchemyError:
        ok = False
    if not ok:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok")


@bp.get("/")
@public
@draws_charts
def home():  # type: ignore[no-untyped-def]
    """What the instruments are, and the region's heatmap for the latest published cycle."""
    cycles = published.cycles()
    latest = cycles[0] if cycles else None
    chart = published.chart(region_key(latest.id, "verified", "focus-areas", "public:")) if latest else None
    return render_template("public/home.html", framework=_framework(), cycle=latest, chart=chart)


@bp.get("/framework/")
@public
def framework_overview():  # type: ignore[no-untyped-def]
    return render_template("public/framework.html", framework=_framework())


@bp.get("/framework/instruments/<instrument_id>")
@public
def instrument(instrument_id: str):  # type: ignore[no-untyped-def]
    framework = _framework()
    try:
        chosen = framework.instrument(instrument_id)
    except KeyError:
        abort(404)
    return render_template(
        "public/instrument.html",
        framework=framework,
        instrument=chosen,
        signatories=framework.signatories(chosen.id),
        bound=framework.bound_countries(chosen.id),
    )


@bp.get("/framework/focus-areas")
@public
def focus_areas():  # type: ignore[no-untyped-def]
    return render_template("public/focus_areas.html", framework=_framework())


@bp.get("/framework/crosswalk")
@public
def crosswalk():  # type: ignore[no-untyped-def]
    return render_template("public/crosswalk.html", framework=_framework())


@bp.get("/countries/")
@public
def countries():  # type: ignore[no-untyped-def]
    framework = _framework()
    bound = {
        (binding.country.code, instrument.id): binding
        for instrument in framework.instruments
        for binding in framework.bound_countries(instrument.id)
    }
    return render_template("public/countries.html", framework=framework, bound=bound)
