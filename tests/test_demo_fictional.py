"""The demonstration names no real government, body or person (issue 18, part 1).

A seeded demonstration is crawled as the public, the secretariat and every focal point would see it:
every page reachable by links, every ``/data/*`` export and every ``/api/v1/*`` answer. No real
country (today's name, a former name, its code) may carry an invented report, score, count or
narrative, and no real organisation's name may appear anywhere in the invented text. The database
is checked too: no report, score, statistic, plan, finding, reply or account belongs to a real country.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Enum, String, select

from tests.conftest import BACKENDS, COMMITMENTS_DIR, log_in
from tests.test_demo import demo_hash, seeded_demo  # noqa: F401  (demo_hash: a fixture)
from tracker.demo import DEMO_ACCOUNTS, DEMO_COUNTRIES, DEMO_PASSWORD
from tracker.extensions import db
from tracker.framework import load_framework
from tracker.models import (
    ActivityProgress,
    Base,
    Country,
    Finding,
    NationalPlan,
    Report,
    ScoreReply,
    ScoreSensitivity,
    Statistic,
    StoredScore,
    User,
)

REAL = load_framework(COMMITMENTS_DIR)
REAL_CODES = {c.code for c in REAL.countries}
REAL_NAMES = sorted(
    {c.name for c in REAL.countries}
    | {former.name for c in REAL.countries for former in c.names}
    | {h.name for h in REAL.historical_signatories},
    key=len,
    reverse=True,
)
# the hook's names, and the ministries, NGOs and offices the old demonstration put in invented reports
REAL_ORGANISATIONS = (
    "Vatra",
    "Medica",
    "La Strada",
    "ASTRA",
    "Animus",
    "Nadja",
    "Reaching Out",
    "IOM",
    "UNICEF",
    "OSCE",
    "International Organization for Migration",
    "Ministry of Public Order",
    "Ministry of Security",
    "Ministry of Human Rights and Refugees",
    "State Border Service",
    "Republic Team for Combating Trafficking",
    "National Reception Centre for Victims of Trafficking",
    "Counselling against Family Violence",
    "Official Gazette of",
    "Official Journal of the Republic",
    "Assembly of Albania",
    "National Assembly of Serbia",
    "Parliamentary Assembly of Bosnia",
    "Narodne novine",
    "Save the Children",
    "Caritas",
    "Stability Pact Task Force",
    "SECI",
    "Regional Clearing Point",
)
ORGANISATIONS = re.compile(r"\b(" + "|".join(re.escape(name) for name in REAL_ORGANISATIONS) + r")\b")
REAL_NAME = re.compile(r"(?<![\w-])(" + "|".join(re.escape(name) for name in REAL_NAMES) + r")(?![\w-])")
# what only an invented report, score or count shows
INVENTED = re.compile(
    r"\d+(\.\d+)?\s*%|\b\d+(\.\d+)? points?\b|\b(accepted|submitted|returned|draft|published results|"
    r"victims? identified|Minimal|Partial|Substantial|Full|Limited|Moderate|Advanced|overdue|not started|"
    r"no plan yet|NR)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory, demo_hash) -> Iterator:  # noqa: F811
    """A demonstration seeded once per backend; the tests only read it."""
    yield from seeded_demo(request.param, tmp_path_factory, demo_hash)


BLOCK = re.compile(r"<(tr|li|dd|p|h[1-6]|figcaption|caption|td|article)\b[^>]*>.*?</\1>", re.S | re.I)
TAGS = re.compile(r"<[^>]+>")
BASELINE = re.compile(r'<section\b[^>]*class="baseline-section".*?</section>', re.S)
SKIP = ("/logout", "/static/", "/login", "/api/", "/data/")


def crawl(client, start: list[str], limit: int = 600) -> dict[str, str]:
    """Every page reachable by links from ``start`` (GET only, same site, bounded), by address."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.content_type:
            seen[url] = ""
            continue
        page = response.get_data(as_text=True)
        seen[url] = page
        for href in re.findall(r'href="(/[^"#]*)"', page):
            href = html.unescape(href)
            if not href.startswith(SKIP) and urlsplit(href).path.count("/") < 8 and href not in seen:
                queue.append(href)
    return seen


def invented_next_to_real(page: str) -> list[str]:
    """The blocks (a table row, a list item, a paragraph) that put a real country beside invented content."""
    page = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", "", page, flags=re.S | re.I)
    page = BASELINE.sub("", page)  # real, cited facts (tier placements, dates), shown apart from the demo's
    found = []
    for block in BLOCK.finditer(page):
        text = html.unescape(TAGS.sub(" ", block.group(0)))
        if REAL_NAME.search(text) and INVENTED.search(text):
            found.append(" ".join(text.split())[:200])
    return found


def pages_of(demo) -> dict[str, str]:
    """Public pages, then the secretariat's and each focal point's, every one crawled from its start."""
    starts = ["/", "/countries", "/commitments", "/statistics", "/methodology", "/plans"]
    starts += [f"/countries/{code}/" for code in sorted(REAL_CODES | set(DEMO_COUNTRIES))]
    pages = crawl(demo.test_client(), starts)
    for email, *_ in DEMO_ACCOUNTS:
        client = demo.test_client()
        log_in(client, email, DEMO_PASSWORD)
        assert client.get("/account").status_code == 200, email
        starts = ["/", "/reports/", "/review/", "/review/cycles", "/review/scorecards/", "/review/plans/", "/account"]
        pages.update(crawl(client, starts, limit=160))
    return pages


def test_no_page_puts_a_real_country_beside_an_invented_report_score_or_count(demo):
    pages = pages_of(demo)
    assert len(pages) > 80  # the crawl reached the country, commitment, report and review pages
    assert any("/review" in url for url in pages) and any("/reports/" in url for url in pages)
    assert any(re.fullmatch(r"/review/cycles/\d+", url) and pages[url] for url in pages)  # each cycle's countries
    problems = {url: found for url, page in pages.items() if (found := invented_next_to_real(page))}
    assert not problems, problems


# the framework's own tables: real instruments, countries and their cited sources (which may well name
# the OSCE or the IOM); every other table holds what the demonstration wrote
REAL_TABLES = {"framework_version", "focus_area", "instrument", "commitment", "country", "signature"}


def test_no_invented_text_names_a_real_organisation(demo):
    """Every text the demonstration stored (reports, evidence, comments, plans, findings, replies,
    accounts, notifications, the audit trail, the scores' explanations and charts) is free of them."""
    named: dict[str, set[str]] = {}
    scanned = 0
    with demo.app_context():
        for table in Base.metadata.sorted_tables:
            if table.name in REAL_TABLES:
                continue
            columns = [c for c in table.columns if isinstance(c.type, String) and not isinstance(c.type, Enum)]
            for column in columns:
                for value in db.session.execute(select(column).where(column.is_not(None))).scalars():
                    scanned += 1
                    if found := ORGANISATIONS.findall(value):
                        named.setdefault(f"{table.name}.{column.name}", set()).update(found)
    assert scanned > 5_000  # the scan read the demonstration's texts
    assert not named, named


def test_a_real_country_page_shows_its_cited_baseline_and_nothing_invented(demo):
    client = demo.test_client()
    for code in ("AL", "HR", "MK", "RS"):
        page = client.get(f"/countries/{code}/").get_data(as_text=True)
        assert "What others recorded" in page, code
        assert not invented_next_to_real(page), code
        body = BASELINE.sub("", re.sub(r"<script\b.*?</script>", "", page, flags=re.S))
        assert not re.search(r"\b(Minimal|Substantial|Partial|Full)\b", TAGS.sub(" ", body)), code
    fictional = client.get(f"/countries/{DEMO_COUNTRIES[0]}/").get_data(as_text=True)
    assert re.search(r"\d+(\.\d+)?\s*%|points", fictional)  # the check above can see a score


def api_rows(value, found: list[dict]) -> list[dict]:
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            api_rows(item, found)
    elif isinstance(value, list):
        for item in value:
            api_rows(item, found)
    return found


INVENTED_KEYS = {"score", "points", "rating", "band", "value", "count", "state", "narrative", "entries", "activities"}


def country_of(row: dict) -> str | None:
    """The country code an API object names: a code, or a nested country object's."""
    named = row.get("country", row.get("country_code"))
    return named.get("code") if isinstance(named, dict) else named


def real_rows(rows: list[dict]) -> list[dict]:
    """Objects that name a real country and carry something only a report, score or plan gives."""
    return [
        row
        for row in rows
        if country_of(row) in REAL_CODES
        and INVENTED_KEYS & set(row)
        and row.get("kind") is None  # a baseline fact (real, cited) has a kind
    ]


def test_no_export_or_api_answer_gives_a_real_country_an_invented_figure(demo):
    client = demo.test_client()
    for name in ("scores", "entries", "statistics", "plans"):
        response = client.get(f"/data/{name}.csv")
        if response.status_code == 404:
            continue
        text = response.get_data(as_text=True)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows or name == "plans", name
        for row in rows:
            code = row.get("country") or row.get("country_code")
            assert code not in REAL_CODES, (name, row)
        assert not ORGANISATIONS.search(text), name
        as_json = client.get(f"/data/{name}.json")
        if as_json.status_code == 200:
            assert not real_rows(api_rows(as_json.json, [])), name
    api = "/api/v1"
    cycles = [c["id"] for c in client.get(f"{api}/cycles").json["cycles"]]
    urls = [f"{api}/scores", f"{api}/statistics", f"{api}/plans", f"{api}/countries", f"{api}/cycles"]
    for code in sorted(REAL_CODES | set(DEMO_COUNTRIES)):
        urls += [f"{api}/countries/{code}", f"{api}/countries/{code}/plan", f"{api}/countries/{code}/baseline"]
        urls += [f"{api}/countries/{code}/scorecard?cycle={cycle}" for cycle in cycles]
    fictional_rows = 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        rows = api_rows(response.json, [])
        assert not real_rows(rows), (url, real_rows(rows)[:2])
        fictional_rows += sum(country_of(row) in DEMO_COUNTRIES and bool(INVENTED_KEYS & set(row)) for row in rows)
    assert fictional_rows > 50  # the scan looks at the shape the API really answers with


def test_no_invented_row_belongs_to_a_real_country(demo):
    with demo.app_context():
        codes = dict(db.session.execute(select(Country.id, Country.code)).all())
        assert set(codes.values()) >= REAL_CODES  # the real countries are still in the framework
        for model in (Report, StoredScore, NationalPlan, Finding, ScoreReply, ScoreSensitivity):
            owners = {codes[c] for c in db.session.execute(select(model.country_id)).scalars()}
            assert owners and owners <= set(DEMO_COUNTRIES), model.__name__
        statistic_owners = db.session.execute(
            select(Report.country_id).join(Statistic, Statistic.report_id == Report.id).distinct()
        ).scalars()
        assert {codes[c] for c in statistic_owners} <= set(DEMO_COUNTRIES)
        progress_owners = db.session.execute(
            select(Report.country_id).join(ActivityProgress, ActivityProgress.report_id == Report.id).distinct()
        ).scalars()
        assert {codes[c] for c in progress_owners} <= set(DEMO_COUNTRIES)
        users = db.session.execute(select(User.country_id).where(User.country_id.is_not(None))).scalars()
        assert {codes[c] for c in users} == set(DEMO_COUNTRIES)
        # no invented victim is counted as coming from, or going to, a real country
        categories = db.session.execute(select(Statistic.category).where(Statistic.value > 0).distinct()).scalars()
        assert not REAL_CODES & set(categories)
