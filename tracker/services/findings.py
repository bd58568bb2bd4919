"""Findings: what fires a negative indicator under method 2, recorded by the secretariat with its source.

A negative indicator rests on a documented finding (a report, a court decision, an organisation's
documented case), whoever brought it, never on a figure the government reported about itself.

A finding recorded in error, or whose source was retracted, is withdrawn with a reason, before or
after publication: it stays in the record (who, when, why), no longer fires, and the explanation of
the commitment it touched says so. In a published cycle the scores change only through the
recompute operation, whose ``score_recompute`` row records the withdrawal as its reason; the public
explanation then shows the correction beside the score.
"""

from __future__ import annotations

from sqlalchemy import select

from .. import audit
from ..audit import Actor
from ..database import utcnow, write_transaction
from ..extensions import db
from ..models import Country, Finding, ReportingCycle
from . import scores
from .errors import DomainError
from .framework import framework_of
from .reporting import NotFound, require_staff
from .sensitivity import rebuild_sensitivity


def record_finding(
    cycle_id: int,
    country_code: str,
    indicator: str,
    title: str,
    locator: str,
    brought_by: str,
    actor: Actor,
    note: str | None = None,
) -> Finding:
    """Record a sourced finding for a country and cycle, and rescore what it reaches."""
    require_staff(actor)
    title, locator, brought_by = title.strip(), locator.strip(), brought_by.strip()
    if not (title and locator and brought_by):
        raise DomainError("A finding needs its source: a title, where in it (a page or a link), and who brought it.")
    session = db.session
    with write_transaction(session):
        cycle = session.get(ReportingCycle, cycle_id)
        country = session.execute(select(Country).where(Country.code == country_code)).scalar_one_or_none()
        if cycle is None or country is None:
            raise NotFound("There is no such cycle or country.")
        method = framework_of(cycle).methodology
        negative = next((n for n in method.negative_indicators if n.id == indicator), None)
        if negative is None:
            raise DomainError("The methodology of this cycle names no such negative indicator.")
        if negative.trigger != "finding":
            raise DomainError(
                f"This cycle is scored with method {method.version}, where “{negative.label}” is triggered by "
                "a reported figure, not by findings."
            )
        finding = Finding(
            cycle_id=cycle.id,
            country_id=country.id,
            indicator=indicator,
            title=title[:300],
            locator=locator[:2000],
            brought_by=brought_by[:300],
            note=(note or "").strip() or None,
            recorded_by_id=actor.user.id,  # type: ignore[union-attr]
        )
        session.add(finding)
        session.flush()
        audit.record(
            session,
            "finding_recorded",
            actor,
            object_type="finding",
            object_id=finding.id,
            after={"cycle": cycle.name, "country": country.code, "indicator": indicator, "source": title},
        )
        scores.recompute(session, framework_of, cycle_ids=[cycle.id], country_ids={country.id})
    return finding


MAX_WITHDRAWAL_REASON = 2000


def withdraw_finding(finding_id: int, reason: str, actor: Actor) -> Finding:
    """Withdraw a finding (recorded in error, its source retracted), keeping it in the record, and
    rescore what it reached; in a published cycle the recompute records the withdrawal as its reason."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the finding is withdrawn: the explanation of the score will show it.")
    if len(reason) > MAX_WITHDRAWAL_REASON:
        raise DomainError(f"The reason may be at most {MAX_WITHDRAWAL_REASON} characters.")
    session = db.session
    with write_transaction(session):
        finding = session.get(Finding, finding_id)
        if finding is None:
            raise NotFound("There is no such finding.")
        if finding.withdrawn_at is not None:
            raise DomainError("This finding is already withdrawn.")
        cycle, country = finding.cycle, finding.country
        finding.withdrawn_at = utcnow()
        finding.withdrawn_by_id = actor.user.id  # type: ignore[union-attr]
        finding.withdrawal_reason = reason
        session.flush()
        audit.record(
            session,
            "finding_withdrawn",
            actor,
            object_type="finding",
            object_id=finding.id,
            before={"cycle": cycle.name, "country": country.code, "indicator": finding.indicator},
            after={"withdrawn": True, "published": cycle.published_at is not None},
            reason=reason,
        )
        scores.recompute(
            session,
            framework_of,
            cycle_ids=[cycle.id],
            country_ids={country.id},
            reason=f"finding {finding.id} withdrawn: {reason}",
        )
        if cycle.is_published:  # the open data's sensitivity table follows the corrected scores
            rebuild_sensitivity(session, framework_of, cycle)
    return finding
