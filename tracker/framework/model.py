"""The loaded framework: every instrument, focus area, country and the methodology, frozen."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass as plain_dataclass
from functools import cached_property
from typing import Any

from pydantic import TypeAdapter
from pydantic.dataclasses import dataclass

from .codes import fictional
from .schema import (
    STRICT,
    Commitment,
    Country,
    Crosswalk,
    FocusArea,
    HistoricalSignatory,
    Instrument,
    Methodology,
    Signature,
    Statistics,
)

#: An area score resting on fewer commitments than this is marked, in versions that do not say.
DEFAULT_MINIMUM_AREA_COMMITMENTS = 3


@plain_dataclass(frozen=True)
class Binding:
    """A signature as it binds one of today's countries: its own, inherited from a predecessor, or
    given by an administration that signed for it (``through`` names that signatory)."""

    country: Country
    signature: Signature
    through: HistoricalSignatory | None = None

    @property
    def how(self) -> str:
        if self.through is None:
            return "own"
        return "for" if self.country.code in self.through.acts_for else "inherited"

    @property
    def signed_as(self) -> str:
        """The signatory as the source names it."""
        if self.through is not None:
            return self.signature.signed_as or self.through.name
        return self.signature.signed_as or self.country.name


@dataclass(frozen=True, kw_only=True, config=STRICT)
class Framework:
    """One version of the framework, identified by the hash of its canonical content."""

    focus_areas: tuple[FocusArea, ...]
    instruments: tuple[Instrument, ...]
    countries: tuple[Country, ...]
    methodology: Methodology
    # None in versions stored before the statistics section existed: their cycles ask for none
    statistics: Statistics | None = None
    # empty / None in versions stored before historical signatories and the crosswalk note existed
    historical_signatories: tuple[HistoricalSignatory, ...] = ()
    crosswalk: Crosswalk | None = None

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
        """The crosswalk read by column: the commitments that count towards each focus area (their
        primary area only, so that no commitment counts twice in an area mean)."""
        return {
            area.id: tuple(c for c in self.commitments if area.id in c.aggregation_areas) for area in self.focus_areas
        }

    @cached_property
    def secondary_commitments_by_focus_area(self) -> dict[str, tuple[Commitment, ...]]:
        """Commitments linked to an area without counting in its score."""
        return {
            area.id: tuple(
                c for c in self.commitments if area.id in c.focus_areas and area.id not in c.aggregation_areas
            )
            for area in self.focus_areas
        }

    @property
    def minimum_area_commitments(self) -> int:
        return self.crosswalk.minimum_commitments if self.crosswalk else DEFAULT_MINIMUM_AREA_COMMITMENTS

    @cached_property
    def bindings(self) -> dict[str, tuple[Binding, ...]]:
        """Per country code, every signature that binds the country: its own, those it inherited from
        the states it succeeded, and those an administration gave for it."""
        by_id = {h.id: h for h in self.historical_signatories}
        found: dict[str, list[Binding]] = {
            c.code: [Binding(country=c, signature=s) for s in c.signatures] for c in self.countries
        }

        def heirs(entity: HistoricalSignatory, seen: frozenset[str]) -> set[str]:
            codes = set(entity.acts_for)
            for successor in entity.successors:
                if successor in by_id and successor not in seen:
                    codes |= heirs(by_id[successor], seen | {successor})
                elif successor not in by_id:
                    codes.add(successor)
            return codes

        for entity in self.historical_signatories:
            for code in sorted(heirs(entity, frozenset({entity.id}))):
                if code in found:
                    found[code].extend(
                        Binding(country=self._countries_by_code[code], signature=s, through=entity)
                        for s in entity.signatures
                    )
        return {code: tuple(items) for code, items in found.items()}

    def signatories(self, instrument_id: str) -> tuple[tuple[Country | HistoricalSignatory, Signature], ...]:
        """Every entity recorded as signing (or taking part in) an instrument, with its signature:
        today's countries and historical signatories, as recorded."""
        own = [(c, s) for c in self.countries for s in c.signatures if s.instrument == instrument_id]
        historical = [
            (h, s) for h in self.historical_signatories for s in h.signatures if s.instrument == instrument_id
        ]
        return tuple(own + historical)

    def bound_countries(self, instrument_id: str) -> tuple[Binding, ...]:
        """Today's countries an instrument binds, each through the signature that binds it first."""
        rows = []
        for country in self.countries:
            found = [b for b in self.bindings.get(country.code, ()) if b.signature.instrument == instrument_id]
            if found:
                rows.append(min(found, key=lambda b: (b.signature.signed_on, b.how != "own")))
        return tuple(rows)

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
        signed = {
            b.signature.instrument for b in self.bindings.get(code, ()) if on is None or b.signature.signed_on <= on
        }
        return tuple(i for i in self.instruments if i.id in signed)

    def country_label(self, code: str, on: dt.date | None) -> str:
        """The country as it was named on ``on``, with today's name beside it; the code when unknown."""
        country = self._countries_by_code.get(code)
        return country.label_on(on) if country else code

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
        when the breakdown is by country, then the listed categories.

        A framework with fictional countries (a demonstration's) lists only those: a count of invented
        victims from or to a real country, even a zero, would be a claim about it."""
        assert self.statistics is not None
        breakdown = self.statistics.breakdown(breakdown_id)
        countries = tuple((c.code, c.name) for c in self.countries) if breakdown.countries else ()
        if any(fictional(code) for code, _ in countries):
            countries = tuple((code, name) for code, name in countries if fictional(code))
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
