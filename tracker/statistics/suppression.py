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
                raise ValueError(f"{key!r} is marked {mark} but its value is {self.values[key]!r}")
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
    index = {key: i for i, key in enumerate(keys)}
    counts: list[int] = []
    for key in keys:
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"the count for {key!r} is not an integer: {value!r}")
        if value < 0:
            raise ValueError(f"the count for {key!r} is negative: {value}")
        counts.append(value)
    rows = _rows(equations, index)
    for equation in equations:
        parts = sum(values[p] for p in equation.parts)
        if parts != values[equation.total]:
            raise ValueError(
                f"the total {equation.total!r} is {values[equation.total]}, but its parts add up to {parts}"
            )

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


def exposed(published: Published, equations: Sequence[Equation], rule: Rule | None = None) -> dict[Key, int]:
    """The audit: each hidden cell an outsider can work out exactly from the published table, with its value.

    It uses only what is published (values, marks, the rule): linear algebra over the hidden cells
    (a cell is determined when its unit vector lies in the row space of the equations), then the
    known bounds of hidden cells, propagated through every equation until nothing changes.
    """
    rule = rule or published.rule
    keys = list(published.values)
    index = {key: i for i, key in enumerate(keys)}
    rows = _rows(equations, index)
    shown = [published.values[key] for key in keys]
    found = _Auditor(rows, shown, _bounds([published.marks[key] for key in keys], rule.threshold)).audit()
    return {keys[i]: value for i, value in sorted(found.items())}


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
    auditor = _Auditor(rows, counts, None)
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
    """

    def __init__(self, rows: list[_Row], shown: list[int | None], bounds: list[tuple[int, int | None]] | None):
        self.rows, self.shown, self.bounds = rows, shown, bounds
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
                self._done[cells] = _determined(system, {i: self.bounds[i] for i in group})
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
    system: list[tuple[dict[int, int], int]], bounds: Mapping[int, tuple[int, int | None]]
) -> dict[int, int]:
    """The hidden cells of one group that the system (and the known bounds) pin to a single value."""
    reduced = _rref(system)
    found: dict[int, int] = {}
    for coefficients, constant in reduced:
        if len(coefficients) == 1:
            (cell,) = coefficients
            found[cell] = _integer(constant)
    # bounds travel through the original lines and through the reduced ones, which combine several lines
    lines = [(dict(c), k) for c, k in system] + [_scaled(c, k) for c, k in reduced if len(c) > 1]
    low = {i: lo for i, (lo, _) in bounds.items()}
    high = {i: hi for i, (_, hi) in bounds.items()}
    for cell, value in found.items():
        low[cell], high[cell] = max(low[cell], value), value if high[cell] is None else min(high[cell], value)
    _propagate(lines, low, high)
    for cell in sorted(low):
        if low[cell] == high[cell] and found.setdefault(cell, low[cell]) != low[cell]:
            raise ValueError("the published values contradict the equations")
    return found


def _rref(system: list[tuple[dict[int, int], int]]) -> list[tuple[dict[int, _Number], _Number]]:
    """Gauss-Jordan elimination in exact arithmetic (int while pivots are ±1, else ``Fraction``).

    Rows are sparse dicts; the pivot of a new row is its lowest cell index, and it is cleared from
    every earlier row at once, so the result is in reduced row echelon form.
    """
    out: list[list] = []  # [coefficients, constant]
    pivot_row: dict[int, int] = {}
    users: dict[int, set[int]] = defaultdict(set)  # non-pivot cell -> rows of ``out`` that hold it
    for coefficients, constant in system:
        row: dict[int, _Number] = dict(coefficients)
        rhs: _Number = constant
        for cell in [c for c in row if c in pivot_row]:
            factor = row.pop(cell)
            other, other_rhs = out[pivot_row[cell]]
            for c, b in other.items():
                if c != cell:
                    value = row.get(c, 0) - factor * b
                    if value:
                        row[c] = value
                    else:
                        row.pop(c, None)
            rhs -= factor * other_rhs
        if not row:
            if rhs:
                raise ValueError("the published values contradict the equations")
            continue
        pivot = min(row)
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
                    value = other.get(c, 0) - factor * b
                    if value:
                        other[c] = value
                        users[c].add(j)
                    else:
                        other.pop(c, None)
                        users[c].discard(j)
            out[j][1] -= factor * rhs
        out.append([row, rhs])
        pivot_row[pivot] = position
        for c in row:
            if c != pivot:
                users[c].add(position)
    return [(row, rhs) for row, rhs in out]


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
