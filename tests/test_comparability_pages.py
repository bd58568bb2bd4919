"""Comparability on pages and in the open data (issue 17, item 6): countries scored on different sets of
commitments are grouped and marked, never ranked together; each score carries its peer group."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from tests.conftest import log_in
from tests.test_scores import actor, make_cycle, submitted
from tracker import services
from tracker.extensions import db
from tracker.models import ChartFigure, Country
from tracker.services import scores as stored

# with the framework the tests load, on 31 December 2003 (see commitments/)
BOTH = "palermo-2000+tirana-2002"  # Albania, Serbia …
PALERMO = "palermo-2000"  # Moldova, Romania …
TIRANA = "tirana-2002"  # Hungary


def _published_cycle() -> int:
    cycle_id = make_cycle(2003)
    for who in ("albania", "serbia"):
        services.accept(submitted(cycle_id, who, "in-progress").id, {}, actor("secretariat"))
    services.publish_cycle(cycle_id, actor("secretariat"))
    return cycle_id


def test_the_heatmaps_group_rows_draw_separators_and_mark_every_row(app, people):
    with app.app_context():
        cycle_id = _published_cycle()
        for prefix in ("", "public:"):
            for view in stored.REGION_VIEWS:
                chart = db.session.get(ChartFigure, stored.region_key(cycle_id, "verified", view, prefix))
                table, figure = chart.table, json.loads(chart.figure)
                marks = [row["group"] for row in table["rows"]]
                assert marks == sorted(marks)  # the rows of one group are together, largest group first
                assert [g["mark"] for g in table["groups"]] == ["A", "B", "C"]
                assert table["groups"][0]["label"].startswith("Scored on 20 commitments")
                rows = {row["label"]: row["group"] for row in table["rows"]}
                assert rows["Albania"] == rows["Serbia (then part of Serbia and Montenegro)"] == "A"
                assert rows["Moldova"] == "B" and rows["Hungary"] == "C"
                assert "Albania [A]" in figure["data"][0]["y"] and "Hungary [C]" in figure["data"][0]["y"]
                assert len(figure["layout"]["shapes"]) == 2  # one line between each two groups


def test_a_single_group_is_not_marked():
    from tracker.scoring import charts

    one = charts.RowGroup("A", "Scored on 2 commitments: X")
    figure, table = charts.heatmap("t", ["a", "b"], ["c"], {}, row_groups=[one, one])
    assert table["groups"] == [] and [r["group"] for r in table["rows"]] == [None, None]
    assert figure["data"][0]["y"] == ["a", "b"] and "shapes" not in figure["layout"]


def test_progress_pages_show_the_groups_and_the_comparison_uses_only_peers(app, people, client):
    with app.app_context():
        cycle_id = _published_cycle()
        albania = db.session.execute(select(Country).where(Country.code == "AL")).scalar_one()
        comparison = db.session.get(ChartFigure, stored.comparison_key(cycle_id, albania.id, "public:"))
        assert comparison.table["columns"] == ["Albania", "Average of comparable countries"]
    for view in ("focus-areas", "commitments"):
        page = client.get(f"/progress/?view={view}").get_data(as_text=True)
        assert "Compare countries only within a group." in page
        assert "Group B: Scored on 14 commitments" in page and "Group C: Scored on 6 commitments" in page
    methodology = client.get("/methodology/").get_data(as_text=True)
    assert "two countries are compared only when exactly the same commitments apply to both" in methodology
    assert "comparability_group" in methodology and "The groups today" in methodology


def test_the_open_data_gives_each_score_its_peer_group(app, people, client):
    with app.app_context():
        _published_cycle()
    rows = list(csv.DictReader(io.StringIO(client.get("/data/scores.csv").get_data(as_text=True))))
    groups = {(r["country_code"], r["level"], r["subject"]): r["comparability_group"] for r in rows}
    assert groups[("AL", "overall", "")] == groups[("RS", "overall", "")] == BOTH
    assert groups[("MD", "overall", "")] == PALERMO and groups[("HU", "overall", "")] == TIRANA
    assert groups[("AL", "instrument", "palermo-2000")] == groups[("MD", "instrument", "palermo-2000")] == PALERMO
    assert groups[("HU", "instrument", "palermo-2000")] == ""  # not applicable: nothing to compare
    assert all((r["comparability_group"] == "") == (r["state"] == "not-applicable") for r in rows)
    document = client.get("/data/scores.json").json
    assert "comparability_group" in [c["name"] for c in document["columns"]]
    assert {r["comparability_group"] for r in document["rows"] if r["level"] == "overall"} == {BOTH, PALERMO, TIRANA}
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Score"]["properties"]
    assert "comparability_group" in schema


def test_every_scorecard_marks_the_group_of_each_overall_score(app, people, client):
    with app.app_context():
        _published_cycle()
    log_in(client, people["secretariat"])
    page = client.get("/review/scorecards/").get_data(as_text=True)
    assert "Compare overall scores only within a group." in page
    assert 'title="Scored on 20 commitments: Palermo Declaration, Tirana Statement">A</span>' in page
