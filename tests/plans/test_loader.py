"""How load_plan takes its input and what it accepts on the edges of its date rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from tracker.plans import Activity, Objective, Period, Plan, PlanError, load_plan
from tracker.plans.schema import first_day, last_day

from .common import COMMITMENT_IDS, EXAMPLE, load, load_fictional

MINIMAL = """
plan:
  country: {country}
  title: Minimal plan
  status: {status}{extra}
  objectives:
    - id: o
      title: O
      activities:
        - id: a
          title: A
          responsible: [Ministry of Interior]{activity}
          commitments: [PAL-2A]
"""


def minimal(country: str = "AL", status: str = "draft", extra: str = "", activity: str = "") -> str:
    return MINIMAL.format(country=country, status=status, extra=extra, activity=activity)


def problems(source: str | bytes | Path, **options: object) -> list[str]:
    with pytest.raises(PlanError) as raised:
        load_plan(source, commitment_ids=COMMITMENT_IDS, **options)
    return [str(problem) for problem in raised.value.problems]


def test_path_text_and_bytes_give_the_same_plan():
    path = EXAMPLE
    text = path.read_text(encoding="utf-8")
    assert load_fictional(path) == load_fictional(text) == load_fictional(text.encode("utf-8"))


def test_a_plain_string_is_yaml_never_a_file_name():
    assert problems("examples/plans/QN.yaml") == [
        "<text>:1:1: expected a mapping of keys, got text 'examples/plans/QN.yaml'"
    ]


def test_problems_name_the_file_as_given(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(minimal(status="adopted"))
    assert problems(path) == [
        f"{path}:5:3: plan.status: a plan with status 'adopted' needs its adoption date ('adopted')"
    ]
    assert problems(path, source_name="upload.yaml")[0].startswith("upload.yaml:5:3: ")
    assert problems(minimal(status="adopted"))[0].startswith("<text>:5:3: ")


def test_countries_are_checked_only_when_given():
    assert load_plan(minimal(country="YU"), commitment_ids=COMMITMENT_IDS).country == "YU"
    assert problems(minimal(country="YU"), country_codes={"AL"}) == ["<text>:3:3: plan.country: unknown country 'YU'"]


def test_unknown_commitments_are_reported_with_schema_problems():
    text = minimal(extra="\n  colour: red").replace("[PAL-2A]", "[PAL-2F]")
    assert problems(text) == [
        "<text>:6:3: plan.colour: unknown key",
        "<text>:14:25: plan.objectives[0].activities[0].commitments[0]: unknown commitment 'PAL-2F'",
    ]


@pytest.mark.parametrize(
    ("extra", "deadline"),
    [
        ("", "2001"),  # a draft without dates: no date to compare with
        ('\n  period: {start: "2002-06", end: "2004"}', "2002-06"),  # due in the month the period starts
        ('\n  period: {start: "2002", end: "2004"}', "2009"),  # after the period: carried over, allowed
        ('\n  period: {start: "2002", end: "2002"}', "2002-12-31"),  # a one-year period
        ('\n  period: {start: "2004-02-15", end: "2004-02"}', "2004-02"),  # "2004-02" ends on the 29th
    ],
)
def test_dates_that_are_allowed(extra, deadline):
    plan = load(minimal(extra=extra, activity=f'\n          deadline: "{deadline}"'))
    assert plan.activities[0].deadline == deadline


def test_partial_dates_span_their_year_or_month():
    assert (first_day("2004"), last_day("2004")) == (dt.date(2004, 1, 1), dt.date(2004, 12, 31))
    assert (first_day("2004-02"), last_day("2004-02")) == (dt.date(2004, 2, 1), dt.date(2004, 2, 29))
    assert (first_day("2003-02"), last_day("2003-02")) == (dt.date(2003, 2, 1), dt.date(2003, 2, 28))
    assert first_day("2004-02-15") == last_day("2004-02-15") == dt.date(2004, 2, 15)


def test_adoption_before_the_period_and_a_deadline_between_adoption_and_period():
    extra = '\n  adopted: "2001-12"\n  period: {start: "2002", end: "2004"}'
    plan = load(minimal(status="adopted", extra=extra, activity='\n          deadline: "2001-12"'))
    assert plan.adopted_on.isoformat() == "2001-12-01" and plan.period.ends_on.isoformat() == "2004-12-31"


def test_expired_plan_needs_its_period_and_adoption():
    assert problems(minimal(status="expired")) == [
        "<text>:5:3: plan.status: a plan with status 'expired' needs its adoption date ('adopted')",
        "<text>:5:3: plan.status: an expired plan needs the period it ran ('period')",
    ]


def test_text_that_is_not_unicode_is_refused():
    assert problems(minimal().replace("Minimal plan", '"Minimal \\uD800 plan"')) == [
        "<text>:4:3: plan.title: Input should be a valid string, unable to parse raw data as a unicode string"
        " (got 'Minimal \\ud800 plan')"
    ]
    assert problems("plan:\n  title: \ud800\n")[0].startswith("<text>:1:1: not UTF-8 text")


def test_a_hostile_long_value_is_not_echoed_whole():
    [message] = problems(minimal().replace("Minimal plan", "x" * 5000))
    assert len(message) < 400 and "x" * 50 not in message
    assert message.endswith("plan.title: 5000 characters, over the limit of 200")
    # a message that does quote the value (here: not a web address) cuts it short
    [quoted] = problems(minimal(country="Q" * 3000))
    assert len(quoted) < 400 and quoted.endswith("…")


def test_a_plan_built_in_code_equals_the_loaded_one():
    built = Plan(
        country="AL",
        title="Minimal plan",
        status="adopted",
        adopted="2002",
        period=Period(start="2002", end="2004"),
        objectives=(
            Objective(
                id="o",
                title="O",
                activities=(
                    Activity(id="a", title="A", responsible=("Ministry of Interior",), commitments=("PAL-2A",)),
                ),
            ),
        ),
    )
    assert built == load(minimal(status="adopted", extra='\n  adopted: "2002"\n  period: {start: "2002", end: "2004"}'))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.title = "changed"  # type: ignore[misc]
