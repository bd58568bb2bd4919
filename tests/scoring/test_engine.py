"""Unit tests of the pure scoring engine under the FIRST method (method 1), on a frozen framework version.

The worked examples are worked on the version stored before the corrections of the framework and
before method 2 (the document a database keeps for its old cycles, tests/fixtures/): every cycle
pinned to it must go on scoring exactly so. Method 2's own tests are in ``test_method.py``; the
current framework's applicability in ``test_current_framework.py``.
No Flask app and no database: the engine gets the framework and plain facts, nothing else.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.framework import Framework
from tracker.scoring import CountryFacts, EntryFacts, Score, Scorecard, ScoringError, rating_for, score_country

from .legacy import stored_before_method_2

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = Framework.from_document(json.loads((ROOT / "tests/fixtures/framework-before-corrections.json").read_text()))

AL_APPLICABLE = frozenset(c.id for c in FRAMEWORK.applicable_commitments("AL"))
PALERMO = frozenset(c.id for c in FRAMEWORK.instrument("palermo-2000").commitments)


# ----------------------------------------------------------------------------- helpers
def card(
    *entries: EntryFacts,
    earlier: tuple[EntryFacts, ...] = (),
    applicable: frozenset[str] = AL_APPLICABLE,
    basis: str = "verified",
    framework: Framework = FRAMEWORK,
) -> Scorecard:
    facts = CountryFacts(country="AL", applicable=applicable, entries=tuple(entries), earlier=earlier)
    return score_country(framework, facts, basis)


def instrument(scorecard: Scorecard, instrument_id: str) -> Score:
    return next(s for s in scorecard.instruments if s.subject == instrument_id)


def area(scorecard: Scorecard, focus_area_id: str) -> Score:
    return next(s for s in scorecard.focus_areas if s.subject == focus_area_id)


def codes(score: Score) -> list[str]:
    return [rule.code for rule in score.rules]


def entry(commitment_id: str, status: str | None, evidence: int = 1, **kwargs) -> EntryFacts:
    return EntryFacts(commitment_id, status, evidence_count=evidence, **kwargs)


# ----------------------------------------------------------------------------- purity
def test_scoring_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, tracker.scoring;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', 'werkzeug'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- old documents
def test_a_document_stored_before_method_2_loads_as_method_1():
    """Old versions in the database lack every method-2 field: the defaults are method 1."""
    old = Framework.from_document(stored_before_method_2(FRAMEWORK))
    assert old.methodology == FRAMEWORK.methodology
    method = old.methodology
    assert method.version == "1" and method.coverage is None and method.carry_forward.max_cycles is None
    assert all(level.counts for level in method.status_levels)
    assert method.evidence.requirements == () and {n.trigger for n in method.negative_indicators} == {"figure"}
    assert card(*WORKED_ENTRIES, framework=old) == card(*WORKED_ENTRIES)


# ----------------------------------------------------------------------------- worked example
def test_the_framework_matches_what_the_worked_example_assumes():
    """If the YAML changes, the hand arithmetic below must be redone: fail here, plainly."""
    weights = {c: FRAMEWORK.commitment(c).weight for c in ("TIR-1", "TIR-2", "MAP-1", "PAL-2A", "PAL-2C", "PAL-3A")}
    assert weights == {"TIR-1": 3, "TIR-2": 3, "MAP-1": 2, "PAL-2A": 2, "PAL-2C": 3, "PAL-3A": 1}
    levels = [(level.id, level.points) for level in FRAMEWORK.methodology.status_levels]
    assert levels == [
        ("not-started", 0),
        ("planned", 1),
        ("in-progress", 2),
        ("substantially-implemented", 3),
        ("fully-implemented", 4),
    ]
    assert [(b.id, b.min) for b in FRAMEWORK.methodology.rating_bands] == [
        ("minimal", 0),
        ("limited", 20),
        ("partial", 40),
        ("substantial", 60),
        ("advanced", 80),
    ]
    assert len(AL_APPLICABLE) == 25  # AL signed all three instruments: 14 + 5 + 6 commitments
    victim_protection = [c.id for c in FRAMEWORK.commitments_by_focus_area["victim-protection"]]
    assert len(victim_protection) == 12 and {"TIR-1", "TIR-2", "MAP-1"} <= set(victim_protection)
    assert "PAL-2A" not in victim_protection and "PAL-2C" not in victim_protection


WORKED_ENTRIES = (
    # verified lower than reported, with evidence: 3 of 4 points = 75, weight 3
    EntryFacts("TIR-1", "substantially-implemented", reported_status="fully-implemented", evidence_count=1),
    # 2 of 4 = 50, weight 3
    EntryFacts("TIR-2", "in-progress", reported_status="in-progress", evidence_count=2),
    # above "planned" without evidence: counts as planned, 1 of 4 = 25, weight 2
    EntryFacts("MAP-1", "in-progress", reported_status="in-progress", evidence_count=0),
    # 4 of 4 = 100, weight 2
    EntryFacts("PAL-2A", "fully-implemented", reported_status="fully-implemented", evidence_count=1),
    # not started: 0, weight 3 (counted as zero, unlike "not reported")
    EntryFacts("PAL-2C", "not-started", reported_status="not-started", evidence_count=0),
    # 2 of 4 = 50, weight 1
    EntryFacts("PAL-3A", "in-progress", reported_status="in-progress", evidence_count=1),
)


def test_worked_example_commitments():
    scorecard = card(*WORKED_ENTRIES)
    expected = {
        "TIR-1": (75.0, "substantial", "substantially-implemented"),
        "TIR-2": (50.0, "partial", "in-progress"),
        "MAP-1": (25.0, "limited", "planned"),  # capped
        "PAL-2A": (100.0, "advanced", "fully-implemented"),
        "PAL-2C": (0.0, "minimal", "not-started"),
        "PAL-3A": (50.0, "partial", "in-progress"),
    }
    for commitment_id, (score, rating, status) in expected.items():
        got = scorecard.commitment(commitment_id)
        assert (got.state, got.score, got.rating, got.status) == ("scored", score, rating, status), commitment_id
    # the 19 other applicable commitments have no entry
    unreported = [s for s in scorecard.commitments if s.subject not in expected]
    assert len(unreported) == 19
    assert all(s.state == "not-reported" and s.score is None and s.rating is None for s in unreported)


def test_worked_example_focus_area_rounds_half_up():
    scorecard = card(*WORKED_ENTRIES)
    victim_protection = area(scorecard, "victim-protection")
    # victim-protection scored members: TIR-1 (w3, 75), TIR-2 (w3, 50), MAP-1 (w2, 25 after the cap)
    # (3×75 + 3×50 + 2×25) ÷ (3 + 3 + 2) = (225 + 150 + 50) ÷ 8 = 425 ÷ 8 = 53.125 → 53.13 (half up;
    # Python's round(53.125, 2) would give 53.12)
    assert victim_protection.score == 53.13
    assert victim_protection.rating == "partial"  # 40 ≤ 53.13 < 60
    assert victim_protection.weight == 8
    assert set(victim_protection.counted) == {"TIR-1", "TIR-2", "MAP-1"}
    assert (victim_protection.reported, victim_protection.applicable) == (3, 12)
    # the other areas: prevention = PAL-2A alone = 100; legislative-reform = PAL-2C alone = 0;
    # return-reintegration = TIR-2 alone (MAP-4 unreported) = 50; awareness-raising = PAL-3A = 50
    assert (area(scorecard, "prevention").score, area(scorecard, "prevention").rating) == (100.0, "advanced")
    assert (area(scorecard, "legislative-reform").score, area(scorecard, "legislative-reform").rating) == (
        0.0,
        "minimal",
    )
    assert area(scorecard, "return-reintegration").score == 50.0
    assert area(scorecard, "awareness-raising").score == 50.0
    # no entry for any of their commitments
    for empty in ("training-exchange", "law-enforcement-cooperation"):
        got = area(scorecard, empty)
        assert (got.state, got.score, got.rating, got.reported) == ("not-reported", None, None, 0)


def test_worked_example_instruments_and_overall():
    scorecard = card(*WORKED_ENTRIES)
    # Tirana: TIR-1 (w3, 75), TIR-2 (w3, 50): (225 + 150) ÷ 6 = 375 ÷ 6 = 62.5 → substantial
    tirana = instrument(scorecard, "tirana-2002")
    assert (tirana.score, tirana.rating, tirana.weight) == (62.5, "substantial", 6)
    assert (tirana.reported, tirana.applicable) == (2, 6)
    # Palermo: PAL-2A (w2, 100), PAL-2C (w3, 0), PAL-3A (w1, 50): (200 + 0 + 50) ÷ 6 = 41.666… → 41.67
    palermo = instrument(scorecard, "palermo-2000")
    assert (palermo.score, palermo.rating, palermo.weight) == (41.67, "partial", 6)
    assert (palermo.reported, palermo.applicable) == (3, 14)
    # Action plan: MAP-1 (w2, 25) alone → 25 → limited
    action_plan = instrument(scorecard, "action-plan-2001")
    assert (action_plan.score, action_plan.rating) == (25.0, "limited")
    assert (action_plan.reported, action_plan.applicable) == (1, 5)
    # Overall: (225 + 150 + 50 + 200 + 0 + 50) ÷ (3 + 3 + 2 + 2 + 3 + 1) = 675 ÷ 14 = 48.2142… → 48.21
    overall = scorecard.overall
    assert (overall.level, overall.subject) == ("overall", "")
    assert (overall.state, overall.score, overall.rating, overall.weight) == ("scored", 48.21, "partial", 14)
    assert (overall.reported, overall.applicable) == (6, 25)
    assert overall.penalties == ()
    assert "weighted-mean" in codes(overall) and "not-reported" in codes(overall)


def test_worked_example_explains_the_mean():
    overall = card(*WORKED_ENTRIES).overall
    text = next(rule.text for rule in overall.rules if rule.code == "weighted-mean")
    assert "÷ 14 = 48.21" in text
    coverage = next(rule.text for rule in overall.rules if rule.code == "coverage")
    assert "6 of 25" in coverage


def test_rating_bands_at_their_edges():
    method = FRAMEWORK.methodology
    assert [rating_for(method, s).id for s in (0, 19.99, 20, 39.99, 40, 59.99, 60, 79.99, 80, 100)] == [
        "minimal",
        "minimal",
        "limited",
        "limited",
        "partial",
        "partial",
        "substantial",
        "substantial",
        "advanced",
        "advanced",
    ]


# ----------------------------------------------------------------------------- evidence cap
@pytest.mark.parametrize("status", ["in-progress", "substantially-implemented", "fully-implemented"])
def test_status_above_planned_without_evidence_counts_as_planned(status):
    got = card(entry("TIR-1", status, evidence=0)).commitment("TIR-1")
    assert (got.state, got.score, got.status, got.rating) == ("scored", 25.0, "planned", "limited")
    assert "evidence-cap" in codes(got)
    # the aggregate uses the capped share too: TIR-1 alone → 25
    assert instrument(card(entry("TIR-1", status, evidence=0)), "tirana-2002").score == 25.0


@pytest.mark.parametrize(
    ("status", "score"), [("in-progress", 50.0), ("substantially-implemented", 75.0), ("fully-implemented", 100.0)]
)
def test_one_item_of_evidence_counts_in_full(status, score):
    got = card(entry("TIR-1", status, evidence=1)).commitment("TIR-1")
    assert (got.score, got.status) == (score, status)
    assert "evidence-cap" not in codes(got)


@pytest.mark.parametrize(("status", "score"), [("planned", 25.0), ("not-started", 0.0)])
def test_planned_or_below_without_evidence_is_not_capped(status, score):
    got = card(entry("TIR-1", status, evidence=0)).commitment("TIR-1")
    assert (got.score, got.status) == (score, status)
    assert "evidence-cap" not in codes(got)


# ----------------------------------------------------------------------------- basis
def test_verified_basis_counts_the_assessed_status_and_says_what_was_reported():
    facts = EntryFacts("TIR-1", "in-progress", reported_status="fully-implemented", evidence_count=1, entry_id=7)
    got = card(facts, basis="verified").commitment("TIR-1")
    assert (got.score, got.status, got.reported_status, got.entry_id) == (50.0, "in-progress", "fully-implemented", 7)
    assert "verified" in codes(got) and "self-reported" not in codes(got)
    text = next(rule.text for rule in got.rules if rule.code == "verified")
    assert "In progress" in text and "Fully implemented" in text


def test_verified_basis_agreeing_with_the_report_says_so():
    facts = EntryFacts("TIR-1", "in-progress", reported_status="in-progress", evidence_count=1)
    got = card(facts, basis="verified").commitment("TIR-1")
    text = next(rule.text for rule in got.rules if rule.code == "verified")
    assert "as reported" in text


def test_self_reported_basis():
    facts = EntryFacts("TIR-1", "fully-implemented", reported_status="fully-implemented", evidence_count=1)
    scorecard = card(facts, basis="self-reported")
    got = scorecard.commitment("TIR-1")
    assert scorecard.basis == "self-reported"
    assert got.score == 100.0
    assert "self-reported" in codes(got) and "verified" not in codes(got)


# ----------------------------------------------------------------------------- not applicable
def test_commitment_outside_applicable_is_not_applicable_even_with_an_entry():
    scorecard = card(entry("TIR-1", "fully-implemented"), entry("PAL-2A", "planned"), applicable=PALERMO)
    got = scorecard.commitment("TIR-1")
    assert (got.state, got.score, got.rating, got.status) == ("not-applicable", None, None, None)
    assert codes(got) == ["not-applicable"]
    # TIR-1 counts nowhere: overall is PAL-2A alone
    assert scorecard.overall.score == 25.0
    assert (scorecard.overall.reported, scorecard.overall.applicable) == (1, 14)
    assert "TIR-1" not in scorecard.overall.counted


def test_aggregates_with_nothing_applicable_are_not_applicable():
    scorecard = card(entry("TIR-1", "fully-implemented"), entry("PAL-2A", "planned"), applicable=PALERMO)
    for got in (
        instrument(scorecard, "tirana-2002"),
        instrument(scorecard, "action-plan-2001"),
        area(scorecard, "return-reintegration"),  # MAP-4 and TIR-2 only
    ):
        assert (got.state, got.score, got.rating, got.applicable, got.reported) == ("not-applicable", None, None, 0, 0)
    # victim-protection still has PAL-2B and PAL-6: applicable but not reported
    victim_protection = area(scorecard, "victim-protection")
    assert (victim_protection.state, victim_protection.applicable) == ("not-reported", 2)


def test_nothing_applicable_at_all():
    scorecard = card(entry("TIR-1", "fully-implemented"), applicable=frozenset())
    assert all(s.state == "not-applicable" and s.score is None for s in scorecard.scores())


# ----------------------------------------------------------------------------- not reported / not started
def test_not_reported_is_left_out_but_not_started_counts_as_zero():
    unreported = card(entry("TIR-1", "fully-implemented"))
    tir3 = unreported.commitment("TIR-3")
    assert (tir3.state, tir3.score, tir3.rating, tir3.status) == ("not-reported", None, None, None)
    assert codes(tir3) == ["not-reported"]
    # Tirana: TIR-1 alone → 300 ÷ 3 = 100
    assert instrument(unreported, "tirana-2002").score == 100.0
    assert instrument(unreported, "tirana-2002").reported == 1

    not_started = card(entry("TIR-1", "fully-implemented"), entry("TIR-3", "not-started", evidence=0))
    tir3 = not_started.commitment("TIR-3")
    assert (tir3.state, tir3.score, tir3.rating, tir3.status) == ("scored", 0.0, "minimal", "not-started")
    # Tirana: (3×100 + 3×0) ÷ 6 = 50
    assert instrument(not_started, "tirana-2002").score == 50.0
    assert instrument(not_started, "tirana-2002").reported == 2


def test_entry_without_status_is_not_reported():
    got = card(entry("TIR-3", None)).commitment("TIR-3")
    assert (got.state, got.score) == ("not-reported", None)


def test_coverage_counts_on_aggregates():
    scorecard = card(entry("TIR-1", "planned", evidence=0), entry("TIR-4", "in-progress"), entry("PAL-2C", "planned"))
    assert (instrument(scorecard, "tirana-2002").reported, instrument(scorecard, "tirana-2002").applicable) == (2, 6)
    assert (instrument(scorecard, "palermo-2000").reported, instrument(scorecard, "palermo-2000").applicable) == (1, 14)
    # legislative-reform = PAL-2C, TIR-4, TIR-5: two reported
    legislative = area(scorecard, "legislative-reform")
    assert (legislative.reported, legislative.applicable) == (2, 3)
    assert legislative.counted == ("PAL-2C", "TIR-4")
    action_plan = instrument(scorecard, "action-plan-2001")
    assert (action_plan.state, action_plan.reported, action_plan.applicable) == ("not-reported", 0, 5)
    assert (scorecard.overall.reported, scorecard.overall.applicable) == (3, 25)


# ----------------------------------------------------------------------------- carry-forward
def test_carry_forward_uses_the_earlier_entry():
    earlier = EntryFacts("TIR-1", "substantially-implemented", evidence_count=1, entry_id=3, cycle="2003")
    scorecard = card(earlier=(earlier,))
    got = scorecard.commitment("TIR-1")
    assert (got.state, got.score, got.status, got.carried_from, got.entry_id) == (
        "scored",
        75.0,
        "substantially-implemented",
        "2003",
        3,
    )
    assert "carried" in codes(got)
    assert instrument(scorecard, "tirana-2002").score == 75.0
    assert scorecard.overall.reported == 1


def test_carry_forward_when_the_current_entry_has_no_status():
    earlier = EntryFacts("TIR-1", "planned", cycle="2003")
    got = card(entry("TIR-1", None), earlier=(earlier,)).commitment("TIR-1")
    assert (got.score, got.carried_from) == (25.0, "2003")


def test_carried_entry_is_still_subject_to_the_evidence_cap():
    earlier = EntryFacts("TIR-1", "fully-implemented", evidence_count=0, cycle="2003")
    got = card(earlier=(earlier,)).commitment("TIR-1")
    assert (got.score, got.status) == (25.0, "planned")
    assert "carried" in codes(got) and "evidence-cap" in codes(got)


def test_current_entry_wins_over_an_earlier_one():
    earlier = EntryFacts("TIR-1", "fully-implemented", evidence_count=1, cycle="2003", entry_id=3)
    got = card(entry("TIR-1", "planned", evidence=0, entry_id=9), earlier=(earlier,)).commitment("TIR-1")
    assert (got.score, got.status, got.carried_from, got.entry_id) == (25.0, "planned", None, 9)
    assert "carried" not in codes(got)


def test_earlier_entry_of_a_not_applicable_commitment_is_ignored():
    earlier = EntryFacts("TIR-1", "fully-implemented", evidence_count=1, cycle="2003")
    got = card(earlier=(earlier,), applicable=PALERMO).commitment("TIR-1")
    assert (got.state, got.score, got.carried_from) == ("not-applicable", None, None)


@pytest.fixture(scope="module")
def no_carry_forward() -> Framework:
    document = FRAMEWORK.to_document()
    document["methodology"]["carry_forward"]["enabled"] = False
    framework = Framework.from_document(document)
    assert framework.methodology.carry_forward.enabled is False
    return framework


def test_carry_forward_switched_off(no_carry_forward):
    earlier = EntryFacts("TIR-1", "fully-implemented", evidence_count=1, cycle="2003")
    scorecard = card(earlier=(earlier,), framework=no_carry_forward)
    got = scorecard.commitment("TIR-1")
    assert (got.state, got.score, got.carried_from) == ("not-reported", None, None)
    assert "switched off" in got.rules[0].text
    assert instrument(scorecard, "tirana-2002").state == "not-reported"
    # a current entry still counts
    current = card(entry("TIR-1", "planned"), earlier=(earlier,), framework=no_carry_forward)
    assert (current.commitment("TIR-1").score, current.commitment("TIR-1").carried_from) == (25.0, None)


# ----------------------------------------------------------------------------- negative indicator
def deportations(count: int | None) -> dict[str, int]:
    return {} if count is None else {"immediate-deportations": count}


TIR2_SCORES = [  # the scores that count TIR-2 when it is reported
    ("commitment", "TIR-2"),
    ("instrument", "tirana-2002"),
    ("focus-area", "victim-protection"),
    ("focus-area", "return-reintegration"),
    ("overall", ""),
]


def by_key(scorecard: Scorecard) -> dict[tuple[str, str], Score]:
    return {(s.level, s.subject): s for s in scorecard.scores()}


def test_negative_indicator_worked_example():
    entries = (
        entry("TIR-1", "fully-implemented"),  # w3, 100
        entry("PAL-2A", "fully-implemented"),  # w2, 100
    )
    penalised = card(*entries, entry("TIR-2", "fully-implemented", figures=deportations(3)))
    scores = by_key(penalised)
    # every score counting TIR-2 is 100 before the penalty, so 100 − 10 = 90, which would be
    # "advanced" (≥ 80) but is capped at "partial"
    for key in TIR2_SCORES:
        assert (scores[key].score, scores[key].rating, scores[key].penalties) == (
            90.0,
            "partial",
            ("summary-deportation",),
        ), key
    assert "negative" in codes(scores[("commitment", "TIR-2")])
    # scores that do not count TIR-2 are untouched
    for key in [("commitment", "TIR-1"), ("instrument", "palermo-2000"), ("focus-area", "prevention")]:
        assert (scores[key].score, scores[key].rating, scores[key].penalties) == (100.0, "advanced", ()), key


@pytest.mark.parametrize("count", [1, 3, 12])
def test_negative_indicator_explanation_never_gives_the_count(count):
    """Stored explanations are public and the figure counts victims: the rule says only "above zero"."""
    scores = by_key(card(entry("TIR-2", "fully-implemented", figures=deportations(count))))
    for key in TIR2_SCORES:
        [rule] = [r.text for r in scores[key].rules if r.code == "negative"]
        assert rule == (
            "Negative indicator “Identified victims deported at once”: Immediate deportations of identified "
            "victims reported above zero on TIR-2, so 10 points are subtracted and the rating is capped at "
            "“Partial”."
        ), key
        assert str(count) not in rule.replace("10 points", "")


def test_negative_indicator_on_a_mixed_card():
    entries = (entry("TIR-1", "fully-implemented"), entry("PAL-2A", "in-progress"))
    scores = by_key(card(*entries, entry("TIR-2", "in-progress", figures=deportations(1))))
    # TIR-2: 50 − 10 = 40 → partial
    assert (scores[("commitment", "TIR-2")].score, scores[("commitment", "TIR-2")].rating) == (40.0, "partial")
    # Tirana: (3×100 + 3×50) ÷ 6 = 75 − 10 = 65 → substantial, capped at partial
    assert (scores[("instrument", "tirana-2002")].score, scores[("instrument", "tirana-2002")].rating) == (
        65.0,
        "partial",
    )
    # overall: (300 + 150 + 2×50) ÷ 8 = 550 ÷ 8 = 68.75 − 10 = 58.75 → partial
    assert (scores[("overall", "")].score, scores[("overall", "")].rating) == (58.75, "partial")
    # return-reintegration: TIR-2 alone = 50 − 10 = 40
    assert scores[("focus-area", "return-reintegration")].score == 40.0


@pytest.mark.parametrize("status", ["planned", "in-progress", "substantially-implemented", "fully-implemented"])
@pytest.mark.parametrize("count", [1, 5])
def test_negative_indicator_subtracts_ten_from_every_score_counting_tir2(status, count):
    others = (entry("TIR-1", "substantially-implemented"), entry("MAP-4", "in-progress"), entry("PAL-2A", "planned"))
    plain = by_key(card(*others, entry("TIR-2", status)))
    penalised = by_key(card(*others, entry("TIR-2", status, figures=deportations(count))))
    for key, before in plain.items():
        after = penalised[key]
        if key in TIR2_SCORES:
            assert after.score == pytest.approx(max(0.0, before.score - 10), abs=1e-9), key
            assert after.penalties == ("summary-deportation",)
            band_order = [b.id for b in FRAMEWORK.methodology.rating_bands]
            assert band_order.index(after.rating) <= band_order.index("partial")
        else:
            assert after == before, key


@pytest.mark.parametrize("figures", [None, 0])
def test_negative_indicator_not_triggered_by_zero_or_absent_figure(figures):
    scorecard = card(entry("TIR-2", "fully-implemented", figures=deportations(figures)))
    assert all(s.penalties == () for s in scorecard.scores())
    got = scorecard.commitment("TIR-2")
    assert (got.score, got.rating) == (100.0, "advanced")
    assert "negative" not in codes(got)
    assert scorecard == card(entry("TIR-2", "fully-implemented"))


def test_negative_indicator_never_applies_where_tirana_is_not_applicable():
    ro = frozenset(c.id for c in FRAMEWORK.applicable_commitments("RO"))
    assert "TIR-2" not in ro and "PAL-2A" in ro
    entries = (entry("TIR-2", "fully-implemented", figures=deportations(3)), entry("PAL-2A", "fully-implemented"))
    scorecard = card(*entries, applicable=ro)
    assert all(s.penalties == () for s in scorecard.scores())
    assert (scorecard.overall.score, scorecard.overall.rating) == (100.0, "advanced")
    assert scorecard.commitment("TIR-2").state == "not-applicable"


def test_negative_indicator_ignores_a_carried_entry():
    earlier = EntryFacts("TIR-2", "fully-implemented", evidence_count=1, figures=deportations(3), cycle="2003")
    scorecard = card(earlier=(earlier,))
    assert scorecard.commitment("TIR-2").carried_from == "2003"
    assert all(s.penalties == () for s in scorecard.scores())
    assert scorecard.overall.score == 100.0


def test_negative_indicator_never_below_zero_and_cap_never_raises():
    # TIR-2 not started: 0 − 10 → 0
    scorecard = card(entry("TIR-2", "not-started", evidence=0, figures=deportations(5)))
    scores = by_key(scorecard)
    for key in TIR2_SCORES:
        assert (scores[key].score, scores[key].rating) == (0.0, "minimal"), key
    # overall with PAL-3A (w1, planned 25): (0 + 25) ÷ 4 = 6.25 − 10 → 0
    scorecard = card(
        entry("TIR-2", "not-started", evidence=0, figures=deportations(5)), entry("PAL-3A", "planned", evidence=0)
    )
    assert (scorecard.overall.score, scorecard.overall.rating) == (0.0, "minimal")
    # TIR-2 planned: 25 − 10 = 15 → minimal: the "partial" cap lowers a rating, never raises one
    got = card(entry("TIR-2", "planned", evidence=0, figures=deportations(1))).commitment("TIR-2")
    assert (got.score, got.rating) == (15.0, "minimal")


# ----------------------------------------------------------------------------- contradictions
def test_two_entries_for_one_commitment_raise():
    with pytest.raises(ScoringError, match="TIR-1"):
        card(entry("TIR-1", "planned"), entry("TIR-1", "in-progress"))


def test_two_earlier_entries_for_one_commitment_raise():
    with pytest.raises(ScoringError, match="TIR-1"):
        card(earlier=(EntryFacts("TIR-1", "planned", cycle="2002"), EntryFacts("TIR-1", "planned", cycle="2003")))


def test_unknown_status_raises():
    with pytest.raises(ScoringError, match="done"):
        card(entry("TIR-1", "done"))


def test_unknown_status_in_a_carried_entry_raises():
    with pytest.raises(ScoringError, match="done"):
        card(earlier=(EntryFacts("TIR-1", "done", cycle="2003"),))
