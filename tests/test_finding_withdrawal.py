"""Withdrawing a finding (issue 17): kept in the record, no longer fires, said in the explanation; after
publication only through the recompute operation, which records the withdrawal as its reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tests.test_csrf import token_from
from tests.test_scores import actor, make_cycle, score_of, submitted
from tracker import services
from tracker.extensions import db
from tracker.models import AuditEvent, Finding, ScoreRecompute, ScoreSensitivity

INDICATOR = "summary-deportation"


def _penalised_cycle(publish: bool = False) -> tuple[int, int, str]:
    """Albania fully implemented everything; an NGO's finding fires the negative indicator."""
    cycle_id = make_cycle(2003)
    report = submitted(cycle_id, "albania", "fully-implemented")
    services.accept(report.id, {}, actor("secretariat"))
    finding = services.record_finding(
        cycle_id, "AL", INDICATOR, "Shelter monitoring report", "p. 9", "an NGO", actor("secretariat")
    )
    if publish:
        services.publish_cycle(cycle_id, actor("secretariat"))
    method = services.framework_of(db.session.get(Finding, finding.id).cycle).methodology
    commitment = next(n.commitment for n in method.negative_indicators if n.id == INDICATOR)
    return cycle_id, finding.id, commitment


def test_a_withdrawn_finding_stays_on_record_stops_firing_and_the_explanation_says_why(app, people):
    with app.app_context():
        cycle_id, finding_id, commitment = _penalised_cycle()
        assert score_of(cycle_id, "AL", "verified", "instrument", "tirana-2002").score == 90.0
        services.withdraw_finding(finding_id, "Recorded against the wrong country.", actor("secretariat"))
        tirana = score_of(cycle_id, "AL", "verified", "instrument", "tirana-2002")
        assert (tirana.score, tirana.rating, tirana.explanation["penalties"]) == (100.0, "advanced", [])
        rules = score_of(cycle_id, "AL", "verified", "commitment", commitment).explanation["rules"]
        [said] = [r["text"] for r in rules if r["code"] == "finding-withdrawn"]
        assert "“Shelter monitoring report”" in said and "Recorded against the wrong country." in said
        finding = db.session.get(Finding, finding_id)
        assert finding.withdrawn_at is not None and finding.withdrawn_by.email == people["secretariat"]
        assert finding.withdrawal_reason == "Recorded against the wrong country."
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "finding_withdrawn")).scalar_one()
        assert (event.object_id, event.reason) == (str(finding_id), "Recorded against the wrong country.")


def test_a_withdrawal_needs_a_reason_staff_and_happens_once(app, people):
    with app.app_context():
        cycle_id, finding_id, _ = _penalised_cycle()
        with pytest.raises(services.DomainError, match="Say why"):
            services.withdraw_finding(finding_id, "   ", actor("secretariat"))
        with pytest.raises(services.NotAllowed):
            services.withdraw_finding(finding_id, "I disagree.", actor("albania"))
        assert db.session.get(Finding, finding_id).withdrawn_at is None
        assert score_of(cycle_id, "AL", "verified", "instrument", "tirana-2002").score == 90.0
        services.withdraw_finding(finding_id, "Source retracted.", actor("secretariat"))
        with pytest.raises(services.DomainError, match="already"):
            services.withdraw_finding(finding_id, "Again.", actor("secretariat"))
        with pytest.raises(services.NotFound):
            services.withdraw_finding(finding_id + 100, "No such.", actor("secretariat"))


def test_after_publication_the_recompute_records_the_withdrawal_and_the_public_sees_the_correction(app, people, client):
    with app.app_context():
        cycle_id, finding_id, commitment = _penalised_cycle(publish=True)
        before = db.session.execute(select(ScoreSensitivity.weighted).where(ScoreSensitivity.level == "overall"))
        assert before.scalars().first() is not None
        services.withdraw_finding(finding_id, "The NGO retracted page 9.", actor("secretariat"))
        reasons = db.session.execute(select(ScoreRecompute.reason, ScoreRecompute.finished_at)).all()
        assert any(r == f"finding {finding_id} withdrawn: The NGO retracted page 9." and done for r, done in reasons)
        tirana_score = score_of(cycle_id, "AL", "verified", "instrument", "tirana-2002").score
        assert tirana_score == 100.0
    page = client.get(f"/countries/AL/{cycle_id}/commitment/{commitment}").get_data(as_text=True)
    assert "was withdrawn by the secretariat" in page and "The NGO retracted page 9." in page
    rows = client.get(f"/api/v1/scores?cycle={cycle_id}&country=AL&level=instrument").json["scores"]
    assert next(r for r in rows if r["subject"] == "tirana-2002")["score"] == 100.0


def test_the_findings_page_withdraws_through_a_form_with_its_token(app, people, client):
    with app.app_context():
        cycle_id, finding_id, _ = _penalised_cycle()
    log_in(client, people["secretariat"])
    app.config["WTF_CSRF_ENABLED"] = True  # as in production, once logged in
    page = client.get(f"/review/cycles/{cycle_id}/findings")
    assert page.status_code == 200 and "Withdraw this finding" in page.text
    url = f"/review/cycles/{cycle_id}/findings/{finding_id}/withdraw"
    assert client.post(url, data={"reason": "No token."}).status_code == 400
    refused = client.post(url, data={"reason": " ", "csrf_token": token_from(page.text)})
    assert refused.status_code == 400 and "Say why" in refused.text
    done = client.post(url, data={"reason": "Recorded in error.", "csrf_token": token_from(page.text)})
    assert done.status_code == 302
    shown = client.get(f"/review/cycles/{cycle_id}/findings").text
    assert "Withdrawn" in shown and "Recorded in error." in shown and "Withdraw this finding" not in shown
    other = f"/review/cycles/{cycle_id}/findings/{finding_id + 7}/withdraw"
    assert client.post(other, data={"reason": "x", "csrf_token": token_from(shown)}).status_code == 404


@pytest.mark.parametrize("who", ["albania", None])
def test_only_the_secretariat_may_withdraw(app, people, client, who):
    with app.app_context():
        cycle_id, finding_id, _ = _penalised_cycle()
    if who:
        log_in(client, people[who])
    response = client.post(f"/review/cycles/{cycle_id}/findings/{finding_id}/withdraw", data={"reason": "Mine."})
    assert response.status_code in {302, 403}
    if who:
        assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Finding, finding_id).withdrawn_at is None
