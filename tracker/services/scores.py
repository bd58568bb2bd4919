"""Stored scores: gather each country's entry facts, run the engine, keep score rows and charts in step.

Scores are recomputed when what they depend on changes, inside the same transaction:

- a report is submitted, resubmitted or returned: that country's self-reported scorecard for the cycle;
- a report is accepted: that country's scorecards for the cycle and every later cycle (carry-forward
  reaches them);
- ``flask scores recompute``: everything, which must reproduce the stored rows exactly.

Only rows whose values differ are written, and a chart is rewritten only when its JSON differs.
Stored rows are read and compared as plain tuples and written with bulk statements: a full rescore
handles tens of thousands of rows, and ORM objects for each cost more than the scoring itself.
"""

from __future__ import annotations

import dataclasses
import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, delete, insert, select, update
from sqlalchemy.orm import Session

from .. import published, queries
from ..database import utcnow
from ..framework import Framework
from ..framework.schema import Commitment as FrameworkCommitment
from ..models import (
    ChartFigure,
    Commitment,
    Country,
    Entry,
    Evidence,
    Finding,
    IndicatorValue,
    Report,
    ReportingCycle,
    ReportState,
    ScoreRecompute,
    StoredScore,
)
from ..scoping import reporting_countries
from ..scoring import BASES, CountryFacts, EntryFacts, FindingFacts, Score, comparability, score_country
from ..scoring import charts as chartlib
from ..scoring.comparability import PeerGroup

SCORED_STATES = (ReportState.SUBMITTED, ReportState.ACCEPTED)
ROW_FIELDS = (
    "state",
    "score",
    "rating",
    "weight",
    "reported",
    "applicable",
    "status",
    "carried_from",
    "entry_id",
    "penalised",
    "conservative",
    "coverage",
    "evidence_cycle",
    "explanation",
)
Progress = Callable[[int, int], None]
ScoreKey = tuple[int, int, str, str, str]  # (cycle, country, basis, level, subject): one stored row


@dataclass
class Recomputed:
    """What a recompute did: scorecards computed, rows written, charts rewritten."""

    scorecards: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    charts: int = 0
    changes: set[tuple[int, int, str, str]] = field(default_factory=set)  # (cycle, country, basis, level)

    @property
    def rows_changed(self) -> int:
        return self.inserted + self.updated + self.deleted


# ----------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class _EntryRow:
    cycle_id: int
    country_id: int
    report_id: int
    revision: int
    accepted: bool
    facts_verified: EntryFacts
    facts_reported: EntryFacts


def _entry_rows(session: Session, country_ids: set[int] | None) -> list[_EntryRow]:
    """Every entry of every submitted or accepted report, as engine facts: three queries in all.

    Evidence counts and kinds come from one query: the verified basis counts the kinds the
    secretariat confirmed, the self-reported basis the kinds the country gave.
    """
    statement = (
        select(
            Entry.id,
            Report.id.label("report_id"),
            Report.cycle_id,
            Report.country_id,
            Report.revision,
            Report.state,
            Commitment.code,
            Entry.reported_status,
            Entry.assessed_status,
            ReportingCycle.name.label("cycle_name"),
        )
        .join(Report, Entry.report_id == Report.id)
        .join(Commitment, Entry.commitment_id == Commitment.id)
        .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
        .where(Report.state.in_(SCORED_STATES))
    )
    figures_statement = (
        select(IndicatorValue.entry_id, IndicatorValue.indicator, IndicatorValue.value)
        .join(Entry, IndicatorValue.entry_id == Entry.id)
        .join(Report, Entry.report_id == Report.id)
        .where(Report.state.in_(SCORED_STATES))
    )
    evidence_statement = (
        select(Evidence.entry_id, Evidence.kind, Evidence.confirmed_kind)
        .join(Entry, Evidence.entry_id == Entry.id)
        .join(Report, Entry.report_id == Report.id)
        .where(Report.state.in_(SCORED_STATES))
    )
    if country_ids is not None:
        statement = statement.where(Report.country_id.in_(country_ids))
        figures_statement = figures_statement.where(Report.country_id.in_(country_ids))
        evidence_statement = evidence_statement.where(Report.country_id.in_(country_ids))
    figures: dict[int, dict[str, int]] = defaultdict(dict)
    for entry_id, indicator, value in session.execute(figures_statement):
        figures[entry_id][indicator] = value
    evidence_count: dict[int, int] = defaultdict(int)
    claimed: dict[int, set[str]] = defaultdict(set)
    confirmed: dict[int, set[str]] = defaultdict(set)
    for entry_id, kind, confirmed_kind in session.execute(evidence_statement):
        evidence_count[entry_id] += 1
        if kind:
            claimed[entry_id].add(kind)
        if confirmed_kind:
            confirmed[entry_id].add(confirmed_kind)
    rows = []
    for row in session.execute(statement):
        accepted = row.state is ReportState.ACCEPTED

        def facts(status: str | None, kinds: set[str], row: Any = row) -> EntryFacts:
            return EntryFacts(
                commitment_id=row.code,
                status=status,
                reported_status=row.reported_status,
                evidence_count=evidence_count.get(row.id, 0),
                figures=figures.get(row.id, {}),
                entry_id=row.id,
                cycle=row.cycle_name,
                evidence_kinds=frozenset(kinds),
            )

        rows.append(
            _EntryRow(
                row.cycle_id,
                row.country_id,
                row.report_id,
                row.revision,
                accepted,
                facts(row.assessed_status if accepted else None, confirmed.get(row.id, set())),
                facts(row.reported_status, claimed.get(row.id, set())),
            )
        )
    return rows


def _findings(session: Session, country_ids: set[int] | None) -> dict[tuple[int, int], tuple[FindingFacts, ...]]:
    """Every recorded finding, by (cycle, country)."""
    statement = select(Finding).order_by(Finding.id)
    if country_ids is not None:
        statement = statement.where(Finding.country_id.in_(country_ids))
    found: dict[tuple[int, int], list[FindingFacts]] = defaultdict(list)
    for f in session.execute(statement).scalars():
        withdrawn = (
            f"on {f.withdrawn_at:%Y-%m-%d}, because: {f.withdrawal_reason}" if f.withdrawn_at is not None else None
        )
        found[(f.cycle_id, f.country_id)].append(
            FindingFacts(f.indicator, f.title, f.locator, f.brought_by, f.id, withdrawn)
        )
    return {key: tuple(value) for key, value in found.items()}


class _Facts:
    """Per cycle and country: the revision that counts on each basis, and what carry-forward may use.

    Verified: the latest accepted revision. Self-reported: the latest revision sent (submitted or
    accepted), as the country reported it. Carry-forward uses the last accepted entry of an
    earlier cycle, on both bases.
    """

    def __init__(self, rows: list[_EntryRow]):
        by_report: dict[int, list[_EntryRow]] = defaultdict(list)
        for row in rows:
            by_report[row.report_id].append(row)
        self._verified: dict[tuple[int, int], list[_EntryRow]] = {}
        self._reported: dict[tuple[int, int], list[_EntryRow]] = {}
        for report_rows in sorted(by_report.values(), key=lambda r: r[0].revision):
            key = (report_rows[0].cycle_id, report_rows[0].country_id)
            self._reported[key] = report_rows  # a later revision replaces an earlier one
            if report_rows[0].accepted:
                self._verified[key] = report_rows

    def current(self, cycle_id: int, country_id: int, basis: str) -> tuple[EntryFacts, ...]:
        if basis == "verified":
            return tuple(r.facts_verified for r in self._verified.get((cycle_id, country_id), ()))
        return tuple(r.facts_reported for r in self._reported.get((cycle_id, country_id), ()))

    def accepted(self, cycle_id: int, country_id: int) -> list[_EntryRow]:
        return self._verified.get((cycle_id, country_id), [])


# ----------------------------------------------------------------------------- recompute
def recompute(
    session: Session,
    framework_of: Callable[[ReportingCycle], Framework],
    *,
    cycle_ids: Iterable[int] | None = None,
    country_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
    all_charts: bool = False,
    reason: str = "a report's state changed",
) -> Recomputed:
    """Recompute the scorecards of these cycles and countries (all when None), then their charts.

    Runs inside the caller's write transaction; writes only what differs. Charts are redrawn when
    a row changed, or with ``all_charts`` (after an upgrade may have changed how they are drawn).
    """
    wanted_countries = set(country_ids) if country_ids is not None else None
    cycles = list(
        session.execute(select(ReportingCycle).order_by(ReportingCycle.period_end, ReportingCycle.id)).scalars()
    )
    wanted_cycles = set(cycle_ids) if cycle_ids is not None else {c.id for c in cycles}
    countries = scored_countries(session)
    if wanted_countries is not None:
        countries = [c for c in countries if c.id in wanted_countries]
    stored = _stored_rows(session, wanted_cycles, wanted_countries)
    writes = _Writes(reason=reason)
    result = Recomputed()
    total = len(wanted_cycles) * len(countries)
    for cycle, framework, cards in _cycle_facts(
        session, framework_of, cycles, wanted_cycles, countries, wanted_countries
    ):
        for country, basis, facts in cards:
            card = score_country(framework, facts, basis)
            _compare(cycle.id, country.id, basis, card.scores(), stored, writes, result)
            result.scorecards += 1
            if progress and basis == BASES[-1]:
                progress(result.scorecards // len(BASES), total)
        writes.execute(session)  # cycle by cycle: 50,000 staged rows would only feed the garbage collector
    for key, (row_id, *_) in stored.items():  # rows for subjects the framework no longer has
        result.changes.add(key[:4])
        writes.deleted.append(row_id)
        result.deleted += 1
    writes.execute(session)
    if all_charts or not _has_charts(session):
        result.charts = rebuild_charts(session, framework_of, cycles, Redraw.everything(wanted_cycles))
    elif result.changes:
        result.charts = rebuild_charts(session, framework_of, cycles, Redraw.after(result.changes))
    _mark_public_changes(session, cycles, result.changes)
    return result


def scored_countries(session: Session) -> list[Country]:
    """The countries that get scores (``scoping.reporting_countries``): on a demonstration installation
    only its fictional ones, so invented data never gives a real country a score (issue 18)."""
    return reporting_countries(session)


def _cycle_facts(
    session: Session,
    framework_of: Callable[[ReportingCycle], Framework],
    cycles: list[ReportingCycle],
    wanted_cycles: set[int],
    countries: list[Country],
    wanted_countries: set[int] | None,
) -> Iterator[tuple[ReportingCycle, Framework, Iterator[tuple[Country, str, CountryFacts]]]]:
    """Per wanted cycle (in period order), the engine's facts of every country on each basis.

    Every cycle is walked, wanted or not, so that carry-forward sees what earlier cycles accepted;
    its age is counted in cycles.
    """
    facts = _Facts(_entry_rows(session, wanted_countries))
    findings = _findings(session, wanted_countries)
    # country -> commitment -> the last accepted entry, as each basis reads it, and its cycle's position
    carried: dict[str, dict[int, dict[str, tuple[EntryFacts, int]]]] = {basis: defaultdict(dict) for basis in BASES}
    for position, cycle in enumerate(cycles):
        if cycle.id in wanted_cycles:
            framework = framework_of(cycle)
            limited = framework.methodology.carry_forward.max_cycles is not None

            def cards(
                cycle: ReportingCycle = cycle,
                framework: Framework = framework,
                position: int = position,
                limited: bool = limited,
            ) -> Iterator[tuple[Country, str, CountryFacts]]:
                for country in countries:
                    applicable = frozenset(
                        c.id for c in framework.applicable_commitments(country.code, on=cycle.period_end)
                    )
                    for basis in BASES:
                        earlier = tuple(
                            dataclasses.replace(entry, age=position - at) if limited else entry
                            for entry, at in carried[basis][country.id].values()
                        )
                        yield (
                            country,
                            basis,
                            CountryFacts(
                                country=country.code,
                                applicable=applicable,
                                entries=facts.current(cycle.id, country.id, basis),
                                earlier=earlier,
                                findings=findings.get((cycle.id, country.id), ()),
                                cycle=cycle.name,
                            ),
                        )

            yield cycle, framework, cards()
        for country in countries:  # this cycle's accepted entries become what later cycles may carry
            for row in facts.accepted(cycle.id, country.id):
                if row.facts_verified.status is not None:
                    carried["verified"][country.id][row.facts_verified.commitment_id] = (row.facts_verified, position)
                    carried["self-reported"][country.id][row.facts_reported.commitment_id] = (
                        row.facts_reported,
                        position,
                    )


def verified_facts(
    session: Session, framework_of: Callable[[ReportingCycle], Framework], cycle: ReportingCycle, country_ids: set[int]
) -> dict[int, CountryFacts]:
    """The facts the verified scorecards of one cycle are computed from, by country id."""
    cycles = list(
        session.execute(select(ReportingCycle).order_by(ReportingCycle.period_end, ReportingCycle.id)).scalars()
    )
    countries = [c for c in session.execute(select(Country).order_by(Country.name)).scalars() if c.id in country_ids]
    found: dict[int, CountryFacts] = {}
    for _, _, cards in _cycle_facts(session, framework_of, cycles, {cycle.id}, countries, country_ids):
        found.update({country.id: facts for country, basis, facts in cards if basis == "verified"})
    return found


def _stored_rows(
    session: Session, cycle_ids: set[int], country_ids: set[int] | None
) -> dict[ScoreKey, tuple[int, tuple[Any, ...], str]]:
    """The stored rows by key, as (id, the other values of ``ROW_FIELDS``, the explanation's JSON text):
    plain tuples, only compared. The JSON stays text: decoding 50,000 explanations costs more than
    comparing them (see ``_same_json``)."""
    statement = select(
        StoredScore.id,
        StoredScore.cycle_id,
        StoredScore.country_id,
        StoredScore.basis,
        StoredScore.level,
        StoredScore.subject,
        *(getattr(StoredScore, name) for name in ROW_FIELDS[:-1]),
        cast(StoredScore.explanation, Text),
    ).where(StoredScore.cycle_id.in_(cycle_ids))
    if country_ids is not None:
        statement = statement.where(StoredScore.country_id.in_(country_ids))
    return {tuple(row[1:6]): (row[0], tuple(row[6:-1]), row[-1]) for row in session.execute(statement)}  # type: ignore[misc]


def _same_json(stored: str, value: Any) -> bool:
    """Whether a JSON column's stored text holds ``value``. SQLAlchemy writes ``json.dumps(value)``, so
    equal text is the quick answer; other text (a row written by other means, spaced differently) is
    decoded and compared as values."""
    return stored == json.dumps(value) or json.loads(stored) == value


def _row(score: Score) -> tuple[Any, ...]:
    """The stored columns of one engine score, in ``ROW_FIELDS`` order."""
    return (
        score.state,
        score.score,
        score.rating,
        score.weight,
        score.reported,
        score.applicable,
        score.status,
        score.carried_from,
        score.entry_id,
        bool(score.penalties),
        score.conservative,
        score.coverage,
        score.evidence_cycle,
        {
            "rules": [{"code": r.code, "text": r.text} for r in score.rules],
            "counted": list(score.counted),
            "penalties": list(score.penalties),
            "reported_status": score.reported_status,
            **({"findings": list(score.findings)} if score.findings else {}),
        },
    )


def row_values(score: Score) -> dict[str, Any]:
    """The stored columns of one engine score, by name."""
    return dict(zip(ROW_FIELDS, _row(score), strict=True))


@contextmanager
def published_scores_writable(session: Session, reason: str, rows: int = 0) -> Iterator[ScoreRecompute]:
    """Inside the caller's transaction, let the database take writes to published cycles' scores, and
    record why (``score_recompute``). Only the recompute operation (and maintenance) uses this."""
    permit = ScoreRecompute(reason=reason[:500], started_at=utcnow())
    session.add(permit)
    session.flush()
    yield permit
    permit.finished_at, permit.rows_written = utcnow(), rows
    session.flush()


@dataclass
class _Writes:
    """Score rows to insert, update and delete, written with one bulk statement each (executemany)."""

    inserted: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    reason: str = "recompute"

    def execute(self, session: Session) -> None:
        """Write what is staged, and forget it. Scores of a published cycle are locked by the database;
        this (the recompute operation) opens a ``score_recompute`` row saying why, and closes it."""
        if not (self.inserted or self.updated or self.deleted):
            return
        written = len(self.inserted) + len(self.updated) + len(self.deleted)
        if session.execute(select(ReportingCycle.id).where(ReportingCycle.published_at.is_not(None)).limit(1)).first():
            with published_scores_writable(session, self.reason, written):
                self._write(session)
        else:
            self._write(session)

    def _write(self, session: Session) -> None:
        if self.inserted:
            session.execute(insert(StoredScore), self.inserted)
        if self.updated:  # by primary key
            session.execute(update(StoredScore), self.updated)
        for start in range(0, len(self.deleted), 500):
            chunk = self.deleted[start : start + 500]
            session.execute(
                delete(StoredScore).where(StoredScore.id.in_(chunk)).execution_options(synchronize_session=False)
            )
        self.inserted, self.updated, self.deleted = [], [], []


def _compare(
    cycle_id: int,
    country_id: int,
    basis: str,
    scores: Iterable[Score],
    stored: dict[ScoreKey, tuple[int, tuple[Any, ...], str]],
    writes: _Writes,
    result: Recomputed,
) -> None:
    """Stage the rows of one scorecard that are new or differ from the stored ones."""
    for score in scores:
        values = _row(score)
        existing = stored.pop((cycle_id, country_id, basis, score.level, score.subject), None)
        if existing is None:
            writes.inserted.append(
                {
                    "cycle_id": cycle_id,
                    "country_id": country_id,
                    "basis": basis,
                    "level": score.level,
                    "subject": score.subject,
                    **dict(zip(ROW_FIELDS, values, strict=True)),
                }
            )
            result.inserted += 1
        elif existing[1] != values[:-1] or not _same_json(existing[2], values[-1]):
            writes.updated.append({"id": existing[0], **dict(zip(ROW_FIELDS, values, strict=True))})
            result.updated += 1
        else:
            continue
        result.changes.add((cycle_id, country_id, basis, score.level))


def _mark_public_changes(
    session: Session, cycles: list[ReportingCycle], changes: set[tuple[int, int, str, str]]
) -> None:
    """Verified rows of a published cycle changed: stamp its public heatmaps as built now, even when
    their JSON did not change (an explanation's wording, say), so that ``published.last_changed``,
    the public pages' Last-Modified and their server-side cache see the change."""
    moved = {c.id for c in cycles if c.published_at is not None} & {
        cycle for cycle, _, basis, _ in changes if basis == "verified"
    }
    if moved:
        keys = [region_key(cycle, "verified", view, PUBLIC_CHARTS.prefix) for cycle in moved for view in REGION_VIEWS]
        session.execute(
            update(ChartFigure)
            .where(ChartFigure.key.in_(keys))
            .values(built_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def cycles_from(session: Session, cycle: ReportingCycle) -> list[int]:
    """This cycle and every later one: the cycles an accepted report's carry-forward can reach."""
    return list(
        session.execute(
            select(ReportingCycle.id).where(
                (ReportingCycle.period_end > cycle.period_end)
                | ((ReportingCycle.period_end == cycle.period_end) & (ReportingCycle.id >= cycle.id))
            )
        ).scalars()
    )


class _Rollback(Exception):
    pass


def recompute_stored(
    cycle_ids: Iterable[int] | None = None, *, check: bool = False, progress: Progress | None = None
) -> Recomputed:
    """``flask scores recompute``: recompute every scorecard (of some cycles) in one transaction.

    With ``check`` nothing is written: the result says how many stored rows differ from what the
    engine gives today (0 when the stored scores are reproducible).
    """
    from ..database import write_transaction
    from ..extensions import db
    from .framework import framework_of

    session = db.session
    result = Recomputed()
    try:
        with write_transaction(session), _without_cycle_collection():
            result = recompute(
                session,
                framework_of,
                cycle_ids=cycle_ids,
                progress=progress,
                all_charts=True,
                reason="flask scores recompute",
            )
            if check:
                raise _Rollback
    except _Rollback:
        pass
    return result


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused for a batch rescore, and run once at the end.

    A full rescore allocates millions of small objects and keeps many alive to the end (facts,
    stored rows, figures), so the collector runs over a thousand times and walks them again and
    again: a quarter of the rescore's time at 60 countries × 12 cycles, to find about ten objects
    in reference cycles (peak memory is the same either way). Reference counting still frees
    everything else as it goes. For ``flask scores recompute`` only, never inside a request: the
    switch is process-wide.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect()


# ----------------------------------------------------------------------------- charts
def chart_link(cycle_id: int, country_code: str, basis: str, level: str, subject: str) -> str:
    """The relative link of a score's explanation; the page supplies the base URL."""
    return f"{cycle_id}/{country_code}/{basis}/{level}/{subject or 'all'}"


def _has_charts(session: Session) -> bool:
    return session.execute(select(ChartFigure.key).limit(1)).first() is not None


@dataclass(frozen=True)
class _Audience:
    """Who a set of charts is for: the secretariat (every cycle, both bases) or the public
    (published cycles, verified scores only), with the links its pages understand."""

    prefix: str
    bases: tuple[str, ...]
    link: Callable[[int, str, str, str, str], str]
    published_only: bool

    def sees(self, cycle: ReportingCycle) -> bool:
        return cycle.published_at is not None or not self.published_only


def public_link(cycle_id: int, country_code: str, basis: str, level: str, subject: str) -> str:
    """The relative link of a published score's explanation on the public country pages."""
    return f"{country_code}/{cycle_id}/{level}/{subject or 'all'}"


STAFF_CHARTS = _Audience("", BASES, chart_link, published_only=False)
PUBLIC_CHARTS = _Audience("public:", ("verified",), public_link, published_only=True)


@dataclass(frozen=True)
class Redraw:
    """Which charts a set of changed score rows makes stale, so that only those are built again."""

    regions: frozenset[tuple[int, str]]  # (cycle, basis): its heatmaps
    comparisons: frozenset[int]  # cycles whose verified focus-area scores moved: every country's comparison
    trends: frozenset[int]  # countries whose overall scores moved: their trend
    all_trends: bool  # a verified overall score moved: the regional average in every trend

    @classmethod
    def everything(cls, cycle_ids: Iterable[int]) -> Redraw:
        chosen = frozenset(cycle_ids)
        return cls(frozenset((c, b) for c in chosen for b in BASES), chosen, frozenset(), True)

    @classmethod
    def after(cls, changes: Iterable[tuple[int, int, str, str]]) -> Redraw:
        rows = list(changes)
        return cls(
            regions=frozenset((cycle, basis) for cycle, _, basis, _ in rows),
            comparisons=frozenset(c for c, _, basis, level in rows if basis == "verified" and level == "focus-area"),
            trends=frozenset(country for _, country, _, level in rows if level == "overall"),
            all_trends=any(basis == "verified" and level == "overall" for _, _, basis, level in rows),
        )

    @property
    def cycles(self) -> set[int]:
        return {cycle for cycle, _ in self.regions} | set(self.comparisons)


def rebuild_charts(
    session: Session,
    framework_of: Callable[[ReportingCycle], Framework],
    cycles: list[ReportingCycle],
    redraw: Redraw,
) -> int:
    """Build again the charts ``redraw`` names; rewrite those whose JSON changed.

    The secretariat's charts cover every cycle and both bases; the public's, published cycles and
    verified scores only. A fixed number of queries, whatever the number of countries, cycles or
    commitments.
    """
    countries = scored_countries(session)
    scores = session.execute(
        select(*(getattr(StoredScore, name) for name in _CHART_COLUMNS)).where(
            StoredScore.cycle_id.in_(redraw.cycles) | (StoredScore.level == "overall")
        )
    )  # plain rows, not ORM objects: tens of thousands at scale, and only read
    by_key = {(s.cycle_id, s.country_id, s.basis, s.level, s.subject): s for s in scores}
    figures: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    averages: dict[tuple[int, str, str, tuple[int, ...]], float | None] = {}  # peers' averages: for every audience
    peer_sets: dict[tuple[int, str | None], dict[str, PeerGroup]] = {}
    for audience in (STAFF_CHARTS, PUBLIC_CHARTS):
        seen = [c for c in cycles if audience.sees(c)]
        for cycle in seen:
            bases = [basis for basis in audience.bases if (cycle.id, basis) in redraw.regions]
            if bases:
                framework = framework_of(cycle)
                bands = {b.id: b.label for b in framework.methodology.rating_bands}
                for basis in bases:
                    figures.update(_region_figures(audience, framework, bands, cycle, basis, countries, by_key))
        if seen:
            for country in countries:
                figures.update(
                    _country_figures(
                        audience, framework_of, seen, redraw, country, countries, by_key, (averages, peer_sets)
                    )
                )
    existing = {
        key: (text, table)
        for key, text, table in session.execute(
            select(ChartFigure.key, ChartFigure.figure, cast(ChartFigure.table, Text)).where(
                ChartFigure.key.in_(list(figures))
            )
        )
    }
    now = utcnow()
    inserted: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    for key, (figure, table) in figures.items():
        text = chartlib.to_json(figure)
        stored = existing.get(key)
        if stored is None:
            inserted.append({"key": key, "figure": text, "table": table, "built_at": now})
        elif stored[0] != text or not _same_json(stored[1], table):
            updated.append({"key": key, "figure": text, "table": table, "built_at": now})
    if inserted:
        session.execute(insert(ChartFigure), inserted)
    if updated:  # by primary key; built_at too, so that Last-Modified moves with a rewritten public chart
        session.execute(update(ChartFigure), updated)
    return len(inserted) + len(updated)


_CHART_COLUMNS = (
    "cycle_id",
    "country_id",
    "basis",
    "level",
    "subject",
    "state",
    "score",
    "rating",
    "reported",
    "applicable",
    "carried_from",
    "penalised",
)


PEER_AVERAGE = "Average of comparable countries"  # those scored on the same commitments, never the whole region
INSUFFICIENT = "insufficient reporting"  # a scored cell below the coverage threshold has no band
REGION_VIEWS = ("focus-areas", "commitments")  # the heatmaps of a cycle and basis, as _region_figures draws them


def region_key(cycle_id: int, basis: str, view: str, prefix: str = "") -> str:
    return f"{prefix}region:{cycle_id}:{basis}:{view}"


def trend_key(country_id: int, prefix: str = "") -> str:
    return f"{prefix}trend:{country_id}"


def comparison_key(cycle_id: int, country_id: int, prefix: str = "") -> str:
    return f"{prefix}compare:{cycle_id}:{country_id}"


def _cell(score: Any, basis: str, bands: dict[str, str], link: str, minimum: int = 0) -> chartlib.Cell:
    """``minimum``: an area score counting fewer commitments than this is marked as thin."""
    if score is None:
        return chartlib.Cell("not-reported", basis=basis)
    return chartlib.Cell(
        score.state,
        score.score,
        bands.get(score.rating, score.rating) if score.rating else INSUFFICIENT,
        basis,
        link,
        score.reported,
        score.applicable,
        carried=score.carried_from is not None,
        penalised=score.penalised,
        thin=score.state == "scored" and score.reported < minimum,
    )


def scored_commitments(framework: Framework) -> list[FrameworkCommitment]:
    """The commitments a heatmap shows: not those of an instrument that applies to no country by its
    nature (signatories not established, a regional programme), whose column would be N/A throughout."""
    return [c for c in framework.commitments if framework.instrument_of[c.id].applies_by_signature]


def country_labels(cycle: ReportingCycle, countries: Iterable[Country]) -> list[str]:
    """Each country as it was named at the end of the cycle, with today's name beside it, from the
    current framework (which knows the names best), falling back to today's name."""
    current = queries.current_framework()
    return [current.country_label(c.code, cycle.period_end) if current else c.name for c in countries]


def _region_figures(
    audience: _Audience,
    framework: Framework,
    bands: dict[str, str],
    cycle: ReportingCycle,
    basis: str,
    countries: list[Country],
    by_key: dict[tuple[int, int, str, str, str], Any],
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    views = {
        "focus-areas": ("focus-area", [(a.id, a.name) for a in framework.focus_areas], "Focus area"),
        "commitments": (
            "commitment",
            [(c.id, f"{c.id} {c.title}") for c in scored_commitments(framework)],
            "Commitment",
        ),
    }
    minimum = {"focus-area": framework.minimum_area_commitments, "commitment": 0}
    basis_word = "verified" if basis == "verified" else "self-reported"
    cycle_id, link = cycle.id, audience.link
    groups = comparability_groups(framework, cycle, countries)
    by_group = sorted(range(len(countries)), key=lambda n: _group_order(groups, countries[n].code))
    countries = [countries[n] for n in by_group]  # comparable countries side by side, in name order within
    rows = [(country.id, country.code) for country in countries]  # ORM attributes read once, not per cell
    names = country_labels(cycle, countries)
    row_groups = [_row_group(groups.get(code)) for _, code in rows]
    figures = {}
    for view, (level, subjects, column_title) in views.items():
        cells = {}
        for r, (country_id, code) in enumerate(rows):
            for c, (subject, _) in enumerate(subjects):
                score = by_key.get((cycle_id, country_id, basis, level, subject))
                cells[(r, c)] = _cell(score, basis, bands, link(cycle_id, code, basis, level, subject), minimum[level])
        columns = [s if level == "commitment" else name for s, name in subjects]
        figures[region_key(cycle.id, basis, view, audience.prefix)] = chartlib.heatmap(
            f"{cycle.name}: {column_title.lower()} scores by country ({basis_word})",
            names,
            columns,
            cells,
            column_hints=[name for _, name in subjects],
            row_groups=row_groups,
        )
    return figures


def comparability_groups(
    framework: Framework, cycle: ReportingCycle, countries: Iterable[Country], within: Iterable[str] | None = None
) -> dict[str, PeerGroup]:
    """Each country's peer group in a cycle: those scored on the same commitments (overall, or within
    ``within``, e.g. a focus area's commitments), as the scores were computed (on the cycle's last day)."""
    applicable = {
        c.code: [m.id for m in framework.applicable_commitments(c.code, on=cycle.period_end)] for c in countries
    }
    instrument_of = {c.id: framework.instrument_of[c.id].id for c in framework.commitments}
    names = {i.id: i.short_title for i in framework.instruments}
    return comparability.group_of(
        comparability.peer_groups(applicable, instrument_of, names, set(within) if within is not None else None)
    )


class Comparability:
    """The key of each score's peer group in one cycle, for the open data and the API: scores with the
    same key (same cycle, level and subject) may be compared; others may not. Groups are computed once
    per cycle and focus area."""

    def __init__(self, framework: Framework, cycle: ReportingCycle, countries: Iterable[Country]) -> None:
        self.framework, self.cycle, self.countries = framework, cycle, list(countries)
        self._groups: dict[str | None, dict[str, PeerGroup]] = {}

    def _group(self, code: str, area: str | None) -> PeerGroup | None:
        if area not in self._groups:
            within = [c.id for c in self.framework.commitments_by_focus_area.get(area, ())] if area else None
            self._groups[area] = comparability_groups(self.framework, self.cycle, self.countries, within)
        return self._groups[area].get(code)

    def key(self, code: str, level: str, subject: str) -> str | None:
        """None where nothing applies; an instrument's (or a commitment's) signatories all share its key."""
        overall = self._group(code, None)
        if overall is None:
            return None
        if level == "overall":
            return overall.key
        if level == "focus-area":
            group = self._group(code, subject)
            return group.key if group else None
        if level == "instrument":
            return subject if any(self.framework.instrument_of[c].id == subject for c in overall.commitments) else None
        return self.framework.instrument_of[subject].id if subject in overall.commitments else None


def published_comparability() -> dict[int, Comparability]:
    """Peer groups of every published cycle, by cycle id, each with its pinned framework."""
    from .framework import framework_of  # as recompute_stored does: the engine's callers pass their own

    countries = queries.countries()
    return {cycle.id: Comparability(framework_of(cycle), cycle, countries) for cycle in published.cycles()}


def _group_order(groups: dict[str, PeerGroup], code: str) -> tuple[int, str]:
    group = groups.get(code)
    return (0, group.mark.rjust(3)) if group else (1, "")


def _row_group(group: PeerGroup | None) -> chartlib.RowGroup | None:
    return chartlib.RowGroup(group.mark, group.label) if group else None


def _country_figures(
    audience: _Audience,
    framework_of: Callable[[ReportingCycle], Framework],
    cycles: list[ReportingCycle],
    redraw: Redraw,
    country: Country,
    countries: list[Country],
    by_key: dict[tuple[int, int, str, str, str], Any],
    caches: tuple[dict[tuple[int, str, str, tuple[int, ...]], float | None], dict[tuple[int, str | None], Any]],
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    averages, peer_sets = caches

    def value(cycle_id: int, country_id: int, basis: str, level: str, subject: str) -> float | None:
        score = by_key.get((cycle_id, country_id, basis, level, subject))
        return score.score if score is not None and score.state == "scored" else None

    def peers(cycle: ReportingCycle, area: str | None = None) -> tuple[int, ...]:
        """The countries scored on the same commitments as this one (within a focus area when given)."""
        key = (cycle.id, area)
        if key not in peer_sets:
            framework = framework_of(cycle)
            within = [c.id for c in framework.commitments_by_focus_area[area]] if area else None
            peer_sets[key] = comparability_groups(framework, cycle, countries, within)
        group = peer_sets[key].get(country.code)
        return tuple(sorted(c.id for c in countries if group and c.code in group.members))

    def average(cycle: ReportingCycle, level: str, subject: str, among: tuple[int, ...]) -> float | None:
        key = (cycle.id, level, subject, among)
        if key not in averages:  # once per rebuild and peer group, not once per country: countries² otherwise
            values = [v for c in among if (v := value(cycle.id, c, "verified", level, subject)) is not None]
            averages[key] = round(sum(values) / len(values), 2) if values else None
        return averages[key]

    labels = {"verified": "Verified", "self-reported": "Self-reported"}
    figures = {}
    if redraw.all_trends or country.id in redraw.trends:
        figures[trend_key(country.id, audience.prefix)] = chartlib.trend(
            f"{country.name}: overall score by cycle",
            [c.name for c in cycles],
            [
                *(
                    (labels[basis], [value(c.id, country.id, basis, "overall", "") for c in cycles])
                    for basis in audience.bases
                ),
                (PEER_AVERAGE + " (verified)", [average(c, "overall", "", peers(c)) for c in cycles]),
            ],
        )
    for cycle in (c for c in cycles if c.id in redraw.comparisons):
        areas = framework_of(cycle).focus_areas
        figures[comparison_key(cycle.id, country.id, audience.prefix)] = chartlib.comparison(
            f"{country.name} beside comparable countries, {cycle.name} (verified)",
            [a.name for a in areas],
            [
                (country.name, [value(cycle.id, country.id, "verified", "focus-area", a.id) for a in areas]),
                (PEER_AVERAGE, [average(cycle, "focus-area", a.id, peers(cycle, a.id)) for a in areas]),
            ],
        )
    return figures
