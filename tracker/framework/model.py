"""The loaded framework: every instrument, focus area, country and the methodology, frozen."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import cached_property
from typing import Any

from pydantic import TypeAdapter
from pydantic.dataclasses import dataclass

from .schema import (
    STRICT,
    Commitment,
    Country,
    FocusArea,
    Instrument,
    Methodology,
    Signature,
    Statistics,
)


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Framework:
    """One version of the framework, identified by the hash of its canonical content."""

    focus_areas: tuple[FocusArea, ...]
    instruments: tuple[Instrument, ...]
    countries: tuple[Country, ...]
    methodology: Methodology
    # None in versions stored before the statistics section existed: their cycles ask for none
    statistics: Statistics | None = None

    # -- identity -------------------------------------------------------------------------
    def to_document(self) -> dict[str, Any]:
        """Plain JSON-ready content; ``from_document`` turns it back into an equal Framework."""
        return _ADAPTER.dump_python(self, mode="json", by_alias=True)

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Framework:
        return _ADAPTER.validate_python(document)

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON: comments and layout of the YAML do not make a new version."""
        canonical = json.dumps(self.to_document(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    # -- lookups --------------------------------------------------------------------------
    @cached_property
    def commitments(self) -> tuple[Commitment, ...]:
        return tuple(c for instrument in self.instruments for c in instrument.commitments)

    @cached_property
    def instrument_of(self) -> dict[str, Instrument]:
        """The instrument each commitment id belongs to."""
        return {c.id: instrument for instrument in self.instruments for c in instrument.commitments}

    @cached_property
    def commitments_by_focus_area(self) -> dict[str, tuple[Commitment, ...]]:
        """The crosswalk read by column: the commitments that count towards each focus area."""
        return {area.id: tuple(c for c in self.commitments if area.id in c.focus_areas) for area in self.focus_areas}

    def signatories(self, instrument_id: str) -> tuple[tuple[Country, Signature], ...]:
        """Every country that signed (or takes part in) an instrument, with its signature."""
        return tuple(
            (country, signature)
            for country in self.countries
            for signature in country.signatures
            if signature.instrument == instrument_id
        )

    def instrument(self, instrument_id: str) -> Instrument:
        return self._instruments_by_id[instrument_id]

    def commitment(self, commitment_id: str) -> Commitment:
        return self._commitments_by_id[commitment_id]

    def focus_area(self, focus_area_id: str) -> FocusArea:
        return self._focus_areas_by_id[focus_area_id]

    def country(self, code: str) -> Country:
        return self._countries_by_code[code]

    def signed_instruments(self, code: str, on: dt.date | None = None) -> tuple[Instrument, ...]:
        """Instruments a country had signed (or took part in) by ``on`` (any date when None); none for a
        country the framework does not name."""
        country = self._countries_by_code.get(code)
        if country is None:
            return ()
        signed = {s.instrument for s in country.signatures if on is None or s.signed_on <= on}
        return tuple(i for i in self.instruments if i.id in signed)

    def applicable_commitments(self, code: str, on: dt.date | None = None) -> tuple[Commitment, ...]:
        """The commitments a country is answerable for: those of the instruments it signed."""
        return tuple(c for i in self.signed_instruments(code, on) for c in i.commitments)

    def members(self, level: str, subject: str) -> tuple[Commitment, ...]:
        """The commitments a score at ``level`` for ``subject`` is made of (scoring levels: overall,
        instrument, focus-area, commitment); none for an unknown subject."""
        if level == "commitment":
            found = self._commitments_by_id.get(subject)
            return (found,) if found else ()
        if level == "focus-area":
            return self.commitments_by_focus_area.get(subject, ())
        if level == "instrument":
            instrument = self._instruments_by_id.get(subject)
            return instrument.commitments if instrument else ()
        return self.commitments

    def subject_name(self, level: str, subject: str) -> str:
        """How a page names the subject of a score."""
        if level == "focus-area":
            return self.focus_area(subject).name
        if level == "instrument":
            return self.instrument(subject).title
        if level == "commitment":
            return f"{subject} {self.commitment(subject).title}"
        return "Overall"

    def statistic_categories(self, breakdown_id: str) -> tuple[tuple[str, str], ...]:
        """(id, label) of every category of a statistics breakdown: the countries first (by code)
        when the breakdown is by country, then the listed categories."""
        assert self.statistics is not None
        breakdown = self.statistics.breakdown(breakdown_id)
        countries = tuple((c.code, c.name) for c in self.countries) if breakdown.countries else ()
        return countries + tuple((c.id, c.label) for c in breakdown.categories)

    @cached_property
    def _instruments_by_id(self) -> dict[str, Instrument]:
        return {i.id: i for i in self.instruments}

    @cached_property
    def _commitments_by_id(self) -> dict[str, Commitment]:
        return {c.id: c for c in self.commitments}

    @cached_property
    def _focus_areas_by_id(self) -> dict[str, FocusArea]:
        return {f.id: f for f in self.focus_areas}

    @cached_property
    def _countries_by_code(self) -> dict[str, Country]:
        return {c.code: c for c in self.countries}


_ADAPTER = TypeAdapter(Framework)
