"""What the framework says of who signed what, under which name, and when: pure, no app."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tracker.framework import Framework, load_framework
from tracker.framework.schema import parse_partial_date

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = load_framework(ROOT / "commitments")
OLD = Framework.from_document(json.loads((ROOT / "tests/fixtures/framework-before-corrections.json").read_text()))


def test_the_federal_republic_of_yugoslavia_signed_and_both_successors_inherit():
    fry = next(h for h in FRAMEWORK.historical_signatories if h.id == "fry")
    assert [s.instrument for s in fry.signatures] == ["palermo-2000"]
    for code in ("RS", "ME"):
        inherited = [b for b in FRAMEWORK.bindings[code] if b.how == "inherited"]
        assert [(b.through.id, b.signature.instrument) for b in inherited] == [("fry", "palermo-2000")]
    # Serbia is not recorded as having signed in 2000 under its own name
    assert all(s.instrument != "palermo-2000" for s in FRAMEWORK.country("RS").signatures)


def test_unmik_signed_for_kosovo_and_xk_is_a_code_by_convention():
    bindings = FRAMEWORK.bindings["XK"]
    assert {b.signature.instrument for b in bindings} == {"palermo-2000", "tirana-2002"}
    assert {b.how for b in bindings} == {"for"} and {b.through.id for b in bindings} == {"unmik"}
    assert all(b.signed_as == "Kosovo" for b in bindings)
    assert "not assigned by ISO 3166-1" in FRAMEWORK.country("XK").code_note


def test_a_signature_binds_only_from_its_date():
    assert FRAMEWORK.signed_instruments("RS", dt.date(2000, 12, 12)) == ()
    assert [i.id for i in FRAMEWORK.signed_instruments("RS", dt.date(2001, 12, 31))] == ["palermo-2000"]


def test_instruments_with_unknown_or_programme_signatories_bind_nobody():
    for instrument_id in ("zagreb-2001", "action-plan-2001"):
        assert FRAMEWORK.bound_countries(instrument_id) == ()
        assert FRAMEWORK.signatories(instrument_id) == ()
    assert FRAMEWORK.instrument("zagreb-2001").signatories.status == "not-established"
    assert FRAMEWORK.instrument("action-plan-2001").signatories.status == "programme"


def test_an_uncertain_date_is_kept_with_its_reason():
    zagreb = FRAMEWORK.instrument("zagreb-2001")
    assert zagreb.date_status == "uncertain" and zagreb.adopted == "2001"
    assert "not established" in zagreb.date_note
    assert zagreb.adopted_on == parse_partial_date("2001")


@pytest.mark.parametrize(
    ("code", "on", "label"),
    [
        ("MK", dt.date(2003, 12, 31), "Republic of Macedonia (today North Macedonia)"),
        ("MK", dt.date(2019, 2, 12), "North Macedonia"),
        ("RS", dt.date(2002, 12, 31), "Serbia (then part of the Federal Republic of Yugoslavia)"),
        ("RS", dt.date(2004, 12, 31), "Serbia (then part of Serbia and Montenegro)"),
        ("RS", dt.date(2007, 12, 31), "Serbia"),
        ("ME", dt.date(2004, 12, 31), "Montenegro (then part of Serbia and Montenegro)"),
        ("TR", dt.date(2004, 12, 31), "Turkey (today Türkiye)"),
        ("TR", dt.date(2023, 1, 1), "Türkiye"),
        ("AL", dt.date(2003, 12, 31), "Albania"),
    ],
)
def test_a_country_is_named_as_it_was_then_with_todays_name_beside_it(code, on, label):
    assert FRAMEWORK.country_label(code, on) == label


def test_the_instruments_own_reference_to_macedonia_is_kept_as_a_reference():
    former = FRAMEWORK.country("MK").names[0]
    assert former.reference == "the former Yugoslav Republic of Macedonia"
    assert "not an official name" in former.note


def test_primary_areas_partition_the_commitments():
    counted = [c.id for members in FRAMEWORK.commitments_by_focus_area.values() for c in members]
    assert sorted(counted) == sorted(c.id for c in FRAMEWORK.commitments)
    for commitment in FRAMEWORK.commitments:
        assert commitment.primary_focus_area in commitment.focus_areas
        assert commitment.primary_focus_area not in commitment.secondary_focus_areas


def test_a_version_stored_before_primary_areas_keeps_counting_as_it_was_scored():
    # the old document has no primary areas: each commitment still counts in every area it lists
    law_enforcement = [c.id for c in OLD.commitments_by_focus_area["law-enforcement-cooperation"]]
    assert len(law_enforcement) == 10 and "PAL-4" in law_enforcement
    assert OLD.historical_signatories == () and OLD.crosswalk is None
    assert [i.id for i in OLD.signed_instruments("RS")] == ["palermo-2000", "action-plan-2001", "tirana-2002"]
    assert OLD.minimum_area_commitments == 3


def test_the_crosswalk_says_it_is_interpretive_and_who_made_it():
    assert FRAMEWORK.crosswalk is not None
    assert "interpretive" in FRAMEWORK.crosswalk.description
    assert "project" in FRAMEWORK.crosswalk.made_by
    assert FRAMEWORK.minimum_area_commitments == 3


def test_every_passage_says_where_its_words_come_from():
    for commitment in FRAMEWORK.commitments:
        assert commitment.passage_from in {"instrument", "summary"}
        assert commitment.nature is not None
    assert {c.passage_from for c in FRAMEWORK.instrument("tirana-2002").commitments} == {"summary"}
    assert {c.passage_from for c in FRAMEWORK.instrument("palermo-2000").commitments} == {"instrument"}
