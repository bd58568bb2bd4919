"""A country's National Plan of Action on the public site: the accepted revision only, never a draft.

``plan_view`` also feeds the focal point's and the secretariat's plan pages, so all three show one
checklist, one coverage matrix and one reading of the plan.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, render_template

from .. import queries
from ..current import framework_or_503
from ..framework import Framework
from ..installation import demonstration_name
from ..models import NationalPlan
from ..permissions import public
from ..plans import CRITERIA, SCORE_FORMULA, assess_quality, coverage
from ..services.plans import accepted_plan, plan_of
from . import bp


def plan_view(record: NationalPlan, framework: Framework) -> dict[str, Any]:
    """What every plan page shows of one revision: the plan, its quality and its coverage.

    Coverage is measured against the commitments of the instruments the country signed, as the
    methodology page says; titles of every commitment are passed so a cited one outside them still reads.
    """
    plan = plan_of(record)
    return {
        "record": record,
        "plan": plan,
        "quality": assess_quality(plan),
        "coverage": coverage(plan, framework.applicable_commitments(record.country.code)),
        "score_formula": SCORE_FORMULA,
        "commitment_titles": {c.id: c.title for c in framework.commitments},
        "activity_titles": {a.id: a.title for a in plan.activities},
    }


def summary(country_id: int, framework: Framework) -> dict[str, Any] | None:
    """The country page's card: the accepted plan's title, score and coverage, or None without one."""
    record = accepted_plan(country_id)
    if record is None:
        return None
    view = plan_view(record, framework)
    return {"record": record, "quality": view["quality"], "coverage": view["coverage"]}


@bp.context_processor
def plan_criteria() -> dict[str, Any]:
    """The published quality criteria, for the methodology page (constants: the page cache is unaffected)."""
    return {"plan_criteria": CRITERIA, "plan_score_formula": SCORE_FORMULA}


def _accepted_or_404(code: str) -> tuple[Any, NationalPlan]:
    found = queries.country_by_code(code)
    if found is None:
        abort(404)
    record = accepted_plan(found.id)
    if record is None:
        abort(404)
    return found, record


@bp.get("/countries/<code>/plan")
@public
def country_plan(code: str):  # type: ignore[no-untyped-def]
    framework = framework_or_503()
    found, record = _accepted_or_404(code)
    return render_template("plans/public.html", framework=framework, country=found, **plan_view(record, framework))


@bp.get("/countries/<code>/plan.yaml")
@public
def country_plan_yaml(code: str):  # type: ignore[no-untyped-def]
    """The accepted plan as the YAML file the tracker stores: what ``nap export`` would write."""
    found, record = _accepted_or_404(code)
    file_name = f"{found.code}-national-plan-rev{record.revision}.yaml"
    return Response(
        record.source,
        content_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{demonstration_name(file_name)}"'},
    )
