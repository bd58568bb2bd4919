"""Which of a country's regional commitments its plan turns into activities, and which it leaves out.

The caller chooses the commitments to measure against, usually those the country signed:
``coverage(plan, framework.applicable_commitments(plan.country))``, or those in force when the plan
was adopted: ``framework.applicable_commitments(plan.country, plan.adopted_on)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Protocol

from .schema import Plan


class CommitmentLike(Protocol):
    """The framework's ``Commitment`` or anything else with an id and a title."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...


@dataclass(frozen=True)
class CommitmentCoverage:
    """One row of the matrix: a commitment and the activities (by id, in plan order) that serve it."""

    id: str
    title: str
    activities: tuple[str, ...]

    @property
    def covered(self) -> bool:
        return bool(self.activities)


@dataclass(frozen=True)
class Coverage:
    rows: tuple[CommitmentCoverage, ...]  # the commitments measured against, in the order given
    activity_ids: tuple[str, ...]  # the matrix's columns: every activity of the plan, in order
    unlisted: tuple[str, ...]  # commitments the plan cites that are not among those measured against

    @property
    def matrix(self) -> tuple[tuple[bool, ...], ...]:
        """``matrix[i][j]``: does activity ``activity_ids[j]`` implement commitment ``rows[i]``?"""
        rows = [set(row.activities) for row in self.rows]
        return tuple(tuple(a in serving for a in self.activity_ids) for serving in rows)

    @property
    def uncovered(self) -> tuple[str, ...]:
        """The commitments no activity addresses."""
        return tuple(row.id for row in self.rows if not row.covered)

    @property
    def activities_per_commitment(self) -> dict[str, int]:
        return {row.id: len(row.activities) for row in self.rows}

    @property
    def covered_count(self) -> int:
        return sum(row.covered for row in self.rows)

    @property
    def share(self) -> Fraction | None:
        """Covered ÷ measured, or None when there is nothing to measure against."""
        return Fraction(self.covered_count, len(self.rows)) if self.rows else None

    @property
    def percent(self) -> int | None:
        """``share`` as a whole percentage, halves rounded up."""
        return None if self.share is None else floor(100 * self.share + Fraction(1, 2))


def coverage(plan: Plan, commitments: Iterable[tuple[str, str] | CommitmentLike]) -> Coverage:
    """The commitment × activity matrix of ``plan`` for the given commitments (``(id, title)`` pairs or
    framework commitments); a commitment given twice counts once."""
    pairs = dict(item if isinstance(item, tuple) else (item.id, item.title) for item in commitments)
    serving: dict[str, list[str]] = {commitment_id: [] for commitment_id in pairs}
    unlisted: dict[str, None] = {}
    for activity in plan.activities:
        for commitment_id in activity.commitments:
            if commitment_id in serving:
                serving[commitment_id].append(activity.id)
            else:
                unlisted[commitment_id] = None
    return Coverage(
        rows=tuple(CommitmentCoverage(cid, title, tuple(serving[cid])) for cid, title in pairs.items()),
        activity_ids=tuple(activity.id for activity in plan.activities),
        unlisted=tuple(unlisted),
    )
