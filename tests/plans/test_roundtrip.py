"""``dump_plan`` writes what ``load_plan`` reads back as an equal plan: examples and generated plans."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.plans import Activity, Budget, Indicator, Objective, Period, Plan, dump_plan
from tracker.plans.schema import first_day, last_day

from .common import COMMITMENT_IDS, COUNTRY_CODES, EXAMPLES, load, load_fictional

# database=None: no .hypothesis directory is written into the project
PROPERTY = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.name)
def test_examples_round_trip(path):
    plan = load_fictional(path)
    text = dump_plan(plan)
    assert load_fictional(text) == plan
    assert dump_plan(load_fictional(text)) == text  # deterministic: the same plan, the same text
    assert text.startswith(f"# National Plan of Action for {path.stem}, written by Commitment Tracker.\n")


TRICKY = ["NO", "yes", "~", "null", "1:30", "0x1F", "1e3", "#x", "*a", "&a", "!tag", "- x", "? q", "a: b", "{x}"]
TRICKY += ["'", '"', "\\", "a\nb", "a\tb", "a\rb", "\x85", "\u2028", "\u2029", "\ufeff", "\x00", "\x7f", "\x1b"]
TRICKY += [
    "a \u2028 b",
    "a \u2029 b",
    "\ufffe",
    "\uffff",
    "😀",
    "Ministria e Rendit Publik ë",
    "%TAG",
    "---",
    "...",
    "@x",
    "`x`",
    "|",
    ">",
]


@pytest.mark.parametrize("value", TRICKY)
def test_values_yaml_would_misread_round_trip(value):
    value = f"x{value}x"  # stripped ends would change the value before it is written
    activity = Activity(id="a", title=value, responsible=(value,), commitments=("PAL-2A",), timetable=value)
    plan = Plan(
        country="AL",
        title=value,
        status="draft",
        summary=value,
        objectives=(Objective(id="o", title=value, activities=(activity,)),),
    )
    text = dump_plan(plan)
    assert text.count("\n") == len(text.splitlines())  # no value broke a line: every value sits on its own
    assert load(text) == plan


# -- generated plans -------------------------------------------------------------------------
# any character, with those YAML treats specially drawn far more often than chance would
SPECIAL = st.sampled_from(sorted({ch for value in TRICKY for ch in value}))
TEXT = st.text(st.characters(exclude_categories=["Cs"]) | SPECIAL, min_size=1, max_size=25).map(str.strip).filter(bool)
SLUG = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
URL = st.from_regex(
    r"https?://[a-z0-9-]{1,12}(\.[a-z]{2,6}){1,2}(/[A-Za-z0-9._~%!$&'()*+,;=:@?#/-]{0,30})?", fullmatch=True
)


def partial_date(year: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(f"{year}"),
        st.integers(1, 12).map(lambda month: f"{year}-{month:02d}"),
        st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)).map(dt.date.isoformat),
    )


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    status = draw(st.sampled_from(["draft", "adopted", "expired"]))
    start_year = draw(st.integers(1995, 2030))
    period = None
    if status == "expired" or draw(st.booleans()):
        end_year = draw(st.integers(start_year, start_year + 6))
        end = f"{end_year}" if end_year == start_year else draw(partial_date(end_year))
        period = Period(start=draw(partial_date(start_year)), end=end)
    adopted = None
    if status != "draft":
        last_year = period.ends_on.year - 1 if period else start_year + 10
        adopted = draw(partial_date(draw(st.integers(start_year - 3, max(last_year, start_year - 3)))))
    began = min([first_day(d) for d in (adopted, period and period.start) if d] or [dt.date(1, 1, 1)])

    objective_ids = draw(st.lists(SLUG, min_size=1, max_size=3, unique=True))
    sizes = [draw(st.integers(1, 3)) for _ in objective_ids]
    activity_ids = iter(draw(st.lists(SLUG, min_size=sum(sizes), max_size=sum(sizes), unique=True)))

    def activity() -> Activity:
        deadline = draw(optional(partial_date(draw(st.integers(max(began.year + 1, 1995), 2040)))))
        assert deadline is None or last_day(deadline) >= began
        return Activity(
            id=next(activity_ids),
            title=draw(TEXT),
            description=draw(optional(TEXT)),
            responsible=tuple(draw(st.lists(TEXT, max_size=3, unique=True))),
            deadline=deadline,
            timetable=draw(optional(TEXT)),
            budget=draw(
                optional(
                    st.builds(
                        Budget,
                        amount=st.integers(0, 10**15 - 1),
                        currency=st.from_regex(r"[A-Z]{3}", fullmatch=True),
                    )
                )
            ),
            funding_source=draw(optional(TEXT)),
            indicators=tuple(
                draw(
                    st.lists(
                        st.builds(
                            Indicator,
                            name=TEXT,
                            unit=optional(TEXT),
                            baseline=optional(TEXT),
                            target=optional(TEXT),
                            counts_victims=st.booleans(),
                        ),
                        max_size=2,
                    )
                )
            ),
            commitments=tuple(
                draw(st.lists(st.sampled_from(sorted(COMMITMENT_IDS)), min_size=1, max_size=4, unique=True))
            ),
        )

    return Plan(
        country=draw(st.sampled_from(sorted(COUNTRY_CODES))),
        title=draw(TEXT),
        status=status,
        adopted=adopted,
        period=period,
        document_url=draw(optional(URL)),
        summary=draw(optional(TEXT)),
        objectives=tuple(
            Objective(id=oid, title=draw(TEXT), activities=tuple(activity() for _ in range(size)))
            for oid, size in zip(objective_ids, sizes, strict=True)
        ),
    )


@PROPERTY
@given(plans())
def test_generated_plans_round_trip(plan):
    text = dump_plan(plan)
    assert load(text) == plan
    assert dump_plan(load(text)) == text
