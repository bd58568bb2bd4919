"""Read-only queries for pages, exports and the API."""

from __future__ import annotations

from sqlalchemy import select, text

from .extensions import db
from .framework import Framework
from .models import FrameworkVersion

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
