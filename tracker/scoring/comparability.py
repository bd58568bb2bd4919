"""Which countries may be set side by side: those scored on the same set of commitments.

An overall score over 6 commitments and one over 25 measure different things, so the tracker never
ranks them together. Countries are grouped by the commitments that apply to them (overall, or within
a focus area); within an instrument every signatory answers for the same commitments. Pure: callers
pass what applies, as ids.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PeerGroup:
    """Countries whose scores may be compared: they answer for exactly the same commitments."""

    key: str  # stable: the instruments whose commitments count, joined with "+"
    mark: str  # a short letter for rows and legends: A, B, C …
    label: str  # plain words: what the group is scored on
    commitments: frozenset[str]
    members: tuple[str, ...]  # country codes, in the order given


def peer_groups(
    applicable: Mapping[str, Iterable[str]],
    instrument_of: Mapping[str, str],
    instrument_names: Mapping[str, str] | None = None,
    within: Collection[str] | None = None,
) -> tuple[PeerGroup, ...]:
    """Group countries by their applicable commitments (only those in ``within`` when given, e.g. a
    focus area's). Largest group first, then the one with more commitments; a country with nothing
    applicable is in no group (it has no score to compare)."""
    sets: dict[frozenset[str], list[str]] = {}
    for code, commitments in applicable.items():
        chosen = frozenset(c for c in commitments if within is None or c in within)
        if chosen:
            sets.setdefault(chosen, []).append(code)
    ordered = sorted(sets.items(), key=lambda item: (-len(item[1]), -len(item[0]), sorted(item[0])))
    names = instrument_names or {}
    groups, keys = [], set()
    for n, (commitments, members) in enumerate(ordered):
        instruments = sorted({instrument_of.get(c, c) for c in commitments})
        key = "+".join(instruments)
        while key in keys:  # the same instruments, partly applicable: another set all the same
            key += "'"
        keys.add(key)
        words = ", ".join(names.get(i, i) for i in instruments)
        count = len(commitments)
        label = f"Scored on {count} commitment{'s' if count != 1 else ''}: {words}"
        groups.append(PeerGroup(key, _mark(n), label, commitments, tuple(members)))
    return tuple(groups)


def group_of(groups: Iterable[PeerGroup]) -> dict[str, PeerGroup]:
    """Each country's group, by code."""
    return {code: group for group in groups for code in group.members}


def _mark(n: int) -> str:
    """A, B, … Z, then AA, AB …: enough letters for any number of groups."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
