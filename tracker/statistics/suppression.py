"""Small-cell suppression of published victim counts, and the audit that checks it.

A count from 1 to ``threshold - 1`` could point at a person, so it is never shown (primary
suppression); further cells are hidden (secondary suppression) until no hidden count can be
worked out from what is shown: not by subtracting from a total, not by combining several totals,
and not by using what an outsider knows of the hidden cells (a "<5" is 1 to 4, a "c" is at least 5).

Pure standard library and exact arithmetic, like ``tracker.scoring``: the same counts always give
the same published table, the audit can be rerun on any stored table, and a test can check the
audit by brute force.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

Key = Hashable  # a cell's identity, e.g. ("victims-identified", "AL", "sex", "female")
_Number = int | Fraction
_Row = tuple[tuple[int, int], ...]  # (cell index, coefficient) pairs whose weighted sum is zero


class Mark(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"  # 1 .. threshold-1
    SECONDARY = "secondary"  # hidden so that a primary cell cannot be worked out; never below threshold


@dataclass(frozen=True)
class Rule:
    """What counts as small, and whether to protect small cells from their totals."""

    threshold: int = 5  # counts 1 .. threshold-1 are hidden
    secondary: bool = True

    def __post_init__(self) -> None:
        # with threshold 2 a "<2" beside published zeros could only mean 1: it would hide nothing
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int) or self.threshold < 3:
            raise ValueError(f"the suppression threshold must be an integer of at least 3, not {self.threshold!r}")


@dataclass(frozen=True)
class Equation:
    """``total`` is the sum of ``parts``: what an outsider can combine to recover a hidden cell."""

    total: Key
    parts: tuple[Key, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.parts))
        if not self.parts:
            raise ValueError(f"the equation for {self.total!r} has no parts")


@dataclass(frozen=True)
class Published:
    """What the public sees: a value where it is published, ``None`` where it is hidden."""

    values: Mapping[Key, int | None]
    marks: Mapping[Key, Mark]
    rule: Rule = Rule()

    def __post_init__(self) -> None:
        if self.values.keys() != self.marks.keys():
            raise ValueError("a published table needs a mark for every value and a value for every mark")
        for key, mark in self.marks.items():
            if (mark is Mark.PUBLISHED) != (self.values[key] is not None):
                state = "has no value" if self.values[key] is None else "has a value"  # never the value itself
                raise ValueError(f"{key!r} is marked {mark} but {state}")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "marks", MappingProxyType(dict(self.marks)))

    def shown(self, key: Key) -> str:
        """The text in the cell: the count, "<5" for a small count, "c" for a cell hidden to protect one."""
        mark = self.marks[key]
        if mark is Mark.PRIMARY:
            return f"<{self.rule.threshold}"
        if mark is Mark.SECONDARY:
            return "c"
        return str(self.values[key])

    def is_suppressed(self, key: Key) -> bool:
        return self.marks[key] is not Mark.PUBLISHED


class Unprotectable(ValueError):
    """Cells that no secondary suppression can protect, because everything around them is zero.

    Four "<5" cells and a "<5" total can only be four ones: hiding more non-zero cells cannot
    change that, and zeros are never hidden. The caller decides (withhold the breakdown, say).
    The message names the cells, never their values; ``published`` is the best that could be done,
    in which exactly ``keys`` are exposed.
    """

    def __init__(self, keys: Sequence[Key], threshold: int, published: Published) -> None:
        self.keys = tuple(keys)
        self.published = published
        shown = ", ".join(repr(k) for k in self.keys[:5]) + (", …" if len(self.keys) > 5 else "")
        super().__init__(
            f"{len(self.keys)} hidden cell(s) can be worked out whatever else is hidden, because the cells "
            f"they add up with are zeros or below {threshold}: {shown}"
        )


# ----------------------------------------------------------------------------- public functions
def table_equations(
    rows: Iterable[Hashable],
    columns: Iterable[Hashable],
    cell_key: Callable[[Hashable, Hashable], Key],
    row_total_key: Callable[[Hashable], Key] | None,
    column_total_key: Callable[[Hashable], Key] | None,
    grand_total_key: Key | None,
) -> list[Equation]:
    """The equations of a two-way table; a margin given as ``None`` is not published and adds none.

    Tables that share a margin (one country total in the "by sex" and the "by age" table) are
    linked simply by giving it the same key; pass all their equations to one ``suppress`` call.
    """
    rows, columns = list(rows), list(columns)
    equations: list[Equation] = []
    if row_total_key is not None:
        equations += [Equation(row_total_key(r), tuple(cell_key(r, c) for c in columns)) for r in rows]
    if column_total_key is not None:
        equations += [Equation(column_total_key(c), tuple(cell_key(r, c) for r in rows)) for c in columns]
    if grand_total_key is not None:
        if row_total_key is not None:
            equations.append(Equation(grand_total_key, tuple(row_total_key(r) for r in rows)))
        if column_total_key is not None:
            equations.append(Equation(grand_total_key, tuple(column_total_key(c) for c in columns)))
    return equations


def suppress(values: Mapping[Key, int], equations: Sequence[Equation], rule: Rule = Rule()) -> Published:
    """Hide every small count, then (if ``rule.secondary``) enough other cells that none can be recovered.

    Secondary cells are chosen greedily and deterministically (ties go to the cell that comes first
    in ``values``): for each cell the audit finds exposed, the smallest count of at least the
    threshold in a line through it, a part before the line's total. Raises ``Unprotectable`` when
    some cell cannot be protected without hiding zeros.
    """
    keys = list(values)
    counts = _counts(values, keys)
    rows = _rows(equations, {key: i for i, key in enumerate(keys)})
    _check_sums(values, equations)

    threshold = rule.threshold
    marks = [Mark.PRIMARY if 0 < v < threshold else Mark.PUBLISHED for v in counts]
    stuck = _protect(counts, marks, rows, threshold) if rule.secondary else []
    published = Published(
        values={key: (counts[i] if marks[i] is Mark.PUBLISHED else None) for i, key in enumerate(keys)},
        marks=dict(zip(keys, marks, strict=True)),
        rule=rule,
    )
    if stuck:
        raise Unprotectable([keys[i] for i in stuck], threshold, published)
    return published


def exposed(
    published: Published,
    equations: Sequence[Equation],
    rule: Rule | None = None,
    *,
    values: Mapping[Key, int] | None = None,
) -> dict[Key, int]:
    """The audit: each hidden cell an outsider can work out exactly from the published table, with its value.

    It uses only what is published (values, marks, the rule), per group of hidden cells linked by
    the equations: the cells that every solution holds at one of their known bounds (a "<5" is
    1 to 4, a "c" at least the threshold), found by an exact linear programme; then linear algebra
    (a cell is determined when its unit vector lies in the row space of the equations, with those
    cells fixed); then the bounds, propagated through every equation with rounding to whole counts.

    ``values``, the true counts, may be given when the caller has them: they are used only as one
    solution to start from, which spares searching for one on large tables. The answer is the same.
    """
    rule = rule or published.rule
    keys = list(published.values)
    index = {key: i for i, key in enumerate(keys)}
    rows = _rows(equations, index)
    shown = [published.values[key] for key in keys]
    bounds = _bounds([published.marks[key] for key in keys], rule.threshold)
    truth = None
    if values is not None:
        truth = _counts(values, keys)
        _check_sums(values, equations)
        for i, key in enumerate(keys):
            lo, hi = bounds[i]
            if (shown[i] is not None and shown[i] != truth[i]) or truth[i] < lo or (hi is not None and truth[i] > hi):
                raise ValueError(f"the count given for {key!r} does not fit its published value or mark")
    found = _Auditor(rows, shown, bounds, truth).audit()
    return {keys[i]: value for i, value in sorted(found.items())}


def _counts(values: Mapping[Key, int], keys: Sequence[Key]) -> list[int]:
    """The counts in the order of ``keys``, each checked to be a whole number of people."""
    counts = []
    for key in keys:
        if key not in values:
            raise ValueError(f"{key!r} has no count")
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"the count for {key!r} is not an integer: {value!r}")
        if value < 0:
            raise ValueError(f"the count for {key!r} is negative: {value}")
        counts.append(value)
    return counts


def _check_sums(values: Mapping[Key, int], equations: Sequence[Equation]) -> None:
    for equation in equations:
        parts = sum(values[p] for p in equation.parts)
        if parts != values[equation.total]:
            raise ValueError(
                f"the total {equation.total!r} is {values[equation.total]}, but its parts add up to {parts}"
            )


# ----------------------------------------------------------------------------- secondary suppression
def _protect(counts: list[int], marks: list[Mark], rows: list[_Row], threshold: int) -> list[int]:
    """Mark cells SECONDARY in ``marks`` until the audit finds nothing it can still fix; return the rest."""
    rows_of: list[list[int]] = [[] for _ in counts]
    for r, row in enumerate(rows):
        for i, _ in row:
            rows_of[i].append(r)
    hidden = [sum(marks[i] is not Mark.PUBLISHED for i, _ in row) for row in rows]

    def candidate(r: int) -> int | None:
        """The cell of line ``r`` to hide: the smallest eligible part, else the eligible total."""
        eligible = [(a < 0, counts[i], i) for i, a in rows[r] if marks[i] is Mark.PUBLISHED and counts[i] >= threshold]
        return min(eligible)[2] if eligible else None

    def hide(i: int) -> None:
        marks[i] = Mark.SECONDARY
        for r in rows_of[i]:
            hidden[r] += 1
            if hidden[r] == 1:
                lonely.append(r)

    def nearest_candidate(u: int) -> int | None:
        """Search outwards from ``u`` through the hidden cells it is linked to; the lines with fewest hidden first."""
        seen_rows: set[int] = set()
        seen_cells, frontier = {u}, [u]
        while frontier:
            lines = sorted({r for c in frontier for r in rows_of[c]} - seen_rows, key=lambda r: (hidden[r], r))
            for r in lines:
                if (pick := candidate(r)) is not None:
                    return pick
            seen_rows.update(lines)
            frontier = sorted({i for r in lines for i, _ in rows[r] if marks[i] is not Mark.PUBLISHED} - seen_cells)
            seen_cells.update(frontier)
        return None

    # a line with one hidden cell gives it away by subtraction: settle those cheaply before any audit
    lonely = deque(r for r in range(len(rows)) if hidden[r] == 1)
    auditor = _Auditor(rows, counts, None, truth=counts)
    stuck = _beyond_help(counts, rows, threshold)
    for _ in range(2 * len(counts) + 2):  # each round hides a cell or gives one up
        while lonely:
            r = lonely.popleft()
            if hidden[r] == 1 and (pick := candidate(r)) is not None:
                hide(pick)
        auditor.shown = [counts[i] if m is Mark.PUBLISHED else None for i, m in enumerate(marks)]
        auditor.bounds = _bounds(marks, threshold)
        pending = [u for u in sorted(auditor.audit()) if u not in stuck]
        if not pending:
            break
        touched: set[int] = set()
        for u in pending:
            if touched.intersection(rows_of[u]):
                continue  # a cell hidden this round in one of its lines may already protect it
            pick = nearest_candidate(u)
            if pick is None:
                stuck.add(u)
                continue
            hide(pick)
            touched.update(rows_of[pick])
    else:
        raise RuntimeError("secondary suppression did not converge; this is a bug")
    return sorted(stuck.intersection(auditor.audit()))


def _beyond_help(counts: list[int], rows: list[_Row], threshold: int) -> set[int]:
    """Cells an outsider could work out even if every non-zero count were hidden.

    Hiding more never exposes more, so no choice of secondary cells can protect these, and the
    search must not spend the table on them. With every non-zero count hidden the published
    cells are all zeros, so the equations alone pin nothing: only the bounds can (four "<5" cells
    under a "<5" total are four ones). The bounds are propagated through the original lines only,
    so this may miss a case; the search then finds it out the slow way, by running out of cells.
    """
    low = {i: (1 if v < threshold else threshold) for i, v in enumerate(counts) if v}
    high: dict[int, int | None] = {i: (threshold - 1 if v < threshold else None) for i, v in enumerate(counts) if v}
    lines = [({i: a for i, a in row if counts[i]}, 0) for row in rows]
    _propagate([line for line in lines if line[0]], low, high)
    return {i for i in low if low[i] == high[i]}


# ----------------------------------------------------------------------------- the audit
def _rows(equations: Sequence[Equation], index: Mapping[Key, int]) -> list[_Row]:
    """Each equation as sparse integer coefficients over cell indices (total -1, parts +1), duplicates dropped."""
    rows: list[_Row] = []
    seen: set[_Row] = set()
    for equation in equations:
        coefficients: dict[int, int] = defaultdict(int)
        for key, coefficient in ((equation.total, -1), *((p, 1) for p in equation.parts)):
            if key not in index:
                raise ValueError(f"{key!r} is used in the equation for {equation.total!r} but has no value")
            coefficients[index[key]] += coefficient
        row = tuple(sorted((i, a) for i, a in coefficients.items() if a))
        if row and row not in seen:
            seen.add(row)
            rows.append(row)
    return rows


def _bounds(marks: Sequence[Mark], threshold: int) -> list[tuple[int, int | None]]:
    """What an outsider knows of each cell from its mark alone (``None``: no upper bound)."""
    known = {Mark.PRIMARY: (1, threshold - 1), Mark.SECONDARY: (threshold, None), Mark.PUBLISHED: (0, None)}
    return [known[m] for m in marks]


class _Auditor:
    """Audits per connected group of hidden cells, remembering groups already audited.

    During one ``suppress`` call the published values never change, so a group is settled by the
    set of its hidden cells: most groups are not touched by a round's new secondary cells.
    ``truth``, the true counts where known, only saves searching for a solution.
    """

    def __init__(
        self,
        rows: list[_Row],
        shown: list[int | None],
        bounds: list[tuple[int, int | None]] | None,
        truth: list[int] | None = None,
    ):
        self.rows, self.shown, self.bounds, self.truth = rows, shown, bounds, truth
        self.rows_of: list[list[int]] = [[] for _ in shown]
        for r, row in enumerate(rows):
            for i, _ in row:
                self.rows_of[i].append(r)
        self._done: dict[frozenset[int], dict[int, int]] = {}

    def audit(self) -> dict[int, int]:
        assert self.bounds is not None
        shown, found = self.shown, {}
        for group in self._groups():
            cells = frozenset(group)
            if cells not in self._done:
                lines = sorted({r for i in group for r in self.rows_of[i]})
                system = []
                for r in lines:
                    coefficients = {i: a for i, a in self.rows[r] if shown[i] is None}
                    constant = -sum(a * shown[i] for i, a in self.rows[r] if shown[i] is not None)
                    system.append((coefficients, constant))
                point = None if self.truth is None else {i: self.truth[i] for i in group}
                self._done[cells] = _determined(system, {i: self.bounds[i] for i in group}, point)
            found.update(self._done[cells])
        self._check_closed_lines()
        return found

    def _groups(self) -> list[list[int]]:
        """Hidden cells linked through shared lines (published cells are constants and link nothing)."""
        parent: dict[int, int] = {}

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in self.rows:
            cells = [i for i, _ in row if self.shown[i] is None]
            for i in cells:
                parent.setdefault(i, i)
            for i in cells[1:]:
                a, b = root(cells[0]), root(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        groups: dict[int, list[int]] = defaultdict(list)
        for i in sorted(parent):
            groups[root(i)].append(i)
        return list(groups.values())

    def _check_closed_lines(self) -> None:
        for row in self.rows:
            if all(self.shown[i] is not None for i, _ in row) and sum(a * self.shown[i] for i, a in row):
                raise ValueError("the published values contradict one of the equations")


def _determined(
    system: list[tuple[dict[int, int], int]],
    bounds: Mapping[int, tuple[int, int | None]],
    point: Mapping[int, _Number] | None,
) -> dict[int, int]:
    """The hidden cells of one group that the system and the known bounds pin to a single value.

    Linear algebra alone misses what the bounds give away, and bounds pushed through one line at a
    time miss what they give away through a combination of lines (``a + c + e = 7`` spread over
    five lines, with ``a`` at least 5 and ``c``, ``e`` at least 1). So first find the cells that
    every solution holds at one of their bounds (an exact linear programme), fix them, and then ask
    the linear algebra; last, propagate the bounds with rounding, for a cell whose range of real
    values holds one whole number only. ``point`` is any solution, if one is known (``suppress``
    knows the true counts); the answer does not depend on which.
    """
    if point is None:
        point = _feasible_point(system, bounds)
    fixed = _held_at_bounds(system, bounds, point)
    reduced = _rref([*system, *(({cell: 1}, point[cell]) for cell in sorted(fixed))])
    found: dict[int, int] = {}
    for coefficients, constant, _ in reduced:
        if len(coefficients) == 1:
            (cell,) = coefficients
            found[cell] = _integer(constant)
    lines = [(dict(c), k) for c, k in system] + [_scaled(c, k) for c, k, _ in reduced if len(c) > 1]
    low = {i: lo for i, (lo, _) in bounds.items()}
    high = {i: hi for i, (_, hi) in bounds.items()}
    for cell, value in found.items():
        low[cell], high[cell] = max(low[cell], value), value if high[cell] is None else min(high[cell], value)
    _propagate(lines, low, high)
    for cell in sorted(low):
        if low[cell] == high[cell] and found.setdefault(cell, low[cell]) != low[cell]:
            raise ValueError("the published values contradict the equations")
    return found


def _held_at_bounds(
    system: list[tuple[dict[int, int], int]],
    bounds: Mapping[int, tuple[int, int | None]],
    point: Mapping[int, _Number],
) -> set[int]:
    """The cells that sit at a bound in every solution (the implicit equalities of the bounds).

    Only a cell at a bound in ``point`` can be one. Such a cell can leave its bound iff some move
    ``z`` with ``A z = 0`` takes it inwards while every other cell at a bound moves inwards or
    stays. Eliminating the cells not at a bound first leaves the rows that tie the cells at bounds
    to each other alone; on those, a linear programme finds every cell that some such move frees.
    """
    inward: dict[int, int] = {}  # cell at a bound -> +1 if it can only go up, -1 if only down
    for cell, (lo, hi) in bounds.items():
        if point[cell] == lo:
            inward[cell] = 1
        elif hi is not None and point[cell] == hi:
            inward[cell] = -1
    if not inward:
        return set()
    reduced = _rref([(c, 0) for c, _ in system], order=lambda cell: (cell in inward, cell))
    # with y = inward * z >= 0, a row z_p + sum(c_f z_f) = 0 among cells at bounds reads y_p = sum(d_f y_f)
    rows: dict[int, dict[int, _Number]] = {}
    for coefficients, _, pivot in reduced:
        if all(cell in inward for cell in coefficients):
            rows[pivot] = {f: -inward[pivot] * inward[f] * c for f, c in coefficients.items() if f != pivot}
    tied = set(rows).union(*rows.values())
    values: dict[int, _Number] = dict.fromkeys(sorted(tied), 0)
    free = set(inward) - tied  # tied to no other cell at a bound: nothing holds it there
    unit = dict.fromkeys(values, 0), dict.fromkeys(values, 1)
    while goal := [v for v in values if v not in free]:
        _maximise(rows, values, dict.fromkeys(goal, 1), *unit)
        moved = {v for v in goal if values[v] > 0}
        if not moved:
            break
        free |= moved
    return set(inward) - free


def _feasible_point(
    system: list[tuple[dict[int, int], int]], bounds: Mapping[int, tuple[int, int | None]]
) -> dict[int, _Number]:
    """Some solution within the bounds, found as an outsider would: by a linear programme (phase one).

    Every cell starts at its lower bound and the rows of the reduced system give the rest; a row
    whose cell then falls outside its bounds gets that cell put at its nearest bound and an
    artificial variable (numbered below zero) for the gap, and the gaps are driven to zero.
    """
    values: dict[int, _Number] = {i: lo for i, (lo, _) in bounds.items()}
    lower: dict[int, _Number] = dict(values)
    upper: dict[int, _Number | None] = {i: hi for i, (_, hi) in bounds.items()}
    reduced = _rref(system, order=lambda i: (bounds[i][1] is not None, i))  # open-ended cells basic
    basic = {pivot for _, _, pivot in reduced}
    rows: dict[int, dict[int, _Number]] = {}
    goal: dict[int, int] = {}
    for n, (coefficients, constant, pivot) in enumerate(reduced):
        expression = {f: -c for f, c in coefficients.items() if f != pivot}  # pivot = constant + expression
        value = constant + sum(c * values[f] for f, c in expression.items() if f not in basic)
        lo, hi = bounds[pivot]
        if lo <= value and (hi is None or value <= hi):
            rows[pivot], values[pivot] = expression, value
            continue
        target = lo if value < lo else hi
        sign = 1 if value > target else -1
        artificial = -1 - n  # artificial = sign * (constant + expression - pivot), at the size of the gap
        rows[artificial] = {f: sign * c for f, c in expression.items()} | {pivot: -sign}
        values[pivot], values[artificial] = target, abs(value - target)
        lower[artificial], upper[artificial], goal[artificial] = 0, None, -1
    if goal:
        _maximise(rows, values, goal, lower, upper)
        if any(values[a] for a in goal):
            raise ValueError("the published values contradict the equations and the marks")
    return {i: values[i] for i in bounds}


def _maximise(
    rows: dict[int, dict[int, _Number]],
    values: dict[int, _Number],
    goal: Mapping[int, int],
    lower: Mapping[int, _Number],
    upper: Mapping[int, _Number | None],
) -> None:
    """Maximise ``sum(goal[v] * v)`` subject to ``basic = sum(d * nonbasic) + constant`` per row and the bounds.

    A bounded-variable primal simplex in exact arithmetic, started from the feasible ``values``
    and updating ``rows`` and ``values`` in place; the constants are never needed, as ``values``
    carries them. Bland's rule (lowest variable first, entering and leaving) cannot cycle, and on
    these tables it also made fewer and smaller fractions than the steepest edge, which was slower.
    """
    cost: dict[int, _Number] = defaultdict(int)  # the objective over the nonbasic variables
    for v, weight in goal.items():
        for f, d in rows[v].items() if v in rows else ((v, 1),):
            cost[f] += weight * d
    while True:
        entering = min(
            (
                f
                for f, c in cost.items()
                if (c > 0 and (upper[f] is None or values[f] < upper[f])) or (c < 0 and values[f] > lower[f])
            ),
            default=None,
        )
        if entering is None:
            return
        step = 1 if cost[entering] > 0 else -1
        # first as far as the entering variable's own bound in that direction, then the ratio test
        if step > 0:
            theta: _Number | None = None if upper[entering] is None else upper[entering] - values[entering]
        else:
            theta = values[entering] - lower[entering]
        leaving = None
        for b, row in rows.items():
            rate = row.get(entering, 0) * step
            if rate > 0 and upper[b] is not None:
                room = _divide(upper[b] - values[b], rate)
            elif rate < 0:
                room = _divide(values[b] - lower[b], -rate)
            else:
                continue
            if theta is None or room < theta or (room == theta and leaving is not None and b < leaving):
                theta, leaving = room, b
        if theta is None:
            raise RuntimeError("unbounded linear programme; this is a bug")
        if theta:
            values[entering] = _whole(values[entering] + step * theta)
            for b, row in rows.items():
                if entering in row:
                    values[b] = _whole(values[b] + row[entering] * step * theta)
        if leaving is None:
            continue
        # leaving = d * entering + rest, so entering = (leaving - rest) / d
        row = rows.pop(leaving)
        d = row.pop(entering)
        solved = {leaving: _divide(1, d), **{v: _divide(-c, d) for v, c in row.items()}}
        for other in (*rows.values(), cost):
            if factor := other.pop(entering, 0):
                for v, c in solved.items():
                    if value := _whole(other.get(v, 0) + factor * c):
                        other[v] = value
                    else:
                        other.pop(v, None)
        rows[entering] = solved


def _rref(
    system: list[tuple[dict[int, int], int]], order: Callable[[int], object] | None = None
) -> list[tuple[dict[int, _Number], _Number, int]]:
    """Gauss-Jordan elimination in exact arithmetic (int while pivots are ±1, else ``Fraction``).

    Rows are sparse dicts; the pivot of a new row is its first cell in ``order`` (index order by
    default), and it is cleared from every earlier row at once, so the result is in reduced row
    echelon form. Returns (row, constant, pivot) triples.
    """
    out: list[list] = []  # [coefficients, constant]
    pivot_row: dict[int, int] = {}
    users: dict[int, set[int]] = defaultdict(set)  # non-pivot cell -> rows of ``out`` that hold it
    for coefficients, constant in system:
        row: dict[int, _Number] = dict(coefficients)
        rhs: _Number = constant
        for cell in [c for c in row if c in pivot_row]:
            factor = row.pop(cell)
            other, other_rhs, _ = out[pivot_row[cell]]
            for c, b in other.items():
                if c != cell:
                    value = _whole(row.get(c, 0) - factor * b)
                    if value:
                        row[c] = value
                    else:
                        row.pop(c, None)
            rhs -= factor * other_rhs
        if not row:
            if rhs:
                raise ValueError("the published values contradict the equations")
            continue
        pivot = min(row, key=order) if order else min(row)
        scale = row[pivot]
        if scale != 1:
            row = {c: _divide(b, scale) for c, b in row.items()}
            rhs = _divide(rhs, scale)
        position = len(out)
        for j in users.pop(pivot, ()):
            other = out[j][0]
            factor = other.pop(pivot)
            for c, b in row.items():
                if c != pivot:
                    value = _whole(other.get(c, 0) - factor * b)
                    if value:
                        other[c] = value
                        users[c].add(j)
                    else:
                        other.pop(c, None)
                        users[c].discard(j)
            out[j][1] -= factor * rhs
        out.append([row, rhs, pivot])
        pivot_row[pivot] = position
        for c in row:
            if c != pivot:
                users[c].add(position)
    return [(row, rhs, pivot) for row, rhs, pivot in out]


def _whole(value: _Number) -> _Number:
    """A fraction that is a whole number as an ``int``: integer arithmetic is many times faster."""
    return value.numerator if type(value) is Fraction and value.denominator == 1 else value


def _divide(a: _Number, b: _Number) -> _Number:
    if b == -1:
        return -a
    value = Fraction(a) / b
    return value.numerator if value.denominator == 1 else value


def _integer(value: _Number) -> int:
    if isinstance(value, Fraction):
        if value.denominator != 1:
            raise ValueError("the published values contradict the equations")
        return value.numerator
    return value


def _scaled(coefficients: Mapping[int, _Number], constant: _Number) -> tuple[dict[int, int], int]:
    """A row with fractions, multiplied into integers so that bound propagation stays in ``int``."""
    denominators = [x.denominator for x in (*coefficients.values(), constant) if isinstance(x, Fraction)]
    factor = math.lcm(*denominators) if denominators else 1
    return {c: _integer(b * factor) for c, b in coefficients.items()}, _integer(constant * factor)


def _propagate(lines: list[tuple[dict[int, int], int]], low: dict[int, int], high: dict[int, int | None]) -> None:
    """Tighten ``low``/``high`` (``None``: unbounded) to a fixpoint: in ``Σ a·x = k`` each ``a·x_u = k - Σ others``.

    Counts are integers, so each bound is rounded inwards. Bounds only ever tighten towards the
    true values, so the loop ends; a contradiction means the published table is inconsistent.
    """
    lines_of: dict[int, list[int]] = defaultdict(list)
    for n, (coefficients, _) in enumerate(lines):
        for c in coefficients:
            lines_of[c].append(n)
    queue = deque(range(len(lines)))
    queued = [True] * len(lines)
    while queue:
        n = queue.popleft()
        queued[n] = False
        coefficients, constant = lines[n]
        # the sum of the terms' lows and highs, counting unbounded terms apart
        terms = []
        sum_low = sum_high = 0
        open_low = open_high = 0  # terms with no lower / no upper bound
        for c, a in coefficients.items():
            lo, hi = low[c], high[c]
            if a > 0:
                t_low, t_high = a * lo, (None if hi is None else a * hi)
            else:
                t_low, t_high = (None if hi is None else a * hi), a * lo
            if t_low is None:
                open_low += 1
            else:
                sum_low += t_low
            if t_high is None:
                open_high += 1
            else:
                sum_high += t_high
            terms.append((c, a, t_low, t_high))
        for c, a, t_low, t_high in terms:
            others_low = None if open_low - (t_low is None) else sum_low - (t_low or 0)
            others_high = None if open_high - (t_high is None) else sum_high - (t_high or 0)
            # a·x lies in [constant - others_high, constant - others_low]
            term_low = None if others_high is None else constant - others_high
            term_high = None if others_low is None else constant - others_low
            if a < 0:
                term_low, term_high = term_high, term_low
            new_low = None if term_low is None else -(-term_low // a)  # ceil(term_low / a)
            new_high = None if term_high is None else term_high // a
            changed = False
            if new_low is not None and new_low > low[c]:
                low[c], changed = new_low, True
            if new_high is not None and (high[c] is None or new_high < high[c]):
                high[c], changed = new_high, True
            if changed:
                if high[c] is not None and low[c] > high[c]:
                    raise ValueError("the published values contradict the equations")
                for m in lines_of[c]:
                    if not queued[m]:
                        queued[m] = True
                        queue.append(m)
