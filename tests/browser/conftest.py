"""Browser tests: Debian's Chromium driven by Playwright, against the app served by gunicorn on the
demonstration data, on SQLite and PostgreSQL.

Chromium is never downloaded (that does not work here): ``/usr/bin/chromium`` is used, installed
with apt-get when it is missing and we are root; otherwise the tests fail and say what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, ROOT, postgresql_schema
from tests.test_concurrency import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


def ensure_chromium() -> str:
    """Debian's Chromium, installed with apt-get if we may; a clear failure otherwise, never a skip."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Browser tests need Debian's Chromium at /usr/bin/chromium: run `sudo apt-get install -y chromium` "
            "(a Playwright browser download does not work on this machine).",
            pytrace=False,
        )
    return CHROMIUM


@dataclass
class Server:
    base: str
    database_url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    def flask(self, *args: str) -> str:
        """Run a ``flask --app wsgi`` command against the served database; its output."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


@dataclass(frozen=True)
class DemoFocalPoint:
    email: str
    code: str
    name: str


def focal_point_with(server: Server, cycle: str, state: str) -> DemoFocalPoint:
    """The first demonstration country (by code) whose latest report for ``cycle`` is in ``state``, and
    its focal point: read from the served database, so the tests follow the seed wherever it goes."""
    from sqlalchemy import create_engine, text

    from tracker.demo import DEMO_ACCOUNTS

    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT country.code, country.name, report.state FROM report "
                    "JOIN country ON country.id = report.country_id "
                    "JOIN reporting_cycle ON reporting_cycle.id = report.cycle_id "
                    "WHERE reporting_cycle.name = :cycle ORDER BY country.code, report.revision"
                ),
                {"cycle": cycle},
            ).all()
    finally:
        engine.dispose()
    latest = {code: (name, found) for code, name, found in rows}  # the last revision wins
    emails = {code: email for email, _, _, code in DEMO_ACCOUNTS if code}
    for code, (name, found) in sorted(latest.items()):
        if found.lower() == state and code in emails:
            return DemoFocalPoint(emails[code], code, name)
    raise AssertionError(f"no demonstration country has its {cycle} report in state {state}")


def _environment(database_url: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=database_url,
        TRACKER_ENV="production",
        TRACKER_SECRET_KEY="browser-tests-" + os.urandom(8).hex(),
        TRACKER_AUDIT_KEY="browser-tests-audit-" + os.urandom(8).hex(),  # production refuses to start without
        TRACKER_AUDIT_CHECKPOINT_DIR=str(tmp / "audit-checkpoints"),
        TRACKER_UPLOAD_DIR=str(tmp / "uploads"),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demonstration data served by gunicorn (shared: read it only)."""
    yield from serve_demo(request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=BACKENDS)
def fresh_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of one's own, for a module whose tests change the data."""
    yield from serve_demo(request.param, tmp_path_factory)


def serve_demo(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp(f"served-{backend}")
    schema = None
    if backend == "sqlite":
        database_url = f"sqlite:///{tmp / 'tracker.db'}"
    else:
        schema = postgresql_schema()
        database_url = schema.__enter__()
    port = free_port()
    env = {**_environment(database_url, tmp), "TRACKER_BASE_URL": f"http://127.0.0.1:{port}"}
    # demonstration data is seeded and served in the development configuration: production refuses
    # to start on it (tests/test_demonstration.py), so that invented reports are never served as real
    env = {**env, "TRACKER_ENV": "development"}
    server = Server(f"http://127.0.0.1:{port}", database_url, None, env)  # type: ignore[arg-type]
    for command in (("db", "upgrade"), ("framework", "load"), ("demo", "seed")):
        server.flask(*command)
    server.process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "gunicorn.log", "wb"),  # noqa: SIM115  (kept open for the server's life)
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or server.process.poll() is not None:
                raise RuntimeError((tmp / "gunicorn.log").read_text()) from None
            time.sleep(0.2)
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)
    if schema is not None:
        schema.__exit__(None, None, None)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console:
    """Console errors (CSP violations among them), page errors and dialogs seen by one page."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def assert_clean(self, where: str) -> None:
        assert self.problems == [], f"{where}: {self.problems}"


def new_page(browser):  # type: ignore[no-untyped-def]
    """A page in a browser context of its own (its own cookies), watched by a Console."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.console = Console(page)
    return page


@pytest.fixture
def page(chromium):  # type: ignore[no-untyped-def]
    page = new_page(chromium)
    yield page
    page.context.close()


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def make_login_stale(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    """Age the browser's login beyond REAUTH_MINUTES: re-sign its session cookie with the server's key."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    app = Flask(__name__)
    app.secret_key = server.env["TRACKER_SECRET_KEY"]
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    page.wait_for_load_state("networkidle")  # a late response (the favicon) would set the old cookie again
    context = page.context
    cookie = next(c for c in context.cookies() if c["name"] == "session")
    data = serializer.loads(cookie["value"])
    data["authenticated_at"] = time.time() - 3600
    context.add_cookies([{**cookie, "value": serializer.dumps(data)}])
