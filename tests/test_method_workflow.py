"""Method 2 in the database: old framework versions keep method 1, evidence kinds confirmed on
acceptance, sensitivity built at publication, and the right of reply's rules (issue 17)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from tests.conftest import ROOT, log_in
from tests.scoring.legacy import legacy_framework
from tests.test_scores import actor, answer, make_cycle, score_of, submitted
from tracker import services
from tracker.extensions import db
from tracker.framework import load_framework
from tracker.models import AuditEvent, Evidence, Report, ReportingCycle, ScoreSensitivity
from tracker.services import scores as stored


def test_a_cycle_pinned_to_an_old_version_keeps_method_1_and_its_scores(app, people):
    with app.app_context():
        services.store_framework(legacy_framework(), "method 1, as stored before method 2")
        old = make_cycle(2003)
        report = services.start_report(old, actor("albania"), today=dt.date(2004, 1, 16))
        kindless = {  # method 1 names no evidence kinds
            k: dataclasses.replace(v, evidence=tuple(dataclasses.replace(e, kind=None) for e in v.evidence))
            for k, v in answer(report, "planned").items()
        }
        services.save_draft(report.id, report.version, kindless, actor("albania"))
        services.submit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        assert score_of(old, "AL", "verified").score == 25.0  # method 1: planned earns a quarter
        before = {(s.level, s.subject): (s.score, s.rating) for s in _rows(old)}
        services.store_framework(load_framework(ROOT / "commitments"), "commitments/")
        new = make_cycle(2004)
        assert services.framework_of(db.session.get(ReportingCycle, new)).methodology.version == "2"
        assert services.framework_of(db.session.get(ReportingCycle, old)).methodology.version == "1"
        stored.recompute_stored()  # a full recompute on purpose: old cycle's scores are what they were
        assert {(s.level, s.subject): (s.score, s.rating) for s in _rows(old)} == before
        # and the carried "planned" in the new cycle counts under method 2: nothing
        assert score_of(new, "AL", "verified", "commitment", "PAL-2A").score == 0.0


def _rows(cycle_id: int):  # type: ignore[no-untyped-def]
    from tracker.models import StoredScore

    return db.session.execute(
        select(StoredScore).where(StoredScore.cycle_id == cycle_id, StoredScore.basis == "verified")
    ).scalars()


def test_the_reviewer_confirms_evidence_kinds_and_the_verified_score_counts_them(app, people):
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = submitted(cycle_id, "albania", "fully-implemented")
        first = report.entries[0]
        corroboration = next(e for e in first.evidence if e.kind == "corroboration")
        # the reviewer does not accept the NGO report as independent corroboration
        services.accept(report.id, {}, actor("secretariat"), {corroboration.id: "adoption"})
        got = score_of(cycle_id, "AL", "verified", "commitment", first.commitment.code)
        assert (got.status, got.score) == ("substantially-implemented", 75.0)
        assert "evidence-kind-cap" in [r["code"] for r in got.explanation["rules"]]
        assert db.session.get(Evidence, corroboration.id).confirmed_kind == "adoption"
        assert score_of(cycle_id, "AL", "self-reported", "commitment", first.commitment.code).score == 100.0
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "report_accepted")).scalar_one()
        assert event.after["evidence_kinds"] == {
            str(corroboration.id): {"given": "corroboration", "confirmed": "adoption"}
        }


def test_publication_builds_the_sensitivity_table_and_the_open_data_has_it(app, people, client):
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = submitted(cycle_id, "albania", "in-progress")
        services.accept(report.id, {}, actor("secretariat"))
        assert db.session.execute(select(ScoreSensitivity)).first() is None
        services.publish_cycle(cycle_id, actor("secretariat"))
        rows = list(db.session.execute(select(ScoreSensitivity)).scalars())
        overall = next(r for r in rows if r.level == "overall" and r.country.code == "AL")
        assert (overall.weighted, overall.equal) == (50.0, 50.0)  # every entry the same: weights do not matter
    csv = client.get("/data/sensitivity.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("cycle,country_code,country,level,subject,weighted,equal")
    assert "AL,Albania,overall,,50.0,50.0" in csv
    assert client.get("/data/sensitivity.json").json["dataset"] == "sensitivity"


def _reply_cycle() -> int:
    return services.create_cycle(
        "2003 review",
        dt.date(2003, 1, 1),
        dt.date(2003, 12, 31),
        dt.date(2004, 1, 15),
        dt.date(2004, 3, 31),
        actor("secretariat"),
        reply_due_on=dt.date(2004, 4, 30),
    ).id


def test_the_right_of_reply_gates_publication_and_a_change_is_an_audited_revision(app, people, client):
    with app.app_context():
        cycle_id = _reply_cycle()
        report = services.start_report(cycle_id, actor("albania"), today=dt.date(2004, 1, 16))
        services.save_draft(report.id, report.version, answer(report, "fully-implemented"), actor("albania"))
        services.submit(report.id, report.version, actor("albania"))
        first = report.entries[0]
        code = first.commitment.code
        with pytest.raises(services.DomainError, match="accepted"):
            services.reply_to_assessment(cycle_id, code, "Too early", actor("albania"), dt.date(2004, 4, 1))
        services.accept(report.id, {first.id: "in-progress"}, actor("secretariat"))
        with pytest.raises(services.DomainError, match="over"):
            services.reply_to_assessment(cycle_id, code, "Too late", actor("albania"), dt.date(2004, 5, 1))
        with pytest.raises(services.DomainError, match="accepted"):  # Serbia replies only on its own scorecard
            services.reply_to_assessment(cycle_id, code, "Not mine", actor("serbia"), dt.date(2004, 4, 1))
        with pytest.raises(services.NotAllowed):
            services.reply_to_assessment(cycle_id, code, "Staff", actor("secretariat"), dt.date(2004, 4, 1))
        reply = services.reply_to_assessment(
            cycle_id, code, "It is fully in place.", actor("albania"), dt.date(2004, 4, 1)
        )
        assert (reply.reported_status, reply.assessed_status) == ("fully-implemented", "in-progress")
        with pytest.raises(services.DomainError, match="unanswered|answered"):
            services.publish_cycle(cycle_id, actor("secretariat"), today=dt.date(2004, 5, 1))
        services.answer_reply(
            reply.id, "changed", "The NGO report confirms it.", actor("secretariat"), "fully-implemented"
        )
        latest = (
            db.session.execute(select(Report).where(Report.cycle_id == cycle_id).order_by(Report.revision.desc()))
            .scalars()
            .first()
        )
        assert (latest.revision, latest.state.value, latest.amends_id) == (2, "accepted", report.id)
        assert score_of(cycle_id, "AL", "verified", "commitment", code).score == 100.0
        changed = db.session.execute(select(AuditEvent).where(AuditEvent.action == "assessment_changed")).scalar_one()
        assert changed.reason == "The NGO report confirms it." and changed.after["assessed"] == "fully-implemented"
        # the window is still open for Albania until the 30th: publication waits
        with pytest.raises(services.DomainError, match="may still reply"):
            services.publish_cycle(cycle_id, actor("secretariat"), today=dt.date(2004, 4, 20))
        services.publish_cycle(cycle_id, actor("secretariat"), today=dt.date(2004, 5, 1))
    page = client.get("/countries/AL/").get_data(as_text=True)
    assert "It is fully in place." in page and "The NGO report confirms it." in page


def test_the_draft_scorecard_is_the_focal_points_own_country_only(app, people, client):
    with app.app_context():
        cycle_id = _reply_cycle()
        report = services.start_report(cycle_id, actor("albania"), today=dt.date(2004, 1, 16))
        services.save_draft(report.id, report.version, answer(report, "in-progress"), actor("albania"))
        services.submit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
    log_in(client, "serbia@example.org")
    assert client.get(f"/reports/cycles/{cycle_id}/scorecard").status_code == 404
    client.post("/logout")
    log_in(client, "albania@example.org")
    page = client.get(f"/reports/cycles/{cycle_id}/scorecard")
    assert page.status_code == 200 and "Draft verified scorecard" in page.get_data(as_text=True)
    assert "Not public." in page.get_data(as_text=True)
