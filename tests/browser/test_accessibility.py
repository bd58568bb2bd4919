"""axe-core in Chromium over every public page: no serious or critical violation (WCAG 2.2 AA target),
no console error, no CSP violation, and charts really drawn."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import screenshot

PUBLIC_PAGES = [
    "/",
    "/progress/",
    "/progress/?view=commitments",
    "/countries/",
    "/countries/QM/",
    "/countries/MD/",
    "/countries/QM/plan",
    "{explanation}",
    "/commitments/TIR-2/",
    "/methodology/",
    "/statistics/",
    "/statistics/?measure=victims-returned",
    "/data/",
    "/framework/",
    "/framework/instruments/tirana-2002",
    "/framework/focus-areas",
    "/framework/crosswalk",
    "/login",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
axe = Axe()


def _explanation(page, base: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(base + "/countries/QM/")
    link = page.locator("a[href*='/focus-area/']").first.get_attribute("href")
    assert link and re.match(r"/countries/QM/\d+/focus-area/", link)
    return link


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violation(served, page, path):
    if path == "{explanation}":
        path = _explanation(page, served.base)
        page.console.problems.clear()
    page.goto(served.base + path)
    page.wait_for_load_state("networkidle")
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    screenshot(page, f"a11y-{name}")
    assert serious == [], "\n".join(serious)
    page.console.assert_clean(path)
    for chart in page.locator(".score-chart").all():
        assert chart.get_attribute("data-drawn") == "true", f"a chart on {path} was not drawn"
        assert chart.locator(".main-svg").count() > 0


def test_keyboard_reaches_the_main_content_and_a_cell_explanation(served, page):
    page.goto(served.base + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text().strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # the heatmap's table is the keyboard's way to each explanation
    page.locator("details.chart-table summary").first.focus()
    page.keyboard.press("Enter")
    link = page.locator("details.chart-table a").first
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/countries/[A-Z]{2}/\d+/focus-area/", page.url)
    assert page.locator("h1").count() == 1
