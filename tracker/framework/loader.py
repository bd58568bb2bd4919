"""Load the framework directory: every file checked, every problem reported, nothing half-loaded.

The directory holds ``focus_areas.yaml``, ``countries.yaml``, ``methodology.yaml``,
``statistics.yaml`` and one file per instrument under ``instruments/``. Each file is read as text
(``textyaml``), validated against its schema, then the files are checked against each other (ids,
references, ranges). Problems of all files are gathered so that one run shows everything to fix.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .codes import fictional
from .model import Framework
from .schema import (
    PATTERN_MEANINGS,
    CountriesFile,
    Country,
    FocusAreasFile,
    HistoricalSignatory,
    Instrument,
    InstrumentFile,
    MethodologyFile,
    OverlayFile,
    Signature,
    StatisticsFile,
    parse_partial_date,
)
from .textyaml import Location, Problem, TextDocument, read_text_yaml

FIXED_FILES = {
    "focus_areas.yaml": FocusAreasFile,
    "countries.yaml": CountriesFile,
    "methodology.yaml": MethodologyFile,
    "statistics.yaml": StatisticsFile,
}
INSTRUMENTS_DIR = "instruments"
MAX_INSTRUMENT_FILES = 50


class FrameworkError(Exception):
    """The framework files have problems; ``problems`` lists every one, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_framework(directory: str | os.PathLike[str], overlay: str | os.PathLike[str] | None = None) -> Framework:
    """Validate the whole directory and return the Framework, or raise FrameworkError.

    ``overlay`` names a file of fictional countries (the demonstration's) that join the framework's
    countries: validated as strictly, with codes from the user-assigned range only, so no overlay can
    add to or change a real country.
    """
    loader = _Loader(Path(directory), Path(overlay) if overlay else None)
    framework = loader.run()
    if loader.problems or framework is None:
        raise FrameworkError(loader.problems)
    return framework


def validate_framework(directory: str | os.PathLike[str]) -> list[Problem]:
    """Every problem in the directory; an empty list means it loads."""
    try:
        load_framework(directory)
    except FrameworkError as error:
        return error.problems
    return []


def _display(path: Path) -> str:
    """A path as the person typed it, relative to where they stand when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _Loader:
    def __init__(self, directory: Path, overlay: Path | None = None):
        self.directory = directory
        self.overlay = overlay
        self.problems: list[Problem] = []
        self.documents: dict[str, TextDocument] = {}

    # -- reading --------------------------------------------------------------------------
    def run(self) -> Framework | None:
        shown_dir = _display(self.directory)
        if not self.directory.is_dir():
            self.problems.append(Problem(shown_dir, 1, 1, "", "not a directory"))
            return None
        parsed: dict[str, Any] = {}
        for name, schema in FIXED_FILES.items():
            parsed[name] = self._read(self.directory / name, schema)
        instruments = []
        for path in self._instrument_paths():
            instrument_file = self._read(path, InstrumentFile)
            if instrument_file is not None:
                instruments.append((path, instrument_file.instrument))
        self._refuse_strangers()
        if self.problems or any(value is None for value in parsed.values()):
            return None
        if not instruments:
            self.problems.append(
                Problem(_display(self.directory / INSTRUMENTS_DIR), 1, 1, "", "no instrument files (*.yaml)")
            )
            return None
        # instruments in the order they were adopted: Palermo 2000, the 2001 plan, Tirana 2002
        # (an instrument whose date is not established comes last)
        instruments.sort(key=lambda pair: (pair[1].adopted_on or dt.date.max, pair[1].id))
        framework = Framework(
            focus_areas=parsed["focus_areas.yaml"].focus_areas,
            crosswalk=parsed["focus_areas.yaml"].crosswalk,
            instruments=tuple(instrument for _, instrument in instruments),
            countries=parsed["countries.yaml"].countries,
            historical_signatories=parsed["countries.yaml"].historical_signatories,
            methodology=parsed["methodology.yaml"].methodology,
            statistics=parsed["statistics.yaml"].statistics,
        )
        self._check_references(framework, [path for path, _ in instruments])
        if self.problems or self.overlay is None:
            return None if self.problems else framework
        return self._with_overlay(framework, self.overlay)

    def _with_overlay(self, framework: Framework, path: Path) -> Framework | None:
        overlay = self._read(path, OverlayFile)
        if overlay is None:
            return None
        real = {country.code for country in framework.countries} | {h.id for h in framework.historical_signatories}
        for n, country in enumerate(overlay.countries):
            if not fictional(country.code):
                self._report(
                    path,
                    ("countries", n, "code"),
                    f"{country.code!r} is not a user-assigned code (AA, QM-QZ, XA-XZ except XK, ZZ): "
                    "a fictional country never takes a real country's code",
                )
            elif country.code in real:
                self._report(path, ("countries", n, "code"), f"{country.code!r} is already a country of the framework")
        self._check_countries(path, framework, overlay.countries)
        if self.problems:
            return None
        return dataclasses.replace(framework, countries=framework.countries + overlay.countries)

    def _instrument_paths(self) -> list[Path]:
        folder = self.directory / INSTRUMENTS_DIR
        if not folder.is_dir():
            self.problems.append(Problem(_display(folder), 1, 1, "", "missing folder of instrument files"))
            return []
        paths = sorted(folder.glob("*.yaml"))
        if len(paths) > MAX_INSTRUMENT_FILES:
            self.problems.append(
                Problem(_display(folder), 1, 1, "", f"{len(paths)} files, over the limit of {MAX_INSTRUMENT_FILES}")
            )
            return []
        return paths

    def _refuse_strangers(self) -> None:
        """A YAML file that is not part of the framework is a mistake (a typo'd name, a .yml)."""
        known = set(FIXED_FILES)
        for path in sorted(self.directory.rglob("*")):
            relative = path.relative_to(self.directory)
            if path.suffix not in {".yaml", ".yml"}:
                continue
            expected = (
                relative.parts[0] == INSTRUMENTS_DIR and len(relative.parts) == 2 and path.suffix == ".yaml"
            ) or (len(relative.parts) == 1 and relative.name in known)
            if not expected:
                self.problems.append(
                    Problem(
                        _display(path),
                        1,
                        1,
                        "",
                        f"not a framework file (expected {', '.join(sorted(known))} or {INSTRUMENTS_DIR}/*.yaml)",
                    )
                )

    def _read(self, path: Path, schema: type) -> Any:
        shown = _display(path)
        if not path.is_file():
            self.problems.append(Problem(shown, 1, 1, "", "missing file"))
            return None
        document, problems = read_text_yaml(path, shown)
        self.problems.extend(problems)
        if problems:
            return None
        self.documents[shown] = document
        try:
            return TypeAdapter(schema).validate_python(document.data)
        except ValidationError as error:
            self.problems.extend(_schema_problems(error, document, schema))
            return None

    # -- cross-checks ---------------------------------------------------------------------
    def _report(self, path: Path, location: Location, message: str) -> None:
        self.problems.append(self.documents[_display(path)].problem(location, message))

    def _unique(self, path: Path, items: Iterable[tuple[Location, str]], what: str) -> None:
        seen: dict[str, Location] = {}
        for location, value in items:
            if value in seen:
                first_line = self.documents[_display(path)].position(seen[value])[0]
                self._report(path, location, f"duplicate {what} {value!r} (first on line {first_line})")
            else:
                seen[value] = location

    def _check_references(self, framework: Framework, instrument_paths: list[Path]) -> None:
        directory = self.directory
        focus_path, countries_path, method_path, statistics_path = (directory / name for name in FIXED_FILES)
        methodology = framework.methodology
        focus_ids = {f.id for f in framework.focus_areas}
        indicator_ids = {i.id for i in methodology.indicators}
        level_ids = [level.id for level in methodology.status_levels]
        band_ids = {band.id for band in methodology.rating_bands}

        self._unique(
            focus_path, ((("focus_areas", n, "id"), f.id) for n, f in enumerate(framework.focus_areas)), "focus area id"
        )

        # instruments and their commitments; commitment ids are unique across all instruments
        commitment_places: list[tuple[Path, Location, str]] = []
        instrument_places: dict[str, Path] = {}
        for path, instrument in zip(instrument_paths, framework.instruments, strict=True):
            if instrument.id != path.stem:
                self._report(
                    path,
                    ("instrument", "id"),
                    f"instrument id {instrument.id!r} must equal the file name {path.stem!r}",
                )
            instrument_places[instrument.id] = path
            self._check_instrument_dates(path, instrument)
            for n, commitment in enumerate(instrument.commitments):
                here = ("instrument", "commitments", n)
                commitment_places.append((path, (*here, "id"), commitment.id))
                if commitment.primary_focus_area is None:
                    self._report(path, (*here, "primary_focus_area"), "required field is missing")
                elif commitment.primary_focus_area not in commitment.focus_areas:
                    self._report(
                        path,
                        (*here, "primary_focus_area"),
                        f"primary focus area {commitment.primary_focus_area!r} is not among the commitment's "
                        "focus_areas",
                    )
                for k, focus in enumerate(commitment.focus_areas):
                    if focus not in focus_ids:
                        self._report(path, (*here, "focus_areas", k), f"unknown focus area {focus!r}")
                for k, indicator in enumerate(commitment.indicators):
                    if indicator not in indicator_ids:
                        self._report(path, (*here, "indicators", k), f"unknown indicator {indicator!r}")
                if not methodology.weights.min <= commitment.weight <= methodology.weights.max:
                    self._report(
                        path,
                        (*here, "weight"),
                        f"weight {commitment.weight} is outside the methodology's range "
                        f"{methodology.weights.min}–{methodology.weights.max}",
                    )
                self._unique_within(path, here, "focus_areas", commitment.focus_areas, "focus area")
                self._unique_within(path, here, "indicators", commitment.indicators, "indicator")
        seen: dict[str, tuple[Path, Location]] = {}
        for path, location, commitment_id in commitment_places:
            if commitment_id in seen:
                first_path, first_location = seen[commitment_id]
                line = self.documents[_display(first_path)].position(first_location)[0]
                self._report(
                    path,
                    location,
                    f"duplicate commitment id {commitment_id!r} (first in {_display(first_path)}:{line})",
                )
            else:
                seen[commitment_id] = (path, location)

        # countries and what they signed
        self._check_countries(countries_path, framework, framework.countries, framework.historical_signatories)

        # methodology: its own ids, order and references
        for key, items in (
            ("status_levels", methodology.status_levels),
            ("rating_bands", methodology.rating_bands),
            ("indicators", methodology.indicators),
            ("negative_indicators", methodology.negative_indicators),
            ("exclusions", methodology.exclusions),
        ):
            self._unique(
                method_path,
                ((("methodology", key, n, "id"), item.id) for n, item in enumerate(items)),
                f"{key[:-1].replace('_', ' ')} id",
            )
        counting = [(n, level) for n, level in enumerate(methodology.status_levels) if level.counts]
        for (_, before), (n, level) in zip(counting, counting[1:], strict=False):
            if level.points <= before.points:
                self._report(
                    method_path,
                    ("methodology", "status_levels", n, "points"),
                    "points must rise from one counting status level to the next",
                )
        for n, level in enumerate(methodology.status_levels):
            if not level.counts and level.points != 0:
                self._report(
                    method_path,
                    ("methodology", "status_levels", n, "points"),
                    "a status level that does not count earns 0 points",
                )
        kind_ids = [k.id for k in methodology.evidence.kinds]
        self._unique(
            method_path,
            ((("methodology", "evidence", "kinds", n, "id"), k) for n, k in enumerate(kind_ids)),
            "evidence kind id",
        )
        for n, requirement in enumerate(methodology.evidence.requirements):
            here = ("methodology", "evidence", "requirements", n)
            if requirement.level not in level_ids:
                self._report(method_path, (*here, "level"), f"unknown status level {requirement.level!r}")
            for k, kind in enumerate(requirement.kinds):
                if kind not in kind_ids:
                    self._report(method_path, (*here, "kinds", k), f"unknown evidence kind {kind!r}")
        for field in ("required_above", "cap_without_evidence"):
            value = getattr(methodology.evidence, field)
            if value not in level_ids:
                self._report(method_path, ("methodology", "evidence", field), f"unknown status level {value!r}")
        if methodology.weights.min > methodology.weights.max:
            self._report(method_path, ("methodology", "weights", "max"), "max must not be below min")
        bands = methodology.rating_bands
        if bands[0].min != 0:
            self._report(
                method_path, ("methodology", "rating_bands", 0, "min"), "the first rating band must start at 0"
            )
        for n in range(1, len(bands)):
            if bands[n].min <= bands[n - 1].min:
                self._report(method_path, ("methodology", "rating_bands", n, "min"), "rating bands must rise strictly")
        commitment_ids = {c.id for c in framework.commitments}
        for n, negative in enumerate(methodology.negative_indicators):
            here = ("methodology", "negative_indicators", n)
            if negative.commitment not in commitment_ids:
                self._report(method_path, (*here, "commitment"), f"unknown commitment {negative.commitment!r}")
            elif negative.indicator not in framework.commitment(negative.commitment).indicators:
                self._report(
                    method_path,
                    (*here, "indicator"),
                    f"{negative.commitment} does not ask for the figure {negative.indicator!r}",
                )
            if negative.rating_cap not in band_ids:
                self._report(method_path, (*here, "rating_cap"), f"unknown rating band {negative.rating_cap!r}")
        self._check_statistics(framework, statistics_path)

    def _check_instrument_dates(self, path: Path, instrument: Instrument) -> None:
        """A date is given unless it is not established; an uncertain date says why."""
        if instrument.date_status == "not-established":
            if instrument.adopted is not None:
                self._report(
                    path, ("instrument", "adopted"), "a date whose date_status is not-established must be left out"
                )
        elif instrument.adopted is None:
            self._report(
                path,
                ("instrument", "date_status"),
                f"a date that is {instrument.date_status} needs adopted: leave it out only when not-established",
            )
        if instrument.date_status != "established" and instrument.date_note is None:
            self._report(
                path, ("instrument", "date_status"), "an uncertain or unknown date needs a date_note saying why"
            )

    def _check_countries(
        self,
        countries_path: Path,
        framework: Framework,
        countries: tuple[Country, ...],
        historical: tuple[HistoricalSignatory, ...] = (),
    ) -> None:
        """Codes unique, signatures of known instruments that fit them, former names in order."""
        instrument_places = {instrument.id for instrument in framework.instruments}
        self._unique(
            countries_path,
            ((("countries", n, "code"), c.code) for n, c in enumerate(countries)),
            "country code",
        )
        signers = [(("countries", n), c.signatures) for n, c in enumerate(countries)] + [
            (("historical_signatories", n), h.signatures) for n, h in enumerate(historical)
        ]
        for here, signatures in signers:
            self._unique(
                countries_path,
                (((*here, "signatures", k, "instrument"), s.instrument) for k, s in enumerate(signatures)),
                "signature of instrument",
            )
            for k, signature in enumerate(signatures):
                if signature.instrument not in instrument_places:
                    self._report(
                        countries_path,
                        (*here, "signatures", k, "instrument"),
                        f"unknown instrument {signature.instrument!r}",
                    )
                    continue
                self._check_signature(countries_path, (*here, "signatures", k), signature, framework)
        if historical:
            self._check_historical_signatories(framework, countries_path)
        for n, country in enumerate(countries):
            here = ("countries", n)
            for k, former in enumerate(country.names):
                if former.from_ and parse_partial_date(former.from_) >= parse_partial_date(former.until):
                    self._report(
                        countries_path,
                        (*here, "names", k, "until"),
                        f"'until' ({former.until}) must come after 'from' ({former.from_})",
                    )

    def _check_signature(self, path: Path, here: Location, signature: Signature, framework: Framework) -> None:
        """A signature fits what the instrument says of its signatories, and comes after its adoption."""
        instrument = framework.instrument(signature.instrument)
        status = instrument.signatories.status
        if status == "not-established":
            self._report(
                path,
                (*here, "instrument"),
                f"{instrument.id}'s signatories are not established: record the signature with its source "
                "and set the instrument's signatories status to listed",
            )
        elif status == "programme" and signature.basis != "participates":
            self._report(
                path, (*here, "basis"), f"{instrument.id} is a programme: a country participates, it does not sign"
            )
        elif status == "listed" and signature.basis != "signed":
            self._report(path, (*here, "basis"), f"{instrument.id} is signed, not participated in")
        if instrument.adopted_on and signature.signed_on < instrument.adopted_on:
            self._report(
                path,
                (*here, "date"),
                f"signed {signature.date}, before the instrument was adopted ({instrument.adopted})",
            )

    def _check_historical_signatories(self, framework: Framework, path: Path) -> None:
        """Ids unique and distinct from country codes; successors and territories exist; no cycle."""
        entities = framework.historical_signatories
        codes = {c.code for c in framework.countries}
        ids = {h.id for h in entities}
        self._unique(
            path, ((("historical_signatories", n, "id"), h.id) for n, h in enumerate(entities)), "signatory id"
        )
        for n, entity in enumerate(entities):
            here = ("historical_signatories", n)
            for k, successor in enumerate(entity.successors):
                if successor not in codes and successor not in ids:
                    self._report(
                        path, (*here, "successors", k), f"unknown country or historical signatory {successor!r}"
                    )
                elif successor == entity.id:
                    self._report(path, (*here, "successors", k), "a signatory cannot succeed itself")
            for k, code in enumerate(entity.acts_for):
                if code not in codes:
                    self._report(path, (*here, "acts_for", k), f"unknown country {code!r}")
            if entity.from_ and entity.until and parse_partial_date(entity.from_) >= parse_partial_date(entity.until):
                self._report(
                    path, (*here, "until"), f"'until' ({entity.until}) must come after 'from' ({entity.from_})"
                )
        successors = {h.id: [s for s in h.successors if s in ids] for h in entities}
        for n, entity in enumerate(entities):
            seen, frontier = set(), list(successors[entity.id])
            while frontier:
                current = frontier.pop()
                if current == entity.id:
                    self._report(path, ("historical_signatories", n, "successors"), "successors go round in a circle")
                    break
                if current not in seen:
                    seen.add(current)
                    frontier.extend(successors[current])

    def _check_statistics(self, framework: Framework, path: Path) -> None:
        """Ids unique where they are stored side by side; measures name breakdowns that exist."""
        statistics = framework.statistics
        assert statistics is not None
        # measures and capacity figures share one column of the statistic table
        self._unique(
            path,
            [(("statistics", "measures", n, "id"), m.id) for n, m in enumerate(statistics.measures)]
            + [(("statistics", "capacity", n, "id"), c.id) for n, c in enumerate(statistics.capacity)],
            "measure or capacity id",
        )
        self._unique(
            path,
            ((("statistics", "breakdowns", n, "id"), b.id) for n, b in enumerate(statistics.breakdowns)),
            "breakdown id",
        )
        breakdown_ids = {b.id for b in statistics.breakdowns}
        for n, measure in enumerate(statistics.measures):
            here = ("statistics", "measures", n)
            for k, breakdown in enumerate(measure.breakdowns):
                if breakdown not in breakdown_ids:
                    self._report(path, (*here, "breakdowns", k), f"unknown breakdown {breakdown!r}")
            self._unique_within(path, here, "breakdowns", measure.breakdowns, "breakdown")
        for n, breakdown in enumerate(statistics.breakdowns):
            self._unique(
                path,
                (
                    (("statistics", "breakdowns", n, "categories", k, "id"), c.id)
                    for k, c in enumerate(breakdown.categories)
                ),
                "category id",
            )

    def _unique_within(self, path: Path, here: Location, key: str, values: tuple[str, ...], what: str) -> None:
        self._unique(path, (((*here, key, k), value) for k, value in enumerate(values)), what)


def _schema_problems(error: ValidationError, document: TextDocument, schema: type) -> Iterator[Problem]:
    """Pydantic's errors in words a person editing YAML can act on, each at its line and column."""
    details = error.errors(include_url=False)
    failing = [tuple(d["loc"]) for d in details if d["type"] != "too_short"]
    for detail in details:
        location: Location = tuple(detail["loc"])
        kind = detail["type"]
        # a list whose every item failed also says "too short": the item errors say it better
        if kind == "too_short" and any(other[: len(location)] == location and other != location for other in failing):
            continue
        yield document.problem(_yaml_location(location), _message(detail, location))


def _yaml_location(location: Location) -> Location:
    """Pydantic says ``from_`` where the YAML says ``from``."""
    return tuple("from" if part == "from_" else part for part in location)


def _message(detail: dict[str, Any], location: Location) -> str:
    kind = detail["type"]
    context = detail.get("ctx") or {}
    given = detail.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind in {"unexpected_keyword_argument", "extra_forbidden"}:
        return "unknown key"
    if kind == "string_pattern_mismatch":
        meaning = PATTERN_MEANINGS.get(context.get("pattern", ""), f"a value matching {context.get('pattern')}")
        return f"{given!r} is not {meaning}"
    if kind in {"dataclass_type", "dict_type", "model_type"}:
        return f"expected a mapping of keys, got {_kind_of(given)}"
    if kind in {"tuple_type", "list_type"}:
        return f"expected a list, got {_kind_of(given)}"
    if kind in {"string_type"}:
        return f"expected text, got {_kind_of(given)}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{given!r} is not a whole number"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{given!r} is not true or false"
    if kind == "value_error":
        return str(context.get("error", detail["msg"]))
    if kind == "literal_error":
        return f"{given!r} is not one of {context.get('expected')}"
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_too_long" and isinstance(given, str):
        return f"{len(given)} characters, over the limit of {context.get('max_length')}"
    return f"{detail['msg']}" + (f" (got {given!r})" if isinstance(given, str) else "")


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"text {value!r}"
