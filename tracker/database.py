"""The declarative base, constraint naming, and SQLite made safe for several writers.

SQLite's deferred ``BEGIN`` loses concurrent read-then-write transactions to "database is
locked", so writes go through ``write_transaction``, which starts them with ``BEGIN IMMEDIATE``;
plain reads keep a deferred ``BEGIN`` so a slow page never holds the write lock. A flush outside
``write_transaction`` on SQLite is a programming error and is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import DateTime, Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

IMMEDIATE = "tracker_begin_immediate"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime: pass an aware UTC datetime")
            value = value.astimezone(dt.UTC)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a 5 s busy timeout, and our own BEGIN (deferred or IMMEDIATE)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        immediate = bool(connection.get_execution_options().get(IMMEDIATE))
        connection.info[IMMEDIATE] = immediate
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _refuse_unguarded_flush(session: Session, _context: object, _instances: object) -> None:
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.info.get(IMMEDIATE):
        raise RuntimeError("a write outside write_transaction(): SQLite would lose it to 'database is locked'")


def guard_sqlite_writes(session_class: type) -> None:
    """Refuse a flush on SQLite whose transaction did not start as a writer (registered once per class)."""
    if not event.contains(session_class, "before_flush", _refuse_unguarded_flush):
        event.listen(session_class, "before_flush", _refuse_unguarded_flush)


@contextmanager
def write_transaction(session: Session | scoped_session[Session]) -> Iterator[Session]:
    """One write, committed once: ends any read transaction, begins as a writer, commits or rolls back."""
    if isinstance(session, scoped_session):
        session = session()
    if session.info.get("writing"):
        raise RuntimeError("write_transaction() inside another: an operation commits once, so nest nothing")
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("unflushed changes before write_transaction(): make every change inside it")
        session.rollback()  # end the read; it holds no changes
    session.connection(execution_options={IMMEDIATE: True})
    session.info["writing"] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info["writing"] = False


def render_migration_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Alembic writes our column types as their plain SQLAlchemy equivalents, so migrations import nothing of ours."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
