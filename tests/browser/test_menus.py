"""The site's menus without Bootstrap's JavaScript (js/nav.js): the menu behind the toggler on a phone,
with and without JavaScript, and the account menu with the mouse and the keyboard."""

from __future__ import annotations

from tests.browser.conftest import screenshot
from tests.browser.test_scores_pages import log_in
from tracker.demo import DEMO_SECRETARIAT


def test_the_phone_menu_opens_with_and_without_javascript(served, chromium):
    for javascript in (True, False):
        context = chromium.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(served.base + "/")
        assert not page.is_visible("#main-nav a[href='/countries/']")
        page.click(".navbar-toggler")
        page.locator("#main-nav").wait_for(state="visible")
        assert page.is_visible("#main-nav a[href='/countries/']")
        if javascript:
            assert page.get_attribute(".navbar-toggler", "aria-expanded") == "true"
            page.keyboard.press("Tab")  # the keyboard closes it again with Space
            page.focus(".navbar-toggler")
            page.keyboard.press(" ")
            page.locator("#main-nav").wait_for(state="hidden")
            assert page.get_attribute(".navbar-toggler", "aria-expanded") == "false"
        else:
            screenshot(page, "menu-phone-no-javascript")
        context.close()


def test_the_account_menu_opens_closes_and_logs_out(served, page):
    log_in(page, served.base, DEMO_SECRETARIAT)
    menu = page.locator(".dropdown-menu")
    assert not menu.is_visible()
    page.click(".dropdown-toggle")
    assert menu.is_visible() and page.get_attribute(".dropdown-toggle", "aria-expanded") == "true"
    screenshot(page, "menu-account")
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    page.click(".dropdown-toggle")
    page.click("main")  # a click elsewhere closes it
    assert not menu.is_visible()
    page.click(".dropdown-toggle")
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    assert "Log in" in page.locator("header").inner_text()
    page.console.assert_clean("menus")
