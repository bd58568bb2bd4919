"""Stored scores and charts: kept in step by the workflow, reproducible, and read (never built) by pages."""

from __future__ import annotations

import datetime as dt
import json

import plotly.graph_objects as go
import pytest
from sqlalchemy import event, func, select, update

from tests.conftest import log_in
from tracker import services
from tracker.audit import Actor
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import ChartFigure, Report, ReportingCycle, Role, StoredScore, User
from tracker.services import EntryInput, EvidenceInput
from tracker.services import scores as stored

SECRETARIAT = "secretariat@example.org"


def actor(name: str) -> Actor:
    user = db.session.execute(select(User).where(User.email == f"{name}@example.org")).scalar_one()
    return Actor(user, "127.0.0.1")


def make_cycle(year: int) -> int:
    cycle = services.create_cycle(
        f"{year} review",
        dt.date(year, 1, 1),
        dt.date(year, 12, 31),
        dt.date(year + 1, 1, 15),
        dt.date(year + 1, 3, 31),
        actor("secretariat"),
    )
    return cycle.id


def answer(report: Report, status: str, *, evidence: bool = True, deportations: int = 0) -> dict[int, EntryInput]:
    framework = services.framework_of(report.cycle)
    return {
        entry.id: EntryInput(
            reported_status=status,
            narrative=f"Done on {entry.commitment.code}.",
            responsible="Ministry of Interior",
            # method 2: implementation evidence and independent corroboration, so every level counts in full
            evidence=(
                EvidenceInput(
                    title=f"Gazette for {entry.commitment.code}", url="https://example.org/g", kind="implementation"
                ),
                EvidenceInput(
                    title=f"NGO report on {entry.commitment.code}", url="https://example.org/n", kind="corroboration"
                ),
            )
            if evidence
            else (),
            figures={
                i: (deportations if i == "immediate-deportations" else 7)
                for i in framework.commitment(entry.commitment.code).indicators
            },
        )
        for entry in report.entries
    }


def submitted(cycle_id: int, who: str, status: str, **kwargs) -> Report:
    report = services.start_report(cycle_id, actor(who), today=_opening(cycle_id))
    services.save_draft(report.id, report.version, answer(report, status, **kwargs), actor(who))
    services.submit(report.id, report.version, actor(who))
    return report


def _opening(cycle_id: int) -> dt.date:
    from tracker.models import ReportingCycle

    return db.session.get(ReportingCycle, cycle_id).opens_on + dt.timedelta(days=1)


def score_of(cycle_id: int, code: str, basis: str, level: str = "overall", subject: str = "") -> StoredScore:
    from tracker.models import Country

    return db.session.execute(
        select(StoredScore)
        .join(Country)
        .where(
            StoredScore.cycle_id == cycle_id,
            Country.code == code,
            StoredScore.basis == basis,
            StoredScore.level == level,
            StoredScore.subject == subject,
        )
    ).scalar_one()


def test_a_new_cycle_starts_not_reported_for_every_country(app, people, framework):
    with app.app_context():
        cycle_id = make_cycle(2003)
        albania = score_of(cycle_id, "AL", "verified")
        assert (albania.state, albania.score) == ("not-reported", None)
        # Hungary signed the Tirana Statement only: Palermo's commitments are "not applicable", never zero
        palermo = score_of(cycle_id, "HU", "verified", "instrument", "palermo-2000")
        assert palermo.state == "not-applicable"
        countries = db.session.execute(select(func.count(func.distinct(StoredScore.country_id)))).scalar_one()
        assert countries == len(framework.countries)


def test_submitting_and_accepting_store_self_reported_then_verified_scores(app, people):
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = submitted(cycle_id, "albania", "in-progress")
        assert score_of(cycle_id, "AL", "self-reported").score == 50.0
        assert score_of(cycle_id, "AL", "verified").state == "not-reported"
        first = report.entries[0]
        services.accept(report.id, {first.id: "fully-implemented"}, actor("secretariat"))
        verified_first = score_of(cycle_id, "AL", "verified", "commitment", first.commitment.code)
        assert (verified_first.score, verified_first.status) == (100.0, "fully-implemented")
        assert score_of(cycle_id, "AL", "self-reported", "commitment", first.commitment.code).score == 50.0
        overall = score_of(cycle_id, "AL", "verified")
        assert 50.0 < overall.score < 100.0
        assert overall.state == "scored" and overall.reported == overall.applicable
        # Serbia reported nothing: its scores did not move
        assert score_of(cycle_id, "RS", "verified").state == "not-reported"


def test_returning_a_report_withdraws_its_self_reported_scores(app, people):
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = submitted(cycle_id, "albania", "in-progress")
        assert score_of(cycle_id, "AL", "self-reported").score == 50.0
        services.return_for_revision(report.id, "Please add figures.", {}, actor("secretariat"))
        assert score_of(cycle_id, "AL", "self-reported").state == "not-reported"


def test_an_accepted_status_carries_forward_into_later_cycles(app, people):
    with app.app_context():
        first, second = make_cycle(2003), make_cycle(2004)
        report = submitted(first, "albania", "substantially-implemented")
        services.accept(report.id, {}, actor("secretariat"))  # accepted after the later cycle exists
        carried = score_of(second, "AL", "verified", "commitment", "PAL-2A")
        assert (carried.state, carried.score, carried.carried_from) == ("scored", 75.0, "2003 review")
        assert any(rule["code"] == "carried" for rule in carried.explanation["rules"])
        assert score_of(second, "AL", "verified").score == 75.0


def test_the_negative_indicator_is_stored_with_its_explanation(app, people):
    """Method 2: the reported figure alone triggers nothing; a finding with its source does."""
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = submitted(cycle_id, "albania", "fully-implemented", deportations=4)
        services.accept(report.id, {}, actor("secretariat"))
        tirana = score_of(cycle_id, "AL", "verified", "instrument", "tirana-2002")
        assert (tirana.score, tirana.rating, tirana.explanation["penalties"]) == (100.0, "advanced", [])
        services.record_finding(
            cycle_id, "AL", "summary-deportation", "Shelter monitoring report", "p. 9", "an NGO", actor("secretariat")
        )
        tirana = score_of(cycle_id, "AL", "verified", "instrument", "tirana-2002")
        assert (tirana.score, tirana.conservative, tirana.rating) == (90.0, 90.0, "partial")
        assert tirana.explanation["penalties"] == ["summary-deportation"] and tirana.explanation["findings"]
        [rule] = [r["text"] for r in tirana.explanation["rules"] if r["code"] == "negative"]
        assert "“Shelter monitoring report” (p. 9), brought by an NGO" in rule
        palermo = score_of(cycle_id, "AL", "verified", "instrument", "palermo-2000")
        assert (palermo.score, palermo.rating) == (100.0, "advanced")


def test_a_status_without_evidence_is_capped_in_the_stored_score(app, people):
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = services.start_report(cycle_id, actor("albania"), today=_opening(cycle_id))
        inputs = answer(report, "planned", evidence=False)
        services.save_draft(report.id, report.version, inputs, actor("albania"))
        services.submit(report.id, report.version, actor("albania"))
        entry = report.entries[0]
        # the secretariat assesses a higher status than the evidence supports: the cap still applies
        services.accept(report.id, {entry.id: "fully-implemented"}, actor("secretariat"))
        capped = score_of(cycle_id, "AL", "verified", "commitment", entry.commitment.code)
        assert (capped.status, capped.score) == ("planned", 0.0)  # method 2: "planned" earns nothing
        assert "evidence-cap" in [rule["code"] for rule in capped.explanation["rules"]]


def test_recompute_reproduces_the_stored_rows_and_repairs_tampering(app, people, runner):
    with app.app_context():
        first, second = make_cycle(2003), make_cycle(2004)
        report = submitted(first, "albania", "in-progress")
        services.accept(report.id, {}, actor("secretariat"))
        submitted(second, "serbia", "planned")
        rows = db.session.execute(select(func.count()).select_from(StoredScore)).scalar_one()
        check = stored.recompute_stored(check=True)
        assert check.rows_changed == 0
        assert check.scorecards == 2 * 2 * 13
        with write_transaction(db.session):
            db.session.execute(
                update(StoredScore)
                .where(StoredScore.cycle_id == first, StoredScore.level == "overall", StoredScore.basis == "verified")
                .values(score=1.0)
            )
    result = runner.invoke(args=["scores", "recompute", "--check"])
    assert result.exit_code == 1, result.output
    assert "13 stored rows differ" in result.output
    result = runner.invoke(args=["scores", "recompute"])
    assert result.exit_code == 0, result.output
    assert "13 stored rows changed" in result.output
    result = runner.invoke(args=["scores", "recompute", "--check", "--cycle", "2003 review"])
    assert result.exit_code == 0, result.output
    assert "26 scorecards computed; 0 stored rows differ" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(StoredScore)).scalar_one() == rows


def test_recompute_names_an_unknown_cycle(app, runner):
    result = runner.invoke(args=["scores", "recompute", "--cycle", "1999 review"])
    assert result.exit_code != 0
    assert "there is no cycle '1999 review'" in result.output


def test_stored_figures_are_valid_plotly_and_mark_na_and_not_reported(app, people):
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = submitted(cycle_id, "albania", "in-progress")
        services.accept(report.id, {}, actor("secretariat"))
        chart = db.session.get(ChartFigure, stored.region_key(cycle_id, "verified", "commitments"))
        figure = go.Figure(json.loads(chart.figure))  # raises on any property plotly does not know
        names = [trace.name for trace in figure.data]
        assert names == ["Score", "Not applicable", "Not reported"]
        rows = {row["label"]: row for row in chart.table["rows"]}
        assert rows["Albania"]["cells"][0]["text"] == "50 (Partial)"
        assert {c["text"] for c in rows["Hungary"]["cells"][:14]} == {"Not applicable"}
        # countries are named as they were at the end of the cycle
        assert {c["text"] for c in rows["Serbia (then part of Serbia and Montenegro)"]["cells"]} == {"Not reported"}
        assert "Turkey (today Türkiye)" in rows and "Türkiye" not in rows
        # no column for an instrument that applies to no country: it would be N/A throughout
        assert chart.table["columns"] == [
            f"{c.id} {c.title}"
            for c in stored.scored_commitments(services.framework_of(db.session.get(ReportingCycle, cycle_id)))
        ]
        assert not any(column.startswith(("ZAG-", "MAP-")) for column in chart.table["columns"])
        assert "</" not in chart.figure and "<b>" not in chart.figure  # safe inside a <script> element
        for key in (stored.trend_key(report.country_id), stored.comparison_key(cycle_id, report.country_id)):
            go.Figure(json.loads(db.session.get(ChartFigure, key).figure))


def test_an_unchanged_recompute_rewrites_no_chart(app, people):
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = submitted(cycle_id, "albania", "in-progress")
        services.accept(report.id, {}, actor("secretariat"))
        before = dict(db.session.execute(select(ChartFigure.key, ChartFigure.built_at)).all())
        result = stored.recompute_stored()
        assert (result.rows_changed, result.charts) == (0, 0)
        assert dict(db.session.execute(select(ChartFigure.key, ChartFigure.built_at)).all()) == before


# ----------------------------------------------------------------------------- pages
@pytest.fixture
def scored(app, people):
    """One accepted report with a reviewer's comment, one submitted: what the pages show."""
    with app.app_context():
        cycle_id = make_cycle(2003)
        report = submitted(cycle_id, "albania", "in-progress")
        entry = report.entries[0]
        services.return_for_revision(report.id, "", {entry.id: "Which article of the law?"}, actor("secretariat"))
        services.resubmit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        submitted(cycle_id, "serbia", "planned")
        return {"cycle": cycle_id, "entry_code": entry.commitment.code}


def test_the_secretariat_sees_the_region_heatmap_with_its_table(client, scored):
    log_in(client, SECRETARIAT)
    page = client.get(f"/review/scores/?cycle={scored['cycle']}&view=commitments")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-figure="region-data"' in html
    assert 'data-link-base="/review/scores/"' in html
    assert f'href="/review/scores/{scored["cycle"]}/AL/verified/commitment/{scored["entry_code"]}"' in html
    assert "/vendor/plotly/plotly-cartesian-4.1.1.min.js" in html and "/js/charts.js" in html
    self_reported = client.get(f"/review/scores/?cycle={scored['cycle']}&basis=self-reported").get_data(as_text=True)
    assert "Self-reported scores count what each country reported" in self_reported


def test_a_cell_opens_its_explanation_with_entries_evidence_and_comments(client, scored):
    log_in(client, SECRETARIAT)
    cycle, code = scored["cycle"], scored["entry_code"]
    page = client.get(f"/review/scores/{cycle}/AL/verified/commitment/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Gazette for {code}" in html and 'href="https://example.org/g"' in html
    assert "Which article of the law?" in html
    assert "“In progress” earns 2 of 4 points: 50 out of 100." in html
    overall = client.get(f"/review/scores/{cycle}/AL/verified/overall/all").get_data(as_text=True)
    assert "Weighted mean of" in overall and f"Gazette for {code}" in overall
    area = client.get(f"/review/scores/{cycle}/RS/self-reported/focus-area/prevention").get_data(as_text=True)
    assert "Self-reported as “Planned”" in area


@pytest.mark.parametrize(
    "path",
    [
        "/review/scores/{c}/AL/verified/commitment/NOPE",
        "/review/scores/{c}/ZZ/verified/overall/all",
        "/review/scores/{c}/AL/guessed/overall/all",
        "/review/scores/999/AL/verified/overall/all",
    ],
)
def test_an_unknown_score_is_404(client, scored, path):
    log_in(client, SECRETARIAT)
    assert client.get(path.format(c=scored["cycle"])).status_code == 404


def test_the_scorecard_shows_both_bases_and_the_charts(client, scored):
    log_in(client, SECRETARIAT)
    page = client.get(f"/review/scores/{scored['cycle']}/RS/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-figure="comparison-data"' in html and 'data-figure="trend-data"' in html
    assert html.count("Not reported") >= 1 and "Planned" in html


def test_every_scorecard_and_the_csv(client, scored, framework):
    log_in(client, SECRETARIAT)
    page = client.get("/review/scorecards/")
    assert page.status_code == 200 and "Albania" in page.get_data(as_text=True)
    download = client.get("/review/scorecards.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    lines = download.get_data(as_text=True).splitlines()
    assert lines[0] == ",".join(
        ["cycle", "country_code", "country", "basis", "level", "subject", "state", "score", "rating", "status"]
        + ["weight", "reported", "applicable", "carried_from"]
    )
    per_card = 1 + len(framework.instruments) + len(framework.focus_areas) + len(framework.commitments)
    assert len(lines) == 1 + 13 * 2 * per_card
    albania = next(line for line in lines if line.startswith("2003 review,AL,Albania,verified,overall,"))
    applicable = framework.applicable_commitments("AL", dt.date(2003, 12, 31))
    weights = sum(c.weight for c in applicable)
    n = len(applicable)
    assert albania == f"2003 review,AL,Albania,verified,overall,,scored,50.0,partial,,{weights},{n},{n},"


@pytest.mark.parametrize("who", ["albania@example.org", None])
def test_focal_points_and_the_public_never_see_the_secretariats_scores(client, scored, who):
    if who:
        log_in(client, who)
    for path in (
        "/review/scores/",
        f"/review/scores/{scored['cycle']}/AL/",
        "/review/scorecards.csv",
        f"/review/scores/{scored['cycle']}/AL/verified/overall/all",
    ):
        response = client.get(path)
        assert response.status_code in (302, 403, 404)
        assert b"Weighted mean" not in response.data


def test_no_page_builds_a_figure(client, scored, monkeypatch):
    from tracker.scoring import charts

    def refuse(*args, **kwargs):
        raise AssertionError("a page built a figure")

    for name in ("heatmap", "trend", "comparison"):
        monkeypatch.setattr(charts, name, refuse)
    log_in(client, SECRETARIAT)
    for path in ("/review/scores/", "/review/scores/?view=commitments", f"/review/scores/{scored['cycle']}/AL/"):
        assert client.get(path).status_code == 200


# ----------------------------------------------------------------------------- statements per page
def _statements(client, path: str) -> int:
    engine = db.engine
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


PAGES = (
    "/review/scores/?cycle={c}",
    "/review/scores/?cycle={c}&view=commitments&basis=self-reported",
    "/review/scores/{c}/AL/",
    "/review/scores/{c}/AL/verified/overall/all",
    "/review/scores/{c}/AL/verified/focus-area/victim-protection",
    "/review/scorecards/",
)


def test_statements_per_page_do_not_grow_with_cycles_countries_or_entries(app, people, client):
    def counts(cycle_id: int) -> list[int]:
        with app.app_context():
            return [_statements(client, page.format(c=cycle_id)) for page in PAGES]

    with app.app_context():
        first = make_cycle(2003)
        report = submitted(first, "albania", "in-progress")
        services.accept(report.id, {}, actor("secretariat"))
    log_in(client, SECRETARIAT)
    small = counts(first)
    with app.app_context():
        for code in ("BG", "HR", "MD", "RO"):
            services.create_user(f"{code.lower()}@example.org", code, Role.FOCAL_POINT, code, "x" * 16, actor("admin"))
        later = [make_cycle(year) for year in (2004, 2005, 2006)]
        for cycle_id in later:
            for who in ("albania", "serbia", "bg", "hr", "md", "ro"):
                report = submitted(cycle_id, who, "substantially-implemented")
                services.accept(report.id, {}, actor("secretariat"))
    large = counts(later[-1])
    assert small == large
    assert max(large) <= 9, dict(zip(PAGES, large, strict=True))


# ----------------------------------------------------------------------------- plotly.js
def test_plotly_is_served_by_the_app_compressed_and_cached_for_a_year(client, app):
    from tracker.assets import plotly_url

    with app.test_request_context():
        path = plotly_url()
    response = client.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers["Cache-Control"]
    import gzip

    assert b"plotly" in gzip.decompress(response.data)[:2000].lower()
    plain = client.get(path)
    assert "Content-Encoding" not in plain.headers and len(plain.data) > len(response.data) * 2
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"], "Accept-Encoding": "gzip"})
    assert again.status_code == 304
    stale = path.split("/")
    stale[3] = "0" * 12
    older = client.get("/".join(stale))  # a page older than this plotly: served, but not kept
    assert older.status_code == 200 and older.headers["Cache-Control"] == "public, no-cache"
    assert client.get("/assets/app/" + "0" * 12 + "/../../config.py").status_code == 404


def test_only_chart_pages_allow_inline_styles_and_no_page_allows_inline_scripts(client, scored):
    log_in(client, SECRETARIAT)
    chart_page = client.get("/review/scores/").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in chart_page
    assert "script-src 'self';" in chart_page
    other = client.get("/review/scorecards/").headers["Content-Security-Policy"]
    assert "style-src 'self';" in other and "unsafe-inline" not in other


def test_charts_redrawn_piecemeal_equal_charts_drawn_from_scratch(app, people):
    """Each operation redraws only the charts its rows touch; a full redraw then finds nothing to change."""
    with app.app_context():
        first, second = make_cycle(2003), make_cycle(2004)
        albania = submitted(first, "albania", "in-progress")
        services.return_for_revision(albania.id, "More, please.", {}, actor("secretariat"))
        services.resubmit(albania.id, albania.version, actor("albania"))
        services.accept(albania.id, {}, actor("secretariat"))
        serbia = submitted(first, "serbia", "fully-implemented", deportations=2)
        services.accept(serbia.id, {}, actor("secretariat"))
        services.publish_cycle(first, actor("secretariat"))
        submitted(second, "albania", "substantially-implemented")
        check = stored.recompute_stored(check=True)
        assert (check.rows_changed, check.charts) == (0, 0)
