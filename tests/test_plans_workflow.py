"""National Plans of Action in the database: import, review, locking, progress per activity and
citations, driven through the named operations and the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tests.plans.common import example_for
from tests.test_workflow import AFTER_OPENING, CYCLE, actor, complete
from tracker import services
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import ActivityProgress, AuditEvent, Country, NationalPlan, ReportState
from tracker.services.errors import DomainError, StaleVersion
from tracker.services.plans import (
    InvalidPlan,
    InvalidProgress,
    ProgressInput,
    accept_plan,
    accepted_plan,
    amend_plan,
    import_plan,
    plan_of,
    report_plan,
    return_plan,
    save_plan,
    save_progress,
    submit_plan,
)
from tracker.services.reporting import NotAllowed, NotFound

AL_PLAN = example_for("AL").encode()


def country_id(code: str) -> int:
    return db.session.execute(select(Country.id).where(Country.code == code)).scalar_one()


def plan_actions() -> list[str]:
    return list(
        db.session.execute(
            select(AuditEvent.action).where(AuditEvent.object_type == "national_plan").order_by(AuditEvent.id)
        ).scalars()
    )


@pytest.fixture
def ctx(app, people):
    with app.app_context():
        yield


def accepted_albanian_plan() -> NationalPlan:
    record = import_plan(country_id("AL"), AL_PLAN, actor("albania"), source_name="AL.yaml")
    submit_plan(record.id, record.version, actor("albania"))
    return accept_plan(record.id, actor("secretariat"))


def test_a_plan_is_imported_reviewed_like_a_report_and_locked_once_accepted(ctx):
    record = import_plan(country_id("AL"), AL_PLAN, actor("albania"), source_name="AL.yaml")
    assert (record.state, record.revision, record.activity_count) == (ReportState.DRAFT, 1, 13)
    assert plan_of(record).title.startswith("Arcadia Minor")

    submit_plan(record.id, record.version, actor("albania"))
    with pytest.raises(NotAllowed):
        accept_plan(record.id, actor("albania"))  # a focal point cannot accept its own plan
    with pytest.raises(DomainError, match="Say what needs to change"):
        return_plan(record.id, "  ", actor("secretariat"))
    return_plan(record.id, "Name a funding source for act-2-3.", actor("secretariat"))
    assert record.state is ReportState.RETURNED and record.review_comment.startswith("Name a funding")
    assert accepted_plan(country_id("AL")) is None  # nothing public yet

    submit_plan(record.id, record.version, actor("albania2"))  # a resubmission, by the other focal point
    accept_plan(record.id, actor("secretariat"))
    assert accepted_plan(country_id("AL")).id == record.id and record.review_comment is None
    assert plan_actions() == ["plan_imported", "plan_submitted", "plan_returned", "plan_resubmitted", "plan_accepted"]

    for statement in (
        f"UPDATE national_plan SET title = 'forged' WHERE id = {record.id}",
        f"DELETE FROM national_plan WHERE id = {record.id}",
    ):
        with pytest.raises(DBAPIError, match="accepted and locked"), write_transaction(db.session):
            db.session.execute(text(statement))
    with pytest.raises(DomainError, match="cannot be edited"):
        save_plan(record.id, record.version, plan_of(record), actor("albania"))

    amendment = amend_plan(record.id, actor("albania"))
    assert (amendment.revision, amendment.amends_id, amendment.state) == (2, record.id, ReportState.DRAFT)
    assert amendment.source == record.source
    with pytest.raises(DomainError, match="newer revision"):
        amend_plan(record.id, actor("albania"))
    # the accepted revision stays the public one until the amendment is accepted
    assert accepted_plan(country_id("AL")).id == record.id


def test_another_countrys_plan_does_not_exist_for_a_focal_point(ctx):
    record = import_plan(country_id("AL"), AL_PLAN, actor("albania"))
    for attempt in (
        lambda: submit_plan(record.id, record.version, actor("serbia")),
        lambda: save_plan(record.id, record.version, plan_of(record), actor("serbia")),
        lambda: import_plan(country_id("AL"), AL_PLAN, actor("serbia")),
    ):
        with pytest.raises(NotFound):
            attempt()
    with pytest.raises(NotAllowed):
        save_plan(record.id, record.version, plan_of(record), actor("secretariat"))  # focal points edit


def test_an_edit_is_validated_whole_and_a_stale_one_is_refused(ctx):
    record = import_plan(country_id("AL"), AL_PLAN, actor("albania"))
    plan = plan_of(record)
    retitled = dataclasses.replace(plan, title="National Strategy 2002-2004 (illustrative, revised)")
    version = record.version
    save_plan(record.id, version, retitled, actor("albania"))
    assert plan_of(record).title.endswith("revised)") and record.title.endswith("revised)")
    with pytest.raises(StaleVersion):
        save_plan(record.id, version, plan, actor("albania2"))  # loaded before the first save
    # a plan that breaks a whole-plan rule (a draft cannot have been adopted) is refused, nothing stored
    with pytest.raises(InvalidPlan) as refused:
        save_plan(record.id, record.version, dataclasses.replace(retitled, status="draft"), actor("albania"))
    assert any("draft" in problem.message for problem in refused.value.problems)
    assert plan_of(record).status == "adopted"


HOSTILE = {
    "alias bomb": (
        b"a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nplan: *b\n",
        "alias",
    ),
    "script link": (
        AL_PLAN.replace(
            b"document_url: https://example.org/fictional/arcadia-minor-plan-2001.pdf",
            b"document_url: javascript:alert(document.cookie)",
        ),
        "web address",
    ),
    "unknown commitment": (AL_PLAN.replace(b"[PAL-2C]", b"[PAL-99]"), "unknown commitment"),
    "another country's plan": (example_for("MK").encode(), "not AL's"),
    "not UTF-8": (b"plan:\n  title: \xff\xfe\n", "UTF-8"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_or_wrong_file_is_refused_whole_with_its_line(ctx, case):
    content, expected = HOSTILE[case]
    with pytest.raises(InvalidPlan) as refused:
        import_plan(country_id("AL"), content, actor("albania"), source_name="upload.yaml")
    assert any(expected.lower() in str(problem).lower() for problem in refused.value.problems), refused.value.problems
    assert all(str(problem).startswith("upload.yaml:") for problem in refused.value.problems)
    assert db.session.execute(select(func.count()).select_from(NationalPlan)).scalar_one() == 0
    assert plan_actions() == []


def test_the_cli_imports_exports_and_round_trips(app, people, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(AL_PLAN.replace(b"[PAL-2C]", b"[PAL-99]"))
    result = runner.invoke(args=["nap", "import", str(bad), "--country", "AL"])
    assert result.exit_code == 1
    assert f"{bad}:" in result.output and "unknown commitment 'PAL-99'" in result.output
    assert "nothing was imported" in result.output

    example = tmp_path / "AL.yaml"
    example.write_bytes(AL_PLAN)
    result = runner.invoke(args=["nap", "import", str(example), "--country", "al"])
    assert result.exit_code == 0, result.output
    assert "13 activities imported as AL's plan, revision 1 (draft)" in result.output
    exported = tmp_path / "exported.yaml"
    result = runner.invoke(args=["nap", "export", "--country", "AL", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["nap", "import", str(exported), "--country", "AL"])
    again = runner.invoke(args=["nap", "export", "--country", "AL"])
    assert again.output == exported.read_text(encoding="utf-8")
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(NationalPlan)).scalar_one() == 1
        assert plan_actions() == ["plan_imported", "plan_imported"]
    assert runner.invoke(args=["nap", "export", "--country", "RS"]).exit_code == 1


def test_progress_per_activity_and_citations_are_saved_checked_copied_and_locked(ctx):
    record = accepted_albanian_plan()
    cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
    report = services.start_report(cycle.id, actor("albania"), today=AFTER_OPENING)
    assert report_plan(report).id == record.id

    bad = {
        "act-1-1": ProgressInput(status="done-ish"),
        "act-1-2": ProgressInput(status="completed", indicator_values={"Invented indicator": "3"}),
        "act-1-3": ProgressInput(status="under-way", evidence_url="javascript:alert(1)"),
        "act-9-9": ProgressInput(status="completed"),
    }
    with pytest.raises(InvalidProgress) as refused:
        save_progress(report.id, report.version, bad, actor("albania"))
    assert set(refused.value.problems) == set(bad)
    assert report.progress == []

    save_progress(
        report.id,
        report.version,
        {
            "act-1-1": ProgressInput(
                status="completed",
                indicator_values={"Committee meetings held": "5"},
                evidence_url="https://example.org/decision.pdf",
            ),
            "act-1-2": ProgressInput(status="under-way", note="Draft amendment before Parliament."),
        },
        actor("albania"),
    )
    assert {p.activity: p.status for p in report.progress} == {"act-1-1": "completed", "act-1-2": "under-way"}
    assert report.progress[0].indicator_values == {"Committee meetings held": "5"}

    entries = {entry.commitment.code: entry for entry in report.entries}
    changes = complete(report)
    changes[entries["PAL-2C"].id] = dataclasses.replace(changes[entries["PAL-2C"].id], cited_activities=("act-1-2",))
    wrong = dict(changes)
    wrong[entries["PAL-4"].id] = dataclasses.replace(changes[entries["PAL-4"].id], cited_activities=("act-1-2",))
    with pytest.raises(DomainError, match="PAL-4 cites an activity"):
        services.save_draft(report.id, report.version, wrong, actor("albania"))
    services.save_draft(report.id, report.version, changes, actor("albania"))
    assert [c.activity for c in entries["PAL-2C"].citations] == ["act-1-2"]
    # a later save that leaves citations out (None) keeps them; an empty tuple clears them
    unchanged = dataclasses.replace(changes[entries["PAL-2C"].id], cited_activities=None)
    services.save_draft(report.id, report.version, {entries["PAL-2C"].id: unchanged}, actor("albania"))
    assert [c.activity for c in entries["PAL-2C"].citations] == ["act-1-2"]

    services.submit(report.id, report.version, actor("albania"))
    services.accept(report.id, {}, actor("secretariat"))
    progress_id = report.progress[0].id
    citation_id = entries["PAL-2C"].citations[0].id
    for statement in (
        f"UPDATE activity_progress SET status = 'cancelled' WHERE id = {progress_id}",
        f"DELETE FROM activity_progress WHERE id = {progress_id}",
        f"DELETE FROM activity_citation WHERE id = {citation_id}",
        f"INSERT INTO activity_citation (entry_id, activity) VALUES ({entries['PAL-4'].id}, 'act-1-1')",
    ):
        with pytest.raises(DBAPIError, match="accepted and locked"), write_transaction(db.session):
            db.session.execute(text(statement))

    amendment = services.amend(report.id, actor("albania"))
    assert {(p.activity, p.status, p.plan_id) for p in amendment.progress} == {
        ("act-1-1", "completed", record.id),
        ("act-1-2", "under-way", record.id),
    }
    amended_pal2c = next(e for e in amendment.entries if e.commitment.code == "PAL-2C")
    assert [c.activity for c in amended_pal2c.citations] == ["act-1-2"]
    # clearing a status removes the activity's progress from the amendment
    save_progress(amendment.id, amendment.version, {"act-1-2": ProgressInput()}, actor("albania"))
    assert [p.activity for p in amendment.progress] == ["act-1-1"]
    assert db.session.execute(select(func.count()).select_from(ActivityProgress)).scalar_one() == 3


def test_without_an_accepted_plan_there_is_no_progress_to_report(ctx):
    import_plan(country_id("AL"), AL_PLAN, actor("albania"))  # a draft is not reported on
    cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
    report = services.start_report(cycle.id, actor("albania"), today=AFTER_OPENING)
    assert report_plan(report) is None
    with pytest.raises(DomainError, match="no accepted National Plan"):
        save_progress(report.id, report.version, {"act-1-1": ProgressInput(status="completed")}, actor("albania"))
