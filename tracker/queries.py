"""Read-only queries for pages, exports and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from .extensions import db
from .framework import Framework
from .models import AuditEvent, Country, FrameworkVersion, User

# Framework objects rebuilt from stored documents, by content hash. A version's content never
# changes, so an entry never goes stale; the number of versions is small.
_framework_cache: dict[str, Framework] = {}


def current_framework() -> Framework | None:
    """The current framework version, rebuilt once per process and then served from memory."""
    row = db.session.execute(
        select(FrameworkVersion.id, FrameworkVersion.content_hash).where(FrameworkVersion.is_current.is_(True))
    ).first()
    if row is None:
        return None
    return framework_by_hash(row.content_hash)


def framework_by_hash(content_hash: str) -> Framework | None:
    if content_hash not in _framework_cache:
        document = db.session.execute(
            select(FrameworkVersion.document).where(FrameworkVersion.content_hash == content_hash)
        ).scalar_one_or_none()
        if document is None:
            return None
        _framework_cache[content_hash] = Framework.from_document(document)
    return _framework_cache[content_hash]


def current_version() -> FrameworkVersion | None:
    return db.session.execute(
        select(FrameworkVersion).where(FrameworkVersion.is_current.is_(True))
    ).scalar_one_or_none()


def database_answers() -> bool:
    """True when the database runs a trivial query."""
    return db.session.execute(text("SELECT 1")).scalar() == 1


def countries() -> list[Country]:
    return list(db.session.execute(select(Country).order_by(Country.name)).scalars())


def users() -> list[User]:
    """Every account with its country, in one query."""
    return list(
        db.session.execute(select(User).options(joinedload(User.country)).order_by(User.role, User.email)).scalars()
    )


def audit_actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars())


@dataclass(frozen=True)
class Page:
    items: list[AuditEvent]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


AUDIT_PAGE_SIZE = 50


def audit_events(
    *,
    action: str | None = None,
    actor: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: int = 1,
) -> Page:
    """The newest events first, filtered; one page at a time (one query)."""
    statement = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        statement = statement.where(AuditEvent.action == action)
    if actor:
        statement = statement.where(AuditEvent.actor_email.contains(actor.lower(), autoescape=True))
    if since:
        statement = statement.where(AuditEvent.occurred_at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until:
        statement = statement.where(
            AuditEvent.occurred_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    rows = list(db.session.execute(statement.offset((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE + 1)).scalars())
    return Page(rows[:AUDIT_PAGE_SIZE], page, len(rows) > AUDIT_PAGE_SIZE)
