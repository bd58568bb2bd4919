"""Property tests of the pure scoring engine, on facts generated for the real framework (method 2).

Method 2 changed what some properties say: a rating may be withheld ("insufficient reporting"),
the band is read from the conservative form, and evidence kinds, carried ages and findings are
generated too. The properties the issue asks for are at the end: silence never pays, an unknown
figure never triggers or avoids a penalty, planned adds nothing, carry-forward stops at its limit.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.framework import load_framework
from tracker.scoring import BASES, CountryFacts, EntryFacts, FindingFacts, Scorecard, score_country

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = load_framework(ROOT / "commitments")
METHOD = FRAMEWORK.methodology
LEVELS = [level.id for level in METHOD.status_levels]
BANDS = [band.id for band in METHOD.rating_bands]
NEGATIVE = METHOD.negative_indicators[0]  # summary-deportation, on TIR-2
COMMITMENT_IDS = [c.id for c in FRAMEWORK.commitments]
KINDS = [k.id for k in METHOD.evidence.kinds]
LIMIT = METHOD.carry_forward.max_cycles
assert (NEGATIVE.commitment, NEGATIVE.indicator, NEGATIVE.trigger) == ("TIR-2", "immediate-deportations", "finding")
assert METHOD.coverage is not None and METHOD.coverage.rating_from == "conservative" and LIMIT == 1
FINDING = FindingFacts(NEGATIVE.id, "A documented case", "p. 4", "an NGO", finding_id=1)

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
        evidence_kinds=st.frozensets(st.sampled_from(KINDS)),
        age=st.integers(1, 3) if earlier else st.just(1),
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
    findings = (FINDING,) if draw(st.booleans()) else ()
    return CountryFacts("AL", applicable, entries, earlier, findings, cycle="2004")


def raised(entry: EntryFacts) -> EntryFacts:
    return dataclasses.replace(entry, status=LEVELS[LEVELS.index(entry.status) + 1])


def raisable(entry: EntryFacts) -> bool:
    return entry.status is not None and entry.status != LEVELS[-1]


def cards(facts: CountryFacts) -> list[Scorecard]:
    return [score_country(FRAMEWORK, facts, basis) for basis in BASES]


# ----------------------------------------------------------------------------- properties
def rank(rating: str | None) -> int:
    """A withheld rating ("insufficient reporting") ranks below every band."""
    return -1 if rating is None else BANDS.index(rating)


@PROPERTY
@given(country_facts())
def test_every_score_is_none_or_within_0_to_100(facts):
    for scorecard in cards(facts):
        for score in scorecard.scores():
            if score.state == "scored":
                assert score.score is not None and 0 <= score.score <= 100, score
                assert 0 <= score.conservative <= score.score, score
                assert 0 < score.coverage <= 100, score
                assert score.rating in BANDS or (score.rating is None and score.coverage < METHOD.coverage.threshold)
            else:
                assert score.score is None and score.rating is None, score
            if score.state == "not-reported":
                assert score.conservative == 0 and score.coverage == 0, score
            if score.state == "not-applicable":
                assert score.conservative is None and score.coverage is None, score


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
            if old.conservative is not None:
                assert new.conservative >= old.conservative, (old, new)
            if old.score is None:
                continue  # None may stay None or become a number
            assert new.score is not None and new.score >= old.score, (old, new)
            assert new.coverage == old.coverage and rank(new.rating) >= rank(old.rating), (old, new)


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
def test_rating_is_the_highest_band_the_conservative_form_reaches_unless_capped_or_withheld(facts):
    for scorecard in cards(facts):
        for score in scorecard.scores():
            if score.score is None:
                continue
            if score.coverage < METHOD.coverage.threshold:
                assert score.rating is None and score.insufficient, score
                continue
            band = [b.id for b in METHOD.rating_bands if b.min <= score.conservative][-1]
            if not score.penalties:
                assert score.rating == band, score
            else:
                cap = min(BANDS.index(NEGATIVE.rating_cap), BANDS.index(band))
                assert score.rating == BANDS[cap], score


def comparable(scorecard: Scorecard) -> list[tuple]:
    """Everything a score says except the wording of its explanation."""
    return [
        (s.level, s.subject, s.state, s.score, s.conservative, s.coverage, s.rating, s.status, s.penalties)
        for s in scorecard.scores()
    ]


@PROPERTY
@given(country_facts(), st.data())
def test_silence_never_pays(facts, data):
    """Turning any reported commitment into "not reported" never raises a conservative score or a rating."""
    reported = [e.commitment_id for e in facts.entries if e.status is not None and e.commitment_id in facts.applicable]
    carried = [e.commitment_id for e in facts.earlier if e.commitment_id in facts.applicable]
    if not reported + carried:
        return
    silent = data.draw(st.sampled_from(reported + carried))
    quieter = dataclasses.replace(
        facts,
        entries=tuple(e for e in facts.entries if e.commitment_id != silent),
        earlier=tuple(e for e in facts.earlier if e.commitment_id != silent),
    )
    for before, after in zip(cards(facts), cards(quieter), strict=True):
        assert after.commitment(silent).state == "not-reported"
        for old, new in zip(before.scores(), after.scores(), strict=True):
            if old.conservative is None:
                continue
            assert new.conservative <= old.conservative, (silent, old, new)
            assert rank(new.rating) <= rank(old.rating) or old.state != "scored", (silent, old, new)


@PROPERTY
@given(country_facts(), st.sampled_from([None, 0, 1, 7]), st.sampled_from([None, 0, 1, 7]))
def test_an_unknown_figure_never_triggers_or_avoids_a_penalty(facts, first, second):
    """The self-reported figure (absent, zero or above) changes no score, penalty or rating: only findings do."""

    def with_figure(value: int | None) -> CountryFacts:
        figures = {} if value is None else {NEGATIVE.indicator: value}
        entries = tuple(e for e in facts.entries if e.commitment_id != NEGATIVE.commitment)
        tir2 = EntryFacts(NEGATIVE.commitment, "in-progress", evidence_count=1, figures=figures)
        return dataclasses.replace(facts, entries=(*entries, tir2))

    for a, b in zip(cards(with_figure(first)), cards(with_figure(second)), strict=True):
        assert comparable(a) == comparable(b)
    # and the penalty follows the finding alone, wherever TIR-2 applies
    for scorecard in cards(dataclasses.replace(with_figure(first), findings=(FINDING,))):
        fired = NEGATIVE.commitment in facts.applicable
        assert (scorecard.overall.penalties == (NEGATIVE.id,)) == fired


@PROPERTY
@given(country_facts(), st.data())
def test_planned_adds_nothing(facts, data):
    """An entry "planned" scores exactly as "not started": same scores, forms, coverage and ratings."""
    if not facts.entries:
        return
    index = data.draw(st.integers(0, len(facts.entries) - 1))

    def as_status(status: str) -> CountryFacts:
        entries = list(facts.entries)
        entries[index] = dataclasses.replace(entries[index], status=status)
        return dataclasses.replace(facts, entries=tuple(entries))

    for planned, not_started in zip(cards(as_status("planned")), cards(as_status("not-started")), strict=True):
        assert [row[:7] for row in comparable(planned)] == [row[:7] for row in comparable(not_started)]


@PROPERTY
@given(country_facts(), st.data())
def test_carry_forward_stops_after_its_limit(facts, data):
    """An accepted status older than the limit counts for nothing: as if it had never been given."""
    candidates = [e for e in facts.earlier if e.commitment_id in facts.applicable and e.status is not None]
    if not candidates:
        return
    chosen = data.draw(st.sampled_from(candidates))
    without = dataclasses.replace(
        facts,
        entries=tuple(e for e in facts.entries if e.commitment_id != chosen.commitment_id),
        earlier=tuple(e for e in facts.earlier if e.commitment_id != chosen.commitment_id),
    )

    def aged(age: int) -> CountryFacts:
        return dataclasses.replace(without, earlier=(*without.earlier, dataclasses.replace(chosen, age=age)))

    for stale, never in zip(cards(aged(LIMIT + data.draw(st.integers(1, 3)))), cards(without), strict=True):
        assert comparable(stale) == comparable(never)
        assert "carry-limit" in [r.code for r in stale.commitment(chosen.commitment_id).rules]
    for fresh in cards(aged(LIMIT)):
        assert fresh.commitment(chosen.commitment_id).carried_from == chosen.cycle
