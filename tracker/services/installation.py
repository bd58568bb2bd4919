"""The installation's own facts: whether it holds demonstration data (``models.Installation``)."""

from __future__ import annotations

from .. import audit
from ..audit import Actor
from ..database import utcnow, write_transaction
from ..extensions import db
from ..models import Installation


def mark_demonstration_data(actor: Actor) -> None:
    """Record, with the data, that this installation holds demonstration data; audited once.

    ``flask demo seed`` calls it before writing the first demonstration row: a seed that fails half-way
    leaves demonstration rows behind, and they are flagged too.
    """
    session = db.session
    with write_transaction(session):
        row = session.get(Installation, 1)
        if row is not None and row.demonstration:
            return
        if row is None:
            row = Installation(id=1)
            session.add(row)
        row.demonstration = True
        row.demonstration_since = utcnow()
        session.flush()
        audit.record(session, "demonstration_data_marked", actor, object_type="installation", object_id=1)
