"""Storing a validated framework as a version, and finding the version a cycle pinned."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, select, update

from .. import audit
from ..audit import Actor
from ..database import write_transaction
from ..extensions import db
from ..framework import Framework
from ..framework.schema import parse_partial_date
from ..models import (
    Commitment,
    Country,
    FocusArea,
    FrameworkVersion,
    Instrument,
    InstrumentKind,
    ReportingCycle,
    Signature,
    SignatureBasis,
)
from ..queries import framework_by_hash

_VERSION_HASHES = "tracker.framework_version_hashes"  # Session.info: version id -> content hash


def framework_of(cycle: ReportingCycle) -> Framework:
    """The framework version the cycle pinned, whatever is current now.

    Needs only the version's content hash: from the cycle's version if it was loaded with it (see
    ``queries.cycle``), else from one small query per version and database session (a version's
    content never changes), never from its large JSON document. The Framework itself is rebuilt
    once per process and content hash (``queries.framework_by_hash``).
    """
    if "framework_version" not in inspect(cycle).unloaded:
        content_hash = cycle.framework_version.content_hash
    else:
        hashes: dict[int, str] = db.session.info.setdefault(_VERSION_HASHES, {})
        if cycle.framework_version_id not in hashes:
            hashes[cycle.framework_version_id] = db.session.execute(
                select(FrameworkVersion.content_hash).where(FrameworkVersion.id == cycle.framework_version_id)
            ).scalar_one()  # a cycle's version is never deleted (RESTRICT)
        content_hash = hashes[cycle.framework_version_id]
    framework = framework_by_hash(content_hash)
    assert framework is not None
    return framework


@dataclass(frozen=True)
class FrameworkLoadResult:
    version_id: int
    content_hash: str
    created: bool  # a new version was stored
    made_current: bool  # the current version changed


def store_framework(framework: Framework, source: str, actor: Actor | None = None) -> FrameworkLoadResult:
    """Store a validated framework as the current version; the same content twice changes nothing."""
    session = db.session
    with write_transaction(session):
        version = session.execute(
            select(FrameworkVersion).where(FrameworkVersion.content_hash == framework.content_hash)
        ).scalar_one_or_none()
        created = version is None
        if version is None:
            version = _insert_version(framework, source)
        made_current = not version.is_current
        if made_current:
            session.execute(
                update(FrameworkVersion).where(FrameworkVersion.is_current.is_(True)).values(is_current=False)
            )
            session.flush()
            version.is_current = True
            _sync_country_names(framework)
            audit.record(
                session,
                "framework_loaded" if created else "framework_reactivated",
                actor or Actor(),
                object_type="framework_version",
                object_id=version.content_hash[:12],
                after={"source": source, "commitments": len(framework.commitments)},
            )
        session.flush()
        result = FrameworkLoadResult(version.id, version.content_hash, created, made_current)
    return result


def _insert_version(framework: Framework, source: str) -> FrameworkVersion:
    session = db.session
    version = FrameworkVersion(
        content_hash=framework.content_hash, document=framework.to_document(), source=source[:500]
    )
    session.add(version)
    focus_rows = {
        area.id: FocusArea(code=area.id, name=area.name, position=position)
        for position, area in enumerate(framework.focus_areas)
    }
    version.focus_areas.extend(focus_rows.values())
    instrument_rows: dict[str, Instrument] = {}
    for position, instrument in enumerate(framework.instruments):
        row = Instrument(
            code=instrument.id,
            title=instrument.title,
            short_title=instrument.short_title,
            kind=InstrumentKind(instrument.kind),
            adopted=instrument.adopted or "",  # empty when the date is not established
            position=position,
        )
        instrument_rows[instrument.id] = row
        version.instruments.append(row)
        for number, commitment in enumerate(instrument.commitments):
            row.commitments.append(
                Commitment(
                    version=version,
                    code=commitment.id,
                    title=commitment.title,
                    text=commitment.text,
                    passage=commitment.passage,
                    weight=commitment.weight,
                    position=number,
                    focus_areas=[focus_rows[f] for f in commitment.focus_areas],
                )
            )
    countries = _countries_by_code(framework)
    # what binds each country, its own signatures and those inherited or given for it alike
    for instrument in framework.instruments:
        for binding in framework.bound_countries(instrument.id):
            signature = binding.signature
            version.signatures.append(
                Signature(
                    country=countries[binding.country.code],
                    instrument=instrument_rows[signature.instrument],
                    signed=signature.date,
                    signed_on=parse_partial_date(signature.date),
                    basis=SignatureBasis(signature.basis),
                )
            )
    return version


def _countries_by_code(framework: Framework) -> dict[str, Country]:
    """Country rows for every country of the framework, created where missing."""
    session = db.session
    existing = {c.code: c for c in session.execute(select(Country)).scalars()}
    for country in framework.countries:
        if country.code not in existing:
            existing[country.code] = Country(code=country.code, name=country.name)
            session.add(existing[country.code])
    return existing


def _sync_country_names(framework: Framework) -> None:
    """Today's names follow the current framework version."""
    rows = _countries_by_code(framework)
    for country in framework.countries:
        if rows[country.code].name != country.name:
            rows[country.code].name = country.name
