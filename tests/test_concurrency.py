"""Many countries submit at once through real gunicorn workers: nothing is lost, nothing fails.

Runs against SQLite (WAL + BEGIN IMMEDIATE) and PostgreSQL, like the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, ROOT
from tests.test_report_pages import form_fields
from tracker import services
from tracker.audit import Actor
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import Country, Report, ReportState, Role, User

WORKERS = 3


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects, so statuses can be checked."""

    def __init__(self, base: str):
        self.base = base
        self.statuses: list[int] = []
        no_redirect = type("NoRedirect", (urllib.request.HTTPRedirectHandler,), {"redirect_request": lambda *a: None})
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), no_redirect
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, text, location = response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            status, text, location = error.code, error.read().decode(), error.headers.get("Location", "")
        self.statuses.append(status)
        return status, text, location


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(app, people, password_hash, tmp_path, database_url):
    """The app under gunicorn with several workers, a cycle, and a focal point for every Palermo signatory."""
    with app.app_context():
        secretariat = db.session.execute(select(User).where(User.email == people["secretariat"])).scalar_one()
        cycle = services.create_cycle(
            "Concurrent cycle",
            dt.date(2003, 1, 1),
            dt.date(2003, 12, 31),
            dt.date(2004, 1, 1),
            dt.date(2099, 1, 1),
            actor=Actor(secretariat),
        )
        with write_transaction(db.session):
            countries = db.session.execute(select(Country).order_by(Country.code)).scalars().all()
            emails = []
            for country in countries:
                if country.code in {"HU", "AL", "RS"}:  # Hungary signed only in 2002; AL and RS already have users
                    continue
                email = f"fp-{country.code.lower()}@example.org"
                db.session.add(
                    User(
                        email=email,
                        name=email,
                        role=Role.FOCAL_POINT,
                        country=country,
                        password_hash=password_hash,
                        session_token=secrets.token_hex(16),
                    )
                )
                emails.append(email)
        cycle_id = cycle.id
        db.session.remove()
    port = free_port()
    env = {
        **os.environ,
        "TRACKER_ENV": "testing",
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_SECRET_KEY": "s" * 64,
        "TRACKER_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--no-control-socket",
            "-w",
            str(WORKERS),
            "--threads",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if urllib.request.urlopen(base + "/healthz", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        raise RuntimeError(server.stderr.read().decode() if server.stderr else "gunicorn did not start")
    yield base, cycle_id, [*emails, people["albania"], people["serbia"]]
    server.terminate()
    server.wait(timeout=30)


def submit_as(base: str, email: str, cycle_id: int) -> list[int]:
    browser = Browser(base)
    status, _, _ = browser.request("/login", {"email": email, "password": PASSWORD})
    assert status == 302, email
    _, _, location = browser.request(f"/reports/cycles/{cycle_id}/start", {})
    report_path = urllib.parse.urlsplit(location).path
    _, page, _ = browser.request(report_path)
    data = form_fields(page)
    for name in list(data):
        if name.endswith("-reported_status"):
            prefix = name.removesuffix("-reported_status")
            data.update(
                {
                    name: "in-progress",
                    f"{prefix}-narrative": f"Work by {email}",
                    f"{prefix}-evidence-0-title": "Gazette",
                    f"{prefix}-evidence-0-url": "https://example.org",
                }
            )
    browser.request(report_path, {**data, "save": "1"})
    _, page, _ = browser.request(report_path)
    browser.request(report_path, {**form_fields(page), "send": "1"})
    return browser.statuses


def test_every_country_submits_at_once_and_nothing_is_lost(app, served):
    base, cycle_id, emails = served
    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        statuses = [s for result in pool.map(lambda e: submit_as(base, e, cycle_id), emails) for s in result]
    assert not [s for s in statuses if s >= 500], statuses
    with app.app_context():
        reports = db.session.execute(select(Report).where(Report.cycle_id == cycle_id)).scalars().all()
        assert len(reports) == len(emails)
        assert {r.state for r in reports} == {ReportState.SUBMITTED}
        narratives = {e.narrative for r in reports for e in r.entries}
        assert narratives == {f"Work by {email}" for email in emails}


def test_two_people_saving_one_draft_one_wins_the_other_gets_409(app, people, served):
    base, cycle_id, _ = served
    first, second = Browser(base), Browser(base)
    for browser, who in ((first, "albania"), (second, "albania2")):
        assert browser.request("/login", {"email": people[who], "password": PASSWORD})[0] == 302
    _, _, location = first.request(f"/reports/cycles/{cycle_id}/start", {})
    path = urllib.parse.urlsplit(location).path
    forms = [form_fields(browser.request(path)[1]) for browser in (first, second)]
    forms[0]["entries-0-narrative"], forms[1]["entries-0-narrative"] = "Text from the first", "Text from the second"
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(
                lambda pair: pair[0].request(path, {**pair[1], "save": "1"}), [(first, forms[0]), (second, forms[1])]
            )
        )
    assert sorted(status for status, _, _ in results) == [302, 409]
    winner = "Text from the first" if results[0][0] == 302 else "Text from the second"
    loser_page = results[1][1] if results[0][0] == 302 else results[0][1]
    assert ("Text from the second" if winner == "Text from the first" else "Text from the first") in loser_page
    with app.app_context():
        report = db.session.execute(select(Report).where(Report.cycle_id == cycle_id)).scalar_one()
        assert report.entries[0].narrative == winner
