"""The demonstration flag travels with the data (``models.Installation``, ``tracker.installation``).

A seeded demonstration: every export row, every API answer, every chart and page says so, and
production refuses to start. An installation without it: nothing says so, whatever its accounts are.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from config import ProductionConfig
from tests.conftest import BACKENDS
from tests.test_demo import demo_hash, seeded_demo  # noqa: F401  (demo_hash: a fixture)
from tracker.audit import Actor
from tracker.demo import DEMO_MARKER, DEMO_PASSWORD, DEMO_SECRETARIAT
from tracker.extensions import db
from tracker.installation import HEADER, WATERMARK
from tracker.models import AuditEvent, Installation, Role
from tracker.services.installation import mark_demonstration_data


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory, demo_hash) -> Iterator:  # noqa: F811
    """A demonstration seeded once per backend; the tests only read it."""
    yield from seeded_demo(request.param, tmp_path_factory, demo_hash)


API = "/api/v1"
DATASETS = ("scores", "entries", "statistics", "baseline")


def api_urls(client) -> list[str]:
    """Every API address of the demonstration: each operation, each country, and an error."""
    cycle = client.get(f"{API}/cycles").json["cycles"][0]["id"]
    urls = [f"{API}/", f"{API}/openapi.json", f"{API}/framework", f"{API}/countries", f"{API}/cycles"]
    urls += [f"{API}/scores", f"{API}/statistics", f"{API}/plans", f"{API}/baseline", f"{API}/countries/AL/plan"]
    for code in ("AL", "RS", "HU"):
        urls += [f"{API}/countries/{code}", f"{API}/countries/{code}/scorecard?cycle={cycle}"]
        urls += [f"{API}/countries/{code}/baseline"]
    return [*urls, f"{API}/nowhere", f"{API}/scores?limit=0"]


def test_the_seed_stores_the_flag_with_the_data_and_audits_it(demo):
    with demo.app_context():
        row = db.session.get(Installation, 1)
        assert row.demonstration is True and row.demonstration_since is not None
        events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "demonstration_data_marked"))
        assert len(events.all()) == 1


def test_every_api_answer_of_a_demo_carries_the_field_and_the_header(demo):
    client = demo.test_client()
    for url in api_urls(client):
        response = client.get(url, headers={"Accept-Encoding": "identity"})
        assert response.headers.get(HEADER) == "true", url
        key = "x-demonstration" if url.endswith("openapi.json") else "demonstration"
        assert response.json[key] is True, (url, response.status_code)
        again = client.get(url, headers={"Accept-Encoding": "br"})  # from the page cache, compressed
        assert again.headers.get(HEADER) == "true", url


def test_every_export_row_of_a_demo_carries_the_flag_and_its_name_says_so(demo):
    client = demo.test_client()
    for name in DATASETS:
        response = client.get(f"/data/{name}.csv")
        assert response.headers[HEADER] == "true"
        assert response.headers["Content-Disposition"] == f'attachment; filename="demonstration-{name}.csv"'
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert rows, name
        # the baseline is real, cited data: its rows say false even here
        assert {row["demonstration"] for row in rows} == {"false" if name == "baseline" else "true"}, name
        document = client.get(f"/data/{name}.json")
        assert document.headers["Content-Disposition"] == f'inline; filename="demonstration-{name}.json"'
        assert document.json["demonstration"] is True
        assert {row["demonstration"] for row in document.json["rows"]} == {name != "baseline"}
    plan = client.get("/countries/QM/plan.yaml")
    assert 'filename="demonstration-QM-national-plan-rev' in plan.headers["Content-Disposition"]


def test_the_secretariat_export_is_marked_too(demo):
    with demo.test_request_context():
        from tracker.exports import csv_response

        response = csv_response(["a"], [("x",)], "scorecards.csv")
        assert response.headers["Content-Disposition"] == 'attachment; filename="demonstration-scorecards.csv"'
        assert response.get_data(as_text=True) == "a,demonstration\nx,true\n"


def test_charts_and_pages_carry_a_visible_mark(demo):
    client = demo.test_client()
    for url in ("/", "/progress/", "/countries/QM/"):
        page = client.get(url).get_data(as_text=True)
        assert "Demonstration data — not real reports." in page, url
        figures = [json.loads(text) for text in _split_script(page)]
        assert figures, url
        for figure in figures:
            texts = [a.get("text") for a in figure["layout"].get("annotations", [])]
            assert WATERMARK in texts, url
        assert "every figure in this chart is invented" in page, url


def _split_script(page: str) -> list[str]:
    return [
        part.split(">", 1)[1].split("</script>", 1)[0] for part in page.split('<script type="application/json"')[1:]
    ]


def test_every_chart_the_pages_draw_uses_a_trace_type_of_the_served_bundle(demo):
    """The app serves plotly.js's cartesian partial bundle: a chart of another trace type would draw
    nothing. Every figure embedded in the public and staff pages is checked against what it registers."""
    import re

    from tracker.assets import PLOTLY_BUNDLE, SOURCES

    bundle = (SOURCES["app"] / PLOTLY_BUNDLE).read_text(encoding="utf-8")
    registered = set(re.findall(r'moduleType:"trace",name:"(\w+)"', bundle))
    assert {"heatmap", "bar", "scatter"} <= registered
    client = demo.test_client()
    pages = ["/", "/progress/", "/progress/?view=commitments", "/countries/QM/", "/statistics/"]
    used: set[str] = set()
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert plotly_url_in(page), url
        used |= {trace.get("type", "scatter") for text in _split_script(page) for trace in json.loads(text)["data"]}
    client.post("/login", data={"email": DEMO_SECRETARIAT, "password": DEMO_PASSWORD})
    for url in ("/review/scores/", "/review/scores/?view=commitments"):
        used |= {
            trace.get("type", "scatter")
            for text in _split_script(client.get(url).get_data(as_text=True))
            for trace in json.loads(text)["data"]
        }
    assert {"heatmap", "bar", "scatter"} <= used  # the pages draw every kind the charts module makes
    assert used <= registered, used - registered


def plotly_url_in(page: str) -> bool:
    return "/assets/app/" in page and "/vendor/plotly/plotly-cartesian-4.1.1.min.js" in page


# what production needs besides its database (tests/test_config.py checks each is required)
PRODUCTION_KEYS = {
    "TRACKER_SECRET_KEY": "s" * 64,
    "TRACKER_AUDIT_KEY": "a" * 64,
    "TRACKER_BASE_URL": "https://tracker.example.org",
}


def test_production_refuses_to_start_while_the_flag_is_set(demo):
    url = demo.config["SQLALCHEMY_DATABASE_URI"]
    config = ProductionConfig({**PRODUCTION_KEYS, "TRACKER_DATABASE_URL": url})
    from tracker.app import create_app

    with pytest.raises(RuntimeError, match="holds demonstration data"):
        create_app(config)


# ----------------------------------------------------------------------------- no demonstration
def test_a_non_demo_install_carries_no_flag(app, people):
    client = app.test_client()
    for url in api_urls_without_cycles():
        response = client.get(url)
        assert HEADER not in response.headers, url
        assert "demonstration" not in response.json and "x-demonstration" not in response.json, url
    for name in DATASETS:
        response = client.get(f"/data/{name}.csv")
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}.csv"'
        assert response.get_data(as_text=True).splitlines()[0].endswith(",demonstration")
        assert client.get(f"/data/{name}.json").json["demonstration"] is False
    assert "Demonstration data" not in client.get("/").get_data(as_text=True)


def api_urls_without_cycles() -> list[str]:
    return [f"{API}/", f"{API}/openapi.json", f"{API}/framework", f"{API}/countries", f"{API}/baseline"]


def test_the_banner_follows_the_stored_flag_not_an_account(app, password_hash):
    from tracker import services

    client = app.test_client()
    with app.app_context():
        services.create_user(DEMO_MARKER, "Someone", Role.SECRETARIAT, None, "x" * 12, Actor(None, "test"))
    assert "Demonstration data" not in client.get("/").get_data(as_text=True)  # an account proves nothing
    with app.app_context():
        mark_demonstration_data(Actor(None, "test"))
        mark_demonstration_data(Actor(None, "test"))  # once is enough: no second audit row
        assert len(db.session.execute(select(AuditEvent.id).where(AuditEvent.action.like("demonstration%"))).all()) == 1
    assert "Demonstration data — not real reports." in client.get("/").get_data(as_text=True)
    assert client.get(f"{API}/").headers[HEADER] == "true"


def test_production_starts_on_a_database_without_the_flag(app):
    from tracker.app import create_app

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    created = create_app(ProductionConfig({**PRODUCTION_KEYS, "TRACKER_DATABASE_URL": url}))
    assert created.config["TRACKER_ENV"] == "production"
