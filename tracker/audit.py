"""The append-only audit trail: record events in a keyed hash chain, anchor its head, verify both.

Each row's hash is an HMAC-SHA256, with ``TRACKER_AUDIT_KEY`` (which the database does not hold),
over its content and the previous row's hash: someone who can write to the database but does not
have the key cannot recompute the chain after an edit. The head (its id, hash and the number of
rows) is written to a checkpoint file outside the database at each publication and on
``flask audit checkpoint``, so removing the last rows is caught too.

Rows written before the chain was keyed keep their plain SHA-256 hashes: the migration that keyed
it appended a marker row (``MARKER``), the first keyed row; rows before the first marker are
checked with SHA-256, every row from it on with the key. Writers serialise on the chain's tail
(BEGIN IMMEDIATE on SQLite, an advisory transaction lock on PostgreSQL), so two concurrent events
never claim the same predecessor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import DDL, event, func, select, text
from sqlalchemy.orm import Session

from .database import utcnow
from .models import AuditEvent, User

GENESIS = "0" * 64
MARKER = "audit_chain_keyed"  # the first row hashed with the key, after rows of the plain SHA-256 chain
CHECKPOINT_FILE = "audit-checkpoint.json"
CHECKPOINT_LOG = "audit-checkpoints.log"  # every checkpoint written, one JSON line each
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
    row.row_hash = row_hash(row, key=audit_key())
    session.add(row)
    session.flush()
    return row


def audit_key() -> bytes:
    """The chain's key, from the configuration (``TRACKER_AUDIT_KEY``); never from the database."""
    return str(current_app.config["AUDIT_KEY"]).encode("utf-8")


def canonical(row: AuditEvent) -> bytes:
    """The row's content and its predecessor's hash, as canonical JSON."""
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
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def row_hash(row: AuditEvent, key: bytes | None = None, *, legacy: bool = False) -> str:
    """HMAC-SHA256 of the canonical row with the chain's key (the app's unless given); with
    ``legacy``, the plain SHA-256 of the rows written before the chain was keyed."""
    if legacy:
        return hashlib.sha256(canonical(row)).hexdigest()
    return hmac.new(key if key is not None else audit_key(), canonical(row), hashlib.sha256).hexdigest()


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str

    def __str__(self) -> str:
        return f"audit event {self.event_id}: {self.problem}"


def _keyed_from(session: Session) -> int | None:
    """The id of the first keyed row when older, unkeyed rows precede it (None: every row is keyed)."""
    return session.execute(select(func.min(AuditEvent.id)).where(AuditEvent.action == MARKER)).scalar()


def verify_chain(session: Session, key: bytes | None = None) -> Iterator[ChainBreak | int]:
    """Walk the chain in order; yields each checked id (for progress) and every break found, then
    checks the chain against the checkpoint written outside the database, if there is one."""
    key = key if key is not None else audit_key()
    keyed_from = _keyed_from(session)
    checkpoint = read_checkpoint(key)
    if isinstance(checkpoint, ChainBreak):
        yield checkpoint
        checkpoint = None
    expected_previous, at_checkpoint = GENESIS, None
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)).scalars()
    for count, row in enumerate(rows, start=1):
        if row.previous_hash != expected_previous:
            yield ChainBreak(row.id, "does not follow the event before it (a row was removed or inserted)")
        legacy = keyed_from is not None and row.id < keyed_from
        if not hmac.compare_digest(row_hash(row, key, legacy=legacy), row.row_hash):
            yield ChainBreak(row.id, "its content does not match its hash (the row was changed)")
        if checkpoint is not None and row.id == checkpoint.head_id:
            at_checkpoint = (row.row_hash, count)
        expected_previous = row.row_hash
        yield row.id
    if checkpoint is not None:
        if at_checkpoint is None:
            yield ChainBreak(
                checkpoint.head_id,
                f"the checkpoint of {checkpoint.written_at} ends here, but this event is gone "
                "(the last events were removed)",
            )
        elif at_checkpoint != (checkpoint.head_hash, checkpoint.rows):
            yield ChainBreak(
                checkpoint.head_id,
                f"the chain up to here is not the one checkpointed at {checkpoint.written_at} "
                f"({at_checkpoint[1]} events, checkpoint: {checkpoint.rows}; the chain was rewritten)",
            )


# ----------------------------------------------------------------------------- the checkpoint
@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at one moment: kept outside the database, signed with the key."""

    head_id: int
    head_hash: str
    rows: int
    written_at: str

    def mac(self, key: bytes) -> str:
        content = json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode("utf-8")
        return hmac.new(key, b"checkpoint:" + content, hashlib.sha256).hexdigest()


def checkpoint_dir() -> Path:
    return Path(current_app.config["AUDIT_CHECKPOINT_DIR"])


def write_checkpoint(session: Session) -> Checkpoint | None:
    """Write the chain's current head to the checkpoint file (atomically) and its log; None if empty."""
    head = session.execute(select(AuditEvent.id, AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if head is None:
        return None
    rows = session.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= head.id)).scalar_one()
    point = Checkpoint(head.id, head.row_hash, rows, dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    record_json = json.dumps({**asdict(point), "mac": point.mac(audit_key())}, sort_keys=True)
    folder = checkpoint_dir()
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".checkpoint.", dir=folder)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(record_json + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, folder / CHECKPOINT_FILE)
    with (folder / CHECKPOINT_LOG).open("a") as log:
        log.write(record_json + "\n")
    return point


def checkpoint_quietly(session: Session) -> None:
    """After a publication: a checkpoint that cannot be written is logged, never undoes what was done."""
    try:
        write_checkpoint(session)
    except OSError:
        current_app.logger.exception("the audit checkpoint could not be written to %s", checkpoint_dir())


def read_checkpoint(key: bytes) -> Checkpoint | ChainBreak | None:
    """The last checkpoint (None if none was written), or a break if the file was tampered with."""
    path = checkpoint_dir() / CHECKPOINT_FILE
    try:
        data = json.loads(path.read_text())
        point = Checkpoint(int(data["head_id"]), str(data["head_hash"]), int(data["rows"]), str(data["written_at"]))
        mac = str(data["mac"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return ChainBreak(0, f"the checkpoint {path} cannot be read")
    if not hmac.compare_digest(point.mac(key), mac):
        return ChainBreak(point.head_id, f"the checkpoint {path} was not written with this key (it was changed)")
    return point
