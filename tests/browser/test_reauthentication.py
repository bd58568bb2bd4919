"""Re-authentication resumes the interrupted action in Chromium (issue 20): after an old login, Publish
and Disable ask for the password on a page of their own that says what will happen, and the password
alone carries the action out: the person lands where the action lands, with its message.
"""

from __future__ import annotations

from tests.browser.conftest import Console, make_login_stale, new_page, screenshot
from tests.browser.test_journey import flash, log_in
from tracker.demo import DEMO_PASSWORD, DEMO_SECRETARIAT

CYCLE = "2004 annual report"
ADMIN = "admin@demo.example"


def test_publish_after_an_old_login_is_done_by_the_password_alone(fresh_server, chromium):
    base = fresh_server.base
    staff = new_page(chromium)
    console = Console(staff)
    log_in(staff, base, DEMO_SECRETARIAT)
    staff.goto(base + "/review/cycles")
    with staff.expect_navigation():
        staff.get_by_role("link", name=CYCLE).click()
    cycle_url = staff.url
    assert "it cannot be undone" in staff.locator("label[for=publish-confirm]").inner_text()
    make_login_stale(staff, fresh_server)
    staff.check("#publish-confirm")
    with staff.expect_navigation():
        staff.get_by_role("button", name=f"Publish {CYCLE}").click()
    assert staff.url.endswith("/reauthenticate"), staff.url
    assert staff.locator("#pending-action").inner_text() == f"Enter your password to publish {CYCLE}."
    assert staff.locator("#password").is_visible()  # the prompt is where the person is looking
    screenshot(staff, "reauth-1-publish-prompt")
    staff.fill("#password", "not the password")
    with staff.expect_navigation():
        staff.get_by_role("button", name=f"Confirm and publish {CYCLE}").click()
    assert "Nothing was done yet" in staff.content()
    staff.fill("#password", DEMO_PASSWORD)
    with staff.expect_navigation():
        staff.get_by_role("button", name=f"Confirm and publish {CYCLE}").click()
    assert staff.url == cycle_url, staff.url
    assert f"“{CYCLE}” is published" in flash(staff), flash(staff)
    assert staff.locator("#publish-title").inner_text() == "Published"
    screenshot(staff, "reauth-2-published")
    console.assert_clean("publishing after the password")


def test_disable_after_an_old_login_is_done_by_the_password_alone(fresh_server, chromium):
    base = fresh_server.base
    admin = new_page(chromium)
    log_in(admin, base, ADMIN)
    admin.goto(base + "/admin/users")
    row = admin.locator("tr", has=admin.get_by_text(DEMO_SECRETARIAT, exact=True))
    make_login_stale(admin, fresh_server)
    row.locator("summary").click()
    with admin.expect_navigation():
        row.get_by_role("button", name="Disable").click()
    assert admin.url.endswith("/reauthenticate"), admin.url
    assert f"disable the account of {DEMO_SECRETARIAT}" in admin.locator("#pending-action").inner_text()
    admin.fill("#password", DEMO_PASSWORD)
    with admin.expect_navigation():
        admin.locator("button[type=submit].btn-primary").click()
    assert "/admin/users" in admin.url, admin.url
    assert "The account is disabled and logged out." in flash(admin), flash(admin)
    row = admin.locator("tr", has=admin.get_by_text(DEMO_SECRETARIAT, exact=True))
    assert "Disabled" in row.inner_text()
