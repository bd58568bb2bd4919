"""A gunicorn worker killed (SIGKILL) while every country saves and submits: nothing acknowledged is lost.

Focal points of every country save and submit their reports at once through real HTTP, against
gunicorn with several workers; in the middle, one worker is killed without warning, the way the OOM
killer or a segfault would. Requests that die with it are retried, as a person would retry. Then
the database must be sound (SQLite's integrity and foreign-key checks, no orphan rows, every report
in a consistent state, every state change with its audit row, the audit chain intact) and every
submission a client saw acknowledged must be in the database, exactly as it was sent.

Runs against SQLite (WAL + BEGIN IMMEDIATE) and PostgreSQL, like the rest of the suite.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, ROOT
from tests.test_concurrency import WORKERS, Browser, free_port
from tests.test_report_pages import form_fields
from tracker import services
from tracker.audit import Actor, ChainBreak, verify_chain
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import AuditEvent, Country, Entry, Evidence, Report, ReportState, Role, StoredScore, User

SAVES = 2  # drafts saved by each focal point before submitting: more writes in flight when the worker dies
ATTEMPTS = 8  # how often a person tries again after a request died with the worker
DIED = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError)


def worker_pids(master: int) -> set[int]:
    """The gunicorn master's children (its workers), from /proc: psutil is not needed."""
    pids: set[int] = set()
    for children in Path(f"/proc/{master}/task").glob("*/children"):
        with open(children) as handle:
            pids.update(int(pid) for pid in handle.read().split())
    return pids


@dataclass
class Gunicorn:
    base: str
    process: subprocess.Popen[bytes]

    @property
    def workers(self) -> set[int]:
        return worker_pids(self.process.pid)


@pytest.fixture
def crashable(app, people, password_hash, tmp_path, database_url):
    """gunicorn with several workers, an open cycle, and a focal point for each country that reports."""
    with app.app_context():
        secretariat = db.session.execute(select(User).where(User.email == people["secretariat"])).scalar_one()
        cycle = services.create_cycle(
            "Crash cycle",
            dt.date(2003, 1, 1),
            dt.date(2003, 12, 31),
            dt.date(2004, 1, 1),
            dt.date(2099, 1, 1),
            actor=Actor(secretariat),
        )
        with write_transaction(db.session):
            emails = [people["albania"], people["serbia"]]
            for country in db.session.execute(select(Country).order_by(Country.code)).scalars():
                if country.code in {"HU", "AL", "RS"}:  # Hungary signed only in 2002; AL and RS have users
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
    command = [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", str(WORKERS), "--threads", "2"]
    command += ["-b", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if urllib.request.urlopen(base + "/healthz", timeout=2).status == 200 and (
                    len(worker_pids(server.pid)) == WORKERS
                ):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.1)
        yield Gunicorn(base, server), cycle_id, emails
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# ----------------------------------------------------------------------------- the people
@dataclass
class Tally:
    """What the clients did and saw, shared by every writer thread."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    completed_writes: int = 0  # saves and submits
    writes_in_flight: int = 0
    died: list[str] = field(default_factory=list)  # "METHOD path: error" of every request that died
    attempted: int = 0  # submit requests sent
    acknowledged: dict[str, int] = field(default_factory=dict)  # email -> report id the app said was submitted
    failures: list[str] = field(default_factory=list)


class Person:
    """One focal point at a browser: retries what died, as a person would, and keeps count."""

    def __init__(self, base: str, email: str, tally: Tally):
        self.browser, self.email, self.tally = Browser(base), email, tally

    def request(self, path: str, data: dict[str, str] | None = None, write: bool = False) -> tuple[int, str, str]:
        """One request; raises ``DIED`` errors after noting them."""
        if write:
            with self.tally.lock:
                self.tally.writes_in_flight += 1
        try:
            return self.browser.request(path, data)
        except DIED as error:
            with self.tally.lock:
                self.tally.died.append(f"{'POST' if data is not None else 'GET'} {path}: {error!r}")
            raise
        finally:
            if write:
                with self.tally.lock:
                    self.tally.writes_in_flight -= 1
                    self.tally.completed_writes += 1

    def again(self, what: Callable[[], tuple[int, str, str]]) -> tuple[int, str, str]:
        """``what`` until it gets an answer: a request that died with the worker is tried again."""
        for _ in range(ATTEMPTS):
            try:
                return what()
            except DIED:
                time.sleep(0.2)
        raise AssertionError(f"{self.email}: no answer after {ATTEMPTS} attempts")

    def report_path(self, cycle_id: int) -> str:
        status, _, location = self.again(lambda: self.request(f"/reports/cycles/{cycle_id}/start", {}))
        assert status == 302, (self.email, status)
        path = urllib.parse.urlsplit(location).path
        if re.fullmatch(r"/reports/\d+", path):
            return path
        # the first start died after its commit: the dashboard now links to the report
        _, dashboard, _ = self.again(lambda: self.request("/reports/"))
        found = re.search(r'href="(/reports/\d+)"', dashboard)
        assert found, f"{self.email}: no report on the dashboard after starting one"
        return found.group(1)

    def answers(self, page: str, narrative: str) -> dict[str, str]:
        data = form_fields(page)
        for name in list(data):
            if name.endswith("-reported_status"):
                prefix = name.removesuffix("-reported_status")
                data[name] = "in-progress"
                data[f"{prefix}-narrative"] = narrative
                data[f"{prefix}-evidence-0-title"] = "Gazette"
                data[f"{prefix}-evidence-0-url"] = "https://example.org"
        return data

    def work(self, cycle_id: int) -> None:
        status, _, _ = self.again(lambda: self.request("/login", {"email": self.email, "password": PASSWORD}))
        assert status == 302, (self.email, status)
        path = self.report_path(cycle_id)
        for round_ in range(SAVES):
            _, page, _ = self.again(lambda: self.request(path))
            if 'class="state state-draft' not in page:
                break
            with contextlib.suppress(*DIED):  # saved or not: the next round loads the page again
                self.request(path, {**self.answers(page, f"Draft {round_} by {self.email}"), "save": "1"}, write=True)
        for _ in range(ATTEMPTS):
            _, page, _ = self.again(lambda: self.request(path))
            if 'class="state state-submitted' in page:  # an earlier submit that died had committed: the page says so
                self.acknowledge(path)
                return
            data = {**self.answers(page, f"Work by {self.email}"), "send": "1"}
            with self.tally.lock:
                self.tally.attempted += 1
            try:
                status, _, location = self.request(path, data, write=True)
            except DIED:
                time.sleep(0.2)
                continue
            if status == 302 and urllib.parse.urlsplit(location).path == "/reports/":
                self.acknowledge(path)
                with contextlib.suppress(*DIED):  # the flash, as the person would see it
                    _, dashboard, _ = self.request("/reports/")
                    assert "Your report is submitted" in dashboard
                return
            with self.tally.lock:
                self.tally.failures.append(f"{self.email}: submit answered {status}")
            return
        with self.tally.lock:
            self.tally.failures.append(f"{self.email}: no submit got through in {ATTEMPTS} attempts")

    def acknowledge(self, path: str) -> None:
        with self.tally.lock:
            self.tally.acknowledged[self.email] = int(path.rsplit("/", 1)[1])


def kill_a_worker_mid_write(server: Gunicorn, tally: Tally, everyone_done: threading.Event) -> dict[str, object]:
    """SIGKILL one worker once several saves or submits are in flight (after the first few have completed)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not everyone_done.is_set():
        with tally.lock:
            busy = tally.completed_writes >= 6 and tally.writes_in_flight >= 3
        if busy:
            break
        time.sleep(0.002)
    before = server.workers
    victim = sorted(before)[len(before) // 2]
    with tally.lock:
        in_flight = tally.writes_in_flight
    os.kill(victim, signal.SIGKILL)
    replacement: set[int] = set()
    for _ in range(200):  # the master notices and starts another worker
        replacement = server.workers - before
        if replacement and victim not in server.workers:
            break
        time.sleep(0.05)
    return {"victim": victim, "in_flight": in_flight, "replacement": sorted(replacement)}


# ----------------------------------------------------------------------------- checking the database
def integrity_problems(database_url: str) -> list[str]:
    """SQLite's own checks of the file; nothing to do on PostgreSQL (the server checks its pages)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return []
    connection = sqlite3.connect(url.database)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        problems += [f"foreign key: {row}" for row in connection.execute("PRAGMA foreign_key_check")]
        return problems
    finally:
        connection.close()


ORPHANS = {
    "entry without its report": "SELECT count(*) FROM entry e LEFT JOIN report r ON r.id = e.report_id "
    "WHERE r.id IS NULL",
    "evidence without its entry": "SELECT count(*) FROM evidence v LEFT JOIN entry e ON e.id = v.entry_id "
    "WHERE e.id IS NULL",
    "figure without its entry": "SELECT count(*) FROM indicator_value v LEFT JOIN entry e ON e.id = v.entry_id "
    "WHERE e.id IS NULL",
    "report without its cycle": "SELECT count(*) FROM report r LEFT JOIN reporting_cycle c ON c.id = r.cycle_id "
    "WHERE c.id IS NULL",
    "report without entries": "SELECT count(*) FROM report r WHERE NOT EXISTS "
    "(SELECT 1 FROM entry e WHERE e.report_id = r.id)",
    "report in an unknown state": "SELECT count(*) FROM report "
    "WHERE state NOT IN ('draft', 'submitted', 'returned', 'accepted')",
    "submitted report without submitted_at": "SELECT count(*) FROM report "
    "WHERE state = 'submitted' AND submitted_at IS NULL",
    "draft report with submitted_at": "SELECT count(*) FROM report WHERE state = 'draft' AND submitted_at IS NOT NULL",
    "notification without its user": "SELECT count(*) FROM notification n LEFT JOIN user_account u "
    "ON u.id = n.user_id WHERE u.id IS NULL",
}


def consistency_problems(framework, cycle_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Orphans, half-made reports, state changes without their audit row, and a broken audit chain."""
    problems = [
        f"{label}: {count}"
        for label, query in ORPHANS.items()
        if (count := db.session.execute(text(query)).scalar_one())
    ]
    reports = db.session.execute(select(Report).where(Report.cycle_id == cycle_id)).scalars().all()
    events = {
        action: sorted(
            int(i)
            for i in db.session.execute(
                select(AuditEvent.object_id).where(AuditEvent.action == action, AuditEvent.object_type == "report")
            ).scalars()
        )
        for action in ("report_started", "report_submitted")
    }
    if events["report_started"] != sorted(r.id for r in reports):
        problems.append(f"reports {sorted(r.id for r in reports)} vs report_started events {events['report_started']}")
    submitted = sorted(r.id for r in reports if r.state is ReportState.SUBMITTED)
    if events["report_submitted"] != submitted:
        problems.append(f"submitted reports {submitted} vs report_submitted events {events['report_submitted']}")
    for report in reports:
        expected = len(framework.applicable_commitments(report.country.code, on=report.cycle.period_end)) + len(
            services.programme_commitments(framework, report.cycle.period_end)
        )
        if len(report.entries) != expected:
            problems.append(f"report {report.id} has {len(report.entries)} entries, not {expected}")
        narratives = {entry.narrative for entry in report.entries}
        if len(narratives) != 1:  # every save writes every entry in one transaction
            problems.append(f"report {report.id} is half saved: {sorted(map(str, narratives))}")
        if any(len(entry.evidence) > 1 for entry in report.entries):
            problems.append(f"report {report.id} has entries with duplicated evidence")
        if report.state is ReportState.SUBMITTED:
            scored = db.session.execute(
                select(func.count())
                .select_from(StoredScore)
                .where(StoredScore.cycle_id == cycle_id, StoredScore.country_id == report.country_id)
            ).scalar_one()
            if not scored:
                problems.append(f"submitted report {report.id} has no scores (they are written with the submit)")
    problems += [str(item) for item in verify_chain(db.session) if isinstance(item, ChainBreak)]
    return problems


# ----------------------------------------------------------------------------- the test
def test_a_worker_killed_mid_write_loses_no_acknowledged_submission(app, crashable, database_url, framework):
    server, cycle_id, emails = crashable
    tally, everyone_done = Tally(), threading.Event()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as killer_pool:
        killing = killer_pool.submit(kill_a_worker_mid_write, server, tally, everyone_done)
        with ThreadPoolExecutor(max_workers=len(emails)) as pool:
            results = [pool.submit(Person(server.base, email, tally).work, cycle_id) for email in emails]
            errors = [repr(error) for result in results if (error := result.exception()) is not None]
        everyone_done.set()
        kill = killing.result()
    served_after = urllib.request.urlopen(server.base + "/healthz", timeout=10).status  # still serving
    server.process.terminate()
    server.process.wait(timeout=30)
    elapsed = time.monotonic() - started

    with app.app_context():
        db.session.remove()
        acknowledged_present = {}
        for email, report_id in tally.acknowledged.items():
            report = db.session.get(Report, report_id)
            entry_owner = db.session.execute(select(User).where(User.email == email)).scalar_one()
            acknowledged_present[email] = (
                report is not None
                and report.state is ReportState.SUBMITTED
                and report.country_id == entry_owner.country_id
                and {entry.narrative for entry in report.entries} == {f"Work by {email}"}
                and all(len(entry.evidence) == 1 for entry in report.entries)
            )
        submitted_in_db = db.session.execute(
            select(func.count())
            .select_from(Report)
            .where(Report.cycle_id == cycle_id, Report.state == ReportState.SUBMITTED)
        ).scalar_one()
        evidence_rows = db.session.execute(select(func.count()).select_from(Evidence)).scalar_one()
        entry_rows = db.session.execute(select(func.count()).select_from(Entry)).scalar_one()
        consistency = consistency_problems(framework, cycle_id)
        db.session.remove()
    integrity = integrity_problems(database_url)

    present = sum(acknowledged_present.values())
    lost = sorted(email for email, ok in acknowledged_present.items() if not ok)
    died_writes = [d for d in tally.died if d.startswith("POST")]
    print(
        f"\n[crash safety, {make_url(database_url).get_backend_name()}] writers={len(emails)} "
        f"submissions attempted={tally.attempted} acknowledged={len(tally.acknowledged)} present={present} "
        f"lost={len(lost)} killed worker pid={kill['victim']} (writes in flight: {kill['in_flight']}; "
        f"replaced by {kill['replacement']}) requests died={len(tally.died)} (writes: {len(died_writes)}) "
        f"submitted reports in the database={submitted_in_db} entries={entry_rows} evidence={evidence_rows} "
        f"in {elapsed:.1f}s"
    )
    for line in tally.died:
        print(f"  died: {line}")

    assert not errors, errors
    assert not tally.failures, tally.failures
    assert kill["in_flight"], "the worker was not killed in the middle of the writes"
    assert kill["replacement"], "the master did not replace the killed worker"
    assert served_after == 200
    assert integrity == [], integrity
    assert consistency == [], consistency
    assert lost == [], f"acknowledged but not in the database as sent: {lost}"
    assert len(tally.acknowledged) == len(emails) == present == submitted_in_db
    assert tally.attempted >= len(tally.acknowledged)
