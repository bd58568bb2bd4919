"""The hostile-file suite: every file under ``bad/`` must fail with the lines ``bad/expected.txt`` names.

Each case is loaded twice, from its path and as uploaded bytes, and must report the same problems;
neither may return a plan. Cases too big to keep as files are generated below.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from tracker.framework.textyaml import MAX_FILE_BYTES
from tracker.plans import PlanError
from tracker.plans.schema import MAX_ACTIVITIES, MAX_OBJECTIVES

from .common import load, plan_text

BAD = Path(__file__).parent / "bad"
FILES = sorted(path.name for path in BAD.glob("*.yaml"))


def _expected() -> dict[str, list[str]]:
    expected: dict[str, list[str]] = defaultdict(list)
    for line in (BAD / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expected[line.split(":", 1)[0]].append(line)
    return expected


EXPECTED = _expected()


def problems_of(source: str | bytes | Path, name: str) -> list[str]:
    with pytest.raises(PlanError) as raised:
        load(source, source_name=name)
    problems = raised.value.problems
    assert problems == sorted(problems), "problems must come sorted by line"
    assert str(raised.value) == "\n".join(map(str, problems))
    return [str(problem) for problem in problems]


def test_every_file_has_expectations_and_every_expectation_a_file():
    assert len(FILES) >= 20
    assert sorted(EXPECTED) == FILES


@pytest.mark.parametrize("name", FILES)
def test_bad_file_reports_every_expected_problem(name):
    printed = problems_of(BAD / name, name)
    for line in EXPECTED[name]:
        assert line in printed, f"missing {line!r} in:\n" + "\n".join(printed)


@pytest.mark.parametrize("name", FILES)
def test_uploaded_bytes_report_the_same_problems(name):
    assert problems_of((BAD / name).read_bytes(), name) == problems_of(BAD / name, name)


def test_oversized_file(tmp_path):
    text = "plan:\n  summary: " + "x" * MAX_FILE_BYTES + "\n"
    size = len(text.encode())
    big = tmp_path / "big.yaml"
    big.write_text(text)
    line = f"big.yaml:1:1: file is {size} bytes, over the limit of {MAX_FILE_BYTES}"
    assert problems_of(big, "big.yaml") == [line]
    assert problems_of(text, "big.yaml") == [line]  # an upload is refused before it is written anywhere


def test_too_many_objectives():
    text, _ = plan_text([1] * (MAX_OBJECTIVES + 1))
    assert problems_of(text, "p.yaml") == ["p.yaml:5:3: plan.objectives: 51 objectives, over the limit of 50"]


def test_too_many_activities_in_one_objective():
    text, _ = plan_text([MAX_ACTIVITIES + 1])
    assert problems_of(text, "p.yaml") == [
        "p.yaml:8:7: plan.objectives[0].activities: 501 activities, over the limit of 500"
    ]


def test_too_many_activities_in_the_plan_is_reported_at_the_first_one_over():
    text, starts = plan_text([200, 200, 200])
    line = starts[2, 100]  # the 501st activity
    assert problems_of(text, "p.yaml") == [
        f"p.yaml:{line}:11: plan.objectives[2].activities[100]: 600 activities in the plan, over the limit of 500"
    ]


def test_the_limits_themselves_are_allowed():
    text, _ = plan_text([250, 250])
    assert len(load(text).activities) == MAX_ACTIVITIES
    text, _ = plan_text([1] * MAX_OBJECTIVES)
    assert len(load(text).objectives) == MAX_OBJECTIVES
