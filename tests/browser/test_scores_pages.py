"""The secretariat's heatmap in a real browser: drawn under the CSP, and a click on a cell opens the
explanation with its evidence."""

from __future__ import annotations

import re

from tests.browser.conftest import focal_point_with, screenshot
from tracker.demo import DEMO_PASSWORD, DEMO_SECRETARIAT


def log_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_a_heatmap_cell_opens_its_explanation_and_evidence(served, page):
    country = focal_point_with(served, "2004 annual report", "accepted")  # 2005 carries its statuses
    log_in(page, served.base, DEMO_SECRETARIAT)
    page.goto(served.base + "/review/scores/?view=commitments")
    chart = page.locator("#region-chart")
    chart.locator(".main-svg").first.wait_for()
    page.wait_for_function("document.querySelector('#region-chart').dataset.drawn === 'true'")
    screenshot(page, "staff-heatmap-commitments")
    # a status above "planned" always has evidence. The rows stand in
    # comparability groups (a group's heading row has no cells), in the chart's order from the top.
    rows = page.locator("details.chart-table tbody tr:not(.table-group-row)")
    labels = rows.locator("th").evaluate_all("cells => cells.map(cell => cell.textContent.trim())")  # table folded
    row = next(n for n, label in enumerate(labels) if label.startswith(country.name))
    cells = rows.nth(row).locator("td").evaluate_all("cells => cells.map(cell => cell.textContent.trim())")
    column = next(n for n, text in enumerate(cells) if text[:1].isdigit() and float(text.split()[0]) >= 50)
    chart.scroll_into_view_if_needed()
    plot = chart.locator(".nsewdrag").first.bounding_box()
    cell_width = plot["width"] / len(cells)
    cell_height = plot["height"] / len(labels)
    with page.expect_navigation():
        page.mouse.click(plot["x"] + cell_width * (column + 0.5), plot["y"] + cell_height * (row + 0.5))
    assert re.search(rf"/review/scores/\d+/{country.code}/verified/commitment/[A-Z]+-\d", page.url), page.url
    assert page.locator("h1").inner_text().startswith(country.name)
    assert page.locator(".entry-card a[href^='https://']").count() >= 1  # evidence links
    screenshot(page, "staff-explanation")
    page.console.assert_clean("staff heatmap and explanation")


def test_focal_points_cannot_open_the_secretariats_scores(served, page):
    log_in(page, served.base, "brenmoor@demo.example")
    response = page.goto(served.base + "/review/scores/")
    assert response.status in (403, 404)


def test_chart_pages_fetch_nothing_from_the_network(served, chromium):
    """plotly.js is vendored: its bundle holds a few https:// strings (the mode bar's logo link, with
    the mode bar off; documentation addresses in error messages), and none of them is ever fetched.
    Every request a chart page makes, charts drawn, goes to the app itself."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/", "/progress/?view=commitments", "/countries/QM/", "/statistics/"):
        page.goto(served.base + path)
        page.wait_for_load_state("networkidle")
    page.goto(served.base + "/")
    page.wait_for_function("document.querySelector('#region-chart').dataset.drawn === 'true'")
    page.wait_for_load_state("networkidle")
    assert any("/vendor/plotly/" in url for url in requested)
    outside = [url for url in requested if not url.startswith(served.base) and not url.startswith("data:")]
    assert not outside, outside
    context.close()
