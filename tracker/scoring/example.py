"""The worked example of the methodology page, computed by the engine itself so that the page can
never disagree with the method: one invented country, the Tirana Statement's six commitments.

The country is invented ("Example"), so nothing here is said of a real government.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..framework import Framework
from .engine import CountryFacts, EntryFacts, FindingFacts, Score, score_country

INSTRUMENT = "tirana-2002"


@dataclass(frozen=True)
class Step:
    """One stage of the example: what changed, and the instrument's score after it."""

    said: str
    score: Score
    commitments: tuple[Score, ...]
    evidence: dict[str, tuple[str, ...]]  # per commitment: the kinds of its confirmed evidence


def _entries(with_tir5: bool) -> tuple[EntryFacts, ...]:
    entries = [
        EntryFacts(
            "TIR-1",
            "fully-implemented",
            "fully-implemented",
            3,
            evidence_kinds=frozenset({"adoption", "implementation", "corroboration"}),
        ),
        EntryFacts(
            "TIR-2",
            "fully-implemented",
            "fully-implemented",
            2,
            evidence_kinds=frozenset({"adoption", "implementation"}),
        ),
        EntryFacts(
            "TIR-3", "substantially-implemented", "substantially-implemented", 1, evidence_kinds=frozenset({"adoption"})
        ),
        EntryFacts("TIR-4", "planned", "planned", 0),
    ]
    if with_tir5:
        entries.append(EntryFacts("TIR-5", "in-progress", "in-progress", 1, evidence_kinds=frozenset({"adoption"})))
    return tuple(entries)


FINDING = FindingFacts(
    "summary-deportation", "An invented NGO report, for this example only", "p. 12", "a non-governmental organisation"
)


def worked_example(framework: Framework) -> tuple[Step, ...]:
    """Three stages: four commitments reported; a fifth reported; a finding recorded. Empty when the
    framework has no Tirana Statement to work the example on."""
    try:
        instrument = framework.instrument(INSTRUMENT)
    except KeyError:
        return ()
    applicable = frozenset(c.id for c in instrument.commitments)
    stages = (
        ("Four of the six commitments reported.", _entries(False), ()),
        ("TIR-5 reported as well.", _entries(True), ()),
        ("The secretariat records a finding for the negative indicator on TIR-2.", _entries(True), (FINDING,)),
    )
    steps = []
    for said, entries, findings in stages:
        card = score_country(
            framework, CountryFacts("XX", applicable, entries, findings=findings, cycle="Example"), "verified"
        )
        score = next(s for s in card.instruments if s.subject == INSTRUMENT)
        kinds = {e.commitment_id: tuple(sorted(e.evidence_kinds)) for e in entries}
        steps.append(Step(said, score, tuple(card.commitment(c.id) for c in instrument.commitments), kinds))
    return tuple(steps)
