"""A stress data generator: N countries × the whole framework × M annual cycles, fast and reproducible.

Usage:
    python bench/generate.py --database-url URL [--countries 60] [--cycles 12] [--seed 1] [--published N]

What it builds, on an empty (or freshly migrated) database:

- the schema (``flask db upgrade``, triggers included), when the database has none;
- a framework version made from ``commitments/`` plus synthetic countries: the 13 real countries
  keep their own signatures, every extra country copies Albania's (all three instruments), so it
  answers for the whole framework. Codes come from ISO 3166's user-assigned ranges (QM–QZ, XA–XZ
  without XK, AA, ZZ, then any other pair the framework does not name): two capital letters, as
  the schema and the ``country`` table require. It is stored as the current version before any
  cycle exists, so every cycle pins it;
- a secretariat reviewer and a focal point per country (no password: they author comments only);
- ``--cycles`` annual cycles from 2003; the oldest ``--published`` of them published;
- per cycle and country, a report (or none: not started) in every state: accepted (some first
  returned with comments and answered; a few amended, the amendment accepted again or left in
  draft), submitted, returned, draft; every entry of an applicable commitment, with narrative,
  evidence, figures, dates and budgets; accepted entries verified with an assessed status;
- finally every score and chart, through ``tracker.services.scores.recompute_stored()`` once.

Speed: reports, entries, evidence, figures and comments are written with SQLAlchemy Core inserts,
one transaction per cycle, instead of through the workflow services (which would recompute the
scores after every transition). Entries go in while their report is still a draft, then the
report's state is set: the lock triggers refuse rows added to an accepted report.

Everything but the wall-clock ``computed_at``/``built_at`` stamps comes from ``random.Random(seed)``:
the same seed on an empty database gives the same rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# user-assigned ISO 3166-1 alpha-2 codes first: they can never be a real country's
_PREFERRED_CODES = [f"Q{c}" for c in "MNOPQRSTUVWXYZ"] + [f"X{c}" for c in "ABCDEFGHIJLMNOPQRSTUVWXYZ"] + ["AA", "ZZ"]
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SYLLABLES_A = (
    "Al",
    "Bel",
    "Cor",
    "Dal",
    "Es",
    "Fen",
    "Gor",
    "Hal",
    "Is",
    "Kar",
    "Lom",
    "Mar",
    "Nor",
    "Or",
    "Pel",
    "Ros",
    "Sar",
    "Tor",
    "Ul",
    "Val",
    "Zel",
    "Bran",
    "Dor",
    "Kes",
    "Mir",
    "Tav",
)
_SYLLABLES_B = ("a", "e", "i", "o", "u", "ar", "en", "ov", "is", "an")
_SYLLABLES_C = ("via", "nia", "land", "stan", "ria", "mark", "dova", "tia", "gary", "sia", "thia", "onia")

STATUS_TOPICS = (
    "the national referral mechanism",
    "victim identification",
    "shelter capacity",
    "training of police and prosecutors",
    "the legal framework on trafficking",
    "co-operation with neighbouring states",
    "assisted voluntary return",
    "public awareness",
)
NARRATIVES = (
    "In {year} the {body} continued work on {topic}, with {num} meetings of the working group.",
    "{country} adopted an action plan on {topic} in {year}; implementation is led by the {body}.",
    "The {body} reported progress on {topic}: {num} officials took part in the activities of {year}.",
    "Work on {topic} began under the {body}; a review of results is planned for {next_year}.",
    "A joint programme with IOM and OSCE on {topic} ran through {year}, co-ordinated by the {body}.",
)
BODIES = (
    "Ministry of Interior",
    "National Anti-Trafficking Co-ordinator",
    "Ministry of Justice",
    "Ministry of Social Affairs",
    "General Prosecutor's Office",
    "Border Police",
)
EVIDENCE_TITLES = (
    "Annual report of the National Co-ordinator, {year}",
    "Decision of the Council of Ministers on {topic}",
    "Statistical bulletin of the Ministry of Interior, {year}",
    "Monitoring report by an NGO coalition, {year}",
    "Training programme and attendance lists, {year}",
)
GENERAL_COMMENTS = (
    "Please add evidence for the statuses above 'in progress' and check the figures against last year's.",
    "Several narratives repeat last year's text; please say what was done in this period.",
    "The report is nearly complete: see the comments on individual entries.",
)
ENTRY_COMMENTS = (
    "Which document shows this status? Please add a link or a page reference.",
    "The figures here differ from the national statistics; please check them.",
    "Is this activity finished or still running? The narrative and status disagree.",
)
REPLIES = (
    "Evidence added: the decision is now linked, see page 4.",
    "The figures are corrected according to the final statistics of the Ministry of Interior.",
    "The activity is still running; the status is changed accordingly.",
)


@dataclass
class Counts:
    reports: int = 0
    entries: int = 0
    evidence: int = 0
    figures: int = 0
    comments: int = 0
    by_state: dict[str, int] = field(default_factory=dict)

    def add(self, other: Counts) -> None:
        self.reports += other.reports
        self.entries += other.entries
        self.evidence += other.evidence
        self.figures += other.figures
        self.comments += other.comments
        for state, n in other.by_state.items():
            self.by_state[state] = self.by_state.get(state, 0) + n


def _say(message: str) -> None:
    print(f"[generate {time.strftime('%H:%M:%S')}] {message}", flush=True)


def synthetic_codes(taken: set[str], count: int) -> list[str]:
    """``count`` two-letter codes the framework does not name, user-assigned ranges first."""
    candidates = _PREFERRED_CODES + [a + b for a in _LETTERS for b in _LETTERS]
    codes: list[str] = []
    for code in candidates:
        if code not in taken and code not in codes:
            codes.append(code)
            if len(codes) == count:
                return codes
    raise SystemExit(f"cannot make {count} synthetic country codes")


def synthetic_names(rng: random.Random, taken: set[str], count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(_SYLLABLES_A) + rng.choice(_SYLLABLES_B) + rng.choice(_SYLLABLES_C)
        if name not in taken and name not in names:
            names.append(name)
    return names


def stress_framework_document(countries: int, rng: random.Random) -> dict[str, Any]:
    """The real framework, plus synthetic countries signing what Albania signed (all three instruments)."""
    from tracker.framework import load_framework

    document = load_framework(ROOT / "commitments").to_document()
    real = document["countries"]
    if countries <= len(real):
        document["countries"] = real[:countries]
        return document
    template = next(c for c in real if c["code"] == "AL")
    extra = countries - len(real)
    codes = synthetic_codes({c["code"] for c in real}, extra)
    names = synthetic_names(rng, {c["name"] for c in real}, extra)
    for code, name in zip(codes, names, strict=True):
        document["countries"].append(
            {
                "code": code,
                "name": name,
                "signatures": [
                    {**s, "source": "Synthetic country for load testing: signatures copied from Albania"}
                    for s in template["signatures"]
                ],
                "national_action_plan": {
                    "status": rng.choice(("adopted", "not_recorded")),
                    "source": "Synthetic country for load testing",
                },
                "names": [],
            }
        )
    document["countries"].sort(key=lambda c: c["code"])
    return document


def make_app(database_url: str):  # type: ignore[no-untyped-def]
    from config import config_from_environment
    from tracker.app import create_app

    return create_app(
        config_from_environment(
            {"TRACKER_ENV": "development", "TRACKER_DATABASE_URL": database_url, "TRACKER_SECRET_KEY": "bench-generate"}
        )
    )


def _ensure_schema() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from tracker.extensions import db

    if not inspect(db.engine).has_table("reporting_cycle"):
        _say("empty database: running the migrations (flask db upgrade)")
        upgrade()
        db.session.remove()


# ----------------------------------------------------------------------------- the plan
ACCEPTED, SUBMITTED, RETURNED, DRAFT, NONE = "accepted", "submitted", "returned", "draft", "none"

# outcome shares by the cycle's age (0 = the newest cycle): older cycles are nearly all accepted
_OUTCOMES = {
    0: ((ACCEPTED, 10), (SUBMITTED, 25), (RETURNED, 10), (DRAFT, 35), (NONE, 20)),
    1: ((ACCEPTED, 50), (SUBMITTED, 20), (RETURNED, 10), (DRAFT, 10), (NONE, 10)),
    2: ((ACCEPTED, 75), (SUBMITTED, 10), (RETURNED, 5), (DRAFT, 5), (NONE, 5)),
    3: ((ACCEPTED, 92), (SUBMITTED, 2), (RETURNED, 2), (DRAFT, 2), (NONE, 2)),
}


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


@dataclass(frozen=True)
class CycleSpec:
    year: int
    published: bool

    @property
    def name(self) -> str:
        return f"{self.year} annual report"

    @property
    def period_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def period_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def opens_on(self) -> dt.date:
        return dt.date(self.year + 1, 1, 15)

    @property
    def due_on(self) -> dt.date:
        return dt.date(self.year + 1, 3, 31)


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randint(0, 59), tzinfo=dt.UTC)


class Generator:
    def __init__(self, rng: random.Random, framework, levels: list[str]):  # type: ignore[no-untyped-def]
        self.rng = rng
        self.framework = framework
        self.levels = levels  # status level ids, lowest first
        self.progress: dict[tuple[str, str], int] = {}  # (country, commitment) -> level reached so far
        method = framework.methodology
        self.evidence_above = levels.index(method.evidence.required_above)

    def level(self, country: str, commitment: str) -> int:
        key = (country, commitment)
        if key not in self.progress:
            self.progress[key] = self.rng.choices((0, 1, 2, 3), weights=(3, 4, 3, 1))[0]
        elif self.rng.random() < 0.3:
            self.progress[key] = min(len(self.levels) - 1, self.progress[key] + 1)
        return self.progress[key]

    def entry_rows(
        self, country_code: str, country_name: str, cycle: CycleSpec, outcome: str
    ) -> list[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
        """(entry, evidence, figures) for every applicable commitment, as the report's state allows."""
        rng = self.rng
        rows = []
        applicable = self.framework.applicable_commitments(country_code, on=cycle.period_end)
        for position, commitment in enumerate(applicable):
            level = self.level(country_code, commitment.id)
            words = {
                "year": cycle.year,
                "next_year": cycle.year + 1,
                "country": country_name,
                "topic": rng.choice(STATUS_TOPICS),
                "body": rng.choice(BODIES),
                "num": rng.randint(3, 400),
            }
            unwritten = outcome == DRAFT and rng.random() < 0.35
            entry: dict[str, Any] = {
                "position": position,
                "commitment": commitment.id,
                "reported_status": None if unwritten else self.levels[level],
                "narrative": None if unwritten else rng.choice(NARRATIVES).format(**words),
                "responsible": None if unwritten else rng.choice(BODIES),
                "start_date": None,
                "end_date": None,
                "budget_amount": None,
                "budget_currency": None,
                "assessed_status": None,
                "verified": False,
            }
            evidence: list[dict[str, Any]] = []
            figures: list[dict[str, Any]] = []
            if not unwritten:
                if level >= 2 and rng.random() < 0.5:
                    start = dt.date(cycle.year - rng.choice((0, 0, 1)), rng.randint(1, 12), 1)
                    entry["start_date"] = start
                    if rng.random() < 0.6:
                        entry["end_date"] = dt.date(cycle.year + rng.randint(0, 2), 12, 31)
                if level >= 2 and rng.random() < 0.3:
                    entry["budget_amount"] = rng.randrange(20_000, 400_000, 5_000)
                    entry["budget_currency"] = "EUR"
                if level > self.evidence_above or (level == self.evidence_above and rng.random() < 0.3):
                    for n in range(rng.choice((1, 1, 2))):
                        evidence.append(
                            {
                                "title": rng.choice(EVIDENCE_TITLES).format(**words),
                                "url": f"https://{country_code.lower()}.gov.example/documents/{cycle.year + 1}/"
                                f"{commitment.id.lower()}-{n + 1}.pdf",
                                "page": str(rng.randint(2, 80)) if rng.random() < 0.4 else None,
                                "quote": None,
                            }
                        )
                for indicator in commitment.indicators:
                    if indicator == "immediate-deportations":
                        figures.append(
                            {"indicator": indicator, "value": rng.randint(1, 9) if rng.random() < 0.04 else 0}
                        )
                    elif level >= 1:
                        figures.append({"indicator": indicator, "value": rng.randint(5, 900)})
            if outcome == ACCEPTED:
                assessed = level - 1 if level >= 2 and rng.random() < 0.06 else level
                entry["assessed_status"] = self.levels[assessed]
                entry["verified"] = True
            rows.append((entry, evidence, figures))
        return rows


def generate(database_url: str, countries: int, cycles: int, seed: int, published: int | None) -> Counts:
    from sqlalchemy import func, insert, select

    from tracker.database import IMMEDIATE
    from tracker.extensions import db
    from tracker.framework import Framework
    from tracker.models import (
        Commitment,
        Country,
        Entry,
        Evidence,
        IndicatorValue,
        Report,
        ReportingCycle,
        ReviewComment,
        Role,
        User,
    )
    from tracker.services import store_framework
    from tracker.services.scores import recompute_stored

    started = time.perf_counter()
    rng = random.Random(seed)
    app = make_app(database_url)
    total = Counts()
    with app.app_context():
        _ensure_schema()
        if db.session.execute(select(func.count(ReportingCycle.id))).scalar_one():
            raise SystemExit("this database already has reporting cycles: generate into an empty one")
        db.session.rollback()

        framework = Framework.from_document(stress_framework_document(countries, rng))
        result = store_framework(framework, "bench/generate.py")
        _say(
            f"framework {result.content_hash[:12]} stored as current: {len(framework.countries)} countries, "
            f"{len(framework.commitments)} commitments"
        )
        version_id = result.version_id
        levels = [s.id for s in framework.methodology.status_levels]
        generator = Generator(rng, framework, levels)
        if published is None:
            published = max(1, cycles * 2 // 3)
        specs = [CycleSpec(2003 + n, n < published) for n in range(cycles)]

        table = {m: m.__table__ for m in (Report, Entry, Evidence, IndicatorValue, ReviewComment, User, ReportingCycle)}
        engine = db.engine
        with engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            country_rows = {
                code: (cid, name)
                for cid, code, name in conn.execute(select(Country.id, Country.code, Country.name))
                if code in {c.code for c in framework.countries}
            }
            commitment_ids = dict(
                conn.execute(select(Commitment.code, Commitment.id).where(Commitment.version_id == version_id)).all()
            )
            token = "0" * 64
            conn.execute(
                insert(table[User]),
                [
                    {
                        "email": "reviewer@bench.example",
                        "name": "Bench Reviewer",
                        "role": Role.SECRETARIAT,
                        "country_id": None,
                        "password_hash": None,
                        "session_token": token,
                    }
                ]
                + [
                    {
                        "email": f"focal-{code.lower()}@bench.example",
                        "name": f"Focal point, {name}",
                        "role": Role.FOCAL_POINT,
                        "country_id": cid,
                        "password_hash": None,
                        "session_token": token,
                    }
                    for code, (cid, name) in sorted(country_rows.items())
                ],
            )
            users = dict(conn.execute(select(User.email, User.id)).all())
            reviewer = users["reviewer@bench.example"]
            cycle_ids = {}
            for spec in specs:
                cycle_ids[spec.year] = conn.execute(
                    insert(table[ReportingCycle]).returning(ReportingCycle.id),
                    {
                        "name": spec.name,
                        "period_start": spec.period_start,
                        "period_end": spec.period_end,
                        "opens_on": spec.opens_on,
                        "due_on": spec.due_on,
                        "framework_version_id": version_id,
                        "created_at": _moment(spec.opens_on - dt.timedelta(days=30), rng),
                        "created_by_id": reviewer,
                        "published_at": _moment(dt.date(spec.year + 1, 7, 1), rng) if spec.published else None,
                    },
                ).scalar_one()
        _say(f"{len(country_rows)} countries, {len(users)} users, {cycles} cycles ({published} published)")

        for index, spec in enumerate(specs):
            t0 = time.perf_counter()
            age = min(3, cycles - 1 - index)
            counts = Counts()
            with engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
                _write_cycle(
                    conn,
                    generator,
                    spec,
                    cycle_ids[spec.year],
                    age,
                    country_rows,
                    commitment_ids,
                    users,
                    reviewer,
                    counts,
                    table,
                )
            total.add(counts)
            states = ", ".join(f"{n} {s}" for s, n in sorted(counts.by_state.items()))
            _say(
                f"{spec.name}: {counts.reports} reports ({states}), {counts.entries} entries, "
                f"{counts.evidence} evidence, {counts.figures} figures, {counts.comments} comments "
                f"in {time.perf_counter() - t0:.1f} s"
            )
        db.session.remove()

        t0 = time.perf_counter()
        _say("recomputing every score and chart (services.scores.recompute_stored)")
        recomputed = recompute_stored()
        _say(
            f"{recomputed.scorecards} scorecards, {recomputed.inserted} score rows, {recomputed.charts} charts "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        db.session.remove()
        db.engine.dispose()
    _say(
        f"done in {time.perf_counter() - started:.1f} s: {total.reports} reports, {total.entries} entries, "
        f"{total.evidence} evidence, {total.figures} figures, {total.comments} comments"
    )
    return total


def _write_cycle(  # type: ignore[no-untyped-def]
    conn,
    generator: Generator,
    spec: CycleSpec,
    cycle_id: int,
    age: int,
    country_rows,
    commitment_ids,
    users,
    reviewer: int,
    counts: Counts,
    table,
) -> None:
    """One cycle's reports in one transaction: drafts first, their rows, then each report's real state."""
    from sqlalchemy import bindparam, insert, update

    from tracker.models import Entry, Evidence, IndicatorValue, Report, ReportState, ReviewComment

    rng = generator.rng
    plans = []  # (country code, revision, outcome, amends (index into plans) or None, returned first)
    for code in sorted(country_rows):
        outcome = _pick(rng, _OUTCOMES[age])
        if outcome == NONE:
            continue
        returned_first = outcome == ACCEPTED and rng.random() < 0.3
        plans.append((code, 1, outcome, None, returned_first))
        if outcome == ACCEPTED and age >= 1 and rng.random() < 0.04:  # an amendment of the accepted report
            plans.append((code, 2, ACCEPTED if rng.random() < 0.7 else DRAFT, len(plans) - 1, False))

    # reports, as drafts; an amendment after the report it amends
    report_of: dict[int, int] = {}  # plan index -> report id
    for revision in (1, 2):
        batch = [n for n, plan in enumerate(plans) if plan[1] == revision]
        if not batch:
            continue
        rows = []
        for n in batch:
            code, _rev, _outcome, amends, _ = plans[n]
            delay = rng.randint(0, 20) + (120 if revision == 2 else 0)
            created = _moment(spec.opens_on + dt.timedelta(days=delay), rng)
            rows.append(
                {
                    "cycle_id": cycle_id,
                    "country_id": country_rows[code][0],
                    "revision": revision,
                    "amends_id": report_of[amends] if amends is not None else None,
                    "state": ReportState.DRAFT,
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        ids = conn.execute(insert(table[Report]).returning(Report.id, sort_by_parameter_order=True), rows)
        report_of.update(zip(batch, ids.scalars().all(), strict=True))

    # entries of every report
    entry_rows, children = [], []
    for n, (code, _rev, outcome, _amends, _) in enumerate(plans):
        for entry, evidence, figures in generator.entry_rows(code, country_rows[code][1], spec, outcome):
            entry_rows.append(
                {
                    **{k: v for k, v in entry.items() if k != "commitment"},
                    "report_id": report_of[n],
                    "commitment_id": commitment_ids[entry["commitment"]],
                }
            )
            children.append((n, evidence, figures))
    entry_ids = (
        conn.execute(insert(table[Entry]).returning(Entry.id, sort_by_parameter_order=True), entry_rows).scalars().all()
    )
    evidence_rows = [dict(e, entry_id=eid) for eid, (_, ev, _) in zip(entry_ids, children, strict=True) for e in ev]
    figure_rows = [dict(f, entry_id=eid) for eid, (_, _, fig) in zip(entry_ids, children, strict=True) for f in fig]
    if evidence_rows:
        conn.execute(insert(table[Evidence]), evidence_rows)
    if figure_rows:
        conn.execute(insert(table[IndicatorValue]), figure_rows)
    entries_of: dict[int, list[int]] = {}
    for eid, (n, _, _) in zip(entry_ids, children, strict=True):
        entries_of.setdefault(n, []).append(eid)

    # review comments (and the focal point's replies) on returned reports and on those returned before acceptance
    comment_rows, reply_plans = [], []
    for n, (_code, _rev, outcome, _amends, returned_first) in enumerate(plans):
        if not (outcome == RETURNED or returned_first):
            continue
        when = _moment(spec.due_on + dt.timedelta(days=rng.randint(1, 30)), rng)
        targets = [None] + rng.sample(entries_of[n], min(len(entries_of[n]), rng.choice((1, 2, 2))))
        for target in targets:
            body = rng.choice(GENERAL_COMMENTS if target is None else ENTRY_COMMENTS)
            comment_rows.append(
                {
                    "report_id": report_of[n],
                    "entry_id": target,
                    "in_reply_to_id": None,
                    "author_id": reviewer,
                    "body": body,
                    "created_at": when,
                }
            )
            answered = returned_first or rng.random() < 0.5
            reply_plans.append((n, target, answered, when))
    if comment_rows:
        comment_ids = (
            conn.execute(
                insert(table[ReviewComment]).returning(ReviewComment.id, sort_by_parameter_order=True), comment_rows
            )
            .scalars()
            .all()
        )
        replies = [
            {
                "report_id": report_of[n],
                "entry_id": target,
                "in_reply_to_id": cid,
                "author_id": users[f"focal-{plans[n][0].lower()}@bench.example"],
                "body": rng.choice(REPLIES),
                "created_at": when + dt.timedelta(days=rng.randint(1, 10)),
            }
            for cid, (n, target, answered, when) in zip(comment_ids, reply_plans, strict=True)
            if answered
        ]
        if replies:
            conn.execute(insert(table[ReviewComment]), replies)
        counts.comments += len(comment_rows) + len(replies)

    # now each report's real state (accepted last: from then on the triggers lock it)
    state_rows = []
    for n, (_code, rev, outcome, _amends, _) in enumerate(plans):
        state = {
            ACCEPTED: ReportState.ACCEPTED,
            SUBMITTED: ReportState.SUBMITTED,
            RETURNED: ReportState.RETURNED,
            DRAFT: ReportState.DRAFT,
        }[outcome]
        opened = spec.opens_on + dt.timedelta(days=120 if rev == 2 else 0)
        submitted = _moment(opened + dt.timedelta(days=rng.randint(5, 80)), rng) if outcome != DRAFT else None
        accepted = submitted + dt.timedelta(days=rng.randint(5, 60)) if outcome == ACCEPTED and submitted else None
        state_rows.append(
            {
                "rid": report_of[n],
                "state": state,
                "submitted_at": submitted,
                "accepted_at": accepted,
                "updated_at": accepted or submitted or _moment(opened + dt.timedelta(days=30), rng),
                "version": rng.randint(2, 9),
            }
        )
        counts.by_state[outcome] = counts.by_state.get(outcome, 0) + 1
    report_table = table[Report]
    conn.execute(
        update(report_table)
        .where(report_table.c.id == bindparam("rid"))
        .values(
            state=bindparam("state"),
            submitted_at=bindparam("submitted_at"),
            accepted_at=bindparam("accepted_at"),
            updated_at=bindparam("updated_at"),
            version=bindparam("version"),
        ),
        state_rows,
    )
    counts.reports += len(plans)
    counts.entries += len(entry_rows)
    counts.evidence += len(evidence_rows)
    counts.figures += len(figure_rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL of an empty (or migrated) database")
    parser.add_argument("--countries", type=int, default=60)
    parser.add_argument("--cycles", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--published", type=int, default=None, help="how many of the oldest cycles are published (default: two thirds)"
    )
    args = parser.parse_args(argv)
    if args.countries < 1 or args.cycles < 1:
        parser.error("--countries and --cycles must be at least 1")
    generate(args.database_url, args.countries, args.cycles, args.seed, args.published)


if __name__ == "__main__":
    main()
