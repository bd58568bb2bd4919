"""``make bench``: figures at the demonstration scale and the stress scale (60 countries × 12 cycles).

    python bench/run.py [--postgres URL] [--workdir DIR] [--duration 10] [--profile]
                        [--skip-latency] [--skip-weight]

Builds two SQLite databases in a temporary directory, the demonstration (``flask demo seed``) and
the stress scale (``bench/generate.py``), and prints figures, never a verdict:

1. SQL statements per request for every public page, API route and secretariat page, in-process
   (Flask test client, a ``before_cursor_execute`` listener), demo and stress side by side;
2. median and p99 latency under gunicorn (``gunicorn.conf.py``, production settings) with wrk, of
   ``/``, ``/countries/AL/`` (stress scale) and ``/review/`` (logged in), each as a ratio to ``/healthz``;
3. the full rescore (``recompute_stored()``, with everything stored and from empty) as a ratio to
   one raw SQL aggregate over the same entries, and the incremental rescore after one accept;
4. the bytes of the public home page, first and repeat load, compressed (bench/page_weight.py);
5. the peak memory (VmHWM) of each gunicorn worker;

then the targets beside the figures. ``--postgres URL`` repeats 1 and 3 on PostgreSQL, in schemas
of their own that are dropped afterwards. ``--profile`` adds cProfile hot spots of the full rescore
and of the home page. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import itertools
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for path in (ROOT, BENCH):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

PYTHON = sys.executable
BIN = Path(PYTHON).parent
DEMO_SECRETARIAT = "secretariat@demo.example"
DEMO_PASSWORD = "demonstration only"
BENCH_SECRETARIAT = "bench-secretariat@bench.example"
BENCH_PASSWORD = "bench password, not secret"
STRESS_COUNTRIES, STRESS_CYCLES, STRESS_SEED = 60, 12, 1
MAX_STATEMENTS = 10

STARTED = time.perf_counter()


def say(message: str) -> None:
    print(f"[bench {time.perf_counter() - STARTED:6.1f}s] {message}", flush=True)


# ----------------------------------------------------------------------------- databases
@dataclass
class Scale:
    """One database to measure: its URL, who logs in as the secretariat, and what was measured on it."""

    name: str  # "demo", "stress", "demo PG", "stress PG"
    url: str
    email: str
    password: str
    sqlite_path: Path | None = None
    statements: dict[str, tuple[int, int, float]] = field(default_factory=dict)  # label -> (count, status, ms)
    cached: dict[str, tuple[int, int, float]] = field(default_factory=dict)  # the same, answered by the page cache
    sql: dict[str, list[str]] = field(default_factory=dict)  # label -> the statements, in order
    rescore: dict[str, Any] = field(default_factory=dict)


def _env(url: str, workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_ENV="development",
        TRACKER_DATABASE_URL=url,
        TRACKER_SECRET_KEY="bench-" + secrets.token_hex(16),
        TRACKER_UPLOAD_DIR=str(workdir / "uploads"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _run(command: list[str], env: dict[str, str], log: Path, stdin: str | None = None, echo: bool = False) -> str:
    """Run a command from the repository root; its output goes to ``log`` (and to the screen with ``echo``)."""
    with log.open("a") as sink:
        sink.write(f"$ {' '.join(command)}\n")
        sink.flush()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=sink,
            text=True,
        )
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin)
            process.stdin.close()
        output = []
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            sink.write(line)
            if echo:
                print(f"    {line.rstrip()}", flush=True)
        if process.wait() != 0:
            sink.flush()
            tail = log.read_text().splitlines()[-25:]
            raise SystemExit(f"{' '.join(command)} failed (exit {process.returncode}); see {log}:\n" + "\n".join(tail))
    return "".join(output)


def _flask(*args: str) -> list[str]:
    return [PYTHON, "-m", "flask", "--app", "wsgi", *args]


def build_demo(url: str, workdir: Path, log: Path) -> None:
    env = _env(url, workdir)
    _run(_flask("db", "upgrade"), env, log)
    _run(_flask("framework", "load"), env, log)
    _run(_flask("demo", "seed"), env, log)


def build_stress(url: str, workdir: Path, log: Path) -> None:
    env = _env(url, workdir)
    command = [
        PYTHON,
        str(BENCH / "generate.py"),
        "--database-url",
        url,
        "--countries",
        str(STRESS_COUNTRIES),
        "--cycles",
        str(STRESS_CYCLES),
        "--seed",
        str(STRESS_SEED),
    ]
    _run(command, env, log, echo=True)
    _run(
        _flask("users", "create", "--email", BENCH_SECRETARIAT, "--role", "secretariat", "--password-stdin"),
        env,
        log,
        stdin=BENCH_PASSWORD + "\n",
    )


class PostgresSchemas:
    """Schemas of our own on the PostgreSQL server ``--postgres`` names, dropped at the end."""

    def __init__(self, base_url: str):
        from sqlalchemy import create_engine

        from config import normalise_database_url

        self.base = normalise_database_url(base_url)
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        self.schemas: list[str] = []

    def new(self, label: str) -> str:
        from sqlalchemy.engine import make_url

        schema = f"bench_{label}_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        self.schemas.append(schema)
        url = make_url(self.base).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for schema in self.schemas:
                connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        self.admin.dispose()


def sqlite_copy(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite database (the backup API: WAL contents included)."""
    for suffix in ("", "-wal", "-shm"):
        with suppress(FileNotFoundError):
            Path(str(target) + suffix).unlink()
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


# ----------------------------------------------------------------------------- in-process app
@contextmanager
def app_for(url: str, workdir: Path) -> Iterator[Any]:
    from config import TestingConfig
    from tracker.app import create_app
    from tracker.extensions import db

    app = create_app(TestingConfig({}, SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(workdir / "uploads")))
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _page_list(app: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(label, path) of the public pages and API routes, and of the secretariat's pages, for this database."""
    from sqlalchemy import select

    from tracker import published, queries
    from tracker.extensions import db
    from tracker.models import Country, Report, ReportingCycle, ReportState, StoredScore

    with app.app_context():
        framework = queries.current_framework()
        assert framework is not None
        areas = [a.id for a in framework.focus_areas]
        area = "victim-protection" if "victim-protection" in areas else areas[0]
        published_cycles = published.cycles()
        pub = published_cycles[0].id if published_cycles else 0
        latest = queries.cycles_by_period()[0].id
        # a country with scores: AL at the stress scale, a fictional one in the demonstration (which scores
        # no real country); the tables name it <code>, so that both scales' rows line up
        code = db.session.execute(
            select(Country.code)
            .join(StoredScore, StoredScore.country_id == Country.id)
            .order_by(Country.code != "AL", Country.name)
            .limit(1)
        ).scalar_one()
        submitted = db.session.execute(
            select(Report.id)
            .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
            .where(Report.state == ReportState.SUBMITTED)
            .order_by(ReportingCycle.period_end.desc(), Report.id)
            .limit(1)
        ).scalar()
        api = []
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if not rule.endpoint.startswith("api.") or "GET" not in (rule.methods or ()):
                continue
            if set(rule.arguments) - {"code"}:
                continue
            api.append((rule.rule, rule.rule.replace("<code>", code)))
        db.session.remove()
    public = [
        ("/", "/"),
        ("/progress/", "/progress/"),
        ("/progress/?view=commitments", "/progress/?view=commitments"),
        ("/countries/", "/countries/"),
        ("/countries/<code>/", f"/countries/{code}/"),
        (f"/countries/<code>/<pub>/focus-area/{area}", f"/countries/{code}/{pub}/focus-area/{area}"),
        ("/countries/<code>/<pub>/overall/all", f"/countries/{code}/{pub}/overall/all"),
        ("/commitments/TIR-2/", "/commitments/TIR-2/"),
        ("/methodology/", "/methodology/"),
        ("/framework/", "/framework/"),
        ("/data/", "/data/"),
        ("/data/scores.json", "/data/scores.json"),
        ("/data/scores.csv", "/data/scores.csv"),
        ("/data/entries.json", "/data/entries.json"),
        ("/data/entries.csv", "/data/entries.csv"),
        *api,
    ]
    staff = [
        ("/review/", "/review/"),
        ("/review/cycles", "/review/cycles"),
        ("/review/cycles/<latest>", f"/review/cycles/{latest}"),
        ("/review/reports/<submitted>", f"/review/reports/{submitted}"),
        ("/review/scores/", "/review/scores/"),
        ("/review/scores/?view=commitments", "/review/scores/?view=commitments"),
        (
            "/review/scores/?view=commitments&basis=self-reported",
            "/review/scores/?view=commitments&basis=self-reported",
        ),
        ("/review/scores/<latest>/<code>/", f"/review/scores/{latest}/{code}/"),
        (
            "/review/scores/<latest>/<code>/verified/overall/all",
            f"/review/scores/{latest}/{code}/verified/overall/all",
        ),
        (
            f"/review/scores/<latest>/<code>/verified/focus-area/{area}",
            f"/review/scores/{latest}/{code}/verified/focus-area/{area}",
        ),
        ("/review/scorecards/", "/review/scorecards/"),
        ("/review/scorecards.csv", "/review/scorecards.csv"),
    ]
    return public, staff


def count_statements(scale: Scale, workdir: Path) -> list[str]:
    """Statements per request for every page, after one warm-up request of the same page: the page
    built (the page cache emptied first: what the first visitor after a change costs), then, for a
    public page the cache keeps, a repeat request answered from it."""
    from sqlalchemy import event

    from tracker.caching import page_cache
    from tracker.extensions import db

    with app_for(scale.url, workdir) as app:
        public, staff = _page_list(app)
        client = app.test_client()
        cache = page_cache(app)
        order: list[str] = []

        def counted(path: str) -> tuple[int, int, float, list[str]]:
            with app.app_context():
                engine = db.engine
            seen: list[str] = []

            def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
                seen.append(statement)

            event.listen(engine, "before_cursor_execute", count)
            try:
                started = time.perf_counter()
                response = client.get(path)
                response.get_data()  # a streamed export runs its queries while it is read
                elapsed = (time.perf_counter() - started) * 1000
            finally:
                event.remove(engine, "before_cursor_execute", count)
            return len(seen), response.status_code, elapsed, seen

        def measure(label: str, path: str) -> None:
            client.get(path).get_data()  # warm-up: the framework cache, Jinja's template cache
            if cache is not None:
                cache.clear()
            count, status, elapsed, seen = counted(path)
            scale.statements[label] = (count, status, elapsed)
            scale.sql[label] = seen
            kept = cache is not None and len(cache) > 0
            if kept:
                scale.cached[label] = counted(path)[:3]
            order.append(label)

        for label, path in public:
            measure(label, path)
        login = client.post("/login", data={"email": scale.email, "password": scale.password})
        if login.status_code != 302:
            raise SystemExit(f"{scale.name}: logging in as {scale.email} failed ({login.status_code})")
        for label, path in staff:
            measure("staff " + label, path)
    return order


# ----------------------------------------------------------------------------- rescoring
def _floor_sql(framework: Any) -> str:
    """One aggregate over the same entries the recompute reads: points per country and cycle."""
    cases = " ".join(f"WHEN '{level.id}' THEN {level.points}" for level in framework.methodology.status_levels)
    return (
        "SELECT report.cycle_id, report.country_id, count(*) AS entries, "
        f"sum(CASE COALESCE(entry.assessed_status, entry.reported_status) {cases} ELSE 0 END) AS points "
        "FROM entry JOIN report ON entry.report_id = report.id "
        "WHERE report.state IN ('submitted', 'accepted') "
        "GROUP BY report.cycle_id, report.country_id"
    )


@contextmanager
def _timed(module: Any, name: str, sink: list[float]) -> Iterator[None]:
    """Wrap ``module.name`` so every call adds its duration to ``sink``."""
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            sink.append(time.perf_counter() - started)

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


PHASES = (  # (module, attribute, label): inclusive wall time of every call, summed; nested ones are indented
    ("tracker.services.scores", "_entry_rows", "entry facts read (_entry_rows)"),
    ("tracker.services.scores", "_stored_rows", "stored rows read as plain tuples (_stored_rows)"),
    ("tracker.services.scores", "score_country", "scoring engine (score_country)"),
    ("tracker.services.scores", "_compare", "compare and stage rows (_compare)"),
    ("tracker.services.scores", "_Writes.execute", "score rows written: bulk INSERT/UPDATE/DELETE (_Writes.execute)"),
    ("tracker.services.scores", "rebuild_charts", "charts (rebuild_charts, its flush included)"),
    ("tracker.services.scores", "_region_figures", "  heatmaps (_region_figures)"),
    ("tracker.services.scores", "_country_figures", "  trends and comparisons (_country_figures)"),
    ("tracker.scoring.charts", "to_json", "  figure JSON (charts.to_json)"),
    ("sqlalchemy.orm", "Session.flush", "ORM flushes, all (Session.flush)"),
    ("sqlalchemy.orm", "Session.commit", "commit (Session.commit)"),
)


GC_LABEL = "garbage collector pauses, all (inside the phases above too)"


@contextmanager
def _phases(sink: dict[str, float]) -> Iterator[None]:
    """Time the phases of a rescore that exist in this version of the code (see PHASES)."""
    import importlib

    with ExitStack() as stack:
        for module_name, attribute, label in PHASES:
            module = importlib.import_module(module_name)
            owner_name, _, name = attribute.rpartition(".")
            owner = getattr(module, owner_name) if owner_name else module
            if not hasattr(owner, name):
                continue
            times: list[float] = []
            stack.enter_context(_timed(owner, name, times))
            stack.callback(lambda label=label, times=times: sink.__setitem__(label, sum(times)))
        pauses: list[float] = []
        began: list[float] = []

        def collector(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                began.append(time.perf_counter())
            elif began:
                pauses.append(time.perf_counter() - began.pop())

        gc.callbacks.append(collector)
        stack.callback(gc.callbacks.remove, collector)
        stack.callback(lambda: sink.__setitem__(GC_LABEL, sum(pauses)))
        yield


def measure_rescore(scale: Scale, url: str, workdir: Path, profile_lines: dict[str, list[str]] | None) -> None:
    """Full rescore (stored, from empty) against the SQL floor; one accept and its recompute."""
    from sqlalchemy import delete, func, select, text

    from tracker import queries, services
    from tracker.audit import Actor
    from tracker.database import write_transaction
    from tracker.extensions import db
    from tracker.models import (
        ChartFigure,
        Entry,
        Report,
        ReportingCycle,
        ReportState,
        StoredScore,
        User,
    )
    from tracker.services import scores

    result = scale.rescore
    with app_for(url, workdir) as app, app.app_context():
        framework = queries.current_framework()
        sql = text(_floor_sql(framework))
        result["entries"] = db.session.execute(
            select(func.count(Entry.id))
            .join(Report, Entry.report_id == Report.id)
            .where(Report.state.in_([ReportState.SUBMITTED, ReportState.ACCEPTED]))
        ).scalar_one()
        result["score rows"] = db.session.execute(select(func.count(StoredScore.id))).scalar_one()
        result["charts"] = db.session.execute(select(func.count(ChartFigure.key))).scalar_one()
        floors = []
        for _ in range(7):
            started = time.perf_counter()
            db.session.execute(sql).all()
            floors.append(time.perf_counter() - started)
        db.session.rollback()
        result["floor"] = statistics.median(floors)

        result["stored phases"] = {}
        with _phases(result["stored phases"]):
            started = time.perf_counter()
            stored = services.scores.recompute_stored()
            result["stored"] = time.perf_counter() - started
        result["stored changed"] = (stored.rows_changed, stored.charts)
        db.session.remove()

        if profile_lines is not None:
            from profiling import profile

            _, lines = profile(services.scores.recompute_stored)
            profile_lines[f"full rescore, everything stored ({scale.name})"] = lines
            db.session.remove()

        with write_transaction(db.session):
            db.session.execute(delete(StoredScore))
            db.session.execute(delete(ChartFigure))
        db.session.remove()
        result["empty phases"] = {}
        with _phases(result["empty phases"]):
            started = time.perf_counter()
            empty = services.scores.recompute_stored()
            result["empty"] = time.perf_counter() - started
        result["empty rows"] = (empty.inserted, empty.charts)
        db.session.remove()

        # one accept: the submitted report of the earliest cycle (carry-forward reaches every later one)
        row = db.session.execute(
            select(Report.id, ReportingCycle.name, ReportingCycle.period_end)
            .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
            .where(Report.state == ReportState.SUBMITTED)
            .order_by(ReportingCycle.period_end, Report.id)
            .limit(1)
        ).first()
        if row is None:
            return
        later = db.session.execute(
            select(func.count(ReportingCycle.id)).where(ReportingCycle.period_end >= row.period_end)
        ).scalar_one()
        user = db.session.execute(select(User).where(User.email == scale.email)).scalar_one()
        db.session.rollback()
        recompute_times: list[float] = []
        chart_times: list[float] = []
        with _timed(scores, "recompute", recompute_times), _timed(scores, "rebuild_charts", chart_times):
            started = time.perf_counter()
            services.accept(row.id, {}, Actor(user, "bench"))
            result["accept"] = time.perf_counter() - started
        result["accept recompute"] = sum(recompute_times)
        result["accept charts"] = sum(chart_times)
        result["accept report"] = f"{row.name}, reaching {later} cycle(s)"
        db.session.remove()

        if profile_lines is not None:
            from profiling import profile

            other = db.session.execute(
                select(Report.id, ReportingCycle.name)
                .join(ReportingCycle, Report.cycle_id == ReportingCycle.id)
                .where(Report.state == ReportState.SUBMITTED)
                .order_by(ReportingCycle.period_end, Report.id)
                .limit(1)
            ).first()
            if other is not None:
                user = db.session.execute(select(User).where(User.email == scale.email)).scalar_one()
                db.session.rollback()
                _, lines = profile(lambda: services.accept(other.id, {}, Actor(user, "bench")))
                profile_lines[f"accept one submitted report of {other.name} ({scale.name})"] = lines
            db.session.remove()


# ----------------------------------------------------------------------------- gunicorn and load
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn -c gunicorn.conf.py wsgi:app in production settings, on a port of its own."""

    def __init__(self, url: str, workdir: Path):
        self.port = _free_port()
        self.log = workdir / "gunicorn.log"
        env = _env(
            url,
            workdir,
            TRACKER_ENV="production",
            TRACKER_SECRET_KEY=secrets.token_hex(32),
            TRACKER_AUDIT_KEY=secrets.token_hex(32),  # production refuses to start without these two
            TRACKER_BASE_URL=f"http://127.0.0.1:{self.port}",
            TRACKER_AUDIT_CHECKPOINT_DIR=str(workdir / "audit-checkpoints"),
            TRACKER_BIND=f"127.0.0.1:{self.port}",
            TRACKER_LOG_LEVEL="warning",
        )
        self.sink = self.log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self.sink,
            stderr=self.sink,
            start_new_session=True,
        )
        self.peaks: dict[int, int] = {}  # worker pid -> highest VmHWM seen (kB)
        self.cpu: dict[int, float] = {}  # master and worker pids -> CPU seconds last seen
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            with suppress(OSError):
                status, _, _ = self.request("GET", "/healthz")
                if status == 200:
                    self._sampler.start()
                    return
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout} s; see {self.log}")

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
            found = {k.lower(): v for k, v in response.getheaders()}
            found["set-cookie"] = "\n".join(cookies)
            return response.status, found, data
        finally:
            connection.close()

    def log_in(self, email: str, password: str) -> str:
        """The session cookie of a fresh login (CSRF token and all), as a Cookie header value."""
        status, headers, body = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
            rb'value="([^"]+)"[^>]*name="csrf_token"', body
        )
        if status != 200 or token is None:
            raise SystemExit(f"GET /login gave {status} and no CSRF token")
        cookie = _session_cookie(headers["set-cookie"])
        form = urllib.parse.urlencode({"csrf_token": token.group(1).decode(), "email": email, "password": password})
        status, headers, _ = self.request(
            "POST",
            "/login",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        if status != 302 or "session=" not in headers["set-cookie"]:
            raise SystemExit(f"POST /login as {email} gave {status}")
        return _session_cookie(headers["set-cookie"])

    def workers(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.sample_cpu()
            for pid in self.workers():
                with suppress(OSError, ValueError):
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            kb = int(line.split()[1])
                            self.peaks[pid] = max(self.peaks.get(pid, 0), kb)
            self._stop.wait(0.25)

    def sample_cpu(self) -> float:
        """CPU seconds used so far by the master and every worker seen (a recycled worker keeps its last figure)."""
        for pid in [self.process.pid, *self.workers()]:
            with suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
        return sum(self.cpu.values())

    def stop(self) -> None:
        self._stop.set()
        if self.process.poll() is None:
            self.process.terminate()  # our own gunicorn master, by its pid: it stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.sink.close()


_TICKS = os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICKS


def _children_cpu() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def _others_cpu(server: Server, sink: list[float]) -> Iterator[None]:
    """Cores used by processes other than gunicorn, the load generator and this script meanwhile: the noise."""
    busy, ours, mine, started = _machine_busy(), server.sample_cpu(), _children_cpu(), time.monotonic()
    yield
    wall = time.monotonic() - started
    others = (_machine_busy() - busy) - (server.sample_cpu() - ours) - (_children_cpu() - mine)
    sink.append(max(0.0, others) / wall if wall else 0.0)


def _session_cookie(set_cookie: str) -> str:
    for line in set_cookie.splitlines():
        name_value = line.split(";", 1)[0].strip()
        if name_value.startswith("session="):
            return name_value
    raise SystemExit("no session cookie in the response")


@dataclass
class Load:
    path: str
    median_ms: float
    p99_ms: float
    rps: float
    requests: int
    errors: str
    tool: str
    single_median_ms: float = float("nan")  # one connection at a time
    single_p99_ms: float = float("nan")
    others_cores: float = float("nan")  # CPU used meanwhile by processes that are not part of the measurement


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def _ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("wrk is missing: apt-get install -y wrk")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, check=False)
        found = shutil.which("wrk")
        if not found:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=False)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, check=False)
            found = shutil.which("wrk")
    return found


UNIQUE = "{n}"  # in a path: a number no other request of the run has, so that no cache can answer it
_UNIQUE_PATHS = """-- every request a path of its own: {n} becomes thread-request
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, (string.gsub(PATH, "{n}", id .. "-" .. n)))
end
"""


def wrk(url: str, path: str, headers: dict[str, str], duration: int, connections: int = 8) -> Load:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if UNIQUE in path:
            script.write(f"PATH = {json.dumps(path)}\n" + _UNIQUE_PATHS)
            script.flush()
            command += ["-s", script.name]
        output = subprocess.run(
            [*command, url + path.replace(UNIQUE, "0")],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 60,
        ).stdout
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    problems = []
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        problems.append(f"{m.group(1)} non-2xx")
    if m := re.search(r"Socket errors: (.*)", output):
        problems.append("socket errors: " + m.group(1).strip())
    return Load(path, _ms(percentiles["50"]), _ms(percentiles["99"]), rps, total, "; ".join(problems) or "-", "wrk")


def python_load(server: Server, path: str, headers: dict[str, str], duration: int, connections: int = 8) -> Load:
    """The fallback when wrk is missing: ``connections`` threads with keep-alive connections."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    numbers = itertools.count()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path.replace(UNIQUE, str(next(numbers))), headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    return Load(
        path,
        statistics.median(latencies) if latencies else float("nan"),
        p99,
        len(latencies) / duration,
        len(latencies),
        f"{errors[0]} errors" if errors[0] else "-",
        "python",
    )


def measure_latency(server: Server, cookie: str, duration: int) -> list[Load]:
    tool = _ensure_wrk()
    if tool is None:
        say("wrk is not available (apt-get failed): falling back to the Python load generator (8 threads)")
    browser = {"Accept-Encoding": "gzip, br", "Accept": "text/html"}
    routes = [
        ("/healthz", {}),
        ("/", browser),
        (f"/?uncached={UNIQUE}", browser),  # the same page built for every request: what a cache miss costs
        ("/countries/AL/", browser),
        ("/review/", {**browser, "Cookie": cookie}),
    ]
    loads = []
    single = max(3, duration // 2)
    for path, headers in routes:
        status, _, _ = server.request("GET", path.replace(UNIQUE, "warm-up"), headers=headers)
        if status != 200:
            raise SystemExit(f"GET {path} under gunicorn gave {status}")
        say(f"load: {path}: 2 s warm-up, {duration} s with 8 connections, {single} s with 1")

        def generate(connections: int, seconds: int, path: str = path, headers: dict[str, str] = headers) -> Load:
            if tool:
                return wrk(server.base, path, headers, seconds, connections)
            return python_load(server, path, headers, seconds, connections)

        generate(8, 2)  # every worker loads the framework, compiles the templates and keeps the page once
        noise: list[float] = []
        with _others_cpu(server, noise):
            load = generate(8, duration)
        one = generate(1, single)
        load.single_median_ms, load.single_p99_ms, load.others_cores = one.median_ms, one.p99_ms, noise[0]
        loads.append(load)
    return loads


def measure_page_weight(base: str) -> tuple[int, int, int, int, int]:
    """(first-load bytes, requests, repeat-load bytes, requests, from cache) of the home page in Chromium."""
    import page_weight  # bench/page_weight.py
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=page_weight.ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()
            client = context.new_cdp_session(page)
            client.send("Network.enable")
            first, requests, _ = page_weight.transferred(page, client, base + "/")
            client.send("Network.enable")
            repeat, repeat_requests, cached = page_weight.transferred(page, client, base + "/")
            context.close()
        finally:
            browser.close()
    return first, requests, repeat, repeat_requests, cached


def profile_page(url: str, workdir: Path, path: str, repeat: int = 30, built: bool = False) -> list[str]:
    """cProfile of ``repeat`` in-process requests of ``path``: answered from the page cache, or
    (``built``) with the cache emptied before each, so that every one renders and compresses."""
    from profiling import profile

    from tracker.caching import page_cache

    with app_for(url, workdir) as app:
        client = app.test_client()
        cache = page_cache(app)
        client.get(path, headers={"Accept-Encoding": "gzip, br"})

        def requests() -> None:
            for _ in range(repeat):
                if built and cache is not None:
                    cache.clear()
                client.get(path, headers={"Accept-Encoding": "gzip, br"}).get_data()

        _, lines = profile(requests)
    how = "the page cache emptied before each" if built else "answered from the page cache"
    return [f"{repeat} requests in-process (test client, Accept-Encoding: gzip, br), {how}", *lines]


# ----------------------------------------------------------------------------- the report
def _table(headers: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    align = align or "l" + "r" * (len(headers) - 1)

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if a == "l" else str(c).rjust(w) for c, w, a in zip(cells, widths, align, strict=True)
        ).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _count_cell(value: tuple[int, int, float] | None) -> str:
    if value is None:
        return "-"
    count, status, _ = value
    return str(count) if status == 200 else f"{count} ({status})"


def statement_rows(scales: list[Scale], order: list[str]) -> list[str]:
    headers = ["page (in-process, after one warm-up request)"]
    for scale in scales:
        headers += [scale.name, "ms", "cached"]
    headers += ["equal & <=10" + (" (SQLite)" if len(scales) > 2 else "")]
    if len(scales) > 2:
        headers += ["equal & <=10 (PG)"]
    rows = []
    for label in order:
        row = [label]
        for scale in scales:
            value = scale.statements.get(label)
            row += [_count_cell(value), f"{value[2]:.0f}" if value else "-", _count_cell(scale.cached.get(label))]
        for small, large in ((scales[0], scales[1]), *(((scales[2], scales[3]),) if len(scales) > 3 else ())):
            a, b = small.statements.get(label), large.statements.get(label)
            ok = a is not None and b is not None and a[0] == b[0] and b[0] <= MAX_STATEMENTS
            row.append("yes" if ok else "no")
        rows.append(row)
    return _table(headers, rows)


def _statement_summary(statements: list[str], width: int = 110) -> list[str]:
    """Each statement shortened to its start, with runs of the same shape folded into one line (× n)."""
    lines: list[tuple[str, int]] = []
    for statement in statements:
        shape = " ".join(statement.split())
        shape = re.sub(r"\((?:\?|%\(\w+\)s|\$\d+)(?:, (?:\?|%\(\w+\)s|\$\d+))+\)", "(…)", shape)
        shape = shape if len(shape) <= width else shape[: width - 1] + "…"
        if lines and lines[-1][0] == shape:
            lines[-1] = (shape, lines[-1][1] + 1)
        else:
            lines.append((shape, 1))
    return [f"{shape}{f'  (× {n})' if n > 1 else ''}" for shape, n in lines]


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else (f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s")


def rescore_rows(scales: list[Scale]) -> list[str]:
    headers = ["rescore", *(s.name for s in scales)]
    fields = [
        ("entries scored (submitted + accepted)", lambda r: str(r.get("entries", "-"))),
        ("score rows / charts stored", lambda r: f"{r.get('score rows', '-')} / {r.get('charts', '-')}"),
        ("SQL floor: one aggregate (median of 7)", lambda r: _s(r.get("floor"))),
        ("full rescore, everything stored", lambda r: _s(r.get("stored"))),
        ("  ratio to the SQL floor", lambda r: _ratio(r.get("stored"), r.get("floor"))),
        ("  rows / charts rewritten", lambda r: "{} / {}".format(*r.get("stored changed", ("-", "-")))),
        ("full rescore from empty (scores+charts deleted)", lambda r: _s(r.get("empty"))),
        ("  ratio to the SQL floor", lambda r: _ratio(r.get("empty"), r.get("floor"))),
        ("  rows / charts written", lambda r: "{} / {}".format(*r.get("empty rows", ("-", "-")))),
        ("accept one submitted report (services.accept)", lambda r: _s(r.get("accept"))),
        ("  of which scores.recompute", lambda r: _s(r.get("accept recompute"))),
        ("  of which (inside it) rebuild_charts", lambda r: _s(r.get("accept charts"))),
        ("  the report accepted", lambda r: r.get("accept report", "-")),
    ]
    rows = [[label, *(get(s.rescore) for s in scales)] for label, get in fields]
    return _table(headers, rows, "l" + "r" * len(scales))


def phase_rows(scales: list[Scale]) -> list[str]:
    headers = ["phase"]
    columns = []
    for scale in scales:
        for kind, label in (("stored", "stored"), ("empty", "from empty")):
            if f"{kind} phases" in scale.rescore:
                headers.append(f"{scale.name} {label}")
                columns.append((scale.rescore[f"{kind} phases"], scale.rescore.get(kind)))
    rows = []
    for label in [label for _module, _attribute, label in PHASES] + [GC_LABEL]:
        if any(label in phases for phases, _ in columns):
            rows.append([label, *(_s(phases.get(label)) for phases, _ in columns)])
    top = [label for module, _a, label in PHASES if not label.startswith(" ") and module != "sqlalchemy.orm"]
    rows.append(
        [
            "rest of recompute_stored (incl. the commit)",
            *(_s(total - sum(phases.get(label, 0.0) for label in top)) if total else "-" for phases, total in columns),
        ]
    )
    rows.append(["total", *(_s(total) for _, total in columns)])
    return _table(headers, rows)


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.1f}x"


_JSON_MARK = "BENCH-RESCORE-JSON:"


def rescore_in_subprocess(scale: Scale, url: str, workdir: Path, profile: bool) -> dict[str, Any]:
    """``measure_rescore`` in a new interpreter: its heap (and so the garbage collector's work) is the
    rescore's own, not this script's."""
    command = [PYTHON, str(Path(__file__).resolve()), "--_rescore", url, scale.email, scale.name, str(workdir)]
    if profile:
        command.append("--profile")
    output = _run(command, _env(url, workdir), workdir / "rescore.log")
    line = next(line for line in reversed(output.splitlines()) if line.startswith(_JSON_MARK))
    return json.loads(line[len(_JSON_MARK) :])


def _rescore_main(argv: list[str]) -> None:
    url, email, name, workdir = argv[:4]
    scale = Scale(name, url, email, "")
    profiles: dict[str, list[str]] | None = {} if "--profile" in argv else None
    measure_rescore(scale, url, Path(workdir), profiles)
    print(_JSON_MARK + json.dumps({"rescore": scale.rescore, "profiles": profiles or {}}), flush=True)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_rescore"]:
        _rescore_main(argv[1:])
        return
    parser = argparse.ArgumentParser(description="Figures at the demonstration and the stress scale.")
    parser.add_argument("--postgres", metavar="URL", help="also measure statements and rescoring on PostgreSQL")
    parser.add_argument("--workdir", type=Path, help="keep the databases and logs here (reused when present)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per route (default 10)")
    parser.add_argument("--profile", action="store_true", help="cProfile hot spots of the full rescore and of /")
    parser.add_argument("--skip-latency", action="store_true", help="no gunicorn, wrk, page weight or memory")
    parser.add_argument("--skip-weight", action="store_true", help="no Chromium page weight")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "build.log"
    deleted = "" if args.workdir else ", deleted at the end"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    say(f"working in {workdir} (logs: {log}{deleted}); load average {load}")
    pg = PostgresSchemas(args.postgres) if args.postgres else None
    server: Server | None = None
    try:
        demo_db, stress_db = workdir / "demo.db", workdir / "stress.db"
        if not demo_db.exists():
            say("demo scale: flask db upgrade, framework load, demo seed")
            build_demo(f"sqlite:///{demo_db}", workdir, log)
        else:
            say(f"demo scale: reusing {demo_db}")
        if not stress_db.exists():
            say(f"stress scale: bench/generate.py {STRESS_COUNTRIES} countries x {STRESS_CYCLES} cycles")
            started = time.perf_counter()
            build_stress(f"sqlite:///{stress_db}", workdir, log)
            say(f"stress scale built in {time.perf_counter() - started:.1f} s")
        else:
            say(f"stress scale: reusing {stress_db}")
        scales = [
            Scale("demo", f"sqlite:///{demo_db}", DEMO_SECRETARIAT, DEMO_PASSWORD, demo_db),
            Scale("stress", f"sqlite:///{stress_db}", BENCH_SECRETARIAT, BENCH_PASSWORD, stress_db),
        ]
        if pg is not None:
            say("PostgreSQL: building the demo scale")
            url = pg.new("demo")
            build_demo(url, workdir, log)
            scales.append(Scale("demo PG", url, DEMO_SECRETARIAT, DEMO_PASSWORD))
            say("PostgreSQL: building the stress scale")
            url = pg.new("stress")
            build_stress(url, workdir, log)
            scales.append(Scale("stress PG", url, BENCH_SECRETARIAT, BENCH_PASSWORD))

        order: list[str] = []
        for scale in scales:
            say(f"statements per request: {scale.name}")
            labels = count_statements(scale, workdir)
            order += [label for label in labels if label not in order]

        loads: list[Load] = []
        weight = None
        peaks: dict[int, int] = {}
        if not args.skip_latency:
            say("gunicorn -c gunicorn.conf.py wsgi:app (TRACKER_ENV=production) on the stress scale")
            server = Server(scales[1].url, workdir)
            server.wait()
            say(f"gunicorn up on {server.base} with workers {server.workers()}")
            cookie = server.log_in(BENCH_SECRETARIAT, BENCH_PASSWORD)
            loads = measure_latency(server, cookie, args.duration)
            peaks = dict(server.peaks)
            if not args.skip_weight:
                say("page weight of / in Chromium (bench/page_weight.py)")
                try:
                    weight = measure_page_weight(server.base)
                except Exception as error:  # noqa: BLE001 - a missing browser must not lose the other figures
                    say(f"page weight not measured: {error}")
            server.stop()
            server = None

        profiles: dict[str, list[str]] | None = {} if args.profile else None
        for scale in scales:
            if scale.sqlite_path is not None:
                url = f"sqlite:///{sqlite_copy(scale.sqlite_path, workdir / (scale.sqlite_path.stem + '-rescore.db'))}"
            else:
                url = scale.url  # the PostgreSQL schemas are used last, then dropped
            say(f"rescoring: {scale.name} (in a fresh process, as `flask scores recompute` would run)")
            found = rescore_in_subprocess(scale, url, workdir, profile=profiles is not None and scale.name == "stress")
            scale.rescore.update(found["rescore"])
            if profiles is not None:
                profiles.update(found["profiles"])
        if profiles is not None:
            say("profiling / in-process at the stress scale")
            profiles["GET / at the stress scale, built"] = profile_page(scales[1].url, workdir, "/", built=True)
            profiles["GET / at the stress scale, from the page cache"] = profile_page(scales[1].url, workdir, "/")

        report(scales, order, loads, weight, peaks, profiles, args)
        kept = f"; databases and logs kept in {workdir}" if args.workdir else ""
        say(f"finished in {time.perf_counter() - STARTED:.0f} s{kept}")
    finally:
        if server is not None:
            server.stop()
        if pg is not None:
            pg.drop_all()
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def report(
    scales: list[Scale],
    order: list[str],
    loads: list[Load],
    weight: tuple[int, int, int, int, int] | None,
    peaks: dict[int, int],
    profiles: dict[str, list[str]] | None,
    args: argparse.Namespace,
) -> None:
    out: list[str] = ["", "=" * 100, "COMMITMENT TRACKER BENCHMARK", "=" * 100]
    out += ["", f"1. SQL statements per request (SQLite counts include its explicit BEGIN; limit {MAX_STATEMENTS})", ""]
    out += statement_rows(scales, order)
    out += [
        "(each page built with the page cache emptied first, as for the first visitor after a change; 'cached':",
        " the same page again, answered from the page cache (public pages only; '-': not kept, e.g. a streamed",
        " download or a logged-in request))",
    ]

    healthz = next((load for load in loads if load.path == "/healthz"), None)
    if loads:
        tool = loads[0].tool
        out += [
            "",
            f"2. Latency under gunicorn (gunicorn.conf.py, TRACKER_ENV=production), stress scale; "
            f"{'wrk -t2 -c8' if tool == 'wrk' else 'Python load generator, 8 threads'} -d{args.duration}s, "
            "Accept-Encoding: gzip, br",
            "",
        ]
        rows = []
        for load in loads:
            rows.append(
                [
                    load.path,
                    f"{load.median_ms:.2f}",
                    f"{load.p99_ms:.2f}",
                    _ratio(load.median_ms, healthz.median_ms if healthz else None),
                    _ratio(load.p99_ms, healthz.p99_ms if healthz else None),
                    f"{load.rps:.0f}",
                    f"{load.single_median_ms:.2f}",
                    _ratio(load.single_median_ms, healthz.single_median_ms if healthz else None),
                    f"{load.single_p99_ms:.2f}",
                    f"{load.others_cores:.2f}",
                    load.errors,
                ]
            )
        out += _table(
            [
                "route",
                "median ms",
                "p99 ms",
                "median/healthz",
                "p99/healthz",
                "req/s",
                "1-conn median",
                "1-conn /healthz",
                "1-conn p99",
                "others' cores",
                "errors",
            ],
            rows,
            "lrrrrrrrrrl",
        )
        out += [
            "(the first six columns: 8 connections, the figures the target is about; '1-conn': the same route one",
            " request at a time, i.e. the cost of one request without queueing; 'others' cores': CPU used meanwhile by",
            " processes that are neither gunicorn, the load generator nor this script, out of 2 cores: the noise)",
        ]

    out += ["", "3. Rescoring (in-process, on a copy of each database)", ""]
    out += rescore_rows(scales)
    out += [
        "",
        "3b. Where a full rescore spends its wall time (inclusive; indented phases are inside the one above)",
        "",
    ]
    out += phase_rows(scales)

    if weight is not None:
        first, requests, repeat, repeat_requests, cached = weight
        out += ["", "4. Public home page / in Chromium, compressed bytes (bench/page_weight.py), stress scale", ""]
        out += _table(
            ["load", "bytes", "KiB", "requests"],
            [
                ["first (empty cache)", str(first), f"{first / 1024:.1f}", str(requests)],
                ["repeat (same browser)", str(repeat), f"{repeat / 1024:.1f}", f"{repeat_requests} ({cached} cached)"],
            ],
        )
    if peaks:
        out += ["", "5. Peak memory of the gunicorn workers after the load (VmHWM, sampled every 0.25 s)", ""]
        out += _table(
            ["worker pid", "VmHWM MiB"],
            [[str(pid), f"{kb / 1024:.1f}"] for pid, kb in sorted(peaks.items())],
        )
        out.append(f"({len(peaks)} worker process(es) seen; max_requests may recycle a worker during the load)")

    stress = scales[1]
    home = next((load for load in loads if load.path == "/"), None)
    worst = max(
        (stress.statements[label][0] for label in order if label in stress.statements),
        default=0,
    )
    unequal = [
        label
        for label in order
        if scales[0].statements.get(label, (None,))[0] != stress.statements.get(label, (None,))[0]
    ]
    over = [label for label in order if stress.statements.get(label, (0,))[0] > MAX_STATEMENTS]
    out += ["", "TARGETS beside the figures", ""]
    rows = [
        [
            "statements per page constant and <= 10",
            f"max {worst} at stress; {len(unequal)} page(s) differ demo->stress; {len(over)} page(s) above 10",
            "0 differ, 0 above 10",
        ],
        [
            "heatmap page / median vs /healthz",
            _ratio(home.median_ms, healthz.median_ms) if home and healthz else "not measured",
            "<= 2.0x",
        ],
        [
            "full rescore (stored) vs SQL floor",
            _ratio(stress.rescore.get("stored"), stress.rescore.get("floor")),
            "<= 3.0x",
        ],
        [
            "full rescore (from empty) vs SQL floor",
            _ratio(stress.rescore.get("empty"), stress.rescore.get("floor")),
            "<= 3.0x",
        ],
        [
            "home page first load, compressed",
            f"{weight[0] / 1024:.1f} KiB" if weight else "not measured",
            "<= 1.6 MB (1562.5 KiB)",
        ],
        ["home page repeat load, compressed", f"{weight[2] / 1024:.1f} KiB" if weight else "not measured", "<= 60 KB"],
    ]
    out += _table(["target", "measured", "target"], rows, "lll")
    if unequal or over:
        out += [
            "",
            "Pages whose statement count differs between scales or is above 10, with the stress scale's statements:",
        ]
        for label in dict.fromkeys(unequal + over):
            counts = ", ".join(f"{s.name} {_count_cell(s.statements.get(label))}" for s in scales)
            out.append(f"  {label}: {counts}")
            out += [f"      {line}" for line in _statement_summary(stress.sql.get(label, []))]

    if profiles:
        out += ["", "PROFILES (cProfile)"]
        for title, lines in profiles.items():
            out += ["", f"-- {title}", *lines]
    print("\n".join(out), flush=True)


if __name__ == "__main__":
    main()
