"""The report workflow, driven through the named operations, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tracker import services
from tracker.audit import Actor
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import AuditEvent, Entry, Evidence, Report, ReportState, StoredScore, User
from tracker.services import EntryInput, EvidenceInput

CYCLE = dict(
    name="2003 review",
    period_start=dt.date(2003, 1, 1),
    period_end=dt.date(2003, 12, 31),
    opens_on=dt.date(2004, 1, 15),
    due_on=dt.date(2004, 3, 31),
)
AFTER_OPENING = dt.date(2004, 2, 1)


def actor(name: str) -> Actor:
    user = db.session.execute(select(User).where(User.email == f"{name}@example.org")).scalar_one()
    return Actor(user, "127.0.0.1")


def complete(report: Report, status: str = "in-progress") -> dict[int, EntryInput]:
    """A valid answer for every entry, with a figure for each indicator its commitment asks for."""
    framework = services.framework_of(report.cycle)
    return {
        entry.id: EntryInput(
            reported_status=status,
            narrative=f"What was done on {entry.commitment.code}.",
            responsible="Ministry of Interior",
            evidence=(EvidenceInput(title="Official Gazette 12/2003", url="https://example.org/gazette", page="4"),),
            figures={i: 12 for i in framework.commitment(entry.commitment.code).indicators},
        )
        for entry in report.entries
    }


def actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


@pytest.fixture
def ctx(app, people):
    with app.app_context():
        cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
        yield cycle.id


def start(cycle_id: int, who: str = "albania") -> Report:
    return services.start_report(cycle_id, actor(who), today=AFTER_OPENING)


def test_the_whole_loop(ctx):
    report = start(ctx)
    services.save_draft(report.id, report.version, complete(report), actor("albania"))
    services.submit(report.id, report.version, actor("albania"))
    first_entry = report.entries[0].id
    services.return_for_revision(
        report.id, "Please add the 2003 figures.", {first_entry: "Which law is this?"}, actor("secretariat")
    )
    assert report.state is ReportState.RETURNED
    comment = next(c for c in report.comments if c.entry_id == first_entry)
    services.respond(report.id, comment.id, "Law 9/2003, article 4.", actor("albania"))
    services.save_draft(report.id, report.version, complete(report, "substantially-implemented"), actor("albania2"))
    services.resubmit(report.id, report.version, actor("albania"))
    services.accept(report.id, {first_entry: "in-progress"}, actor("secretariat"))
    assert report.state is ReportState.ACCEPTED
    assert all(entry.verified for entry in report.entries)
    assessed = {entry.id: entry.assessed_status for entry in report.entries}
    assert assessed[first_entry] == "in-progress"
    assert {s for i, s in assessed.items() if i != first_entry} == {"substantially-implemented"}
    amendment = services.amend(report.id, actor("albania"))
    assert (amendment.revision, amendment.amends_id, amendment.state) == (2, report.id, ReportState.DRAFT)
    assert [e.reported_status for e in amendment.entries] == [e.reported_status for e in report.entries]
    assert len(amendment.entries[0].evidence) == 1
    transitions = [a for a in actions() if a.startswith("report_") and a != "report_saved"]
    assert transitions == [
        "report_started",
        "report_submitted",
        "report_returned",
        "report_resubmitted",
        "report_accepted",
        "report_amended",
    ]
    assert actions().count("comment_answered") == 1


def test_entries_follow_what_the_country_had_signed(ctx, framework):
    albania = start(ctx)
    programme = [c.id for c in framework.instrument("action-plan-2001").commitments]
    assert len(albania.entries) == len(framework.applicable_commitments("AL")) + len(programme)
    codes = [entry.commitment.code for entry in albania.entries]
    assert {"PAL-4", "TIR-5"} <= set(codes)
    # the regional programme's projects come last, as optional contributions; never the Zagreb
    # instrument, whose signatories are not established
    assert codes[-len(programme) :] == programme
    assert not any(code.startswith("ZAG-") for code in codes)


def test_hungary_reports_on_the_tirana_statement_only(app, people, password_hash):
    import secrets

    from tracker.models import Country, Role

    with app.app_context():
        with write_transaction(db.session):
            hungary = db.session.execute(select(Country).where(Country.code == "HU")).scalar_one()
            db.session.add(
                User(
                    email="hungary@example.org",
                    name="HU",
                    role=Role.FOCAL_POINT,
                    country=hungary,
                    password_hash=password_hash,
                    session_token=secrets.token_hex(8),
                )
            )
        early = services.create_cycle(
            **{**CYCLE, "name": "2001", "period_start": dt.date(2001, 1, 1), "period_end": dt.date(2001, 12, 31)},
            actor=actor("secretariat"),
        )
        with pytest.raises(services.DomainError, match="signed none"):
            start(early.id, "hungary")
        later = services.create_cycle(**{**CYCLE, "name": "2003"}, actor=actor("secretariat"))
        report = start(later.id, "hungary")
        # the Tirana Statement, and the regional programme's optional contributions
        assert {e.commitment.code[:3] for e in report.entries} == {"TIR", "MAP"}


@pytest.mark.parametrize(
    ("setup", "operation"),
    [
        ([], lambda r: services.accept(r.id, {}, actor("secretariat"))),
        ([], lambda r: services.return_for_revision(r.id, "no", {}, actor("secretariat"))),
        ([], lambda r: services.resubmit(r.id, r.version, actor("albania"))),
        (["submit"], lambda r: services.submit(r.id, r.version, actor("albania"))),
        (["submit"], lambda r: services.save_draft(r.id, r.version, {}, actor("albania"))),
        (["submit"], lambda r: services.amend(r.id, actor("albania"))),
        (["submit", "accept"], lambda r: services.return_for_revision(r.id, "no", {}, actor("secretariat"))),
        (["submit", "accept"], lambda r: services.save_draft(r.id, r.version, {}, actor("albania"))),
        (["submit", "accept"], lambda r: services.accept(r.id, {}, actor("secretariat"))),
    ],
)
def test_illegal_transitions_are_refused(ctx, setup, operation):
    report = start(ctx)
    services.save_draft(report.id, report.version, complete(report), actor("albania"))
    for step in setup:
        if step == "submit":
            services.submit(report.id, report.version, actor("albania"))
        else:
            services.accept(report.id, {}, actor("secretariat"))
    state, version, before = report.state, report.version, len(actions())
    with pytest.raises(services.DomainError):
        operation(report)
    db.session.refresh(report)
    assert (report.state, report.version, len(actions())) == (state, version, before)


def test_roles_and_countries_are_checked(ctx):
    report = start(ctx)
    services.save_draft(report.id, report.version, complete(report), actor("albania"))
    with pytest.raises(services.NotFound):
        services.save_draft(report.id, report.version, {}, actor("serbia"))
    with pytest.raises(services.NotFound):
        services.submit(report.id, report.version, actor("serbia"))
    with pytest.raises(services.NotAllowed):
        services.save_draft(report.id, report.version, {}, actor("secretariat"))  # reviewers cannot edit content
    services.submit(report.id, report.version, actor("albania"))
    with pytest.raises(services.NotAllowed):
        services.accept(report.id, {}, actor("albania"))
    with pytest.raises(services.NotAllowed):
        services.create_cycle(**{**CYCLE, "name": "x"}, actor=actor("albania"))


def test_submitting_checks_the_whole_report(ctx, framework):
    report = start(ctx)
    answers = complete(report, "fully-implemented")
    first, second, third = (entry.id for entry in report.entries[:3])
    answers[first] = EntryInput(reported_status="fully-implemented", narrative="Done.")  # no evidence
    answers[second] = EntryInput()  # nothing at all
    answers[third] = EntryInput(reported_status="planned", narrative="Scheduled.")  # no evidence needed
    services.save_draft(report.id, report.version, answers, actor("albania"))
    with pytest.raises(services.NotReady) as refused:
        services.submit(report.id, report.version, actor("albania"))
    assert refused.value.problems == {
        first: [("evidence", "A status of “Fully implemented” needs at least one item of evidence.")],
        second: [("reported_status", "Choose an implementation status.")],
    }
    assert report.state is ReportState.DRAFT


def test_a_stale_save_is_refused_and_changes_nothing(ctx):
    report = start(ctx)
    loaded_version = report.version
    services.save_draft(report.id, loaded_version, complete(report, "planned"), actor("albania"))
    with pytest.raises(services.StaleVersion):
        services.save_draft(report.id, loaded_version, complete(report, "not-started"), actor("albania2"))
    db.session.refresh(report)
    assert {entry.reported_status for entry in report.entries} == {"planned"}


def _locked_statements(report_id: int, entry_id: int, evidence_id: int) -> list[str]:
    return [
        f"UPDATE report SET state = 'draft' WHERE id = {report_id}",
        f"DELETE FROM report WHERE id = {report_id}",
        f"UPDATE entry SET reported_status = 'fully-implemented' WHERE id = {entry_id}",
        f"DELETE FROM entry WHERE id = {entry_id}",
        f"INSERT INTO entry (report_id, commitment_id, position, verified) "
        f"SELECT report_id, commitment_id, 99, false FROM entry WHERE id = {entry_id}",
        f"UPDATE evidence SET title = 'forged' WHERE id = {evidence_id}",
        f"DELETE FROM evidence WHERE id = {evidence_id}",
        f"INSERT INTO evidence (entry_id, title) VALUES ({entry_id}, 'forged')",
        f"INSERT INTO indicator_value (entry_id, indicator, value) VALUES ({entry_id}, 'convictions', 1)",
        f"UPDATE indicator_value SET value = 999 WHERE entry_id = {entry_id}",
        f"INSERT INTO review_comment (report_id, author_id, body) VALUES ({report_id}, 1, 'late')",
    ]


def test_an_accepted_report_is_locked_in_the_database(ctx):
    report = start(ctx)
    services.save_draft(report.id, report.version, complete(report), actor("albania"))
    services.submit(report.id, report.version, actor("albania"))
    services.accept(report.id, {}, actor("secretariat"))
    entry = next(e for e in report.entries if e.figures)  # one with evidence and figures to tamper with
    evidence_id = entry.evidence[0].id
    for statement in _locked_statements(report.id, entry.id, evidence_id):
        with pytest.raises(DBAPIError, match="accepted and locked"), write_transaction(db.session):
            db.session.execute(text(statement))
    db.session.refresh(entry)
    assert entry.reported_status == "in-progress" and entry.figures[0].value == 12
    assert db.session.execute(select(func.count()).select_from(Evidence)).scalar_one() == len(report.entries)
    # an amendment is a new report and may change freely
    amendment = services.amend(report.id, actor("albania"))
    services.save_draft(amendment.id, amendment.version, complete(amendment, "fully-implemented"), actor("albania"))
    assert db.session.execute(select(func.count()).select_from(Entry)).scalar_one() == 2 * len(report.entries)


def test_a_cycle_pins_its_framework_version(ctx, app, tmp_path):
    import shutil

    from tests.conftest import COMMITMENTS_DIR
    from tracker.framework import load_framework
    from tracker.models import ReportingCycle

    changed = tmp_path / "commitments"
    shutil.copytree(COMMITMENTS_DIR, changed)
    path = changed / "instruments" / "tirana-2002.yaml"
    path.write_text(path.read_text().replace("title: Witness protection programmes", "title: Protecting witnesses"))
    services.store_framework(load_framework(changed), "changed")
    cycle = db.session.get(ReportingCycle, ctx)
    assert services.framework_of(cycle).commitment("TIR-6").title == "Witness protection programmes"
    newer = services.create_cycle(**{**CYCLE, "name": "next"}, actor=actor("secretariat"))
    assert services.framework_of(newer).commitment("TIR-6").title == "Protecting witnesses"


def test_a_contribution_to_the_regional_programme_is_optional_and_never_scored(ctx, framework):
    albania = start(ctx)
    programme = {c.id for c in framework.instrument("action-plan-2001").commitments}
    answers = {
        e.id: EntryInput(reported_status="not-started", narrative="", responsible="Ministry")
        for e in albania.entries
        if e.commitment.code not in programme
    }
    contribution = next(e for e in albania.entries if e.commitment.code == "MAP-3")
    answers[contribution.id] = EntryInput(
        reported_status="in-progress",
        narrative="Funded a shelter",
        responsible="Ministry",
        evidence=(EvidenceInput(title="Grant decision", url="https://example.org/grant"),),
    )
    services.save_draft(albania.id, albania.version, answers, actor("albania"))
    report = db.session.get(Report, albania.id)
    assert services.submission_problems(report, services.framework_of(report.cycle)) == {}  # the rest left empty
    services.submit(report.id, report.version, actor("albania"))
    services.accept(report.id, {}, actor("secretariat"))
    scores = {
        s.subject: s
        for s in db.session.execute(
            select(StoredScore).where(StoredScore.cycle_id == report.cycle_id, StoredScore.level == "commitment")
        ).scalars()
        if s.country_id == report.country_id and s.basis == "verified"
    }
    assert scores["MAP-3"].state == "not-applicable" and scores["MAP-3"].score is None
    assert [r["code"] for r in scores["MAP-3"].explanation["rules"]] == ["regional-programme"]
