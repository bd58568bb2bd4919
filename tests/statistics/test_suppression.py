"""Small-cell suppression: the marks, the audit, and the audit checked against brute force.

No app and no database: the module is pure, and these tests only call its functions.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tracker.statistics import (
    Equation,
    Key,
    Mark,
    Published,
    Rule,
    Unprotectable,
    exposed,
    suppress,
    table_equations,
)

# database=None: no .hypothesis directory is written into the project
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DEFAULT = Rule()
PRIMARY_ONLY = Rule(secondary=False)


# ----------------------------------------------------------------------------- helpers
def two_way(grid: Sequence[Sequence[int]], name: str = "t") -> tuple[dict[Key, int], list[Equation]]:
    """A table with row, column and grand totals; keys (name, "cell", r, c), (name, "row", r) and so on."""
    rows, columns = range(len(grid)), range(len(grid[0]))
    values: dict[Key, int] = {(name, "cell", r, c): grid[r][c] for r in rows for c in columns}
    values |= {(name, "row", r): sum(grid[r]) for r in rows}
    values |= {(name, "col", c): sum(grid[r][c] for r in rows) for c in columns}
    values[(name, "all")] = sum(map(sum, grid))
    equations = table_equations(
        rows,
        columns,
        lambda r, c: (name, "cell", r, c),
        lambda r: (name, "row", r),
        lambda c: (name, "col", c),
        (name, "all"),
    )
    return values, equations


def hand_published(values: Mapping[Key, int], hidden: Mapping[Key, Mark], rule: Rule = DEFAULT) -> Published:
    """A table as an outsider would see it, with the hidden cells chosen by hand."""
    marks = {key: hidden.get(key, Mark.PUBLISHED) for key in values}
    return Published({k: None if k in hidden else v for k, v in values.items()}, marks, rule)


def solutions(published: Published, equations: Sequence[Equation], cap: int, near=None, avoid=None):
    """Every assignment of the hidden cells that fits their known bounds and every equation.

    Independent of the module: plain backtracking over the hidden cells, totals first, with a line
    whose other cells are all set fixing its last one; secondary cells capped at ``cap``. Values
    nearest ``near`` (the true counts) are tried first, so that a search for any other solution
    ends soon; ``avoid`` = (cell, value) leaves that one value out for that cell.
    """
    threshold = published.rule.threshold
    totals = {e.total for e in equations}
    hidden = sorted((k for k in published.values if published.is_suppressed(k)), key=lambda k: k not in totals)
    ranges = {}
    for k in hidden:
        values = range(1, threshold) if published.marks[k] is Mark.PRIMARY else range(threshold, cap + 1)
        values = [v for v in values if avoid is None or avoid != (k, v)]
        if not values:
            return
        ranges[k] = sorted(values, key=lambda v: abs(v - near[k])) if near else values
    known = {k: v for k, v in published.values.items() if v is not None}

    def fits(assign: dict) -> bool:
        """Whether each line can still add up, with every open cell anywhere in its range."""

        def span(cell):
            value = assign.get(cell, known.get(cell))
            return (value, value) if value is not None else (min(ranges[cell]), max(ranges[cell]))

        for e in equations:
            spans = [span(p) for p in e.parts]
            low, high = span(e.total)
            if sum(lo for lo, _ in spans) > high or sum(hi for _, hi in spans) < low:
                return False
        return True

    def forced(assign: dict) -> tuple[Key, int] | None:
        for e in equations:
            open_ = [c for c in (e.total, *e.parts) if c not in known and c not in assign]
            if len(open_) == 1:
                (cell,) = open_
                parts = sum(assign.get(p, known.get(p, 0)) for p in e.parts if p != cell)
                return cell, (parts if cell == e.total else assign.get(e.total, known.get(e.total)) - parts)
        return None

    def search(assign: dict):
        assign = dict(assign)
        while (step := forced(assign)) is not None:
            cell, value = step
            if value not in ranges[cell]:
                return
            assign[cell] = value
            if not fits(assign):
                return
        free = [k for k in hidden if k not in assign]
        if not free:
            yield assign
            return
        for value in ranges[free[0]]:
            if fits(assign | {free[0]: value}):
                yield from search(assign | {free[0]: value})

    yield from search({})


def brute_force(published: Published, equations: Sequence[Equation], cap: int = 40) -> dict[Key, set[int]]:
    """Every value each hidden cell takes over all the solutions."""
    seen: dict[Key, set[int]] = {k: set() for k in published.values if published.is_suppressed(k)}
    for solution in solutions(published, equations, cap):
        for k, v in solution.items():
            seen[k].add(v)
    return seen


def pinned_by_brute_force(published: Published, equations: Sequence[Equation], values: Mapping[Key, int], cap: int):
    """The hidden cells for which no solution with another value exists, by a search per cell."""
    return {
        k: values[k]
        for k in published.values
        if published.is_suppressed(k)
        and next(solutions(published, equations, cap, near=values, avoid=(k, values[k])), None) is None
    }


def check_published(values: Mapping[Key, int], published: Published, rule: Rule) -> None:
    for key, value in values.items():
        if 0 < value < rule.threshold:
            assert published.marks[key] is Mark.PRIMARY
            assert published.shown(key) == f"<{rule.threshold}"
        elif value == 0:
            assert published.marks[key] is Mark.PUBLISHED
            assert published.shown(key) == "0"
        if published.marks[key] is Mark.PUBLISHED:
            assert published.values[key] == value
        else:
            assert published.values[key] is None
        if published.marks[key] is Mark.SECONDARY:
            assert value >= rule.threshold


# ----------------------------------------------------------------------------- primary suppression
def test_small_counts_are_shown_as_below_the_threshold_and_zeros_and_large_counts_are_shown():
    values = {f"c{v}": v for v in range(8)}
    published = suppress(values, [], Rule())
    assert [published.shown(f"c{v}") for v in range(8)] == ["0", "<5", "<5", "<5", "<5", "5", "6", "7"]
    assert [published.is_suppressed(f"c{v}") for v in range(8)] == [False, True, True, True, True, False, False, False]
    assert published.values["c3"] is None and published.values["c0"] == 0


def test_the_threshold_comes_from_the_rule():
    published = suppress({"a": 2, "b": 3, "c": 0}, [], Rule(threshold=3))
    assert [published.shown(k) for k in "abc"] == ["<3", "3", "0"]


def test_a_threshold_below_three_is_refused_because_a_lone_small_count_would_be_a_one():
    with pytest.raises(ValueError, match="threshold"):
        Rule(threshold=2)


# ----------------------------------------------------------------------------- the classic attacks
ROW = {"a": 3, "b": 10, "c": 12, "total": 25}
ROW_EQUATION = [Equation("total", ("a", "b", "c"))]


def test_the_audit_catches_recovery_by_subtraction_from_the_total():
    assert exposed(suppress(ROW, ROW_EQUATION, PRIMARY_ONLY), ROW_EQUATION) == {"a": 3}


def test_secondary_suppression_stops_recovery_by_subtraction():
    published = suppress(ROW, ROW_EQUATION, Rule())
    assert exposed(published, ROW_EQUATION) == {}
    assert sum(published.is_suppressed(k) for k in "abc") >= 2
    # the smallest part that may be hidden is the one chosen, and it is shown as "c"
    assert published.marks["b"] is Mark.SECONDARY and published.shown("b") == "c"
    assert published.shown("c") == "12" and published.shown("total") == "25"


def test_the_audit_catches_a_cell_pinned_by_the_known_bounds():
    # 1 + 5 = 6: "<5" is at least 1 and "c" at least 5, so with 6 published both are pinned
    values, equations = {"a": 1, "b": 5, "total": 6}, [Equation("total", ("a", "b"))]
    published = hand_published(values, {"a": Mark.PRIMARY, "b": Mark.SECONDARY})
    assert exposed(published, equations) == {"a": 1, "b": 5}
    assert brute_force(published, equations) == {"a": {1}, "b": {5}}


def test_secondary_suppression_avoids_the_bounds_attack():
    values, equations = {"a": 1, "b": 5, "total": 6}, [Equation("total", ("a", "b"))]
    published = suppress(values, equations, Rule())
    assert exposed(published, equations) == {}
    assert [published.shown(k) for k in ("a", "b", "total")] == ["<5", "c", "c"]


def test_the_audit_catches_a_cell_that_only_several_lines_together_give_away():
    # Hidden cells: a 4-cycle in rows 0-1 x columns 0-1, another in rows 2-3 x columns 2-3, and the
    # cell (1, 2) joining them. Every line holds at least two hidden cells, and every hidden value
    # is large, so no single line and no bound pins anything; but rows 0+1 minus columns 0+1 leave
    # (1, 2) alone: it is a bridge between the two cycles.
    grid = [
        [20, 21, 6, 7],
        [22, 23, 24, 8],
        [9, 10, 25, 26],
        [11, 12, 27, 28],
    ]
    values, equations = two_way(grid)
    cells = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]
    published = hand_published(values, {("t", "cell", r, c): Mark.SECONDARY for r, c in cells})
    for e in equations:
        assert sum(published.is_suppressed(k) for k in (e.total, *e.parts)) != 1
    assert exposed(published, equations) == {("t", "cell", 1, 2): 24}
    # without the bridge the two cycles give nothing away
    cells.remove((1, 2))
    published = hand_published(values, {("t", "cell", r, c): Mark.SECONDARY for r, c in cells})
    assert exposed(published, equations) == {}


def test_the_audit_catches_bounds_that_only_several_lines_together_give_away():
    # Found by the brute-force check below when the audit still pushed bounds through one line at a
    # time. Published: row 2 is 15 with 10 in the middle, column 1 is 28, the grand total 40, and a
    # 0 at (0, 2). Columns 0 and 2 with row 2 give (0,0) + (1,0) + (1,2) = 7, with (0,0) a "c"
    # (at least 5) and the others "<5" (at least 1 each): so 5, 1 and 1. No single line says so.
    grid = [[5, 6, 0], [1, 12, 1], [4, 10, 1]]
    values, equations = two_way(grid)
    hidden = {("t", "cell", r, c): Mark.SECONDARY for r, c in [(0, 0), (0, 1), (1, 1)]}
    hidden |= {("t", "cell", r, c): Mark.PRIMARY for r, c in [(1, 0), (1, 2), (2, 0), (2, 2)]}
    hidden |= {("t", "row", 0): Mark.SECONDARY, ("t", "row", 1): Mark.SECONDARY}
    hidden |= {("t", "col", 0): Mark.SECONDARY, ("t", "col", 2): Mark.PRIMARY}
    published = hand_published(values, hidden)
    pinned = {("t", "cell", 0, 0): 5, ("t", "cell", 1, 0): 1, ("t", "cell", 1, 2): 1}
    assert {k: v.pop() for k, v in brute_force(published, equations).items() if len(v) == 1} == pinned
    assert exposed(published, equations) == pinned
    assert exposed(published, equations, values=values) == pinned
    # and suppress protects this table all the same
    assert exposed(suppress(values, equations), equations) == {}


def test_the_true_counts_only_speed_the_audit_up_and_must_fit_what_is_published():
    values, equations = two_way([[3, 12, 40], [15, 1, 22]])
    published = suppress(values, equations, PRIMARY_ONLY)
    assert exposed(published, equations, values=values) == exposed(published, equations) != {}
    with pytest.raises(ValueError, match="does not fit"):
        # a different table with the same margins: a published 12 becomes 13, a "<5" becomes 0
        moved = {("t", "cell", 0, 1): 13, ("t", "cell", 0, 2): 39, ("t", "cell", 1, 1): 0, ("t", "cell", 1, 2): 23}
        exposed(published, equations, values=values | moved)
    with pytest.raises(ValueError, match="add up"):
        exposed(published, equations, values=values | {("t", "cell", 0, 0): 4})


# ----------------------------------------------------------------------------- tables
def test_a_two_way_table_with_margins_is_protected():
    grid = [
        [3, 12, 40, 0],
        [15, 1, 22, 9],
        [30, 18, 2, 11],
    ]
    values, equations = two_way(grid)
    published = suppress(values, equations, Rule())
    check_published(values, published, Rule())
    assert exposed(published, equations) == {}
    for e in equations:  # no line with exactly one hidden cell: the first thing anyone would try
        assert sum(published.is_suppressed(k) for k in (e.total, *e.parts)) != 1
    assert pinned_by_brute_force(published, equations, values, cap=200) == {}


def test_table_equations_builds_rows_columns_and_both_grand_totals():
    equations = table_equations(["AL", "BA"], ["f", "m"], lambda r, c: (r, c), lambda r: r, lambda c: c, "all")
    assert equations == [
        Equation("AL", (("AL", "f"), ("AL", "m"))),
        Equation("BA", (("BA", "f"), ("BA", "m"))),
        Equation("f", (("AL", "f"), ("BA", "f"))),
        Equation("m", (("AL", "m"), ("BA", "m"))),
        Equation("all", ("AL", "BA")),
        Equation("all", ("f", "m")),
    ]
    assert table_equations(["AL"], ["f", "m"], lambda r, c: (r, c), lambda r: r, None, None) == [
        Equation("AL", (("AL", "f"), ("AL", "m")))
    ]


def linked(by_sex: Sequence[Sequence[int]], by_age: Sequence[Sequence[int]]):
    """Two breakdowns of the same country totals: one key per country total, one grand total."""
    countries = range(len(by_sex))
    values: dict[Key, int] = {}
    equations: list[Equation] = []
    for name, grid in (("sex", by_sex), ("age", by_age)):
        columns = range(len(grid[0]))
        values |= {(name, r, c): grid[r][c] for r in countries for c in columns}
        values |= {(name, "total", c): sum(grid[r][c] for r in countries) for c in columns}
        equations += table_equations(
            countries,
            columns,
            lambda r, c, name=name: (name, r, c),
            lambda r: ("country", r),
            lambda c, name=name: (name, "total", c),
            "all",
        )
    totals = [sum(row) for row in by_sex]
    assert totals == [sum(row) for row in by_age], "linked tables must share their country totals"
    values |= {("country", r): totals[r] for r in countries}
    values["all"] = sum(totals)
    return values, equations


def test_linked_tables_are_suppressed_together_through_their_shared_country_total():
    # country 0 by sex is 1 + 5 = 6: protecting the 1 ends with its total hidden as well
    values, equations = linked(by_sex=[[1, 5], [6, 7]], by_age=[[0, 6], [8, 5]])
    published = suppress(values, equations, Rule())
    check_published(values, published, Rule())
    assert exposed(published, equations) == {}
    assert published.marks[("country", 0)] is Mark.SECONDARY
    # one key, so it is "c" as the row total of the sex table and of the age table alike; and the
    # age table hides a cell of that row too, or 0 + 6 would give the total back
    assert published.shown(("country", 0)) == "c"
    assert published.is_suppressed(("age", 0, 1))
    # suppressed apart, the age table would publish the total that the sex table hides, and with it
    # the sex table's hidden 1 comes back
    sex, age = suppress(values, equations[:6], Rule()), suppress(values, equations[6:], Rule())
    assert sex.is_suppressed(("country", 0)) and not age.is_suppressed(("country", 0))
    both = {k: m for k, m in sex.marks.items() if k[0] == "sex" and m is not Mark.PUBLISHED}
    both |= {k: m for k, m in age.marks.items() if k[0] != "sex" and m is not Mark.PUBLISHED}
    assert exposed(hand_published(values, both), equations)[("sex", 0, 0)] == 1


def test_a_table_of_small_counts_is_protected():
    values, equations = two_way([[1, 2, 3], [4, 1, 2], [3, 3, 1]])
    published = suppress(values, equations, Rule())
    check_published(values, published, Rule())
    assert all(published.marks[k] is Mark.PRIMARY for k in values if k[1] == "cell")
    assert exposed(published, equations) == {}


def test_a_table_of_zeros_is_published_whole():
    values, equations = two_way([[0, 0, 0], [0, 0, 0]])
    published = suppress(values, equations, Rule())
    assert all(m is Mark.PUBLISHED for m in published.marks.values())
    assert {published.shown(k) for k in values} == {"0"}


def test_a_single_breakdown_hides_its_small_count_and_the_smallest_category_that_protects_it():
    values = {"total": 31, "albania": 0, "moldova": 3, "romania": 8, "ukraine": 20}
    equations = [Equation("total", ("albania", "moldova", "romania", "ukraine"))]
    published = suppress(values, equations, Rule())
    assert {k: published.shown(k) for k in values} == {
        "total": "31",
        "albania": "0",
        "moldova": "<5",
        "romania": "c",
        "ukraine": "20",
    }
    assert exposed(published, equations) == {}


def test_cells_that_nothing_can_protect_are_refused_by_name():
    # four "<5" under a "<5" total can only be four ones, whatever else is hidden; zeros never are
    values = {"total": 4, "a": 1, "b": 1, "c": 1, "d": 1, "e": 0}
    equations = [Equation("total", ("a", "b", "c", "d", "e"))]
    with pytest.raises(Unprotectable, match="'total'") as caught:
        suppress(values, equations, Rule())
    assert set(caught.value.keys) == {"total", "a", "b", "c", "d"}
    assert exposed(caught.value.published, equations) == {k: values[k] for k in caught.value.keys}
    assert "1" not in str(caught.value).replace("hidden cell(s)", "")  # no value in the message


def test_suppression_is_deterministic_and_follows_the_order_of_the_values():
    values = {"total": 30, "a": 2, "b": 7, "c": 7, "d": 14}
    equations = [Equation("total", ("a", "b", "c", "d"))]
    assert suppress(values, equations).marks["b"] is Mark.SECONDARY
    reordered = {"total": 30, "a": 2, "c": 7, "b": 7, "d": 14}
    assert suppress(reordered, equations).marks["c"] is Mark.SECONDARY


# ----------------------------------------------------------------------------- validation
def test_a_negative_count_is_refused_by_name():
    with pytest.raises(ValueError, match=r"\('AL', 'female'\).*negative"):
        suppress({("AL", "female"): -1}, [], Rule())


def test_an_equation_whose_parts_do_not_add_up_is_refused_by_name():
    with pytest.raises(ValueError, match="'AL-total'.*is 9.*add up to 10"):
        suppress({"AL-total": 9, "f": 4, "m": 6}, [Equation("AL-total", ("f", "m"))], Rule())


def test_a_key_used_in_an_equation_but_missing_from_the_values_is_refused_by_name():
    with pytest.raises(ValueError, match="'m' is used in the equation for 'AL-total'"):
        suppress({"AL-total": 9, "f": 4}, [Equation("AL-total", ("f", "m"))], Rule())
    with pytest.raises(ValueError, match="'m' is used"):
        exposed(suppress({"AL-total": 9, "f": 4}, [], Rule()), [Equation("AL-total", ("f", "m"))])


def test_a_published_table_must_agree_with_its_marks():
    with pytest.raises(ValueError, match="'a' is marked primary"):
        Published({"a": 3}, {"a": Mark.PRIMARY})


def test_the_module_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, tracker.statistics.suppression;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', 'werkzeug'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- properties
# many small counts and zeros, some large ones: the mix that makes suppression hard
COUNT = st.one_of(st.just(0), st.integers(1, 4), st.integers(1, 4), st.integers(5, 60))
GRID = st.integers(2, 6).flatmap(lambda c: st.lists(st.lists(COUNT, min_size=c, max_size=c), min_size=2, max_size=6))


def suppress_and_check(values: dict[Key, int], equations: list[Equation], rule: Rule) -> Published | None:
    """Suppress, and check what every published table must satisfy; ``None`` if nothing could protect it."""
    try:
        published = suppress(values, equations, rule)
    except Unprotectable as refused:
        # honest refusals only: hiding every non-zero count would leave exactly these exposed
        event("unprotectable")
        everything = {k: Mark.PRIMARY if v < rule.threshold else Mark.SECONDARY for k, v in values.items() if v}
        assert set(refused.keys) <= set(exposed(hand_published(values, everything, rule), equations))
        assert exposed(refused.published, equations) == {k: values[k] for k in refused.keys}
        check_published(values, refused.published, rule)
        return None
    check_published(values, published, rule)
    assert exposed(published, equations) == {}
    for e in equations:  # the audit aside: no line gives a cell away by plain subtraction
        assert sum(published.is_suppressed(k) for k in (e.total, *e.parts)) != 1
    again = suppress(dict(values), list(equations), rule)
    assert dict(again.marks) == dict(published.marks) and dict(again.values) == dict(published.values)
    return published


@PROPERTY
@given(grid=GRID)
def test_random_two_way_tables_leave_nothing_exposed(grid):
    values, equations = two_way(grid)
    suppress_and_check(values, equations, Rule())


@st.composite
def linked_grids(draw):
    """A "by sex" table and a "by age" table of the same country totals."""
    by_sex = draw(GRID)
    columns = draw(st.integers(2, 5))
    by_age = []
    for row in by_sex:
        cuts = sorted(draw(st.lists(st.integers(0, sum(row)), min_size=columns - 1, max_size=columns - 1)))
        by_age.append([b - a for a, b in zip([0, *cuts], [*cuts, sum(row)], strict=True)])
    return by_sex, by_age


@PROPERTY
@given(grids=linked_grids())
def test_random_linked_tables_leave_nothing_exposed(grids):
    values, equations = linked(*grids)
    suppress_and_check(values, equations, Rule())


# ----------------------------------------------------------------------------- the audit against brute force
TINY_COUNT = st.one_of(st.just(0), st.integers(1, 2), st.integers(3, 9))
TINY_GRID = st.sampled_from([(2, 2), (2, 3)]).flatmap(
    lambda shape: st.lists(
        st.lists(TINY_COUNT, min_size=shape[1], max_size=shape[1]), min_size=shape[0], max_size=shape[0]
    )
)
TINY_RULE = Rule(threshold=3)


@PROPERTY
@given(grid=TINY_GRID)
def test_brute_force_finds_two_values_for_every_hidden_cell_of_a_suppressed_tiny_table(grid):
    values, equations = two_way(grid)
    published = suppress_and_check(values, equations, TINY_RULE)
    if published is not None:
        assert pinned_by_brute_force(published, equations, values, cap=40) == {}


@PROPERTY
@given(
    grid=st.sampled_from([(2, 2), (2, 3)]).flatmap(
        lambda shape: st.lists(
            st.lists(
                st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 12)), min_size=shape[1], max_size=shape[1]
            ),
            min_size=shape[0],
            max_size=shape[0],
        )
    )
)
def test_brute_force_finds_two_values_for_every_hidden_cell_at_threshold_five(grid):
    values, equations = two_way(grid)
    published = suppress_and_check(values, equations, DEFAULT)
    if published is not None:
        assert pinned_by_brute_force(published, equations, values, cap=max(values.values()) + 10) == {}


@st.composite
def tiny_hidden_patterns(draw):
    """A 2x2 or 2x3 table with every small count hidden and a random choice of the others."""
    grid = draw(TINY_GRID)
    values, equations = two_way(grid)
    large = [k for k, v in values.items() if v >= TINY_RULE.threshold]
    chosen = draw(st.lists(st.sampled_from(large), unique=True, max_size=4)) if large else []
    hidden = {k: Mark.PRIMARY for k, v in values.items() if 0 < v < TINY_RULE.threshold}
    hidden |= {k: Mark.SECONDARY for k in chosen}
    return values, equations, hand_published(values, hidden, TINY_RULE)


@PROPERTY
@given(case=tiny_hidden_patterns())
def test_the_audit_finds_exactly_the_cells_brute_force_pins(case):
    values, equations, published = case
    # every count is at most the grand total, so a cap above it loses no solution near the true one
    seen = brute_force(published, equations, cap=values[("t", "all")] + 10)
    assert all(values[k] in v for k, v in seen.items())  # the true table is among the solutions
    pinned = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    event(f"pinned: {bool(pinned)}")
    assert exposed(published, equations) == pinned
    assert exposed(published, equations, values=values) == pinned
