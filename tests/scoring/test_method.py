"""Method 2 (commitments/methodology.yaml), worked by hand: coverage and both forms, planned earns
nothing, graded evidence, findings, freshness, sensitivity. No app, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.framework import load_framework
from tracker.scoring import CountryFacts, EntryFacts, FindingFacts, Scorecard, score_country, sensitivity
from tracker.scoring.example import worked_example

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = load_framework(ROOT / "commitments")
TIRANA = frozenset(c.id for c in FRAMEWORK.instrument("tirana-2002").commitments)
FINDING = FindingFacts("summary-deportation", "Shadow report 2004", "section 3, p. 7", "an NGO", finding_id=4)


def card(*entries: EntryFacts, earlier=(), findings=(), basis="verified", applicable=TIRANA) -> Scorecard:
    return score_country(FRAMEWORK, CountryFacts("AL", applicable, entries, earlier, findings, cycle="2004"), basis)


def tirana(scorecard: Scorecard):
    return next(s for s in scorecard.instruments if s.subject == "tirana-2002")


def codes(score) -> list[str]:
    return [r.code for r in score.rules]


ALL = frozenset({"adoption", "implementation", "corroboration"})


def test_the_method_is_what_these_tests_assume():
    method = FRAMEWORK.methodology
    assert method.version == "2"
    assert [(lv.id, lv.points, lv.counts) for lv in method.status_levels][:3] == [
        ("not-started", 0, True),
        ("planned", 0, False),
        ("in-progress", 2, True),
    ]
    assert (method.coverage.threshold, method.coverage.rating_from) == (80, "conservative")
    assert method.carry_forward.max_cycles == 1
    assert {c.weight for c in FRAMEWORK.instrument("tirana-2002").commitments} == {3}


def test_worked_example_by_hand():
    """The methodology page's example: the engine's numbers are the hand arithmetic."""
    first, second, third = worked_example(FRAMEWORK)
    # TIR-1 100 (all kinds) · TIR-2 fully without corroboration → substantially 75 · TIR-3 substantially
    # with adoption only → in progress 50 · TIR-4 planned 0 · TIR-5, TIR-6 not reported; weight 3 each
    assert [c.score for c in first.commitments] == [100.0, 75.0, 50.0, 0.0, None, None]
    # reported-only 3×225 ÷ 12 = 56.25; conservative 675 ÷ 18 = 37.5; coverage 12 ÷ 18 = 66.67% < 80%
    assert (first.score.score, first.score.conservative, first.score.coverage, first.score.rating) == (
        56.25,
        37.5,
        66.67,
        None,
    )
    assert first.score.insufficient and "insufficient-reporting" in codes(first.score)
    # TIR-5 in progress: (675 + 150) ÷ 15 = 55; ÷ 18 = 45.83 → "partial" read from the conservative form
    assert (second.score.score, second.score.conservative, second.score.coverage, second.score.rating) == (
        55.0,
        45.83,
        83.33,
        "partial",
    )
    # a finding: 10 points off both forms: 45 and 35.83 → "limited"
    assert (third.score.score, third.score.conservative, third.score.rating) == (45.0, 35.83, "limited")
    assert third.score.penalties == ("summary-deportation",)


def test_planned_earns_nothing_and_says_why():
    got = card(EntryFacts("TIR-1", "planned", evidence_count=1)).commitment("TIR-1")
    assert (got.score, got.conservative, got.status, got.rating) == (0.0, 0.0, "planned", "minimal")
    assert "not-counting" in codes(got) and "promise is not an action" in got.rules[-1].text


@pytest.mark.parametrize(
    ("status", "kinds", "counted", "score"),
    [
        ("fully-implemented", ALL, "fully-implemented", 100.0),
        ("fully-implemented", {"implementation"}, "substantially-implemented", 75.0),
        ("fully-implemented", {"corroboration"}, "in-progress", 50.0),  # corroboration alone: no implementation
        ("fully-implemented", set(), "in-progress", 50.0),
        ("substantially-implemented", {"adoption"}, "in-progress", 50.0),
        ("substantially-implemented", {"implementation"}, "substantially-implemented", 75.0),
        ("in-progress", set(), "in-progress", 50.0),
    ],
)
def test_graded_evidence_caps_a_status_its_evidence_does_not_support(status, kinds, counted, score):
    got = card(EntryFacts("TIR-1", status, evidence_count=1, evidence_kinds=frozenset(kinds))).commitment("TIR-1")
    assert (got.status, got.score) == (counted, score)
    assert ("evidence-kind-cap" in codes(got)) == (counted != status)


def test_the_cap_explanation_names_the_rule_and_the_missing_kind():
    got = card(EntryFacts("TIR-1", "fully-implemented", evidence_count=1, evidence_kinds=frozenset({"implementation"})))
    [text] = [r.text for r in got.commitment("TIR-1").rules if r.code == "evidence-kind-cap"]
    assert "“Fully implemented” needs evidence of the kind “Implementation” and “Independent corroboration”" in text
    assert "confirmed by the secretariat" in text and "has no “Independent corroboration”" in text
    assert "counts as “Substantially implemented”" in text
    selfish = card(EntryFacts("TIR-1", "fully-implemented", evidence_count=1), basis="self-reported")
    assert "as the country described it" in selfish.commitment("TIR-1").rules[1].text


def test_no_evidence_at_all_is_still_capped_at_planned():
    got = card(EntryFacts("TIR-1", "fully-implemented", evidence_count=0)).commitment("TIR-1")
    assert (got.status, got.score) == ("planned", 0.0) and "evidence-cap" in codes(got)


def test_a_finding_fires_the_negative_indicator_and_the_explanation_names_its_source():
    full = EntryFacts("TIR-2", "in-progress", evidence_count=1)
    got = card(full, findings=(FINDING,)).commitment("TIR-2")
    assert (got.score, got.penalties, got.findings) == (40.0, ("summary-deportation",), (4,))
    [text] = [r.text for r in got.rules if r.code == "negative"]
    assert "“Shadow report 2004” (section 3, p. 7), brought by an NGO" in text


@pytest.mark.parametrize("figures", [{}, {"immediate-deportations": 0}, {"immediate-deportations": 3}])
def test_a_self_reported_figure_is_context_never_the_trigger(figures):
    scorecard = card(EntryFacts("TIR-2", "in-progress", evidence_count=1, figures=figures))
    assert all(s.penalties == () for s in scorecard.scores())
    [context] = [r.text for r in scorecard.commitment("TIR-2").rules if r.code == "figure-context"]
    expected = {0: "unknown (not reported)", 1: "none reported", 2: "above zero, as the country reported it"}
    assert expected[len(figures) + (1 if figures.get("immediate-deportations") else 0)] in context
    assert "3" not in context  # a count of victims is never in a public explanation


def test_a_finding_counts_even_when_the_commitment_is_not_reported():
    """Otherwise leaving TIR-2 unreported would escape the penalty: silence would pay."""
    scorecard = card(EntryFacts("TIR-1", "in-progress", evidence_count=1), findings=(FINDING,))
    assert scorecard.commitment("TIR-2").state == "not-reported"
    assert tirana(scorecard).penalties == ("summary-deportation",)
    # reported-only 50 − 10 = 40; conservative 3×50 ÷ 18 = 8.33 − 10 → 0
    assert (tirana(scorecard).score, tirana(scorecard).conservative) == (40.0, 0.0)


def test_carry_forward_lasts_one_cycle_and_shows_its_cycle():
    earlier = EntryFacts("TIR-1", "in-progress", evidence_count=1, cycle="2003", age=1)
    carried = card(earlier=(earlier,)).commitment("TIR-1")
    assert (carried.score, carried.carried_from, carried.evidence_cycle) == (50.0, "2003", "2003")
    stale = card(earlier=(EntryFacts("TIR-1", "in-progress", evidence_count=1, cycle="2002", age=2),))
    got = stale.commitment("TIR-1")
    assert (got.state, got.score, got.conservative) == ("not-reported", None, 0.0)
    assert codes(got) == ["carry-limit"] and "older than the 1 cycle" in got.rules[0].text


def test_every_score_shows_the_cycle_its_evidence_is_from():
    scorecard = card(
        EntryFacts("TIR-2", "in-progress", evidence_count=1),
        earlier=(EntryFacts("TIR-1", "in-progress", evidence_count=1, cycle="2003"),),
    )
    assert scorecard.commitment("TIR-2").evidence_cycle == "2004"
    assert tirana(scorecard).evidence_cycle == "2004, 2003"


def test_sensitivity_compares_equal_weights_with_the_methodology_weights():
    palermo = frozenset(c.id for c in FRAMEWORK.instrument("palermo-2000").commitments)
    facts = CountryFacts(
        "AL",
        palermo,
        (
            EntryFacts("PAL-2B", "in-progress", evidence_count=1),  # weight 3, 50
            EntryFacts("PAL-3A", "not-started"),  # weight 1, 0
        ),
        cycle="2004",
    )
    rows = {(r.level, r.subject): r for r in sensitivity(FRAMEWORK, facts)}
    row = rows[("instrument", "palermo-2000")]
    # weighted: 3×50 ÷ 4 = 37.5; equal: 50 ÷ 2 = 25
    assert (row.weighted, row.equal) == (37.5, 25.0)
    # conservative: 150 ÷ 28 = 5.36 against 50 ÷ 14 = 3.57; coverage is below 80%: no rating either way
    assert (row.weighted_conservative, row.equal_conservative) == (5.36, 3.57)
    assert (row.weighted_rating, row.equal_rating) == (None, None)
    assert ("instrument", "tirana-2002") not in rows  # not applicable: nothing to compare
