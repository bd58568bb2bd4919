"""Peer groups: countries are set side by side only when the same commitments apply to them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracker.scoring.comparability import group_of, peer_groups

INSTRUMENT_OF = {"P1": "palermo", "P2": "palermo", "T1": "tirana", "T2": "tirana", "Z1": "zagreb"}
NAMES = {"palermo": "Palermo Protocol", "tirana": "Tirana Statement", "zagreb": "Zagreb Declaration"}


def test_countries_with_the_same_commitments_share_a_group_and_others_do_not():
    applicable = {
        "AL": ["P1", "P2", "T1", "T2"],
        "BA": ["T1", "T2", "P1", "P2"],  # the same set in another order
        "HR": ["P1", "P2"],
        "XK": [],
    }
    groups = peer_groups(applicable, INSTRUMENT_OF, NAMES)
    assert [g.members for g in groups] == [("AL", "BA"), ("HR",)]
    first, second = groups
    assert (first.mark, first.key) == ("A", "palermo+tirana")
    assert first.label == "Scored on 4 commitments: Palermo Protocol, Tirana Statement"
    assert (second.mark, second.key, second.label) == ("B", "palermo", "Scored on 2 commitments: Palermo Protocol")
    assert "XK" not in group_of(groups)  # nothing applies: nothing to compare


def test_within_a_focus_area_only_its_commitments_count():
    applicable = {"AL": ["P1", "T1"], "HR": ["P1"], "RS": ["P1", "Z1"]}
    overall = group_of(peer_groups(applicable, INSTRUMENT_OF, NAMES))
    assert len({overall[c].key for c in applicable}) == 3
    area = group_of(peer_groups(applicable, INSTRUMENT_OF, NAMES, within={"P1", "P2"}))
    assert {area[c].key for c in applicable} == {"palermo"}  # comparable in this area although not overall


def test_larger_groups_come_first_then_those_with_more_commitments():
    applicable = {"AL": ["P1"], "BA": ["P1", "T1"], "HR": ["P1", "T1"], "ME": ["Z1", "T1", "P1"]}
    assert [g.members for g in peer_groups(applicable, INSTRUMENT_OF)] == [("BA", "HR"), ("ME",), ("AL",)]


def test_two_sets_over_the_same_instruments_get_different_keys():
    groups = peer_groups({"AL": ["P1"], "HR": ["P2"]}, INSTRUMENT_OF)
    assert len({g.key for g in groups}) == 2


def test_marks_run_past_z():
    applicable = {f"C{n}": [f"X{n}"] for n in range(28)}
    marks = [g.mark for g in peer_groups(applicable, {})]
    assert marks[:2] == ["A", "B"] and marks[25:] == ["Z", "AA", "AB"]


sets = st.dictionaries(
    st.sampled_from(["AL", "BA", "HR", "ME", "MK", "RS", "XK", "RO", "BG", "MD"]),
    st.frozensets(st.sampled_from(sorted(INSTRUMENT_OF)), max_size=5),
    min_size=1,
)


@given(sets)
def test_same_group_if_and_only_if_the_applicable_sets_are_equal(applicable):
    groups = peer_groups(applicable, INSTRUMENT_OF, NAMES)
    found = group_of(groups)
    assert set(found) == {code for code, chosen in applicable.items() if chosen}  # everyone with a score, once
    assert sum(len(g.members) for g in groups) == len(found)
    for a in found:
        for b in found:
            assert (found[a] is found[b]) == (applicable[a] == applicable[b])
            assert (found[a].key == found[b].key) == (applicable[a] == applicable[b])
    for group in groups:
        assert all(frozenset(applicable[code]) == group.commitments for code in group.members)


@given(sets, st.frozensets(st.sampled_from(sorted(INSTRUMENT_OF))))
def test_within_an_area_same_group_iff_the_sets_agree_there(applicable, area):
    found = group_of(peer_groups(applicable, INSTRUMENT_OF, within=area))
    for a in found:
        for b in found:
            assert (found[a] is found[b]) == (applicable[a] & area == applicable[b] & area)
