"""The audit trail is append-only in the database and chained; ``flask audit verify`` finds a break."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import log_in
from tracker.audit import GENESIS, row_hash
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import AuditEvent


@pytest.fixture
def events(app, client, people):
    """A few real events: failed and good logins, a lockout-free logout."""
    log_in(client, people["albania"], "a wrong password, long")
    log_in(client, people["albania"])
    client.post("/logout")
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() >= 4
    return app


def test_rows_are_chained(events):
    with events.app_context():
        rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        assert rows[0].previous_hash == GENESIS
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert later.previous_hash == earlier.row_hash
        assert all(row_hash(row) == row.row_hash for row in rows)


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET reason = 'nothing happened'", "DELETE FROM audit_event"])
def test_the_database_refuses_to_change_or_remove_a_row(events, statement):
    with events.app_context():
        with pytest.raises(DBAPIError, match="append-only"), write_transaction(db.session):
            db.session.execute(text(statement))
        assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() >= 4


def test_verify_passes_on_an_intact_chain(events):
    result = events.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "audit chain intact" in result.output


def _tamper(app, statement: str) -> None:
    """What an attacker with the database owner's rights could do: drop the guard, then edit."""
    with app.app_context(), write_transaction(db.session):
        dialect = db.session.get_bind().dialect.name
        if dialect == "sqlite":
            db.session.execute(text("DROP TRIGGER audit_event_no_update"))
            db.session.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        db.session.execute(text(statement))


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ("UPDATE audit_event SET reason = 'nothing happened' WHERE id = 2", "content does not match its hash"),
        ("DELETE FROM audit_event WHERE id = 2", "does not follow the event before it"),
    ],
)
def test_verify_finds_a_changed_or_removed_row(events, statement, problem):
    _tamper(events, statement)
    result = events.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert problem in result.output


def test_on_postgresql_an_app_role_without_ownership_cannot_remove_rows_even_without_triggers(events):
    """The privilege half of the guard: the role the app runs as has SELECT and INSERT, nothing more."""
    with events.app_context():
        if db.session.get_bind().dialect.name != "postgresql":
            pytest.skip("roles and privileges are PostgreSQL's")
        role = f"tracker_app_{uuid.uuid4().hex[:8]}"
        schema = db.session.execute(text("SELECT current_schema()")).scalar_one()
        with write_transaction(db.session):
            db.session.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
            db.session.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
            db.session.execute(text(f'GRANT SELECT, INSERT ON audit_event TO "{role}"'))
            db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))  # only the privilege is left
        try:
            for statement in ("DELETE FROM audit_event", "UPDATE audit_event SET reason = 'x'", "TRUNCATE audit_event"):
                with pytest.raises(DBAPIError, match="permission denied"), write_transaction(db.session):
                    db.session.execute(text(f'SET LOCAL ROLE "{role}"'))
                    db.session.execute(text(statement))
            with write_transaction(db.session):
                db.session.execute(text(f'SET LOCAL ROLE "{role}"'))
                assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() >= 4
        finally:
            with write_transaction(db.session):
                db.session.execute(text(f'DROP OWNED BY "{role}"'))
                db.session.execute(text(f'DROP ROLE "{role}"'))
