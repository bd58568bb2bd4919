"""The public portal: publishing, and nothing unpublished on any anonymous response (the canary test)."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tracker import services
from tracker.audit import Actor
from tracker.extensions import db
from tracker.models import AuditEvent, Notification, Report, ReportingCycle, ReportState, Role, User
from tracker.services import EntryInput, EvidenceInput

CANARIES = {
    "draft": "CANARY-DRAFT-7f3a",
    "submitted": "CANARY-SUBMITTED-91bc",
    "returned": "CANARY-RETURNED-55de",
    "comment": "CANARY-COMMENT-0c1d",
    "unpublished_cycle": "CANARY-CYCLE-4e2f",
    "unpublished_accepted": "CANARY-UNPUBLISHED-ACCEPTED-8a8a",
    "superseded": "CANARY-SUPERSEDED-3b3b",
    "reply": "CANARY-REPLY-6d6d",  # a government's reply in an unpublished cycle
    "answer": "CANARY-ANSWER-9e9e",  # the secretariat's answer to it
}
PUBLISHED_EVIDENCE = "Law on the fight against trafficking, published-proof"


def actor(name: str) -> Actor:
    user = db.session.execute(select(User).where(User.email == f"{name}@example.org")).scalar_one()
    return Actor(user, "127.0.0.1")


def cycle(name: str, year: int) -> ReportingCycle:
    """A cycle whose countries may reply to their draft scorecards until 30 April after it."""
    return services.create_cycle(
        name,
        dt.date(year, 1, 1),
        dt.date(year, 12, 31),
        dt.date(year + 1, 1, 15),
        dt.date(year + 1, 3, 31),
        actor("secretariat"),
        reply_due_on=dt.date(year + 1, 4, 30),
    )


PUBLISHED_REPLY = "Our shelter law entered into force in June."
PUBLISHED_ANSWER = "The law is in force but no shelter is funded yet: the assessment stands."


def fill(report: Report, text: str, status: str = "in-progress", evidence: str = PUBLISHED_EVIDENCE) -> None:
    framework = services.framework_of(report.cycle)
    who = "albania" if report.country.code == "AL" else "serbia"
    named = {k.id for k in framework.methodology.evidence.kinds}

    def kind(wanted: str) -> str | None:
        return wanted if wanted in named else None

    services.save_draft(
        report.id,
        report.version,
        {
            e.id: EntryInput(
                reported_status=status,
                narrative=f"{text} on {e.commitment.code}",
                responsible=f"{text} ministry",
                # method 2: the higher levels need implementation evidence and independent corroboration
                # (a version stored before method 2 names no kinds of evidence)
                evidence=(
                    EvidenceInput(title=evidence, url="https://example.org/law", kind=kind("implementation")),
                    EvidenceInput(
                        title=f"{evidence}, corroborated", url="https://example.org/ngo", kind=kind("corroboration")
                    ),
                ),
                figures={i: 3 for i in framework.commitment(e.commitment.code).indicators},
            )
            for e in report.entries
        },
        actor(who),
    )


def start(cycle_id: int, who: str) -> Report:
    opens = db.session.get(ReportingCycle, cycle_id).opens_on
    return services.start_report(cycle_id, actor(who), today=opens + dt.timedelta(days=1))


@pytest.fixture
def seeded(app, people):
    """A published cycle and an unpublished one, with a canary in every place the public must not see."""
    with app.app_context():
        first = cycle("2003 review", 2003)
        albania = start(first.id, "albania")
        fill(albania, CANARIES["superseded"])
        services.submit(albania.id, albania.version, actor("albania"))
        services.accept(albania.id, {}, actor("secretariat"))
        amendment = services.amend(albania.id, actor("albania"))  # the public sees the amended, accepted text
        fill(amendment, "Published narrative", "substantially-implemented")
        services.submit(amendment.id, amendment.version, actor("albania"))
        services.accept(amendment.id, {}, actor("secretariat"))
        serbia = start(first.id, "serbia")
        fill(serbia, CANARIES["returned"], evidence=CANARIES["returned"])
        services.submit(serbia.id, serbia.version, actor("serbia"))
        services.return_for_revision(serbia.id, CANARIES["comment"], {}, actor("secretariat"))
        reply = services.reply_to_assessment(first.id, "PAL-2A", PUBLISHED_REPLY, actor("albania"), dt.date(2004, 4, 2))
        services.answer_reply(reply.id, "kept", PUBLISHED_ANSWER, actor("secretariat"))
        services.publish_cycle(first.id, actor("secretariat"), today=dt.date(2004, 5, 1))

        second = cycle(f"2004 review {CANARIES['unpublished_cycle']}", 2004)
        albania2 = start(second.id, "albania")
        fill(albania2, CANARIES["unpublished_accepted"], "fully-implemented", CANARIES["unpublished_accepted"])
        services.submit(albania2.id, albania2.version, actor("albania"))
        services.accept(albania2.id, {}, actor("secretariat"))
        # the right of reply of an unpublished cycle: nothing of it is public
        hidden = services.reply_to_assessment(
            second.id, "TIR-1", CANARIES["reply"], actor("albania"), dt.date(2005, 4, 2)
        )
        services.answer_reply(hidden.id, "kept", CANARIES["answer"], actor("secretariat"))
        serbia2 = start(second.id, "serbia")
        fill(serbia2, CANARIES["submitted"], evidence=CANARIES["submitted"])
        services.submit(serbia2.id, serbia2.version, actor("serbia"))
        third = cycle("2005 review", 2005)
        draft = start(third.id, "albania")
        fill(draft, CANARIES["draft"], evidence=CANARIES["draft"])
        return {"published": first.id, "unpublished": second.id, "draft_cycle": third.id}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def crawl(client, start: list[str], limit: int = 600) -> dict[str, bytes]:
    """Every same-site page an anonymous visitor can reach from ``start``, by following links."""
    seen: dict[str, bytes] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.data
        if response.mimetype != "text/html":
            continue
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
        for link in parser.links:
            target = urlsplit(urljoin(path, link))
            if target.netloc or target.scheme or target.path.startswith("/assets/"):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen


def test_no_anonymous_response_holds_anything_unpublished(client, app, seeded):
    starts = ["/", "/progress/", "/progress/?view=commitments", "/countries/", "/methodology/", "/data/"]
    starts += [f"/countries/{code}/?cycle={seeded['published']}" for code in ("AL", "RS")]
    starts += ["/data/scores.csv", "/data/scores.json", "/data/entries.csv", "/data/entries.json"]
    starts += ["/api/v1/", "/api/v1/cycles", "/api/v1/scores", "/api/v1/countries/AL/scorecard"]
    pages = crawl(client, starts)
    assert len(pages) > 60  # the crawl really went through countries, commitments and explanations
    for path, body in pages.items():
        text = body.decode("utf-8", "replace")
        for where, canary in CANARIES.items():
            assert canary not in text, f"{where} leaked on {path}"
        assert "Self-reported" not in text and "self-reported" not in text.replace("self-reported figures", ""), path
    # what is published is there
    albania = pages[f"/countries/AL/?cycle={seeded['published']}"].decode()
    assert PUBLISHED_EVIDENCE in albania and "Substantially implemented" in albania
    # the published cycle's reply and answer are beside the scorecard, with both forms of the score
    assert PUBLISHED_REPLY in albania and PUBLISHED_ANSWER.replace(":", "") in albania.replace(":", "")
    assert "Conservative" in albania and "coverage" in albania
    entries = pages["/data/entries.csv"].decode()
    assert "Published narrative on PAL-2A" in entries
    # an unpublished cycle does not exist for the public
    for path in (
        f"/progress/?cycle={seeded['unpublished']}",
        f"/countries/AL/?cycle={seeded['unpublished']}",
        f"/countries/AL/{seeded['unpublished']}/overall/all",
    ):
        assert client.get(path).status_code == 404, path


def test_the_staff_still_see_what_the_public_does_not(client, seeded):
    log_in(client, "secretariat@example.org")
    page = client.get(f"/review/scores/{seeded['unpublished']}/AL/verified/overall/all").get_data(as_text=True)
    assert CANARIES["unpublished_accepted"] in page


def test_publishing_needs_staff_a_recent_login_and_is_audited(app, client, people):
    with app.app_context():
        first = cycle("2003 review", 2003)
        report = start(first.id, "albania")
        fill(report, "Done")
        services.submit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        cycle_id = first.id
    log_in(client, "albania@example.org")
    assert client.post(f"/review/cycles/{cycle_id}/publish", data={"confirm": "y"}).status_code in (403, 404)
    client.get("/logout")
    log_in(client, "secretariat@example.org")
    with client.session_transaction() as session:
        session["authenticated_at"] = 0  # an old login
    response = client.post(f"/review/cycles/{cycle_id}/publish", data={"confirm": "y"})
    assert response.status_code == 302 and "/reauthenticate" in response.headers["Location"]
    with app.app_context():
        assert db.session.get(ReportingCycle, cycle_id).published_at is None
    with client.session_transaction() as session:
        session.pop("authenticated_at")
    log_in(client, "secretariat@example.org")
    unconfirmed = client.post(f"/review/cycles/{cycle_id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "Nothing was published: tick the box" in unconfirmed
    response = client.post(f"/review/cycles/{cycle_id}/publish", data={"confirm": "y"}, follow_redirects=True)
    assert "is published" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ReportingCycle, cycle_id).published_at is not None
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "cycle_published")).scalar_one()
        assert event.actor_email == "secretariat@example.org"
        told = db.session.execute(select(Notification.user_id).where(Notification.kind == "cycle_published"))
        focal_points = db.session.execute(select(User.id).where(User.role == Role.FOCAL_POINT)).scalars()
        assert sorted(told.scalars()) == sorted(focal_points)
    again = client.post(f"/review/cycles/{cycle_id}/publish", data={"confirm": "y"}, follow_redirects=True)
    again = again.get_data(as_text=True)
    assert "already published" in again


def test_cycles_are_published_in_order_and_only_with_something_verified(app, people):
    with app.app_context():
        first, second = cycle("2003 review", 2003), cycle("2004 review", 2004)
        with pytest.raises(services.DomainError, match="nothing verified"):
            services.publish_cycle(first.id, actor("secretariat"))
        report = start(second.id, "albania")
        fill(report, "Done")
        services.submit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        with pytest.raises(services.DomainError, match="Publish “2003 review” first"):
            services.publish_cycle(second.id, actor("secretariat"))
        with pytest.raises(services.DomainError):
            services.publish_cycle(first.id, actor("albania"))


def test_a_new_cycle_must_end_after_every_published_one(app, seeded):
    with app.app_context(), pytest.raises(services.DomainError, match="is published and covers a later period"):
        cycle("2002 review", 2002)


def test_public_pages_answer_conditional_requests_and_are_compressed(client, seeded):
    first = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["Content-Encoding"] == "gzip"
    assert b"Progress in 2003 review" in gzip.decompress(first.data)
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert first.headers.get("Last-Modified")
    repeat = client.get("/", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert repeat.status_code == 304 and repeat.data == b""
    plain = client.get("/methodology/")
    assert "Content-Encoding" not in plain.headers
    assert client.get("/methodology/", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    assert client.get("/methodology/", headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_static_assets_have_fingerprinted_names_and_are_immutable(client, seeded):
    html = client.get("/").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/assets/[^"]+)"', html)
    assert any(a.endswith("/css/tracker.css") for a in assets)
    assert any(a.endswith("/plotly-cartesian-4.1.1.min.js") for a in assets)
    for path in assets:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "immutable" in response.headers["Cache-Control"], path
        assert re.search(r"/assets/\w+/[0-9a-f]{12}/", path), path


def test_the_public_explanation_lists_entries_and_evidence_but_no_comment(client, seeded):
    page = client.get(f"/countries/AL/{seeded['published']}/focus-area/victim-protection").get_data(as_text=True)
    assert "Weighted mean of" in page and PUBLISHED_EVIDENCE in page
    assert "Published narrative on PAL-2B" in page
    rs = client.get(f"/countries/RS/{seeded['published']}/overall/all").get_data(as_text=True)
    assert "Not reported" in rs and CANARIES["returned"] not in rs


def test_a_commitment_page_lists_every_country(client, seeded):
    page = client.get(f"/commitments/TIR-2/?cycle={seeded['published']}").get_data(as_text=True)
    assert "Albania" in page and "Substantially implemented" in page and "Slovenia" in page
    assert client.get("/commitments/NOPE-1/").status_code == 404


def test_the_methodology_page_is_generated_from_the_methodology(client, app, framework):
    page = client.get("/methodology/").get_data(as_text=True)
    method = framework.methodology
    for level in method.status_levels:
        assert level.label in page
    for band in method.rating_bands:
        assert band.label in page
    negative = method.negative_indicators[0]
    assert negative.label in page and f"Penalty: {negative.penalty} points" in page


def test_every_page_carries_the_banner_while_demonstration_data_is_present(app, client, people):
    from tracker.demo import DEMO_MARKER
    from tracker.services.installation import mark_demonstration_data

    banner = "Demonstration data — not real reports"
    assert banner not in client.get("/").get_data(as_text=True)
    with app.app_context():
        services.create_user(DEMO_MARKER, "Demo reviewer", Role.SECRETARIAT, None, "x" * 16, actor("admin"))
    assert banner not in client.get("/").get_data(as_text=True)  # an account proves nothing: the stored flag does
    with app.app_context():
        mark_demonstration_data(actor("admin"))
    for path in ("/", "/methodology/", "/login", "/countries/AL/", "/no-such-page"):
        assert banner in client.get(path).get_data(as_text=True), path
    log_in(client, "secretariat@example.org")
    assert banner in client.get("/review/").get_data(as_text=True)


PUBLIC_PAGES = (
    "/",
    "/progress/?view=commitments",
    "/countries/AL/",
    "/countries/AL/{c}/overall/all",
    "/countries/AL/{c}/focus-area/victim-protection",
    "/commitments/TIR-2/",
    "/data/scores.json",
    "/data/entries.json",
)


def test_public_statements_per_page_do_not_grow_with_cycles_or_countries(app, people, client):
    from tests.test_scores import _statements

    def published_cycle(year: int, who: list[str]) -> int:
        made = cycle(f"{year} review", year)
        for name in who:
            report = start(made.id, name)
            fill(report, f"Done in {year}")
            services.submit(report.id, report.version, actor(name))
            services.accept(report.id, {}, actor("secretariat"))
        services.publish_cycle(made.id, actor("secretariat"))
        return made.id

    def counts(cycle_id: int) -> list[int]:
        # each page in an app context of its own, as each request is served: one page's objects in the
        # session must not spare the next page a query
        found = []
        for page in PUBLIC_PAGES:
            with app.app_context():
                found.append(_statements(client, page.format(c=cycle_id)))
        return found

    with app.app_context():
        first = published_cycle(2003, ["albania"])
    small = counts(first)
    with app.app_context():
        last = [published_cycle(year, ["albania", "serbia"]) for year in (2004, 2005, 2006)][-1]
    large = counts(last)
    assert small == large, dict(zip(PUBLIC_PAGES, zip(small, large, strict=True), strict=True))
    # 10: the country page, a request of its own (its session starts empty), reads the cycle's published
    # replies too (method 2)
    assert max(large) <= 10, dict(zip(PUBLIC_PAGES, large, strict=True))


def test_a_cycle_with_the_same_period_end_but_created_earlier_is_published_first(app, people):
    with app.app_context():
        hidden = cycle("2003 special review", 2003)
        report = start(hidden.id, "albania")
        fill(report, "Carried from a hidden cycle")
        services.submit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        later = cycle("2003 review", 2003)  # same period end: carry-forward reads it after the first
        other = start(later.id, "serbia")
        fill(other, "Done")
        services.submit(other.id, other.version, actor("serbia"))
        services.accept(other.id, {}, actor("secretariat"))
        with pytest.raises(services.DomainError, match="Publish “2003 special review” first"):
            services.publish_cycle(later.id, actor("secretariat"))


def test_last_modified_moves_when_an_amendment_is_accepted_in_a_published_cycle(app, client, seeded):
    before = client.get("/data/entries.json").headers["Last-Modified"]
    with app.app_context():
        accepted = (
            db.session.execute(
                select(Report)
                .where(Report.cycle_id == seeded["published"], Report.state == ReportState.ACCEPTED)
                .order_by(Report.revision.desc())
            )
            .scalars()
            .first()
        )
        import time

        time.sleep(1.1)  # Last-Modified has a resolution of one second
        amendment = services.amend(accepted.id, actor("albania"))
        fill(amendment, "Corrected text only", "substantially-implemented")
        services.submit(amendment.id, amendment.version, actor("albania"))
        services.accept(amendment.id, {}, actor("secretariat"))
    after = client.get("/data/entries.json", headers={"If-Modified-Since": before})
    assert after.status_code == 200 and "Corrected text only" in after.get_data(as_text=True)
    assert after.headers["Last-Modified"] != before
