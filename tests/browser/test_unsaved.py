"""Typed work is not lost to a stray click: a changed form asks before the page is left, an
unchanged one and a sent one do not."""

from __future__ import annotations

import re

from tests.browser.conftest import focal_point_with
from tests.browser.test_scores_pages import log_in

FIELD = "#statistics-form input:not([type=hidden])"


def _editable_statistics_page(page, base: str) -> None:  # type: ignore[no-untyped-def]
    """A report of the focal point's country that can still be edited, at its statistics section."""
    page.goto(base + "/reports/")
    links = page.locator("a[href^='/reports/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in links:
        if not re.fullmatch(r"/reports/\d+", href):
            continue
        page.goto(base + href + "/statistics")
        fields = page.locator(FIELD)
        if fields.count() and fields.first.is_editable():
            return
    raise AssertionError("the demo has no editable report for this country")


def test_leaving_a_changed_form_asks_first(served, chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()  # not the ``page`` fixture: its console watcher treats any dialog as an error
    log_in(page, served.base, focal_point_with(served, "2005 annual report", "draft").email)
    _editable_statistics_page(page, served.base)
    here = page.url
    dialogs: list[str] = []

    def answer(dialog):  # type: ignore[no-untyped-def]
        dialogs.append(dialog.type)
        dialog.dismiss()  # "stay on this page"

    page.on("dialog", answer)
    # unchanged: leaving asks nothing
    with page.expect_navigation():
        page.locator("a", has_text="Back to the report").first.click()
    assert dialogs == []
    page.goto(here)
    field = page.locator(FIELD).first
    field.click()
    page.keyboard.type("x")  # not a count: the save below is refused whatever the figures were
    page.locator("a", has_text="Back to the report").first.click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == here  # stayed, with the typed figure
    assert field.input_value().endswith("x")
    # sending the form is not leaving it: no question
    with page.expect_navigation() as sent:
        page.locator("#statistics-form button[type=submit]").first.click()
    assert sent.value.status == 400 and dialogs == ["beforeunload"]
    # the refused form comes back with what was typed, unsaved: leaving it asks even before a change
    assert page.locator(FIELD).first.input_value().endswith("x")
    page.locator("a", has_text="Back to the report").first.click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload", "beforeunload"]
    context.close()
