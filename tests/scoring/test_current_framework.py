"""The engine on the current framework: what applies to whom, and area scores that count each
commitment once. Pure: no app, no database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.framework import load_framework
from tracker.scoring import CountryFacts, EntryFacts, score_country

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = load_framework(ROOT / "commitments")
END_2003 = dt.date(2003, 12, 31)


def scorecard(code: str, status: str = "in-progress", on: dt.date = END_2003):
    applicable = frozenset(c.id for c in FRAMEWORK.applicable_commitments(code, on))
    entries = tuple(EntryFacts(c, status, reported_status=status, evidence_count=1) for c in sorted(applicable))
    return score_country(FRAMEWORK, CountryFacts(code, applicable, entries), "verified")


@pytest.mark.parametrize("code", [c.code for c in FRAMEWORK.countries])
def test_the_zagreb_instrument_applies_to_no_country_and_says_why(code):
    card = scorecard(code)
    zagreb = FRAMEWORK.instrument("zagreb-2001")
    for commitment in zagreb.commitments:
        score = card.commitment(commitment.id)
        assert score.state == "not-applicable" and score.score is None
        assert [r.code for r in score.rules] == ["signatories-not-established"]
        assert "applies to no country" in score.rules[0].text
    instrument = next(s for s in card.instruments if s.subject == "zagreb-2001")
    assert instrument.state == "not-applicable"


@pytest.mark.parametrize("code", [c.code for c in FRAMEWORK.countries])
def test_the_action_plan_is_outside_every_government_score(code):
    card = scorecard(code)
    for commitment in FRAMEWORK.instrument("action-plan-2001").commitments:
        score = card.commitment(commitment.id)
        assert score.state == "not-applicable"
        assert [r.code for r in score.rules] == ["regional-programme"]
        assert commitment.id not in card.overall.counted


def test_a_country_that_did_not_sign_is_told_so_not_that_signatories_are_unknown():
    card = scorecard("HU")  # Hungary: the Tirana Statement only
    assert [r.code for r in card.commitment("PAL-2A").rules] == ["not-applicable"]
    assert "had not signed the Palermo Declaration" in card.commitment("PAL-2A").rules[0].text


def test_no_commitment_counts_twice_in_the_area_scores():
    card = scorecard("AL")
    counted = [c for area in card.focus_areas for c in area.counted]
    assert sorted(counted) == sorted(card.overall.counted)
    assert len(counted) == len(set(counted))


def test_every_commitment_counts_in_its_primary_area_only():
    card = scorecard("AL")
    for area in card.focus_areas:
        for commitment_id in area.counted:
            assert FRAMEWORK.commitment(commitment_id).primary_focus_area == area.subject


def test_co_ordination_and_reporting_have_an_area_of_their_own():
    area = next(a for a in scorecard("AL").focus_areas if a.subject == "coordination-monitoring")
    assert set(area.counted) == {"PAL-4", "PAL-5A", "PAL-5B", "PAL-5C", "PAL-7"}
    assert FRAMEWORK.focus_area("coordination-monitoring").origin == "project"
    law_enforcement = next(a for a in scorecard("AL").focus_areas if a.subject == "law-enforcement-cooperation")
    assert set(law_enforcement.counted) == {"PAL-2E", "PAL-3C", "TIR-6"}


def test_successors_are_scored_on_what_their_predecessor_signed():
    # Serbia did not sign the Palermo Declaration itself: the Federal Republic of Yugoslavia did
    assert "PAL-2A" in scorecard("RS").overall.counted
    assert "PAL-2A" in scorecard("XK").overall.counted  # UNMIK signed for Kosovo
    assert "PAL-2A" not in scorecard("HU").overall.counted
