"""The Excel round trip in a browser: download, fill with openpyxl, upload, preview, apply."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from tests.browser.conftest import focal_point_with, new_page, screenshot
from tests.browser.test_scores_pages import log_in


def test_a_workbook_is_downloaded_filled_uploaded_previewed_and_applied(fresh_server, chromium, tmp_path):
    page = new_page(chromium)
    base = fresh_server.base
    log_in(page, base, focal_point_with(fresh_server, "2005 annual report", "draft").email)
    page.goto(base + "/reports/")
    links = page.locator("a[href^='/reports/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in (h for h in links if re.fullmatch(r"/reports/\d+", h)):
        page.goto(base + href)
        if page.locator("#workbook-heading").count():
            break
    else:
        raise AssertionError("the demo has no editable report for this country")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the workbook (.xlsx)").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    entries = book["Entries"]
    code = entries["B2"].value
    entries["E2"] = "Collected from the ministries offline."
    entries["F2"] = "Ministry of Justice"
    planned = "Plan progress" in book.sheetnames  # the country's plan is accepted
    if planned:
        book["Plan progress"]["D2"] = "under-way"
        book["Plan progress"]["G2"] = "Started in the spring."
    book.save(path)
    page.set_input_files("#workbook-file", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and preview").click()
    assert page.locator("h1").inner_text() == "What the workbook changes"
    table = page.locator("table")
    assert "Collected from the ministries offline." in table.inner_text()
    assert code in table.inner_text() and "Ministry of Justice" in table.inner_text()
    if planned:
        shown = table.inner_text()
        assert "Plan progress" in shown and "Under way" in shown and "Started in the spring." in shown
    screenshot(page, "workbook-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply to the draft").click()
    assert "The workbook is applied" in page.content()
    assert "Collected from the ministries offline." in page.locator("#report-form").inner_text() or (
        page.locator("textarea", has_text="Collected from the ministries offline.").count() == 1
    )
    page.console.assert_clean("workbook round trip")
    page.context.close()
