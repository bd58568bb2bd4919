"""Property tests of the pure scoring engine, on facts generated for the real framework."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.framework import load_framework
from tracker.scoring import BASES, CountryFacts, EntryFacts, Scorecard, score_country

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = load_framework(ROOT / "commitments")
METHOD = FRAMEWORK.methodology
LEVELS = [level.id for level in METHOD.status_levels]
BANDS = [band.id for band in METHOD.rating_bands]
NEGATIVE = METHOD.negative_indicators[0]  # summary-deportation, on TIR-2
COMMITMENT_IDS = [c.id for c in FRAMEWORK.commitments]
assert (NEGATIVE.commitment, NEGATIVE.indicator) == ("TIR-2", "immediate-deportations")

# database=None: no .hypothesis directory is written into the project. 100 examples per property
# keep the module at about ten seconds (200 take about twenty: scoring a full card twice, on both
# bases, and generating it cost about as much as each other).
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _entry_facts(commitment_id: str, earlier: bool) -> st.SearchStrategy[EntryFacts]:
    # a current entry may now and then have been saved without a status: the engine treats it as no entry
    status = st.sampled_from(LEVELS) if earlier else st.sampled_from([*LEVELS, None])
    figures = (
        st.sampled_from([{}, *({NEGATIVE.indicator: n} for n in range(6))])
        if commitment_id == NEGATIVE.commitment
        else st.just({})
    )
    return st.builds(
        EntryFacts,
        st.just(commitment_id),
        status,
        reported_status=st.sampled_from([*LEVELS, None]),
        evidence_count=st.integers(0, 2),
        figures=figures,
        # distinct per commitment and per cycle, without spending a draw on it
        entry_id=st.just(COMMITMENT_IDS.index(commitment_id) + (100 if earlier else 1)),
        cycle=st.sampled_from(["2001", "2002", "2003"]) if earlier else st.none(),
    )


# built once: building strategies inside every example is what makes generation slow
ENTRY = {c: _entry_facts(c, earlier=False) for c in COMMITMENT_IDS}
EARLIER = {c: _entry_facts(c, earlier=True) for c in COMMITMENT_IDS}
SIGNED = st.sampled_from(
    [
        frozenset(i.id for k, i in enumerate(FRAMEWORK.instruments) if mask >> k & 1)
        for mask in range(2 ** len(FRAMEWORK.instruments))
    ]
)


@functools.cache
def _some_of(candidates: tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    """Any number of the candidates, every size as likely: nearly empty and nearly full cards both turn up."""
    return st.tuples(st.permutations(candidates), st.integers(0, len(candidates))).map(
        lambda drawn: frozenset(drawn[0][: drawn[1]])
    )


@st.composite
def country_facts(draw: st.DrawFn, applicable_only: bool = False) -> CountryFacts:
    """A country that signed a random subset of the instruments; entries for any commitment, or
    (``applicable_only``) only for those that apply; earlier entries likewise."""
    signed = draw(SIGNED)
    applicable = frozenset(c.id for i in FRAMEWORK.instruments if i.id in signed for c in i.commitments)
    candidates = tuple(c for c in COMMITMENT_IDS if not applicable_only or c in applicable)
    entries: tuple[EntryFacts, ...] = ()
    earlier: tuple[EntryFacts, ...] = ()
    if candidates:
        current_ids = draw(_some_of(candidates))
        earlier_ids = draw(_some_of(candidates))
        # in framework order here; the permutation property shuffles them
        entries = tuple(draw(ENTRY[c]) for c in candidates if c in current_ids)
        earlier = tuple(draw(EARLIER[c]) for c in candidates if c in earlier_ids)
    return CountryFacts("AL", applicable, entries, earlier)


def raised(entry: EntryFacts) -> EntryFacts:
    return dataclasses.replace(entry, status=LEVELS[LEVELS.index(entry.status) + 1])


def raisable(entry: EntryFacts) -> bool:
    return entry.status is not None and entry.status != LEVELS[-1]


def cards(facts: CountryFacts) -> list[Scorecard]:
    return [score_country(FRAMEWORK, facts, basis) for basis in BASES]


# ----------------------------------------------------------------------------- properties
@PROPERTY
@given(country_facts())
def test_every_score_is_none_or_within_0_to_100(facts):
    for scorecard in cards(facts):
        for score in scorecard.scores():
            if score.state == "scored":
                assert score.score is not None and 0 <= score.score <= 100, score
                assert score.rating in BANDS
            else:
                assert score.score is None and score.rating is None, score


@PROPERTY
@given(country_facts(), st.data())
def test_raising_one_status_by_one_level_never_lowers_a_score(facts, data):
    candidates = [("entries", i) for i, e in enumerate(facts.entries) if raisable(e)]
    candidates += [("earlier", i) for i, e in enumerate(facts.earlier) if raisable(e)]
    if not candidates:
        return
    where, index = data.draw(st.sampled_from(candidates))
    items = list(getattr(facts, where))
    items[index] = raised(items[index])
    better = dataclasses.replace(facts, **{where: tuple(items)})
    for before, after in zip(cards(facts), cards(better), strict=True):
        for old, new in zip(before.scores(), after.scores(), strict=True):
            assert (old.level, old.subject) == (new.level, new.subject)
            if old.score is None:
                continue  # None may stay None or become a number
            assert new.score is not None and new.score >= old.score, (old, new)
            assert BANDS.index(new.rating) >= BANDS.index(old.rating), (old, new)


@PROPERTY
@given(country_facts(applicable_only=True), st.data())
def test_entries_for_commitments_that_do_not_apply_change_nothing(facts, data):
    excluded = [c.id for c in FRAMEWORK.commitments if c.id not in facts.applicable]
    if not excluded:
        return
    extra = data.draw(st.lists(st.sampled_from(excluded), unique=True, min_size=1))
    extra_earlier = data.draw(st.lists(st.sampled_from(excluded), unique=True))
    more = dataclasses.replace(
        facts,
        entries=facts.entries + tuple(data.draw(ENTRY[c]) for c in extra),
        earlier=facts.earlier + tuple(data.draw(EARLIER[c]) for c in extra_earlier),
    )
    for before, after in zip(cards(facts), cards(more), strict=True):
        assert [s.score for s in before.scores()] == [s.score for s in after.scores()]
        assert before == after


@PROPERTY
@given(country_facts(), st.randoms(use_true_random=False))
def test_order_of_the_facts_does_not_matter(facts, rnd):
    entries, earlier = list(facts.entries), list(facts.earlier)
    rnd.shuffle(entries)
    rnd.shuffle(earlier)
    shuffled = dataclasses.replace(facts, entries=tuple(entries), earlier=tuple(earlier))
    assert cards(facts) == cards(shuffled)


@PROPERTY
@given(country_facts())
def test_rating_is_the_highest_band_reached_unless_a_penalty_caps_it(facts):
    for scorecard in cards(facts):
        for score in scorecard.scores():
            if score.score is None:
                continue
            band = [b.id for b in METHOD.rating_bands if b.min <= score.score][-1]
            if not score.penalties:
                assert score.rating == band, score
            else:
                cap = min(BANDS.index(NEGATIVE.rating_cap), BANDS.index(band))
                assert score.rating == BANDS[cap], score
