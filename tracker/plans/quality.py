"""How complete a plan is, against published criteria.

The criteria are data (``CRITERIA``, ``SCORE_FORMULA``) so that a page can print exactly what a plan
was tested against. They follow the Task Force's guidelines, which lay out every activity with the
bodies responsible and its indicators: a plan whose activities have no owner, no date, no money or no
measure of progress is hard to follow up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Literal

from .schema import Activity, Plan

Scope = Literal["activity", "plan"]


@dataclass(frozen=True)
class Criterion:
    id: str
    scope: Scope
    label: str
    description: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "responsible",
        "activity",
        "Responsible body named",
        "The activity names at least one government body or institution responsible for carrying it out.",
    ),
    Criterion(
        "timing",
        "activity",
        "Deadline or timetable",
        "The activity has a deadline or a timetable (such as “quarterly from 2002”).",
    ),
    Criterion(
        "funding",
        "activity",
        "Funding source named",
        "The activity names where its money comes from (such as “State budget; IOM”). "
        "A budget amount without a source does not meet this criterion.",
    ),
    Criterion(
        "indicator",
        "activity",
        "Indicator of progress",
        "The activity has at least one indicator by which its progress can be measured.",
    ),
    Criterion(
        "dated",
        "plan",
        "Adoption date and period",
        "The plan records when it was adopted and the period it covers.",
    ),
    Criterion(
        "document",
        "plan",
        "Official document linked",
        "The plan links to its official text.",
    ),
)

ACTIVITY_WEIGHT = 80
PLAN_WEIGHT = 20
SCORE_FORMULA = (
    f"Score = {ACTIVITY_WEIGHT} × (activity checks met ÷ activity checks) "
    f"+ {PLAN_WEIGHT} × (plan checks met ÷ plan checks), rounded to the nearest whole number (halves up). "
    "An activity check is one activity tested against one activity criterion, so a plan of 10 activities has "
    "40 of them; the plan checks weigh a fifth of the score whatever the plan's size."
)

_ACTIVITY_CHECKS: dict[str, Callable[[Activity], bool]] = {
    "responsible": lambda a: bool(a.responsible),
    "timing": lambda a: a.deadline is not None or a.timetable is not None,
    "funding": lambda a: a.funding_source is not None,
    "indicator": lambda a: bool(a.indicators),
}
_PLAN_CHECKS: dict[str, Callable[[Plan], bool]] = {
    "dated": lambda p: p.adopted is not None and p.period is not None,
    "document": lambda p: p.document_url is not None,
}


@dataclass(frozen=True)
class CriterionResult:
    """How many checks of one criterion the plan meets; ``failing`` are the activity ids that miss it."""

    criterion: Criterion
    met: int
    total: int
    failing: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.met == self.total


@dataclass(frozen=True)
class PlanQuality:
    results: tuple[CriterionResult, ...]  # in the order of CRITERIA
    exact_score: Fraction  # 0–100 before rounding

    @property
    def score(self) -> int:
        """The score 0–100 of ``SCORE_FORMULA``."""
        return floor(self.exact_score + Fraction(1, 2))

    def result(self, criterion_id: str) -> CriterionResult:
        return next(r for r in self.results if r.criterion.id == criterion_id)

    def checks(self, scope: Scope) -> tuple[int, int]:
        """Checks met and made, over the criteria of one scope."""
        return _checks(self.results, scope)


def _checks(results: Iterable[CriterionResult], scope: Scope) -> tuple[int, int]:
    chosen = [r for r in results if r.criterion.scope == scope]
    return sum(r.met for r in chosen), sum(r.total for r in chosen)


def assess_quality(plan: Plan) -> PlanQuality:
    """Test the plan against every criterion and score it by ``SCORE_FORMULA``:

    80 × (activity checks met ÷ activity checks) + 20 × (plan checks met ÷ plan checks), halves
    rounded up, where an activity check is one activity against one of the four activity criteria.
    Weighting the two plan checks as a fifth keeps a plan's basics (adoption, period, official text)
    from vanishing in a plan of many activities.
    """
    activities = plan.activities
    results = []
    for criterion in CRITERIA:
        if criterion.scope == "activity":
            check = _ACTIVITY_CHECKS[criterion.id]
            failing = tuple(a.id for a in activities if not check(a))
            results.append(CriterionResult(criterion, len(activities) - len(failing), len(activities), failing))
        else:
            results.append(CriterionResult(criterion, int(_PLAN_CHECKS[criterion.id](plan)), 1))

    def share(scope: Scope) -> Fraction:  # never 0 ÷ 0: a plan has at least one activity
        return Fraction(*_checks(results, scope))

    return PlanQuality(tuple(results), ACTIVITY_WEIGHT * share("activity") + PLAN_WEIGHT * share("plan"))
