"""The append-only audit trail: record events in a hash chain, and verify the chain.

Each row's hash covers its content and the previous row's hash. Writers serialise on the chain's
tail (BEGIN IMMEDIATE on SQLite, an advisory transaction lock on PostgreSQL), so two concurrent
events never claim the same predecessor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DDL, event, select, text
from sqlalchemy.orm import Session

from .database import utcnow
from .models import AuditEvent, User

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 7_100_2002  # any constant: "the audit chain's tail"

# The database itself refuses to change or remove an audit row. The same statements are in the
# migration; these make ``create_all`` (the test suite) build the same guard.
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
        "REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC",
    ],
}

for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _statement in _statements:
        event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))


@dataclass(frozen=True)
class Actor:
    """Who did something, from where; ``user`` is None for the command line and for anonymous visitors."""

    user: User | None = None
    remote_addr: str | None = None
    email: str | None = None  # for anonymous events about an account, e.g. a failed login

    @property
    def label(self) -> str:
        return self.user.email if self.user else (self.email or "system")


def record(
    session: Session,
    action: str,
    actor: Actor,
    *,
    object_type: str | None = None,
    object_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event; call inside ``write_transaction`` so it commits with the change it records."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    previous = session.execute(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    row = AuditEvent(
        occurred_at=utcnow(),
        action=action,
        actor_id=actor.user.id if actor.user else None,
        actor_email=actor.user.email if actor.user else actor.email,
        actor_role=actor.user.role.value if actor.user else None,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=before,
        after=after,
        reason=reason,
        remote_addr=actor.remote_addr,
        previous_hash=previous or GENESIS,
    )
    row.row_hash = row_hash(row)
    session.add(row)
    session.flush()
    return row


def row_hash(row: AuditEvent) -> str:
    """SHA-256 over the previous hash and the row's content, in a canonical JSON form."""
    content = {
        "occurred_at": _instant(row.occurred_at),
        "action": row.action,
        "actor_id": row.actor_id,
        "actor_email": row.actor_email,
        "actor_role": row.actor_role,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "before": row.before,
        "after": row.after,
        "reason": row.reason,
        "remote_addr": row.remote_addr,
        "previous_hash": row.previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str

    def __str__(self) -> str:
        return f"audit event {self.event_id}: {self.problem}"


def verify_chain(session: Session) -> Iterator[ChainBreak | int]:
    """Walk the chain in order; yields each checked id (for progress) and every break found."""
    expected_previous = GENESIS
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)).scalars()
    for row in rows:
        if row.previous_hash != expected_previous:
            yield ChainBreak(row.id, "does not follow the event before it (a row was removed or inserted)")
        if row_hash(row) != row.row_hash:
            yield ChainBreak(row.id, "its content does not match its hash (the row was changed)")
        expected_previous = row.row_hash
        yield row.id
