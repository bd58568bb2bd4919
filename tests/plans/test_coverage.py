"""Coverage: which commitments a small plan's activities implement, and which none does."""

from __future__ import annotations

from fractions import Fraction

from tracker.plans import coverage

from .common import FRAMEWORK, load

PLAN = load("""
plan:
  country: AL
  title: Small plan
  status: draft
  objectives:
    - id: o
      title: O
      activities:
        - {id: a1, title: Shelter, responsible: [], commitments: [MAP-3, PAL-2A]}
        - {id: a2, title: Referral, responsible: [], commitments: [MAP-3, TIR-1]}
        - {id: a3, title: Campaign, responsible: [], commitments: [PAL-2A]}
""")
COMMITMENTS = [("PAL-2A", "Prevention"), ("PAL-2B", "Victims"), ("MAP-3", "Shelters"), ("MAP-4", "Return")]


def test_matrix_rows_and_uncovered_commitments():
    result = coverage(PLAN, COMMITMENTS)
    assert result.activity_ids == ("a1", "a2", "a3")
    assert [(row.id, row.title, row.activities) for row in result.rows] == [
        ("PAL-2A", "Prevention", ("a1", "a3")),
        ("PAL-2B", "Victims", ()),
        ("MAP-3", "Shelters", ("a1", "a2")),
        ("MAP-4", "Return", ()),
    ]
    assert result.matrix == (
        (True, False, True),
        (False, False, False),
        (True, True, False),
        (False, False, False),
    )
    assert result.uncovered == ("PAL-2B", "MAP-4")
    assert result.activities_per_commitment == {"PAL-2A": 2, "PAL-2B": 0, "MAP-3": 2, "MAP-4": 0}
    assert result.unlisted == ("TIR-1",)  # cited by the plan, not among those measured against
    assert (result.covered_count, result.share, result.percent) == (2, Fraction(1, 2), 50)


def test_framework_commitments_applicable_to_a_country():
    # Hungary signed only the Tirana Statement: the plan's Palermo and Action Plan citations fall outside
    result = coverage(PLAN, FRAMEWORK.applicable_commitments("HU"))
    assert [row.id for row in result.rows] == ["TIR-1", "TIR-2", "TIR-3", "TIR-4", "TIR-5", "TIR-6"]
    assert result.rows[0].title == "Identification of trafficked persons"
    assert result.uncovered == ("TIR-2", "TIR-3", "TIR-4", "TIR-5", "TIR-6")
    assert result.unlisted == ("MAP-3", "PAL-2A")
    assert result.percent == 17  # 1 of 6


def test_nothing_to_measure_against():
    result = coverage(PLAN, [])
    assert (result.rows, result.uncovered, result.share, result.percent) == ((), (), None, None)
    assert result.unlisted == ("MAP-3", "PAL-2A", "TIR-1")
