"""The demonstration data: what ``seed_demo`` creates, that it does so once, and the same way every time.

Seeding plays three cycles through the real operations, which takes several seconds, so each database
is seeded once per module (``seeded``, on SQLite and on PostgreSQL when TEST_DATABASE_URL is set) and
the tests below read it. Two more SQLite databases, seeded once each, give the reference for the
reproducibility test. Password hashing (argon2, deliberately slow) is replaced by one hash of the
demonstration password made once, which ``create_user`` still stores.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import BACKENDS, COMMITMENTS_DIR, app_with_tables, postgresql_schema
from tracker import services
from tracker.audit import ChainBreak, verify_chain
from tracker.demo import (
    DEMO_ACCOUNTS,
    DEMO_COUNTRIES,
    DEMO_COUNTRIES_FILE,
    DEMO_CYCLES,
    DEMO_MARKER,
    DEMO_PASSWORD,
    DEMO_PLAN_COUNTRIES,
    DEMO_PLANS_TO_REVIEW,
    DEMO_REMOTE_ADDR,
    DEMO_SECRETARIAT,
    DemoError,
    DemoSummary,
    demo_present,
    seed_demo,
)
from tracker.extensions import db
from tracker.framework import Framework, load_framework
from tracker.models import (
    AuditEvent,
    Commitment,
    Country,
    Entry,
    Evidence,
    IndicatorValue,
    Notification,
    Report,
    ReportingCycle,
    ReportState,
    ReviewComment,
    Role,
    StoredScore,
    User,
)

OTHER_SEED = 7


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def demo_hash() -> str:
    from tracker.passwords import hash_password

    return hash_password(DEMO_PASSWORD)


@contextmanager
def fast_hashing(demo_hash: str) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("tracker.services.accounts.hash_password", lambda password: demo_hash)
        yield


@contextmanager
def framework_app(url: str, framework: Framework) -> Iterator[Flask]:
    """An app on ``url`` with every table and the real framework loaded, as the ``app`` fixture builds it."""
    with app_with_tables(url) as app:
        with app.app_context():
            services.store_framework(framework, source=str(COMMITMENTS_DIR))
            db.session.remove()
        yield app


@contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'demo.db'}"
    else:
        with postgresql_schema() as url:
            yield url


class Seeded:
    def __init__(self, app: Flask, summary: DemoSummary, present_before: bool, seconds: float):
        self.app, self.summary, self.present_before, self.seconds = app, summary, present_before, seconds


def seed_into(app: Flask, seed: int, demo_hash: str) -> Seeded:
    import time

    with app.app_context(), fast_hashing(demo_hash):
        present_before = demo_present(db.session)
        started = time.perf_counter()
        summary = seed_demo(seed=seed)
        seconds = time.perf_counter() - started
        db.session.remove()
    return Seeded(app, summary, present_before, seconds)


@pytest.fixture(scope="module")
def real_framework() -> Framework:
    return load_framework(COMMITMENTS_DIR)


@pytest.fixture(scope="module")
def demo_framework() -> Framework:
    """The framework a demonstration installation scores with: the real one and the fictional countries."""
    return load_framework(COMMITMENTS_DIR, DEMO_COUNTRIES_FILE)


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory, real_framework, demo_hash) -> Iterator[Seeded]:
    """An empty database, then the demonstration seeded into it with the default seed."""
    with database(request.param, tmp_path_factory.mktemp("seeded")) as url, framework_app(url, real_framework) as app:
        yield seed_into(app, 2002, demo_hash)


def seeded_demo(backend: str, tmp_path_factory: pytest.TempPathFactory, demo_hash: str) -> Iterator[Flask]:
    """A demonstration seeded with the default seed, for a module's fixture whose tests only read it."""
    with (
        database(backend, tmp_path_factory.mktemp("demo")) as url,
        framework_app(url, load_framework(COMMITMENTS_DIR)) as app,
    ):
        seed_into(app, 2002, demo_hash)
        yield app


@pytest.fixture(scope="module")
def reference(tmp_path_factory, real_framework, demo_hash) -> Iterator[Seeded]:
    """A second, independent SQLite database seeded with the same seed."""
    with framework_app(f"sqlite:///{tmp_path_factory.mktemp('reference') / 'demo.db'}", real_framework) as app:
        yield seed_into(app, 2002, demo_hash)


@pytest.fixture(scope="module")
def other(tmp_path_factory, real_framework, demo_hash) -> Iterator[Seeded]:
    with framework_app(f"sqlite:///{tmp_path_factory.mktemp('other') / 'demo.db'}", real_framework) as app:
        yield seed_into(app, OTHER_SEED, demo_hash)


# ----------------------------------------------------------------------------- reading the data
def reports(app: Flask) -> list[tuple[str, str, int, ReportState]]:
    """(cycle, country, revision, state) of every report."""
    with app.app_context():
        return list(
            db.session.execute(
                select(ReportingCycle.name, Country.code, Report.revision, Report.state)
                .join(Report, Report.cycle_id == ReportingCycle.id)
                .join(Country, Country.id == Report.country_id)
                .order_by(ReportingCycle.name, Country.code, Report.revision)
            ).all()
        )


def content(app: Flask) -> dict[str, list[tuple]]:
    """Everything a person reads in the seeded reports, without ids or timestamps."""
    base = (
        select(ReportingCycle.name, Country.code, Report.revision, Commitment.code)
        .join(Report, Report.cycle_id == ReportingCycle.id)
        .join(Country, Country.id == Report.country_id)
        .join(Entry, Entry.report_id == Report.id)
        .join(Commitment, Commitment.id == Entry.commitment_id)
    )
    with app.app_context():
        session = db.session
        return {
            "entries": sorted(
                session.execute(
                    base.add_columns(
                        Report.state,
                        Entry.reported_status,
                        Entry.assessed_status,
                        Entry.narrative,
                        Entry.responsible,
                        Entry.start_date,
                        Entry.end_date,
                        Entry.budget_amount,
                        Entry.budget_currency,
                    )
                ).all(),
                key=repr,
            ),
            "figures": sorted(
                session.execute(
                    base.join(IndicatorValue, IndicatorValue.entry_id == Entry.id).add_columns(
                        IndicatorValue.indicator, IndicatorValue.value
                    )
                ).all(),
                key=repr,
            ),
            "evidence": sorted(
                session.execute(
                    base.join(Evidence, Evidence.entry_id == Entry.id).add_columns(
                        Evidence.title, Evidence.url, Evidence.page, Evidence.file_name, Evidence.size_bytes
                    )
                ).all(),
                key=repr,
            ),
            "comments": sorted(
                session.execute(
                    select(ReportingCycle.name, Country.code, ReviewComment.body)
                    .join(Report, Report.cycle_id == ReportingCycle.id)
                    .join(Country, Country.id == Report.country_id)
                    .join(ReviewComment, ReviewComment.report_id == Report.id)
                ).all(),
                key=repr,
            ),
        }


def row_counts(app: Flask) -> dict[str, int]:
    tables = (User, ReportingCycle, Report, Entry, Evidence, IndicatorValue, ReviewComment, Notification, AuditEvent)
    with app.app_context():
        return {t.__name__: db.session.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


# ----------------------------------------------------------------------------- what is created
def test_seeding_an_empty_database_creates_accounts_cycles_and_reports(seeded):
    assert seeded.present_before is False
    summary = seeded.summary
    assert summary.created
    assert summary.users == len(DEMO_ACCOUNTS) == 11
    assert summary.cycles == 3
    assert summary.published == ("2003 annual report",)
    print(f"seeded in {seeded.seconds:.1f} s: {summary.lines()}")
    with seeded.app.app_context():
        assert demo_present(db.session)
        accounts = {
            u.email: (u.role, u.country.code if u.country else None, u.is_active)
            for u in db.session.execute(select(User)).scalars()
        }
        assert accounts == {email: (role, country, True) for email, _, role, country in DEMO_ACCOUNTS}
        cycles = db.session.execute(select(ReportingCycle).order_by(ReportingCycle.period_end)).scalars().all()
        assert [(c.name, c.period_start, c.period_end, c.opens_on, c.due_on) for c in cycles] == [
            (c.name, c.period_start, c.period_end, c.opens_on, c.due_on) for c in DEMO_CYCLES
        ]
        assert [c.is_published for c in cycles] == [True, False, False]


def reassessments(app: Flask) -> set[tuple[str, int]]:
    """(country, revision) of the revisions the secretariat made by changing an assessment after a reply."""
    with app.app_context():
        ids = [
            int(i)
            for i in db.session.execute(
                select(AuditEvent.object_id).where(AuditEvent.action == "assessment_changed")
            ).scalars()
        ]
        rows = db.session.execute(
            select(Country.code, Report.revision)
            .join(Country, Country.id == Report.country_id)
            .where(Report.id.in_(ids))
        ).all()
        return {(code, revision) for code, revision in rows}


def test_the_reports_are_in_every_state_cycle_by_cycle(seeded):
    rows = reports(seeded.app)
    latest = {}
    for cycle, country, _revision, state in rows:  # ordered by revision: the last one wins
        latest[(cycle, country)] = state
    first, second, third = (c.name for c in DEMO_CYCLES)
    assert {state for *_, state in rows} == set(ReportState)

    # 2003: every country accepted; one accepted report amended, and the amendment accepted too; one
    # assessment changed in answer to a government's reply (a revision of its own)
    assert {country for cycle, country, *_ in rows if cycle == first} == set(DEMO_COUNTRIES)
    assert {state for cycle, *_, state in rows if cycle == first} == {ReportState.ACCEPTED}
    reassessed = reassessments(seeded.app)
    revised = {(country, revision) for cycle, country, revision, _ in rows if cycle == first and revision > 1}
    assert len(reassessed) == 1 and reassessed <= revised
    amended = sorted(revised - reassessed)
    assert len(amended) == 1 and amended[0][1] == 2

    # 2004: most accepted, one returned, one waiting for review, one draft
    states = Counter(state for (cycle, _), state in latest.items() if cycle == second)
    assert states == {
        ReportState.ACCEPTED: len(DEMO_COUNTRIES) - 3,
        ReportState.RETURNED: 1,
        ReportState.SUBMITTED: 1,
        ReportState.DRAFT: 1,
    }

    # 2005: drafts and submitted reports, nothing reviewed yet
    states = Counter(state for (cycle, _), state in latest.items() if cycle == third)
    assert set(states) == {ReportState.DRAFT, ReportState.SUBMITTED}
    assert sum(states.values()) == len(DEMO_COUNTRIES)

    assert seeded.summary.reports_by_cycle[second] == {"draft": 1, "submitted": 1, "returned": 1, "accepted": 5}


def test_some_documents_are_uploaded_files_that_say_they_are_invented(seeded):
    """Small generated PDFs stand for scanned documents: stored as uploads are, each one saying it is
    invented; the public downloads those of the published cycle and nothing else."""
    from tracker import uploads

    with seeded.app.app_context():
        rows = db.session.execute(
            select(
                Evidence.id,
                Evidence.stored_name,
                Evidence.file_name,
                Evidence.size_bytes,
                ReportingCycle.published_at,
                Report.cycle_id,
                Report.country_id,
                Report.revision,
            )
            .join(Entry, Entry.id == Evidence.entry_id)
            .join(Report, Report.id == Entry.report_id)
            .join(ReportingCycle, ReportingCycle.id == Report.cycle_id)
            .where(Evidence.stored_name.is_not(None), Report.state == ReportState.ACCEPTED)
        ).all()
        folder = Path(seeded.app.config["UPLOAD_DIR"])
        total = db.session.execute(select(func.count(Evidence.id))).scalar_one()
    assert 0.05 * total < len(rows) < 0.5 * total  # some documents, not all
    latest: dict[tuple[int, int], int] = {}
    for row in rows:
        latest[(row.cycle_id, row.country_id)] = max(row.revision, latest.get((row.cycle_id, row.country_id), 0))
    # the public sees the files of each country's latest accepted revision in a published cycle
    published = [r for r in rows if r.published_at is not None and r.revision == latest[(r.cycle_id, r.country_id)]]
    assert published and len(published) < len(rows)
    for row in rows:
        data = uploads.path_of(folder, row.stored_name).read_bytes()
        assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF") and len(data) == row.size_bytes
        assert b"DEMONSTRATION DATA - INVENTED DOCUMENT" in data and row.file_name.endswith(".pdf")
    client = seeded.app.test_client()
    for row in published:
        downloaded = client.get(f"/evidence/{row.id}/file")
        assert downloaded.status_code == 200 and downloaded.data.startswith(b"%PDF-"), row
    unpublished = next(row for row in rows if row.published_at is None)
    assert client.get(f"/evidence/{unpublished.id}/file").status_code == 404


def test_the_amendment_links_back_and_corrects_figures(seeded):
    with seeded.app.app_context():
        reassessed = {
            int(i)
            for i in db.session.execute(
                select(AuditEvent.object_id).where(AuditEvent.action == "assessment_changed")
            ).scalars()
        }
        amendment = db.session.execute(
            select(Report).where(Report.revision == 2, Report.id.not_in(reassessed))
        ).scalar_one()
        original = amendment.amends
        assert original.revision == 1 and original.state is ReportState.ACCEPTED
        assert amendment.state is ReportState.ACCEPTED
        before = {e.commitment.code: {f.indicator: f.value for f in e.figures} for e in original.entries}
        after = {e.commitment.code: {f.indicator: f.value for f in e.figures} for e in amendment.entries}
        changed = {code for code in after if after[code] != before[code]}
        assert changed and all(after[code]["victims-assisted"] > before[code]["victims-assisted"] for code in changed)
        assert all("Corrected in revision 2" in e.narrative for e in amendment.entries if e.commitment.code in changed)


def test_entries_are_complete_documented_and_progress_plausibly(seeded, real_framework, demo_framework):
    method = real_framework.methodology
    levels = [level.id for level in method.status_levels]
    needs_evidence_above = levels.index(method.evidence.required_above)
    with seeded.app.app_context():
        entries = db.session.execute(select(Entry).join(Report)).scalars().all()
        sent = [e for e in entries if e.report.state is not ReportState.DRAFT]
        # contributions to the regional programme are optional: the demonstration leaves them empty
        programme = {c.id for i in real_framework.instruments if not i.applies_by_signature for c in i.commitments}
        assert sent and all(e.reported_status in levels for e in sent if e.commitment.code not in programme)
        assert all(e.reported_status is None for e in sent if e.commitment.code in programme)
        for entry in entries:
            code = entry.commitment.code
            if entry.reported_status and levels.index(entry.reported_status) > needs_evidence_above:
                assert entry.evidence, code
            for item in entry.evidence:
                address = urlsplit(item.url)
                assert address.scheme == "https" and address.hostname.endswith(".example"), item.url
                assert item.title
            assert {f.indicator for f in entry.figures} <= set(real_framework.commitment(code).indicators)
            if entry.reported_status:
                assert entry.narrative and entry.responsible
                assert len(re.findall(r"[.!?](?:\s|$)", entry.narrative)) >= 2, entry.narrative
        # a draft in progress has entries still to fill in
        assert any(e.reported_status is None for e in entries if e.report.state is ReportState.DRAFT)

        # countries get entries only for what they had "signed" in the demonstration
        for entry in entries:
            signed = {c.id for c in demo_framework.applicable_commitments(entry.report.country.code)}
            assert entry.commitment.code in signed | programme

        # a status rises by at most one level from one cycle to the next
        path: dict[tuple[str, str], dict[dt.date, str]] = defaultdict(dict)
        for entry in sorted(entries, key=lambda e: e.report.revision):
            if entry.reported_status:
                path[(entry.report.country.code, entry.commitment.code)][entry.report.cycle.period_end] = (
                    entry.reported_status
                )
        steps = Counter()
        for statuses in path.values():
            ordered = [levels.index(status) for _, status in sorted(statuses.items())]
            for before, after in zip(ordered, ordered[1:], strict=False):
                steps[after - before] += 1
        assert set(steps) <= {0, 1} and steps[1] > 0 and steps[0] > 0

        # the secretariat verified every accepted entry, and judged a few differently from the country
        accepted = [e for e in entries if e.report.state is ReportState.ACCEPTED and e.commitment.code not in programme]
        assert all(e.verified and e.assessed_status in levels for e in accepted)
        differently = [e for e in accepted if e.assessed_status != e.reported_status]
        assert 0 < len(differently) < len(accepted) // 10


def test_one_accepted_report_shows_immediate_deportations(seeded, real_framework):
    negative = real_framework.methodology.negative_indicators[0]
    with seeded.app.app_context():
        figures = db.session.execute(
            select(Country.code, ReportingCycle.name, Report.state, Commitment.code, IndicatorValue.value)
            .join(Report, Report.country_id == Country.id)
            .join(ReportingCycle, ReportingCycle.id == Report.cycle_id)
            .join(Entry, Entry.report_id == Report.id)
            .join(Commitment, Commitment.id == Entry.commitment_id)
            .join(IndicatorValue, IndicatorValue.entry_id == Entry.id)
            .where(IndicatorValue.indicator == negative.indicator)
        ).all()
        positive = [row for row in figures if row.value > 0]
        assert len({(row.code, row.name) for row in positive}) == 1
        country, cycle, state, commitment, _ = positive[0]
        assert state is ReportState.ACCEPTED and commitment == negative.commitment
        assert any(row.value == 0 for row in figures)  # the others report none
        assert seeded.summary.negative_indicator == (f"{country}, {cycle}",)
        # the published, verified score carries the penalty
        overall = db.session.execute(
            select(StoredScore)
            .join(Country, Country.id == StoredScore.country_id)
            .join(ReportingCycle, ReportingCycle.id == StoredScore.cycle_id)
            .where(
                Country.code == country,
                ReportingCycle.name == cycle,
                StoredScore.basis == "verified",
                StoredScore.level == "overall",
            )
        ).scalar_one()
        assert negative.id in overall.explanation["penalties"]


def test_returned_reports_carry_comments_and_answers(seeded):
    with seeded.app.app_context():
        returned = (
            db.session.execute(select(Report).where(Report.id.in_(select(ReviewComment.report_id)))).scalars().all()
        )
        assert returned
        for report in returned:
            questions = [c for c in report.comments if c.in_reply_to_id is None]
            answers = [c for c in report.comments if c.in_reply_to_id is not None]
            assert any(c.entry_id is None for c in questions) and any(c.entry_id for c in questions)
            assert all(c.author.email == DEMO_SECRETARIAT for c in questions)
            assert answers and all(c.author.country_id == report.country_id for c in answers)
            if report.state is ReportState.RETURNED:
                assert len(answers) < len(questions)  # still being revised
            else:
                assert len(answers) == len(questions)


def test_the_operations_left_their_audit_trail_and_notifications(seeded):
    with seeded.app.app_context():
        events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        actions = Counter(e.action for e in events)
        for action in (
            "user_created",
            "cycle_created",
            "report_started",
            "report_saved",
            "report_submitted",
            "report_returned",
            "comment_answered",
            "report_resubmitted",
            "report_accepted",
            "report_amended",
            "cycle_published",
        ):
            assert actions[action] > 0, action
        assert actions["user_created"] == len(DEMO_ACCOUNTS)
        assert actions["cycle_published"] == 1
        seeded_events = [e for e in events if e.action != "framework_loaded"]
        assert all(e.remote_addr == DEMO_REMOTE_ADDR for e in seeded_events)
        staff_actions = {"cycle_created", "report_returned", "report_accepted", "cycle_published"}
        assert {e.actor_email for e in seeded_events if e.action in staff_actions} == {DEMO_SECRETARIAT}
        assert {e.actor_role for e in seeded_events if e.action in {"report_started", "report_submitted"}} == {
            "focal_point"
        }
        assert events[-1].action == "user_created" and events[-1].actor_email == "admin@demo.example"
        kinds = set(db.session.execute(select(Notification.kind)).scalars())
        assert {"report_submitted", "report_returned", "report_accepted", "cycle_published", "overdue"} <= kinds


def test_the_audit_chain_verifies(seeded):
    with seeded.app.app_context():
        results = list(verify_chain(db.session))
        total = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    assert not [r for r in results if isinstance(r, ChainBreak)]
    assert len(results) == total > 100


def test_scores_are_stored_for_the_published_cycle(seeded):
    with seeded.app.app_context():
        rows = db.session.execute(
            select(Country.code, StoredScore.level, StoredScore.state, StoredScore.score)
            .join(Country, Country.id == StoredScore.country_id)
            .join(ReportingCycle, ReportingCycle.id == StoredScore.cycle_id)
            .where(ReportingCycle.name == DEMO_CYCLES[0].name, StoredScore.basis == "verified")
        ).all()
    scored = {code for code, level, state, score in rows if level == "overall" and state == "scored"}
    assert scored == set(DEMO_COUNTRIES)
    assert all(0 <= score <= 100 for *_, state, score in rows if state == "scored")


def test_a_second_call_creates_nothing(seeded, demo_hash):
    before = row_counts(seeded.app)
    again = seed_into(seeded.app, 2002, demo_hash)
    assert again.present_before is True
    assert again.summary.created is False
    assert "nothing created" in again.summary.message
    assert row_counts(seeded.app) == before
    assert dataclass_counts(again.summary) == dataclass_counts(seeded.summary)


def dataclass_counts(summary: DemoSummary) -> tuple:
    return summary.users, summary.cycles, summary.reports_by_cycle, summary.published, summary.negative_indicator


# ----------------------------------------------------------------------------- reproducibility
def test_the_same_seed_gives_the_same_data(seeded, reference):
    """Two databases (the second always SQLite) seeded with the same seed hold the same reports."""
    mine, theirs = content(seeded.app), content(reference.app)
    for part in mine:
        assert mine[part] == theirs[part], part
    assert len(mine["entries"]) > 400


def test_another_seed_gives_other_data(seeded, other):
    mine, theirs = content(seeded.app), content(other.app)
    narratives = {(c, k, r, code, n) for c, k, r, code, _, _, _, n, *_ in mine["entries"]}
    assert narratives != {(c, k, r, code, n) for c, k, r, code, _, _, _, n, *_ in theirs["entries"]}
    statuses = [row[:7] for row in mine["entries"]]
    assert statuses != [row[:7] for row in theirs["entries"]]
    # the story's shape is the same whatever the seed
    assert other.summary.published == seeded.summary.published
    assert other.summary.reports_by_cycle[DEMO_CYCLES[1].name] == seeded.summary.reports_by_cycle[DEMO_CYCLES[1].name]


# ----------------------------------------------------------------------------- edge cases
def test_seeding_needs_the_framework(empty_app):
    with empty_app.app_context():
        with pytest.raises(DemoError, match="Load the framework"):
            seed_demo()
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0
        assert not demo_present(db.session)


def test_seeding_is_refused_in_production(app):
    app.config["TRACKER_ENV"] = "production"
    with app.app_context(), pytest.raises(DemoError, match="production"):
        seed_demo()


def test_accounts_of_the_older_demo_seed_are_kept(tmp_path, real_framework, demo_hash):
    """A database where the older ``flask demo seed`` made four accounts gets the rest, and the story.
    The older seed's focal points of real countries are disabled, with the reason in the audit trail:
    the demonstration names no real government.

    SQLite only: what is tested is the seed's own logic, and a full seed is slow."""
    from tracker.audit import Actor

    older = [
        ("admin@demo.example", "Demo Administrator", Role.ADMIN, None),
        (DEMO_SECRETARIAT, "Demo Secretariat", Role.SECRETARIAT, None),
        ("albania@demo.example", "Demo Focal Point, Albania", Role.FOCAL_POINT, "AL"),
        ("serbia@demo.example", "Demo Focal Point, Serbia", Role.FOCAL_POINT, "RS"),
    ]
    with framework_app(f"sqlite:///{tmp_path / 'older.db'}", real_framework) as app:
        with app.app_context(), fast_hashing(demo_hash):
            ids = {
                email: services.create_user(email, name, role, country, DEMO_PASSWORD, Actor(None, "command line")).id
                for email, name, role, country in older
            }
            assert not demo_present(db.session)
        result = seed_into(app, 2002, demo_hash)
        assert result.summary.created
        with app.app_context():
            kept = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(ids))).all())
            assert kept == ids
            assert services.log_in(DEMO_SECRETARIAT, DEMO_PASSWORD, "127.0.0.1") is not None
            assert services.log_in("albania@demo.example", DEMO_PASSWORD, "127.0.0.1") is None
            active = dict(db.session.execute(select(User.email, User.is_active).where(User.email.in_(ids))).all())
            assert active == {"admin@demo.example": True, DEMO_SECRETARIAT: True} | {
                "albania@demo.example": False,
                "serbia@demo.example": False,
            }
            disabled = db.session.execute(
                select(AuditEvent.object_id, AuditEvent.reason).where(AuditEvent.action == "user_disabled")
            ).all()
            assert {int(i) for i, _ in disabled} == {ids["albania@demo.example"], ids["serbia@demo.example"]}
            assert all("real country" in reason for _, reason in disabled)
            assert not db.session.execute(select(Report).join(Country).where(Country.code.in_(["AL", "RS"]))).first()
            assert demo_present(db.session)
    assert DEMO_MARKER not in ids


# ----------------------------------------------------------------------------- victim statistics
def test_no_anonymous_response_shows_a_small_count_of_victims(seeded):
    """The demo's reports give many counts from 1 to 4: the public page, both downloads and the API
    show none of them, and nothing they publish lets one be worked out from the totals."""
    import csv
    import io
    import json

    from tracker.statistics.publication import outsiders_view
    from tracker.statistics.suppression import exposed

    client = seeded.app.test_client()
    documents = client.get("/api/v1/statistics", headers={"Accept-Encoding": "identity"}).get_json()["statistics"]
    assert [d["cycle"]["name"] for d in documents] == ["2003 annual report"]  # the published cycle only
    for document in documents:
        assert exposed(*outsiders_view(document)) == {}
    measures = [m["id"] for m in documents[0]["measures"]]
    assert len(measures) == 3

    rows = list(csv.DictReader(io.StringIO(client.get("/data/statistics.csv").get_data(as_text=True))))
    not_people = {f["id"] for f in documents[0]["capacity"] if not f["people"]}  # shelters, places, yes/no
    assert not_people == {"shelters", "shelter-places", "referral-mechanism"}
    small = [r for r in rows if r["value"] and 0 < int(r["value"]) < 5 and r["measure"] not in not_people]
    assert small == []
    assert sum(1 for r in rows if r["shown"] == "<5") > 20  # the demo has small counts, and they are hidden
    assert {r["shown"] for r in rows if not r["value"]} <= {"<5", "c"}
    as_json = json.loads(client.get("/data/statistics.json").data)["rows"]
    assert [(r["shown"], r["value"]) for r in as_json] == [
        (r["shown"], int(r["value"]) if r["value"] else None) for r in rows
    ]

    for measure in measures:
        page = client.get(f"/statistics/?measure={measure}").get_data(as_text=True)
        numbers = [
            int(n.replace(",", "")) for n in re.findall(r'<td class="text-end">(?:<strong>)?([0-9][0-9,]*)<', page)
        ]
        assert numbers and not [n for n in numbers if 0 < n < 5]
        assert "&lt;5" in page

    # the secretariat sees the counts as reported, small ones included
    with seeded.app.app_context():
        report = db.session.execute(select(Report).where(Report.state == ReportState.ACCEPTED)).scalars().first()
        small_reported = [s for s in report.statistics if 0 < s.value < 5]
        assert small_reported
        report_id = report.id
    client.post("/login", data={"email": DEMO_SECRETARIAT, "password": DEMO_PASSWORD})
    page = client.get(f"/review/reports/{report_id}").get_data(as_text=True)
    assert "as reported, before suppression" in page


def _label_then_number(label: str) -> re.Pattern[str]:
    """The label of a figure followed by a number, whatever markup or punctuation stands between."""
    return re.compile(re.escape(label) + r"(?:\s|:|=|</?[a-z][^>]*>)*[0-9]")


def test_no_anonymous_response_gives_the_value_of_an_entry_figure_that_counts_victims(seeded, real_framework):
    """An entry's figure that counts victims is one country's raw count, and may be one the statistics
    suppress: country and explanation pages, entries.csv/json and the API scorecards never give its
    value (the deportation figure shows only "above zero"), while the secretariat still sees it."""
    import csv
    import io
    import json

    from tracker import published
    from tracker.statistics.figures import ABOVE_ZERO, NONE_REPORTED

    method = real_framework.methodology
    counting = {i.id for i in method.indicators if i.counts_victims}
    assert counting == {
        "victims-identified",
        "victims-assisted",
        "temporary-stays-granted",
        "temporary-residence-permits",
        "immediate-deportations",
        "returns-assisted",
    }
    negative = method.negative_indicators[0]
    assert negative.indicator in counting
    labels = {i.id: i.label for i in method.indicators}

    # what the published entries hold, as reported: (country, commitment) -> {indicator: value}
    with seeded.app.app_context():
        [cycle] = published.cycles()
        reported = {
            (e.report.country.code, e.commitment.code): {f.indicator: f.value for f in e.figures}
            for e in published.entries(cycle.id)
        }
        cycle_id = cycle.id
    victim_values = [(k, i, v) for k, figures in reported.items() for i, v in figures.items() if i in counting]
    assert len(victim_values) > 20 and any(0 < v < 5 for *_, v in victim_values)  # small counts among them
    deporting = [k for k, figures in reported.items() if figures.get(negative.indicator, 0) > 0]
    assert len(deporting) == 1 and deporting[0][1] == negative.commitment
    deporting_country = deporting[0][0]
    other_values = {(k, i): v for k, figures in reported.items() for i, v in figures.items() if i not in counting}
    assert other_values  # prosecutions, shelters...: published as given

    client = seeded.app.test_client()
    leaks = [_label_then_number(labels[i]) for i in sorted(counting)]

    # pages: every country page and every explanation page they link to
    explanations: set[str] = set()
    for code in sorted({country for country, _ in reported}):
        page = client.get(f"/countries/{code}/").get_data(as_text=True)
        assert [p.pattern for p in leaks if p.search(page)] == [], code
        explanations |= set(re.findall(rf'href="(/countries/{code}/{cycle_id}/[^"]+)"', page))
    assert len(explanations) > 8 * 10
    seen_flag = seen_note = False
    for path in sorted(explanations):
        page = client.get(path).get_data(as_text=True)
        assert [p.pattern for p in leaks if p.search(page)] == [], path
        assert " reported as " not in page, path
        seen_flag |= f"{labels[negative.indicator]}: {ABOVE_ZERO}" in page
        seen_note |= 'counts of victims, not published here; see the <a href="/statistics/">' in page
    assert seen_flag and seen_note
    tir2 = client.get(f"/countries/{deporting_country}/{cycle_id}/commitment/{negative.commitment}")
    # method 2: the penalty rests on the recorded finding, named with its source; the figure is context
    tir2_page = tir2.get_data(as_text=True)
    assert "Demonstration finding: an invented monitoring report" in tir2_page
    assert f"{labels[negative.indicator]}: above zero, as the country reported it" in tir2_page

    # downloads: no victim-counting figure but the flag; the other figures as reported
    def figures_of(text: str) -> dict[str, str]:
        return dict(pair.split("=", 1) for pair in text.split("; ")) if text else {}

    rows = list(csv.DictReader(io.StringIO(client.get("/data/entries.csv").get_data(as_text=True))))
    assert len(rows) == len(reported)
    for row in rows:
        key = (row["country_code"], row["commitment"])
        given = figures_of(row["figures"])
        expected = {i: str(v) for i, v in reported[key].items() if i not in counting}
        if negative.indicator in reported[key]:
            expected[negative.indicator] = ABOVE_ZERO if reported[key][negative.indicator] else NONE_REPORTED
        assert given == expected, key
    assert (
        figures_of(next(r for r in rows if (r["country_code"], r["commitment"]) == deporting[0])["figures"])[
            negative.indicator
        ]
        == ABOVE_ZERO
    )
    assert [r["figures"] for r in json.loads(client.get("/data/entries.json").data)["rows"]] == [
        r["figures"] for r in rows
    ]

    # the API: the same, and no rule quotes the count
    for code in sorted({country for country, _ in reported}):
        card = client.get(f"/api/v1/countries/{code}/scorecard").get_json()
        for commitment in card["commitments"]:
            assert " reported as " not in json.dumps(commitment["explanation"])
            if commitment["entry"] is None or (code, commitment["id"]) not in reported:
                continue
            figures = reported[(code, commitment["id"])]
            given = {f["indicator"]: (f["value"], f["shown"]) for f in commitment["entry"]["figures"]}
            expected = {i: (v, str(v)) for i, v in figures.items() if i not in counting}
            if negative.indicator in figures:
                expected[negative.indicator] = (None, ABOVE_ZERO if figures[negative.indicator] else NONE_REPORTED)
            assert given == expected, (code, commitment["id"])

    # the methodology says which figures are published only through the statistics; /data/ documents the flag
    methodology = client.get("/methodology/").get_data(as_text=True)
    assert 'id="figures-counting-victims"' in methodology
    assert all(labels[i].lower() in methodology for i in counting)
    assert f"{negative.indicator}={ABOVE_ZERO}" in client.get("/data/").get_data(as_text=True)

    # the secretariat sees every figure as reported, on the review page of the same report
    with seeded.app.app_context():
        report_id = (
            db.session.execute(
                select(Report.id)
                .join(Country, Country.id == Report.country_id)
                .where(
                    Report.cycle_id == cycle_id, Country.code == deporting_country, Report.state == ReportState.ACCEPTED
                )
                .order_by(Report.revision.desc())
            )
            .scalars()
            .first()
        )
    client.post("/login", data={"email": DEMO_SECRETARIAT, "password": DEMO_PASSWORD})
    review = client.get(f"/review/reports/{report_id}").get_data(as_text=True)
    value = reported[deporting[0]][negative.indicator]
    assert f"{labels[negative.indicator]}: <strong>{value}</strong>" in review
    assert [i for i in sorted(counting) if _label_then_number(labels[i]).search(review)]


def test_the_demo_plans_are_accepted_illustrative_and_reported_on(seeded):
    """Brenmoor's and Dunvale's illustrative (and fictional) plans, accepted before the first cycle; their
    reports give progress that only moves forward, and entries cite the activities implementing them.
    Kestrel Reach's, also illustrative, is submitted and waits for the secretariat: not public, no progress
    reported."""
    from tracker.models import ActivityCitation, ActivityProgress, NationalPlan
    from tracker.services.plans import plan_of

    ladder = ("not-started", "under-way", "delayed", "completed")
    with seeded.app.app_context():
        every = {p.country.code: p for p in db.session.execute(select(NationalPlan)).scalars()}
        assert set(every) == set(DEMO_PLAN_COUNTRIES) | set(DEMO_PLANS_TO_REVIEW) == {"QM", "QT", "QV"}
        assert all(p.illustrative and p.revision == 1 for p in every.values())
        waiting = every.pop("QV")
        plans = every
        assert all(p.state is ReportState.ACCEPTED for p in plans.values())
        assert waiting.state is ReportState.SUBMITTED and waiting.accepted_at is None and waiting.activity_count == 13
        events = db.session.execute(
            select(AuditEvent.action, AuditEvent.actor_email, AuditEvent.object_id).where(
                AuditEvent.object_type == "national_plan"
            )
        ).all()
        assert ("plan_accepted", DEMO_SECRETARIAT) in {e[:2] for e in events}
        assert ("plan_submitted", "brenmoor@demo.example") in {e[:2] for e in events}
        assert [e[:2] for e in events if str(e.object_id) == str(waiting.id) and e.action != "plan_imported"] == [
            ("plan_submitted", "kestrel-reach@demo.example")
        ]
        first_report = db.session.execute(select(func.min(AuditEvent.id)).where(AuditEvent.action == "report_started"))
        last_plan = db.session.execute(select(func.max(AuditEvent.id)).where(AuditEvent.action == "plan_accepted"))
        assert last_plan.scalar_one() < first_report.scalar_one()

        by_report: dict[int, dict[str, str]] = defaultdict(dict)
        for row in db.session.execute(select(ActivityProgress)).scalars():
            by_report[row.report_id][row.activity] = row.status
            assert row.report.country.code in plans and row.plan_id == plans[row.report.country.code].id
            assert not row.evidence_url or row.evidence_url.startswith("https://example.org/illustrative/")
        reports_with_progress = [db.session.get(Report, report_id) for report_id in by_report]
        for code, plan in plans.items():
            activities = {a.id for a in plan_of(plan).activities}
            mine = sorted(
                (r for r in reports_with_progress if r.country.code == code and r.revision == 1),
                key=lambda r: r.cycle.period_end,
            )
            assert [r.cycle.name for r in mine] == [c.name for c in DEMO_CYCLES], code
            assert all(len(by_report[r.id]) >= len(activities) / 2 for r in mine)  # most activities
            for earlier, later in zip(mine, mine[1:], strict=False):
                for activity, status in by_report[later.id].items():
                    before = by_report[earlier.id].get(activity)
                    if before and {before, status} != {"under-way", "delayed"}:
                        assert ladder.index(status) >= ladder.index(before), (code, activity, before, status)
        cited = db.session.execute(
            select(ActivityCitation.activity, Entry.report_id).join(Entry, Entry.id == ActivityCitation.entry_id)
        ).all()
        assert {report_id for _, report_id in cited} >= {r.id for r in reports_with_progress if r.revision == 1}
    [line] = [line for line in seeded.summary.lines() if line.startswith("National Plans of Action")]
    assert "QM: 13 activities, accepted" in line and "QV: 13 activities, submitted" in line
    assert line.endswith("; 1 waiting for the secretariat's review") and seeded.summary.plans_to_review == 1

    client = seeded.app.test_client()
    assert client.get("/countries/QM/plan").status_code == 200
    assert client.get("/countries/QV/plan").status_code == 404
    assert client.get("/countries/QV/plan.yaml").status_code == 404
    client.post("/login", data={"email": DEMO_SECRETARIAT, "password": DEMO_PASSWORD})
    queue = client.get("/review/").get_data(as_text=True)
    assert "1 to review" in queue


def test_scores_recompute_rebuilds_the_published_statistics(seeded):
    """``flask scores recompute`` rebuilds what publish and accept build, the statistics documents
    included; ``--check`` counts one that is missing and writes nothing."""
    from sqlalchemy import delete

    from tracker.database import write_transaction
    from tracker.models import ChartFigure
    from tracker.services.statistics import statistics_key

    runner = seeded.app.test_cli_runner()
    with seeded.app.app_context():
        published = db.session.execute(
            select(ReportingCycle.id).where(ReportingCycle.published_at.isnot(None))
        ).scalar_one()
        key = statistics_key(published)
        before = db.session.get(ChartFigure, key).table
        with write_transaction(db.session):
            db.session.execute(delete(ChartFigure).where(ChartFigure.key == key))
    result = runner.invoke(args=["scores", "recompute", "--check"])
    assert result.exit_code == 1 and "1 statistics documents to rebuild" in result.output, result.output
    result = runner.invoke(args=["scores", "recompute"])
    assert result.exit_code == 0 and "1 statistics documents rebuilt" in result.output, result.output
    with seeded.app.app_context():
        assert db.session.get(ChartFigure, key).table == before
    result = runner.invoke(args=["scores", "recompute", "--check"])
    assert result.exit_code == 0 and "0 statistics documents to rebuild" in result.output, result.output
