"""The framework browser and the health check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import COMMITMENTS_DIR, make_app
from tracker.framework import load_framework
from tracker.services import store_framework

PAYLOAD = '<script>alert("x")</script>'

PAGES = ["/", "/framework/", "/framework/focus-areas", "/framework/crosswalk", "/countries/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render(client, path, framework):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert framework.content_hash[:12] in response.text


def test_home_lists_every_instrument(client, framework):
    page = client.get("/").text
    for instrument in framework.instruments:
        assert f'href="/framework/instruments/{instrument.id}"' in page
        assert instrument.short_title in page


def test_instrument_page_shows_each_commitment_with_its_passage(client, framework):
    for instrument in framework.instruments:
        page = client.get(f"/framework/instruments/{instrument.id}").text
        for commitment in instrument.commitments:
            assert f'id="{commitment.id}"' in page
            assert commitment.passage in page
        for country, _ in framework.signatories(instrument.id):
            assert country.name in page


def test_crosswalk_marks_exactly_the_mapped_cells(client, framework):
    page = client.get("/framework/crosswalk").text
    assert page.count('class="text-center mapped primary"') == len(framework.commitments)  # one primary each
    secondary = sum(len(c.secondary_focus_areas) for c in framework.commitments)
    assert secondary and page.count('class="text-center mapped secondary"') == secondary
    assert "An interpretive mapping." in page and "Made by: The Commitment Tracker project team" in page


def test_focus_areas_page_lists_the_seven_areas_in_order(client, framework):
    page = client.get("/framework/focus-areas").text
    positions = [page.index(f'id="{area.id}"') for area in framework.focus_areas]
    assert len(positions) == 8 and positions == sorted(positions)
    assert page.count("not one of the Task Force's seven") >= 1  # the project's own area says so


def test_countries_page_shows_what_each_signed(client, framework):
    page = client.get("/countries/").text
    for country in framework.countries:
        assert f'id="{country.code}"' in page
    row = page[page.index('id="HU"') :]
    row = row[: row.index("</tr>")]
    assert row.count('class="signed"') == len(framework.bindings["HU"])


def test_unknown_instrument_is_404(client):
    response = client.get("/framework/instruments/nothing-here")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_text_from_the_framework_is_escaped(empty_app, tmp_path):
    directory = tmp_path / "commitments"
    shutil.copytree(COMMITMENTS_DIR, directory)
    extra = (Path(__file__).parent / "framework" / "bad" / "unknown-key" / "instruments" / "extra.yaml").read_text()
    extra = extra.replace('      deadline: "2004"\n', "      primary_focus_area: prevention\n")
    extra = extra.replace("Something undertaken.", PAYLOAD)
    (directory / "instruments" / "extra.yaml").write_text(extra)
    with empty_app.app_context():
        store_framework(load_framework(directory), source="test")
    page = empty_app.test_client().get("/framework/instruments/extra").text
    assert PAYLOAD not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_pages_before_the_framework_is_loaded_say_so(empty_app):
    response = empty_app.test_client().get("/framework/")
    assert response.status_code == 503
    assert "framework load" in response.text


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'missing-folder' / 'tracker.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_static_css_is_served(client):
    response = client.get("/static/css/tracker.css")
    assert response.status_code == 200
    assert "--tracker-navy" in response.text
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200
