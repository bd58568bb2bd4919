"""The database as configured: SQLite pragmas, IMMEDIATE writers, the write guard, constraints."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError

from tests.conftest import app_with_tables, make_app
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import Country, FrameworkVersion


@pytest.fixture
def sqlite_app(tmp_path):
    """SQLite whatever TEST_DATABASE_URL says: these tests are about SQLite's own behaviour."""
    with app_with_tables(f"sqlite:///{tmp_path / 'tracker.db'}") as app:
        yield app


def test_sqlite_connections_are_tuned(sqlite_app):
    with sqlite_app.app_context():
        pragma = lambda name: db.session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000


def _try_to_write(path: str) -> str:
    """A second writer that will not wait: 'ok' or the error SQLite gives it."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return "ok"
    except sqlite3.OperationalError as error:
        return str(error)
    finally:
        other.close()


def test_write_transaction_takes_the_write_lock_at_begin(sqlite_app, tmp_path):
    path = str(tmp_path / "tracker.db")
    with sqlite_app.app_context():
        db.session.execute(text("SELECT 1")).scalar()  # a plain read: deferred, takes no lock
        assert _try_to_write(path) == "ok"
        with write_transaction(db.session):
            # nothing written yet, yet the lock is ours: a concurrent writer cannot slip in between
            assert _try_to_write(path) == "database is locked"
        assert _try_to_write(path) == "ok"


def test_a_write_outside_write_transaction_is_refused_on_sqlite(sqlite_app):
    with sqlite_app.app_context():
        db.session.add(Country(code="AL", name="Albania"))
        with pytest.raises(RuntimeError, match="outside write_transaction"):
            db.session.flush()
        db.session.rollback()


def test_write_transaction_rolls_back_on_error(empty_app):
    with empty_app.app_context():
        with pytest.raises(ValueError), write_transaction(db.session):
            db.session.add(Country(code="AL", name="Albania"))
            db.session.flush()
            raise ValueError("changed my mind")
        assert db.session.execute(text("SELECT count(*) FROM country")).scalar() == 0


def _increment_many(url: str, times: int, queue) -> None:  # type: ignore[no-untyped-def]
    app = make_app(url)
    lost = 0
    with app.app_context():
        for _ in range(times):
            try:
                with write_transaction(db.session):
                    value = db.session.execute(text("SELECT n FROM counter")).scalar_one()
                    db.session.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})
            except Exception:  # noqa: BLE001 - counted, and the test fails on any
                lost += 1
        db.engine.dispose()
    queue.put(lost)


def test_concurrent_read_then_write_loses_nothing(sqlite_app, tmp_path):
    """4 processes × 50 read-then-write transactions: deferred BEGIN loses many here, IMMEDIATE none."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    with sqlite_app.app_context():
        with write_transaction(db.session):
            db.session.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
            db.session.execute(text("INSERT INTO counter VALUES (0)"))
        db.engine.dispose()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_increment_many, args=(url, 50, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    lost = sum(queue.get(timeout=5) for _ in workers)
    with sqlite_app.app_context():
        final = db.session.execute(text("SELECT n FROM counter")).scalar_one()
    assert (lost, final) == (0, 200)


def test_only_one_current_framework_version(empty_app):
    with empty_app.app_context():
        with pytest.raises(IntegrityError), write_transaction(db.session):
            for n in range(2):
                db.session.add(FrameworkVersion(content_hash=f"{n:064d}", document={}, source="t", is_current=True))
            db.session.flush()
        with write_transaction(db.session):  # any number of versions that are not current
            for n in range(2):
                db.session.add(FrameworkVersion(content_hash=f"{n:064d}", document={}, source="t", is_current=False))


def test_foreign_keys_are_enforced(empty_app):
    from tracker.models import Instrument, InstrumentKind

    with empty_app.app_context(), pytest.raises(IntegrityError), write_transaction(db.session):
        db.session.add(
            Instrument(
                version_id=999,
                code="x",
                title="x",
                short_title="x",
                kind=InstrumentKind.STATEMENT,
                adopted="2000",
                position=0,
            )
        )
        db.session.flush()


def test_country_code_is_two_letters(empty_app):
    # SQLite refuses it by the CHECK constraint, PostgreSQL already by the column's length
    with empty_app.app_context(), pytest.raises((IntegrityError, DataError)), write_transaction(db.session):
        db.session.execute(text("INSERT INTO country (code, name) VALUES ('ALB', 'Albania')"))
