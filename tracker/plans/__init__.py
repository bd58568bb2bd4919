"""National Plans of Action as data: YAML files validated into frozen plans, written back, assessed.

Pure Python (PyYAML and pydantic, on top of ``tracker.framework``): no Flask, SQLAlchemy or database,
so the CLI, the web layer and the tests all share one reading of a plan.
"""

from .coverage import CommitmentCoverage, Coverage, coverage
from .export import dump_plan
from .loader import PlanError, load_plan
from .quality import (
    ACTIVITY_WEIGHT,
    CRITERIA,
    PLAN_WEIGHT,
    SCORE_FORMULA,
    Criterion,
    CriterionResult,
    PlanQuality,
    assess_quality,
)
from .schema import Activity, Budget, Indicator, Objective, Period, Plan, PlanStatus

__all__ = [
    "ACTIVITY_WEIGHT",
    "CRITERIA",
    "PLAN_WEIGHT",
    "SCORE_FORMULA",
    "Activity",
    "Budget",
    "CommitmentCoverage",
    "Coverage",
    "Criterion",
    "CriterionResult",
    "Indicator",
    "Objective",
    "Period",
    "Plan",
    "PlanError",
    "PlanQuality",
    "PlanStatus",
    "assess_quality",
    "coverage",
    "dump_plan",
    "load_plan",
]
