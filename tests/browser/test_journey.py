"""The whole journey in Chromium against gunicorn: a focal point reports, the secretariat returns,
the focal point answers and resubmits, the secretariat accepts and publishes, and an anonymous
visitor finds the new score in the public heatmap and clicks through to the evidence.

Every page visited must have no console error and no CSP violation; a ``<script>`` typed into a
field must come back as text. Screenshots of every step go to test-artifacts/.
"""

from __future__ import annotations

import re

from tests.browser.conftest import focal_point_with, new_page, screenshot
from tracker.demo import DEMO_PASSWORD, DEMO_SECRETARIAT

PAYLOAD = '<script>alert("owned")</script>'
CYCLE = "2004 annual report"  # a demonstration country's report for it is a draft; 2003 is published
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def flash(page) -> str:  # type: ignore[no-untyped-def]
    return " ".join(page.locator(".alert").all_inner_texts())


def submit_button(page, name: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click(f"button[name='{name}']")


def test_report_review_publish_and_the_public_sees_it(fresh_server, chromium, tmp_path):
    base = fresh_server.base
    evidence_file = tmp_path / "decision-2004.pdf"
    evidence_file.write_bytes(PDF)

    # 1. the focal point of a (fictional) country whose 2004 report is a draft fills the form, saves, submits
    country = focal_point_with(fresh_server, CYCLE, "draft")
    focal = new_page(chromium)
    log_in(focal, base, country.email)
    focal.goto(base + "/reports/")
    row = focal.locator("tr", has_text=CYCLE)
    with focal.expect_navigation():
        row.get_by_role("link", name="Continue").click()
    report_url = focal.url
    statuses = focal.locator("select[name$='-reported_status']")
    for n in range(statuses.count()):
        statuses.nth(n).select_option("in-progress")
    narratives = focal.locator("textarea[name$='-narrative']")
    for n in range(narratives.count()):
        narratives.nth(n).fill(f"The national co-ordinator reported progress. {PAYLOAD}" if n == 0 else "Work began.")
    responsible = focal.locator("input[name$='-responsible']")
    for n in range(responsible.count()):
        responsible.nth(n).fill("Interior Ministry (demonstration)")
    titles = focal.locator("input[name$='-evidence-0-title']")
    urls = focal.locator("input[name$='-evidence-0-url']")
    for n in range(titles.count()):
        titles.nth(n).fill(f"Decision {n + 1}/2004 of the Government")
        urls.nth(n).fill(f"https://government.demo.example/decisions/{n + 1}-2004")
    focal.locator("input[type=file][name$='-evidence-0-file']").first.set_input_files(str(evidence_file))
    submit_button(focal, "save")
    assert "Your draft is saved." in flash(focal), flash(focal)
    assert focal.locator("textarea[name$='-narrative']").first.input_value().endswith(PAYLOAD)
    assert "decision-2004.pdf" in focal.content()
    screenshot(focal, "journey-1-draft-saved")
    submit_button(focal, "send")
    assert "Your report is submitted" in flash(focal), flash(focal)
    screenshot(focal, "journey-2-submitted")

    # 2. the secretariat returns it with a comment
    staff = new_page(chromium)
    log_in(staff, base, DEMO_SECRETARIAT)
    staff.goto(base + "/review/")
    with staff.expect_navigation():
        staff.locator("tr", has_text=country.name).filter(has_text=CYCLE).get_by_role("link", name="Review").click()
    review_url = staff.url
    assert PAYLOAD in staff.locator("#review-form").inner_text()  # shown as text, not run
    staff.locator("textarea[name^='comment-']").first.fill("Which article of the law does this rest on?")
    staff.fill("#return-general", "Please cite the legal basis.")
    submit_button(staff, "return-submit")
    assert "returned with your comments" in flash(staff), flash(staff)
    screenshot(staff, "journey-3-returned")

    # 3. the focal point answers and resubmits
    focal.goto(report_url)
    focal.locator("textarea[name^='reply-']").first.fill("Law 12/2004 on the Police, article 4.")
    submit_button(focal, "send")
    assert "Your report is submitted" in flash(focal), flash(focal)
    screenshot(focal, "journey-4-resubmitted")

    # 4. the secretariat accepts and publishes the cycle
    staff.goto(review_url)
    assert "Law 12/2004 on the Police, article 4." in staff.content()
    staff.check("#accept-confirm")  # accepting cannot be undone: the box says so
    submit_button(staff, "accept-submit")
    if "/reauthenticate" in staff.url:  # an old login: the password, then the report is accepted
        staff.fill("#password", DEMO_PASSWORD)
        with staff.expect_navigation():
            staff.click("button[type=submit].btn-primary")
    assert "accepted and locked" in flash(staff), flash(staff)
    screenshot(staff, "journey-5-accepted")
    staff.goto(base + "/review/cycles")
    with staff.expect_navigation():
        staff.get_by_role("link", name=CYCLE).click()
    staff.check("#publish-confirm")  # publishing cannot be undone: the box says so
    with staff.expect_navigation():
        staff.get_by_role("button", name=f"Publish {CYCLE}").click()
    if "/reauthenticate" in staff.url:  # an old login: the password, then the cycle is published
        staff.fill("#password", DEMO_PASSWORD)
        with staff.expect_navigation():
            staff.click("button[type=submit].btn-primary")
    assert "is published" in flash(staff), flash(staff)
    screenshot(staff, "journey-6-published")

    # 5. an anonymous visitor sees the country's new score and clicks through to the evidence
    visitor = new_page(chromium)
    visitor.goto(base + "/")
    assert visitor.locator("#progress-title").inner_text() == f"Progress in {CYCLE}"
    visitor.wait_for_function("document.querySelector('#region-chart')?.dataset.drawn === 'true'")
    rows_in_order = visitor.locator("details.chart-table tbody tr:not(.table-group-row)")  # groups: no cells
    names = rows_in_order.locator("th").evaluate_all("rows => rows.map(r => r.textContent.trim())")
    row_index = names.index(country.name)
    scored = rows_in_order.nth(row_index).locator("td")
    first_cell = scored.first.evaluate("cell => cell.textContent.trim()")
    assert first_cell.startswith("50"), first_cell  # every entry "in progress", with evidence
    screenshot(visitor, "journey-7-public-heatmap")
    visitor.locator("#region-chart").scroll_into_view_if_needed()
    plot = visitor.locator("#region-chart .nsewdrag").first.bounding_box()  # in the viewport now
    rows, columns = len(names), scored.count()
    with visitor.expect_navigation():
        visitor.mouse.click(
            plot["x"] + plot["width"] / columns / 2, plot["y"] + plot["height"] / rows * (row_index + 0.5)
        )
    assert re.search(rf"/countries/{country.code}/\d+/focus-area/", visitor.url), visitor.url
    text = visitor.locator("main").inner_text()
    assert "Decision" in text and "of the Government" in text
    visitor.goto(base + f"/countries/{country.code}/")
    assert PAYLOAD in visitor.locator("main").inner_text() or "decision-2004.pdf" in visitor.content()
    assert visitor.locator("a[href^='/evidence/']").count() >= 1  # the uploaded file, now public
    screenshot(visitor, "journey-8-public-country")

    for page, who in ((focal, "focal point"), (staff, "secretariat"), (visitor, "visitor")):
        page.console.assert_clean(who)
        page.context.close()
