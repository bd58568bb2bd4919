"""The right of reply end to end in Chromium against gunicorn (issue 17): the secretariat opens a reply
period on an accepted cycle, a focal point reads the draft verified scorecard (both forms, coverage,
the statuses assessed differently) and replies on a commitment, the secretariat answers, every
country says it has no further replies, the cycle is published, and an anonymous visitor sees the
reply and the answer beside the scorecard. Before publication the public sees none of it.

Screenshots of each step go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt

from tests.browser.conftest import new_page, screenshot
from tests.browser.test_journey import flash, log_in
from tracker.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_SECRETARIAT

CYCLE = "2004 annual report"
REPLY = "The shelter opened in June 2004; the municipal decision is attached to our report."
ANSWER = "The decision is adopted, but no running service was shown: the assessment stands."


def publish(staff, base: str) -> None:  # type: ignore[no-untyped-def]
    staff.check("#publish-confirm")  # publishing cannot be undone: the box says so
    with staff.expect_navigation():
        staff.get_by_role("button", name=f"Publish {CYCLE}").click()
    if "/reauthenticate" in staff.url:  # an old login: the password, then the cycle is published
        staff.fill("#password", DEMO_PASSWORD)
        with staff.expect_navigation():
            staff.click("button[type=submit].btn-primary")


def test_focal_point_replies_secretariat_answers_publish_and_the_public_sees_both(fresh_server, chromium):
    base = fresh_server.base
    emails = {name.split(", ")[-1]: email for email, name, _, code in DEMO_ACCOUNTS if code}

    # 1. the secretariat opens a reply period on the 2004 cycle
    staff = new_page(chromium)
    log_in(staff, base, DEMO_SECRETARIAT)
    staff.goto(base + "/review/cycles")
    with staff.expect_navigation():
        staff.get_by_role("link", name=CYCLE).click()
    cycle_url = staff.url
    staff.fill("#reply_due_on", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    with staff.expect_navigation():
        staff.get_by_role("button", name="Open the reply period").click()
    assert "may reply to their draft scorecards" in flash(staff), flash(staff)
    accepted = [
        row.locator("th").inner_text().strip()
        for row in staff.locator("table tbody tr").all()
        if "Accepted" in row.inner_text()
    ]
    assert accepted, "the demonstration has accepted reports in 2004"
    # publishing is refused while countries may still reply
    publish(staff, base)
    assert "may still reply" in flash(staff), flash(staff)

    # 2. the first of them reads its draft verified scorecard and replies on one commitment
    country = accepted[0]
    focal = new_page(chromium)
    log_in(focal, base, emails[country])
    focal.goto(base + "/reports/")
    with focal.expect_navigation():
        focal.locator("tr", has_text=CYCLE).get_by_role("link", name="Draft scorecard").click()
    main = focal.locator("main").inner_text()
    assert "Not public." in main and "Conservative" in main and "coverage" in main
    form = focal.locator("form.reply-form").first
    commitment = form.locator("input[name=commitment]").get_attribute("value")
    form.locator("textarea").fill(REPLY)
    with focal.expect_navigation():
        form.get_by_role("button").click()
    assert f"Your reply on {commitment} is sent" in flash(focal), flash(focal)
    assert REPLY in focal.locator(f"#commitment-{commitment}").inner_text()
    screenshot(focal, "reply-1-draft-scorecard-replied")

    # nothing of it is public yet
    visitor = new_page(chromium)
    visitor.goto(base + "/countries/")
    with visitor.expect_navigation():
        visitor.get_by_role("link", name=country, exact=True).first.click()
    country_url = visitor.url.split("?")[0]
    assert REPLY not in visitor.content()

    # 3. the secretariat answers: the assessment stands, with the reason
    staff.goto(cycle_url)
    with staff.expect_navigation():
        staff.get_by_role("link", name="replies").click()
    article = staff.locator("article", has_text=REPLY)
    article.locator("input[value=kept]").check()
    article.locator("textarea").fill(ANSWER)
    with staff.expect_navigation():
        article.get_by_role("button", name="Send answer").click()
    assert "Your answer is recorded" in flash(staff), flash(staff)
    screenshot(staff, "reply-2-answered")

    # 4. every country with an accepted report says it has no further replies
    for other in accepted:
        page = focal if other == country else new_page(chromium)
        if other != country:
            log_in(page, base, emails[other])
        page.goto(base + "/reports/")
        with page.expect_navigation():
            page.locator("tr", has_text=CYCLE).get_by_role("link", name="Draft scorecard").click()
        with page.expect_navigation():
            page.get_by_role("button", name="We have no further replies").click()
        assert "no further replies" in flash(page), (other, flash(page))
        if page is not focal:
            page.console.assert_clean(other)
            page.context.close()
    assert ANSWER in focal.locator(f"#commitment-{commitment}").inner_text()

    # 5. the secretariat publishes
    staff.goto(cycle_url)
    publish(staff, base)
    assert "is published" in flash(staff), flash(staff)

    # 6. the public sees the scorecard with both forms, the reply and the answer
    visitor.goto(country_url)
    main = visitor.locator("main").inner_text()
    assert CYCLE in main
    assert "Conservative" in main and "coverage" in main and "Scored with method 2" in main
    replies = visitor.locator("#replies-title").locator("xpath=..").inner_text()
    assert REPLY in replies and ANSWER in replies and "assessment kept" in replies
    visitor.locator("#overall-title").scroll_into_view_if_needed()
    screenshot(visitor, "reply-3-public-country")

    for page, who in ((focal, "focal point"), (staff, "secretariat"), (visitor, "visitor")):
        page.console.assert_clean(who)
        page.context.close()
