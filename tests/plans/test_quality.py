"""The quality check on a hand-worked plan, with the counts and score worked out on paper."""

from __future__ import annotations

from fractions import Fraction

from tracker.plans import CRITERIA, SCORE_FORMULA, assess_quality
from tracker.plans.quality import PlanQuality

from .common import load

# Three activities, checked by hand against the four activity criteria:
#   a1  responsible ✓  deadline ✓   funding ✓                     indicator ✓   4 of 4
#   a2  nobody ✗       timetable ✓  budget but no source ✗        indicator ✓   2 of 4
#   a3  responsible ✓  no date ✗    funding ✓                     none ✗        2 of 4
# Activity checks 8 of 12; plan checks: dated ✓, no document ✗, 1 of 2.
# Score = 80 × 8/12 + 20 × 1/2 = 53⅓ + 10 = 63⅓ → 63.
PLAN = """
plan:
  country: AL
  title: Hand-worked plan
  status: adopted
  adopted: "2001-12"
  period: {start: "2002", end: "2004"}
  objectives:
    - id: obj-1
      title: Protection
      activities:
        - id: a1
          title: Open a shelter
          responsible: [Ministry of Labour and Social Affairs]
          deadline: "2002-12"
          funding_source: State budget
          indicators: [{name: Shelter places}]
          commitments: [MAP-3]
        - id: a2
          title: Referral procedure
          responsible: []
          timetable: by the end of 2003
          budget: {amount: "10000", currency: EUR}
          indicators: [{name: Protocol signed}]
          commitments: [MAP-2]
    - id: obj-2
      title: Return
      activities:
        - id: a3
          title: Assisted return
          responsible: [Ministry of Foreign Affairs]
          funding_source: IOM
          commitments: [MAP-4]
"""


def test_hand_worked_counts_and_score():
    quality = assess_quality(load(PLAN))
    counts = {r.criterion.id: (r.met, r.total, r.failing) for r in quality.results}
    assert counts == {
        "responsible": (2, 3, ("a2",)),
        "timing": (2, 3, ("a3",)),
        "funding": (2, 3, ("a2",)),
        "indicator": (2, 3, ("a3",)),
        "dated": (1, 1, ()),
        "document": (0, 1, ()),
    }
    assert quality.checks("activity") == (8, 12)
    assert quality.checks("plan") == (1, 2)
    assert quality.exact_score == Fraction(190, 3)
    assert quality.score == 63
    assert not quality.result("document").passed and quality.result("dated").passed


COMPLETE = """
plan:
  country: AL
  title: Complete plan
  status: adopted
  adopted: "2001-12"
  period: {start: "2002", end: "2004"}
  document_url: https://example.org/plan.pdf
  objectives:
    - id: o
      title: O
      activities:
        - id: a1
          title: Open a shelter
          responsible: [Ministry of Labour and Social Affairs]
          deadline: "2002-12"
          funding_source: State budget
          indicators: [{name: Shelter places}]
          commitments: [MAP-3]
        - id: a2
          title: Referral procedure
          responsible: [Ministry of Public Order]
          timetable: by the end of 2003
          budget: {amount: "10000", currency: EUR}
          funding_source: IOM
          indicators: [{name: Protocol signed}]
          commitments: [MAP-2]
"""
EMPTY = """
plan:
  country: AL
  title: Nothing yet
  status: draft
  objectives: [{id: o, title: O, activities: [{id: a, title: A, responsible: [], commitments: [PAL-2A]}]}]
"""


def test_a_complete_plan_scores_100_and_an_empty_one_0():
    complete = assess_quality(load(COMPLETE))
    assert complete.score == 100 and all(r.passed and not r.failing for r in complete.results)
    empty = assess_quality(load(EMPTY))
    assert empty.score == 0 and all(r.met == 0 for r in empty.results)


def test_halves_round_up():
    assert PlanQuality((), Fraction(155, 2)).score == 78
    assert PlanQuality((), Fraction(77, 1) + Fraction(49, 100)).score == 77


def test_criteria_are_published_data():
    assert [c.id for c in CRITERIA] == ["responsible", "timing", "funding", "indicator", "dated", "document"]
    assert {c.scope for c in CRITERIA} == {"activity", "plan"}
    assert all(c.label and c.description.endswith(".") for c in CRITERIA)
    assert "80 × (activity checks met ÷ activity checks)" in SCORE_FORMULA
