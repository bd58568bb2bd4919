"""The illustrative example plans load against the real framework and show what the pages need."""

from __future__ import annotations

import pytest

from tracker.plans import assess_quality, coverage
from tracker.plans.schema import first_day, last_day

from .common import EXAMPLES, FRAMEWORK, load

CODES = ["AL", "MK", "RS"]
PROGRAMME = {c.id for i in FRAMEWORK.instruments if i.signatories.status == "programme" for c in i.commitments}


def test_the_examples_are_albania_north_macedonia_and_serbia():
    assert sorted(path.stem for path in EXAMPLES.glob("*.yaml")) == CODES


@pytest.mark.parametrize("code", CODES)
def test_example_loads_and_says_it_is_illustrative(code):
    path = EXAMPLES / f"{code}.yaml"
    plan = load(path)
    header = path.read_text(encoding="utf-8").split("\nplan:")[0]
    assert header.startswith("# ILLUSTRATIVE DEMONSTRATION DATA: this is NOT")
    assert "illustrative" in plan.title and plan.summary.startswith("Illustrative example, not the country's real plan")
    assert plan.country == code
    assert FRAMEWORK.country(code).national_action_plan.status == "adopted"  # the source says it had one
    assert 3 <= len(plan.objectives) <= 5
    assert 8 <= len(plan.activities) <= 15


@pytest.mark.parametrize("code", CODES)
def test_example_header_names_the_country_as_it_was_called_when_adopted(code):
    path = EXAMPLES / f"{code}.yaml"
    plan = load(path)
    header = " ".join(
        line.removeprefix("#").strip() for line in path.read_text(encoding="utf-8").split("\nplan:")[0].splitlines()
    )
    then = [
        n.name
        for n in FRAMEWORK.country(code).names
        if (n.from_ is None or first_day(n.from_) <= plan.adopted_on) and plan.adopted_on <= last_day(n.until)
    ]
    assert all(name in header for name in then), then
    if code == "RS":  # adopted in 2003 under the state union, after the Federal Republic of Yugoslavia
        parts = [n.part_of for n in FRAMEWORK.country(code).names if n.name in then and n.until > "2003-02-04"]
        assert parts == ["Serbia and Montenegro"] and "Federal Republic of Yugoslavia" in header


@pytest.mark.parametrize("code", CODES)
def test_example_cites_only_commitments_in_force_when_adopted(code):
    plan = load(EXAMPLES / f"{code}.yaml")
    in_force = {c.id for c in FRAMEWORK.applicable_commitments(code, plan.adopted_on)} | PROGRAMME
    assert set(plan.commitment_ids()) <= in_force


@pytest.mark.parametrize(
    ("code", "score", "failing"),
    [
        ("AL", 89, {"responsible": 1, "timing": 1, "funding": 3, "indicator": 2, "dated": 0, "document": 0}),
        ("MK", 78, {"responsible": 0, "timing": 1, "funding": 4, "indicator": 2, "dated": 0, "document": 1}),
        ("RS", 64, {"responsible": 0, "timing": 1, "funding": 5, "indicator": 1, "dated": 1, "document": 1}),
    ],
)
def test_example_is_deliberately_imperfect(code, score, failing):
    quality = assess_quality(load(EXAMPLES / f"{code}.yaml"))
    assert quality.score == score
    assert {r.criterion.id: r.total - r.met for r in quality.results} == failing


@pytest.mark.parametrize(
    ("code", "covered", "uncovered"),
    [
        ("AL", 11, ("PAL-5B", "PAL-6", "PAL-7", "TIR-1", "TIR-2", "TIR-3", "TIR-4", "TIR-5", "TIR-6")),
        ("MK", 17, ("PAL-6", "PAL-7", "TIR-6")),
        ("RS", 14, ("PAL-5B", "PAL-5C", "PAL-6", "PAL-7", "TIR-4", "TIR-5")),
    ],
)
def test_example_covers_a_good_share_of_what_the_country_signed(code, covered, uncovered):
    result = coverage(load(EXAMPLES / f"{code}.yaml"), FRAMEWORK.applicable_commitments(code))
    assert len(result.rows) == len(FRAMEWORK.applicable_commitments(code)) == 20
    assert result.covered_count == covered and result.uncovered == uncovered
    assert set(result.unlisted) <= PROGRAMME  # activities may also serve the regional programme's projects
    assert 50 <= result.percent < 100
