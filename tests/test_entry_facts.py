"""When the work ran and what it cost, as a focal point types it, reach the reviewer, the public
explanation and the open data (issue 20: "dates and budget typed by the focal point appear nowhere")."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

from tests.conftest import log_in
from tests.test_public_portal import cycle, start
from tests.test_workflow import actor, complete
from tracker import services
from tracker.extensions import db
from tracker.models import Report


def test_dates_and_budget_reach_the_reviewer_the_explanation_and_the_open_data(app, people, client):
    with app.app_context():
        published = cycle("2003 review", 2003)
        report = start(published.id, "albania")
        answers = complete(report)
        first = next(iter(answers))
        answers[first] = dataclasses.replace(
            answers[first],
            start_date=dt.date(2003, 2, 1),
            end_date=dt.date(2003, 11, 30),
            budget_amount=1_250_000,
            budget_currency="EUR",
        )
        services.save_draft(report.id, report.version, answers, actor("albania"))
        report = db.session.get(Report, report.id)
        services.submit(report.id, report.version, actor("albania"))
        report_id, cycle_id = report.id, published.id
        code = next(e.commitment.code for e in report.entries if e.id == first)
        facts = "Started 1 February 2003 · Ended or due 30 November 2003 · Budget 1,250,000 EUR"

    staff = app.test_client()
    log_in(staff, people["secretariat"])
    assert facts in staff.get(f"/review/reports/{report_id}").text

    with app.app_context():
        assert client.get("/data/entries.csv").text.count("\n") <= 1  # nothing public before publication
        services.accept(report_id, {}, actor("secretariat"))
        services.publish_cycle(cycle_id, actor("secretariat"), today=dt.date(2004, 5, 1))

    explanation = client.get(f"/countries/AL/{cycle_id}/commitment/{code}")
    assert explanation.status_code == 200 and facts in explanation.text
    rows = list(csv.DictReader(io.StringIO(client.get("/data/entries.csv").text)))
    mine = next(row for row in rows if row["commitment"] == code)
    assert (mine["start_date"], mine["end_date"], mine["budget_amount"], mine["budget_currency"]) == (
        "2003-02-01",
        "2003-11-30",
        "1250000",
        "EUR",
    )
    others = [row for row in rows if row["commitment"] != code]
    assert others and all(row["budget_amount"] == "" for row in others)
    document = client.get("/data/entries.json").json
    assert any(row["budget_amount"] == 1_250_000 and row["budget_currency"] == "EUR" for row in document["rows"])
