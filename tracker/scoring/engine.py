"""The scoring engine: a country's entries for one cycle become an explained scorecard.

Pure Python on purpose: it reads only the framework and the facts it is given, so the same facts
always give the same scorecard, a test can work an example by hand, and the stored scores can be
recomputed and compared at any time. Every parameter comes from ``methodology.yaml``.

Arithmetic is exact and rounded once at the end, so that no ordering of the input and no float
accident can move a score. Every share of the top points has the same denominator, so a weighted
mean is one ``Fraction`` made from integer sums (a full rescore computes hundreds of thousands).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from ..framework import Framework
from ..framework.schema import Instrument, Methodology, RatingBand

Basis = Literal["verified", "self-reported"]
BASES: tuple[Basis, ...] = ("verified", "self-reported")
State = Literal["scored", "not-applicable", "not-reported"]
Level = Literal["overall", "instrument", "focus-area", "commitment"]
DECIMALS = 2  # scores are stored and compared to this many decimals


# ----------------------------------------------------------------------------- input
@dataclass(frozen=True)
class EntryFacts:
    """What the engine needs to know of one entry.

    ``status`` is the status that counts for the basis being scored (the assessed one for a
    verified scorecard, the reported one for a self-reported one); ``reported_status`` is what the
    country said, kept for the explanation. ``cycle`` names the cycle of a carried-forward entry.
    """

    commitment_id: str
    status: str | None
    reported_status: str | None = None
    evidence_count: int = 0
    figures: Mapping[str, int] = field(default_factory=dict)
    entry_id: int | None = None
    cycle: str | None = None


@dataclass(frozen=True)
class CountryFacts:
    """One country in one cycle: what applies to it, what it reported, what it reported before.

    ``applicable`` holds the ids of the commitments of the instruments the country had signed by
    the end of the cycle. ``earlier`` holds, per commitment, the entry last accepted in an earlier
    cycle: the one carry-forward may use.
    """

    country: str
    applicable: frozenset[str]
    entries: tuple[EntryFacts, ...] = ()
    earlier: tuple[EntryFacts, ...] = ()


# ----------------------------------------------------------------------------- output
@dataclass(frozen=True)
class Rule:
    """One step of an explanation: which rule applied (``code``) and what it did, in words."""

    code: str
    text: str


@dataclass(frozen=True)
class Score:
    """A score at any level, with its rating band and the reasons for both."""

    level: Level
    subject: str  # commitment, focus-area or instrument id; "" for the overall score
    state: State
    score: float | None
    rating: str | None
    rules: tuple[Rule, ...]
    weight: int = 0  # a commitment's weight; for an aggregate, the sum of the weights counted
    counted: tuple[str, ...] = ()  # the commitments whose scores make this one
    reported: int = 0  # how many applicable commitments have a status (reported or carried)
    applicable: int = 0
    status: str | None = None  # a commitment's status as counted (after the evidence cap)
    reported_status: str | None = None
    carried_from: str | None = None
    entry_id: int | None = None
    penalties: tuple[str, ...] = ()  # ids of the negative indicators that applied


@dataclass(frozen=True)
class Scorecard:
    country: str
    basis: Basis
    overall: Score
    instruments: tuple[Score, ...]
    focus_areas: tuple[Score, ...]
    commitments: tuple[Score, ...]

    def scores(self) -> tuple[Score, ...]:
        """Every score on the card, overall first."""
        return (self.overall, *self.instruments, *self.focus_areas, *self.commitments)

    def commitment(self, commitment_id: str) -> Score:
        return next(s for s in self.commitments if s.subject == commitment_id)


# ----------------------------------------------------------------------------- engine
class ScoringError(ValueError):
    """The facts contradict themselves (two entries for one commitment, an unknown status)."""


def score_country(framework: Framework, facts: CountryFacts, basis: Basis) -> Scorecard:
    """The explained scorecard of one country for one cycle, on one basis."""
    method = framework.methodology
    points = _Points.of(method)
    current = _by_commitment(facts.entries, "entry")
    earlier = _by_commitment(facts.earlier, "earlier entry")
    negatives = _triggered_negatives(method, facts, current)
    commitments = tuple(
        _score_commitment(
            framework, points, c.id, facts.applicable, current.get(c.id), earlier.get(c.id), basis, negatives
        )
        for c in framework.commitments
    )
    by_id = {s.subject: s for s in commitments}

    def aggregate(level: Level, subject: str, ids: Iterable[str]) -> Score:
        return _aggregate(method, points, level, subject, [by_id[i] for i in ids], negatives)

    return Scorecard(
        country=facts.country,
        basis=basis,
        overall=aggregate("overall", "", by_id),
        instruments=tuple(aggregate("instrument", i.id, (c.id for c in i.commitments)) for i in framework.instruments),
        focus_areas=tuple(
            aggregate("focus-area", area, (c.id for c in members))
            for area, members in framework.commitments_by_focus_area.items()
        ),
        commitments=commitments,
    )


def rating_for(method: Methodology, score: float) -> RatingBand:
    """The highest band whose minimum the score reaches."""
    return [band for band in method.rating_bands if band.min <= score][-1]


def _by_commitment(entries: Iterable[EntryFacts], what: str) -> dict[str, EntryFacts]:
    found: dict[str, EntryFacts] = {}
    for entry in entries:
        if entry.commitment_id in found:
            raise ScoringError(f"two {what} facts for {entry.commitment_id}")
        found[entry.commitment_id] = entry
    return found


@dataclass(frozen=True)
class _Points:
    """The status levels' points, read once per scorecard: a commitment's share of the top points,
    before any penalty, is ``points[status] * 100 / top`` (a penalty counts once per score)."""

    points: dict[str, int]
    top: int
    texts: dict[str, str]  # each share as people write it, for the explanations

    @classmethod
    def of(cls, method: Methodology) -> _Points:
        points = {level.id: level.points for level in method.status_levels}
        top = max(points.values())
        return cls(points, top, {status: _number(Fraction(p * 100, top)) for status, p in points.items()})

    def share(self, status: str) -> Fraction:
        return Fraction(self.points[status] * 100, self.top)


@dataclass(frozen=True)
class _Triggered:
    id: str
    commitment: str
    penalty: Fraction
    cap: str
    rule: Rule


def _triggered_negatives(method: Methodology, facts: CountryFacts, current: dict[str, EntryFacts]) -> list[_Triggered]:
    """Negative indicators whose figure is above zero in this cycle's entry (never a carried one)."""
    indicators = {i.id: i for i in method.indicators}
    bands = {b.id: b for b in method.rating_bands}
    triggered = []
    for negative in method.negative_indicators:
        entry = current.get(negative.commitment)
        value = entry.figures.get(negative.indicator, 0) if entry else 0
        if negative.commitment not in facts.applicable or value <= 0 or (entry and entry.status is None):
            continue
        figure = indicators[negative.indicator].label if negative.indicator in indicators else negative.indicator
        # never the count: stored explanations are public, and the figure may count a few victims
        text = (
            f"Negative indicator “{negative.label}”: {figure} reported above zero on {negative.commitment}, "
            f"so {_number(Fraction(negative.penalty))} points are subtracted and the rating is capped at "
            f"“{bands[negative.rating_cap].label}”."
        )
        triggered.append(
            _Triggered(
                negative.id,
                negative.commitment,
                Fraction(negative.penalty),
                negative.rating_cap,
                Rule("negative", text),
            )
        )
    return triggered


def _score_commitment(
    framework: Framework,
    points: _Points,
    commitment_id: str,
    applicable: frozenset[str],
    entry: EntryFacts | None,
    earlier: EntryFacts | None,
    basis: Basis,
    negatives: list[_Triggered],
) -> Score:
    method = framework.methodology
    commitment = framework.commitment(commitment_id)
    if commitment_id not in applicable:
        return Score(
            "commitment",
            commitment_id,
            "not-applicable",
            None,
            None,
            (_not_applicable_rule(framework.instrument_of[commitment_id]),),
            weight=commitment.weight,
        )
    rules: list[Rule] = []
    carried_from = None
    if entry is None or entry.status is None:
        if method.carry_forward.enabled and earlier is not None and earlier.status is not None:
            carried_from = earlier.cycle
            rules.append(
                Rule(
                    "carried",
                    f"Carried forward: no entry in this cycle, so the status last accepted "
                    f"(in {earlier.cycle or 'an earlier cycle'}) counts, marked as carried.",
                )
            )
            entry = earlier
        else:
            reason = (
                "nothing accepted earlier to carry forward"
                if method.carry_forward.enabled
                else "carry-forward is switched off"
            )
            return Score(
                "commitment",
                commitment_id,
                "not-reported",
                None,
                None,
                (
                    Rule(
                        "not-reported",
                        f"Not reported: no entry in this cycle and {reason}. Not the same as “not started”: "
                        "it is left out of the weighted means.",
                    ),
                ),
                weight=commitment.weight,
                applicable=1,
            )
    levels = {level.id: level for level in method.status_levels}
    if entry.status not in levels:
        raise ScoringError(f"unknown status {entry.status!r} for {commitment_id}")
    order = list(levels)
    status = levels[entry.status]
    if basis == "verified":
        if entry.reported_status and entry.reported_status != entry.status:
            said = levels[entry.reported_status].label if entry.reported_status in levels else entry.reported_status
            rules.append(
                Rule("verified", f"Verified by the secretariat as “{status.label}” (the country reported “{said}”).")
            )
        else:
            rules.append(Rule("verified", f"Verified by the secretariat as “{status.label}”, as reported."))
    else:
        rules.append(Rule("self-reported", f"Self-reported as “{status.label}”; not yet verified by the secretariat."))
    if order.index(status.id) > order.index(method.evidence.required_above) and entry.evidence_count == 0:
        capped = levels[method.evidence.cap_without_evidence]
        rules.append(
            Rule(
                "evidence-cap",
                f"Evidence cap: a status above “{levels[method.evidence.required_above].label}” needs evidence "
                f"and none was given, so it counts as “{capped.label}”.",
            )
        )
        status = capped
    score = points.share(status.id)
    rules.append(
        Rule(
            "points",
            f"“{status.label}” earns {status.points} of {points.top} points: {points.texts[status.id]} out of 100. "
            f"Weight {commitment.weight}.",
        )
    )
    score, rating_cap, penalties = _apply_negatives(
        method, score, [n for n in negatives if n.commitment == commitment_id]
    )
    rules.extend(n.rule for n in negatives if n.commitment == commitment_id)
    return Score(
        "commitment",
        commitment_id,
        "scored",
        _rounded(score),
        _rating(method, score, rating_cap),
        tuple(rules),
        weight=commitment.weight,
        counted=(commitment_id,),
        reported=1,
        applicable=1,
        status=status.id,
        reported_status=entry.reported_status,
        carried_from=carried_from,
        entry_id=entry.entry_id,
        penalties=penalties,
    )


def _not_applicable_rule(instrument: Instrument) -> Rule:
    """Why a commitment is left out: the country did not sign, nobody is known to have signed, or the
    instrument is a regional programme no government signed. Never zero, never "not reported"."""
    left_out = "so this commitment is left out of every score, weight and maximum."
    if instrument.signatories.status == "not-established":
        return Rule(
            "signatories-not-established",
            f"Not applicable: the signatories of the {instrument.short_title} are not established, so it applies "
            f"to no country until a signature is recorded with its source; {left_out}",
        )
    if instrument.signatories.status == "programme":
        return Rule(
            "regional-programme",
            f"Outside government scores: the {instrument.short_title} is a regional programme that governments "
            f"did not sign, and no participation of this country is recorded with a source; {left_out}",
        )
    return Rule(
        "not-applicable",
        f"Not applicable: the country had not signed the {instrument.short_title} by the end of the cycle, {left_out}",
    )


def _aggregate(
    method: Methodology,
    points: _Points,
    level: Level,
    subject: str,
    members: list[Score],
    negatives: list[_Triggered],
) -> Score:
    applicable = [m for m in members if m.state != "not-applicable"]
    scored = [m for m in applicable if m.state == "scored"]
    excluded = [m.subject for m in members if m.state == "not-applicable"]
    missing = [m.subject for m in applicable if m.state == "not-reported"]
    rules: list[Rule] = []
    if excluded:
        rules.append(Rule("not-applicable", f"Not applicable, left out: {', '.join(excluded)}."))
    if not applicable:
        return Score(level, subject, "not-applicable", None, None, tuple(rules))
    if missing:
        rules.append(Rule("not-reported", f"Not reported, left out of the mean: {', '.join(missing)}."))
    if not scored:
        return Score(level, subject, "not-reported", None, None, tuple(rules), applicable=len(applicable))
    weights = sum(m.weight for m in scored)
    # sum(weight × points × 100 / top) / weights, as one exact fraction; a scored commitment always has a status
    mean = Fraction(sum(m.weight * points.points[m.status] for m in scored) * 100, points.top * weights)  # type: ignore[index]
    terms = " + ".join(f"{m.weight}×{points.texts[m.status]}" for m in scored)  # type: ignore[index]
    rules.append(
        Rule(
            "weighted-mean",
            f"Weighted mean of {len(scored)} commitment(s): ({terms}) ÷ {weights} = {_number(mean)}.",
        )
    )
    rules.append(Rule("coverage", f"Reported (or carried forward): {len(scored)} of {len(applicable)} that apply."))
    counted = {m.subject for m in scored}
    relevant = [n for n in negatives if n.commitment in counted]
    score, rating_cap, penalties = _apply_negatives(method, mean, relevant)
    rules.extend(n.rule for n in relevant)
    return Score(
        level,
        subject,
        "scored",
        _rounded(score),
        _rating(method, score, rating_cap),
        tuple(rules),
        weight=weights,
        counted=tuple(m.subject for m in scored),
        reported=len(scored),
        applicable=len(applicable),
        penalties=penalties,
    )


def _apply_negatives(
    method: Methodology, score: Fraction, negatives: list[_Triggered]
) -> tuple[Fraction, str | None, tuple[str, ...]]:
    """Subtract every triggered penalty (never below 0); the lowest of their rating caps applies."""
    if not negatives:
        return score, None, ()
    order = [b.id for b in method.rating_bands]
    penalised = max(Fraction(0), score - sum(n.penalty for n in negatives))
    return penalised, min((n.cap for n in negatives), key=order.index), tuple(n.id for n in negatives)


def _rating(method: Methodology, score: Fraction, cap: str | None) -> str:
    band = rating_for(method, float(score))
    if cap is None:
        return band.id
    order = [b.id for b in method.rating_bands]
    return order[min(order.index(band.id), order.index(cap))]


def _rounded(value: Fraction) -> float:
    """Rounded half up, as by hand: 53.125 is 53.13. floor(n/d × scale + 1/2) in integers (d > 0)."""
    scale = 10**DECIMALS
    return ((2 * value.numerator * scale + value.denominator) // (2 * value.denominator)) / scale


def _number(value: Fraction) -> str:
    """A score as people write it: 75, 66.67."""
    return f"{_rounded(value):.{DECIMALS}f}".rstrip("0").rstrip(".")
