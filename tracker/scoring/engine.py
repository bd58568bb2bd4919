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
    country said, kept for the explanation. ``cycle`` names the cycle the entry (and its evidence)
    is from. ``evidence_kinds``: the kinds its evidence is confirmed as by the secretariat (on the
    verified basis) or described as by the country (self-reported). ``age``, for an earlier entry:
    how many cycles before the one scored it was accepted (1: the cycle just before).
    A figure that is absent is unknown, never zero.
    """

    commitment_id: str
    status: str | None
    reported_status: str | None = None
    evidence_count: int = 0
    figures: Mapping[str, int] = field(default_factory=dict)
    entry_id: int | None = None
    cycle: str | None = None
    evidence_kinds: frozenset[str] = frozenset()
    age: int = 1


@dataclass(frozen=True)
class FindingFacts:
    """A finding the secretariat recorded for a negative indicator, with its source: what
    triggers a negative indicator whose ``trigger`` is ``finding``."""

    indicator: str  # the negative indicator's id
    title: str  # the source: a report, a court decision, a documented case
    locator: str  # where in it, or a link
    brought_by: str  # who brought it to the secretariat
    finding_id: int | None = None
    withdrawn: str | None = None  # why and when the secretariat withdrew it: then it never fires


@dataclass(frozen=True)
class CountryFacts:
    """One country in one cycle: what applies to it, what it reported, what it reported before.

    ``applicable`` holds the ids of the commitments of the instruments the country had signed by
    the end of the cycle. ``earlier`` holds, per commitment, the entry last accepted in an earlier
    cycle: the one carry-forward may use. ``findings``: the findings recorded for this country and
    cycle. ``cycle``: the name of the cycle scored, the evidence cycle of its own entries.
    """

    country: str
    applicable: frozenset[str]
    entries: tuple[EntryFacts, ...] = ()
    earlier: tuple[EntryFacts, ...] = ()
    findings: tuple[FindingFacts, ...] = ()
    cycle: str | None = None


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
    # the conservative form (not reported counts as 0); None only where nothing applies
    conservative: float | None = None
    coverage: float | None = None  # the share of the applicable weight with a status, 0–100
    evidence_cycle: str | None = None  # the cycle(s) the counted evidence is from, newest first
    findings: tuple[int, ...] = ()  # ids of the findings behind its penalties

    @property
    def insufficient(self) -> bool:
        """Scored, but below the coverage threshold: no rating band ("insufficient reporting")."""
        return self.state == "scored" and self.rating is None


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


def score_country(framework: Framework, facts: CountryFacts, basis: Basis, *, equal_weights: bool = False) -> Scorecard:
    """The explained scorecard of one country for one cycle, on one basis.

    ``equal_weights`` scores every commitment with weight 1 instead of its own: the sensitivity
    table compares the two.
    """
    method = framework.methodology
    points = _Points.of(method)
    current = _by_commitment(facts.entries, "entry")
    earlier = _by_commitment(facts.earlier, "earlier entry")
    negatives = _triggered_negatives(method, facts, current)
    commitments = tuple(
        _score_commitment(
            framework, points, c.id, facts, current.get(c.id), earlier.get(c.id), basis, negatives, equal_weights
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
    before any penalty, is ``points[status] * 100 / top`` (a penalty counts once per score). A level
    that does not count earns 0 whatever its points."""

    points: dict[str, int]
    top: int
    texts: dict[str, str]  # each share as people write it, for the explanations

    @classmethod
    def of(cls, method: Methodology) -> _Points:
        points = {level.id: level.points if level.counts else 0 for level in method.status_levels}
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
    on_applicable: bool  # a finding counts wherever the commitment applies; a figure only where it is counted
    findings: tuple[int, ...] = ()


def _triggered_negatives(method: Methodology, facts: CountryFacts, current: dict[str, EntryFacts]) -> list[_Triggered]:
    """Negative indicators that fire: on a recorded finding (``trigger: finding``), or in the first
    method on a figure above zero in this cycle's entry (never a carried one)."""
    indicators = {i.id: i for i in method.indicators}
    bands = {b.id: b for b in method.rating_bands}
    triggered = []
    for negative in method.negative_indicators:
        if negative.commitment not in facts.applicable:
            continue
        penalty = _number(Fraction(negative.penalty))
        cap = bands[negative.rating_cap].label
        if negative.trigger == "finding":
            found = sorted(
                (f for f in facts.findings if f.indicator == negative.id and f.withdrawn is None),
                key=lambda f: (f.finding_id or 0, f.title),
            )
            if not found:
                continue
            sources = "; ".join(f"“{f.title}” ({f.locator}), brought by {f.brought_by}" for f in found)
            text = (
                f"Negative indicator “{negative.label}”: a finding the secretariat recorded from {sources}. "
                f"{penalty} points are subtracted from every score that counts {negative.commitment}, and the "
                f"rating is capped at “{cap}”."
            )
            ids = tuple(f.finding_id for f in found if f.finding_id is not None)
            triggered.append(
                _Triggered(
                    negative.id,
                    negative.commitment,
                    Fraction(negative.penalty),
                    negative.rating_cap,
                    Rule("negative", text),
                    True,
                    ids,
                )
            )
            continue
        entry = current.get(negative.commitment)
        value = entry.figures.get(negative.indicator, 0) if entry else 0
        if value <= 0 or (entry and entry.status is None):
            continue
        figure = indicators[negative.indicator].label if negative.indicator in indicators else negative.indicator
        # never the count: stored explanations are public, and the figure may count a few victims
        text = (
            f"Negative indicator “{negative.label}”: {figure} reported above zero on {negative.commitment}, "
            f"so {penalty} points are subtracted and the rating is capped at “{cap}”."
        )
        triggered.append(
            _Triggered(
                negative.id,
                negative.commitment,
                Fraction(negative.penalty),
                negative.rating_cap,
                Rule("negative", text),
                False,
            )
        )
    return triggered


def _context_rules(
    method: Methodology, commitment_id: str, entry: EntryFacts | None, findings: tuple[FindingFacts, ...] = ()
) -> list[Rule]:
    """What the country reported of a finding-triggered indicator's figure: context, said without
    the count (it may count a few victims); an absent figure is unknown, never zero. And every
    withdrawn finding of the indicator: a correction is said where the penalty was."""
    rules = []
    labels = {i.id: i.label for i in method.indicators}
    for negative in method.negative_indicators:
        if negative.trigger != "finding" or negative.commitment != commitment_id:
            continue
        for f in (f for f in findings if f.indicator == negative.id and f.withdrawn is not None):
            rules.append(
                Rule(
                    "finding-withdrawn",
                    f"A finding from “{f.title}” ({f.locator}), brought by {f.brought_by}, was withdrawn by the "
                    f"secretariat ({f.withdrawn}). It no longer triggers “{negative.label}”.",
                )
            )
        figure = labels.get(negative.indicator, negative.indicator)
        value = entry.figures.get(negative.indicator) if entry is not None else None
        said = (
            "unknown (not reported)"
            if value is None
            else "above zero, as the country reported it"
            if value > 0
            else "none reported"
        )
        rules.append(
            Rule(
                "figure-context",
                f"{figure}: {said}. A figure the country reports is context: it never triggers or avoids "
                f"the negative indicator “{negative.label}”, which rests on recorded findings only.",
            )
        )
    return rules


def _needs(method: Methodology) -> dict[str, frozenset[str]]:
    """The evidence kinds each level needs: its own requirement and those of every level below."""
    own: dict[str, set[str]] = {}
    for requirement in method.evidence.requirements:
        own.setdefault(requirement.level, set()).update(requirement.kinds)
    needs, acc = {}, set()
    for level in method.status_levels:
        acc |= own.get(level.id, set())
        needs[level.id] = frozenset(acc)
    return needs


def _score_commitment(
    framework: Framework,
    points: _Points,
    commitment_id: str,
    facts: CountryFacts,
    entry: EntryFacts | None,
    earlier: EntryFacts | None,
    basis: Basis,
    negatives: list[_Triggered],
    equal_weights: bool,
) -> Score:
    method = framework.methodology
    commitment = framework.commitment(commitment_id)
    weight = 1 if equal_weights else commitment.weight
    if commitment_id not in facts.applicable:
        return Score(
            "commitment",
            commitment_id,
            "not-applicable",
            None,
            None,
            (_not_applicable_rule(framework.instrument_of[commitment_id]),),
            weight=weight,
        )
    mine = [n for n in negatives if n.commitment == commitment_id]
    rules: list[Rule] = []
    carried_from = None
    current = entry
    if entry is None or entry.status is None:
        limit = method.carry_forward.max_cycles
        if (
            method.carry_forward.enabled
            and earlier is not None
            and earlier.status is not None
            and (limit is None or earlier.age <= limit)
        ):
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
            if not method.carry_forward.enabled:
                reason = "carry-forward is switched off"
            elif earlier is not None and earlier.status is not None:
                cycles = "cycle" if limit == 1 else "cycles"
                reason = (
                    f"the status last accepted (in {earlier.cycle or 'an earlier cycle'}) is older than the "
                    f"{limit} {cycles} a status may be carried forward"
                )
            else:
                reason = "nothing accepted earlier to carry forward"
            text = f"Not reported: no entry in this cycle and {reason}. Not the same as “not started”: "
            text += (
                "it is left out of the reported-only form and counts as 0 in the conservative form."
                if method.coverage is not None
                else "it is left out of the weighted means."
            )
            conservative, _, penalties = _apply_negatives(method, Fraction(0), mine)
            return Score(
                "commitment",
                commitment_id,
                "not-reported",
                None,
                None,
                (
                    Rule("carry-limit" if "older than" in reason else "not-reported", text),
                    *_context_rules(method, commitment_id, current, facts.findings),
                    *(n.rule for n in mine),
                ),
                weight=weight,
                applicable=1,
                penalties=penalties,
                conservative=_rounded(conservative),
                coverage=0.0,
                findings=tuple(f for n in mine for f in n.findings),
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
    needs = _needs(method)
    if needs[status.id] - entry.evidence_kinds:
        kinds = {k.id: k.label for k in method.evidence.kinds}

        def named(ids: Iterable[str]) -> str:
            return _listed(
                kinds.get(k, k) for k in sorted(ids, key=lambda k: list(kinds).index(k) if k in kinds else 99)
            )

        claimed = status
        missing = needs[claimed.id] - entry.evidence_kinds
        while needs[status.id] - entry.evidence_kinds and order.index(status.id) > 0:
            status = levels[order[order.index(status.id) - 1]]
        whose = "confirmed by the secretariat" if basis == "verified" else "as the country described it"
        rules.append(
            Rule(
                "evidence-kind-cap",
                f"Graded evidence: “{claimed.label}” needs evidence of the kind {named(needs[claimed.id])}, and "
                f"the evidence ({whose}) has no {named(missing)}, so it counts as “{status.label}”.",
            )
        )
    score = points.share(status.id)
    if not status.counts:
        rules.append(
            Rule(
                "not-counting",
                f"“{status.label}” earns 0 points: the methodology names it a level that does not count, "
                f"since a promise is not an action. Weight {weight}.",
            )
        )
    else:
        rules.append(
            Rule(
                "points",
                f"“{status.label}” earns {status.points} of {points.top} points: {points.texts[status.id]} out of 100. "
                f"Weight {weight}.",
            )
        )
    rules.extend(_context_rules(method, commitment_id, current, facts.findings))
    score, rating_cap, penalties = _apply_negatives(method, score, mine)
    rules.extend(n.rule for n in mine)
    return Score(
        "commitment",
        commitment_id,
        "scored",
        _rounded(score),
        _rating(method, score, rating_cap),
        tuple(rules),
        weight=weight,
        counted=(commitment_id,),
        reported=1,
        applicable=1,
        status=status.id,
        reported_status=entry.reported_status,
        carried_from=carried_from,
        entry_id=entry.entry_id,
        penalties=penalties,
        conservative=_rounded(score),
        coverage=100.0,
        evidence_cycle=entry.cycle or facts.cycle,
        findings=tuple(f for n in mine for f in n.findings),
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
    coverage_rule = method.coverage is not None
    if missing:
        where = "of the reported-only form; 0 in the conservative form" if coverage_rule else "of the mean"
        rules.append(Rule("not-reported", f"Not reported, left out {where}: {', '.join(missing)}."))
    all_weight = sum(m.weight for m in applicable)
    counted = {m.subject for m in scored}
    applies = {m.subject for m in applicable}
    relevant = [n for n in negatives if n.commitment in (applies if n.on_applicable else counted)]
    findings = tuple(f for n in relevant for f in n.findings)
    if not scored:
        conservative, _, penalties = _apply_negatives(method, Fraction(0), relevant)
        rules.extend(n.rule for n in relevant if n.on_applicable)
        return Score(
            level,
            subject,
            "not-reported",
            None,
            None,
            tuple(rules),
            applicable=len(applicable),
            penalties=penalties,
            conservative=_rounded(conservative),
            coverage=0.0,
            findings=findings,
        )
    weights = sum(m.weight for m in scored)
    earned = sum(m.weight * points.points[m.status] for m in scored)  # type: ignore[index]
    # sum(weight × points × 100 / top) / weights, as one exact fraction; a scored commitment always has a status
    mean = Fraction(earned * 100, points.top * weights)
    conservative = Fraction(earned * 100, points.top * all_weight)
    coverage = Fraction(weights * 100, all_weight)
    terms = " + ".join(f"{m.weight}×{points.texts[m.status]}" for m in scored)  # type: ignore[index]
    rules.append(
        Rule(
            "weighted-mean",
            f"Weighted mean of {len(scored)} commitment(s): ({terms}) ÷ {weights} = {_number(mean)}.",
        )
    )
    rules.append(Rule("coverage", f"Reported (or carried forward): {len(scored)} of {len(applicable)} that apply."))
    if coverage_rule:
        rules.append(
            Rule(
                "conservative",
                f"Conservative form: the same points ÷ {all_weight}, the weight of all {len(applicable)} that apply "
                f"(not reported counts as 0) = {_number(conservative)}. Coverage: {weights} of {all_weight} "
                f"applicable weight = {_number(coverage)}%.",
            )
        )
    score, rating_cap, penalties = _apply_negatives(method, mean, relevant)
    safe, _, _ = _apply_negatives(method, conservative, relevant)
    rules.extend(n.rule for n in relevant)
    rating = _rating(method, safe if _rating_from(method) == "conservative" else score, rating_cap)
    if method.coverage is not None and coverage < method.coverage.threshold:
        rating = None
        rules.append(
            Rule(
                "insufficient-reporting",
                f"Insufficient reporting: coverage {_number(coverage)}% is below the methodology's threshold of "
                f"{method.coverage.threshold}%, so no rating band is given.",
            )
        )
    return Score(
        level,
        subject,
        "scored",
        _rounded(score),
        rating,
        tuple(rules),
        weight=weights,
        counted=tuple(m.subject for m in scored),
        reported=len(scored),
        applicable=len(applicable),
        penalties=penalties,
        conservative=_rounded(safe),
        coverage=_rounded(coverage),
        evidence_cycle=_cycles(scored),
        findings=findings,
    )


def _rating_from(method: Methodology) -> str:
    return method.coverage.rating_from if method.coverage is not None else "reported-only"


def _cycles(scored: list[Score]) -> str | None:
    """The evidence cycles of the counted commitments, newest first (this cycle's own before carried ones)."""
    own = [m.evidence_cycle for m in scored if m.carried_from is None and m.evidence_cycle]
    carried = [m.evidence_cycle for m in scored if m.carried_from is not None and m.evidence_cycle]
    names = list(dict.fromkeys(own + sorted(set(carried), reverse=True)))
    return ", ".join(names) or None


def _listed(items: Iterable[str]) -> str:
    words = [f"“{w}”" for w in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


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


# ----------------------------------------------------------------------------- sensitivity
@dataclass(frozen=True)
class Sensitivity:
    """How one score moves when every commitment weighs the same (Walk Free's choice) instead of
    the methodology's weights."""

    level: Level
    subject: str
    weighted: float | None
    equal: float | None
    weighted_conservative: float | None
    equal_conservative: float | None
    weighted_rating: str | None
    equal_rating: str | None


def sensitivity(framework: Framework, facts: CountryFacts, basis: Basis = "verified") -> tuple[Sensitivity, ...]:
    """The overall, instrument and focus-area scores of a card under both weightings."""
    weighted = score_country(framework, facts, basis)
    equal = score_country(framework, facts, basis, equal_weights=True)
    return tuple(
        Sensitivity(w.level, w.subject, w.score, e.score, w.conservative, e.conservative, w.rating, e.rating)
        for w, e in zip(weighted.scores(), equal.scores(), strict=True)
        if w.level != "commitment" and w.state != "not-applicable"
    )
