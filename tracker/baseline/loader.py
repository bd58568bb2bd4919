"""Load the baseline directory: every file checked, every problem reported, nothing half-loaded.

The directory holds ``sources.yaml`` (the sources cited), ``tip-tiers.yaml`` (the US Trafficking in
Persons reports' tier placements, one fact per country and report) and ``facts.yaml`` (dated facts on
law, co-ordinators, plans, shelters). Each file is read as text by the framework's ``textyaml`` (no
implicit typing, aliases, tags or duplicate keys), validated against its schema, then the files are
checked against each other. Problems of every file are gathered so one run shows all there is to fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tracker.framework.loader import _schema_problems as framework_schema_problems
from tracker.framework.textyaml import Location, Problem, TextDocument, read_text_yaml

from .schema import REGION, Fact, FactsFile, Source, SourcesFile

SOURCES_FILE = "sources.yaml"
TIERS_FILE = "tip-tiers.yaml"
FACTS_FILE = "facts.yaml"
FILES: dict[str, type] = {SOURCES_FILE: SourcesFile, TIERS_FILE: FactsFile, FACTS_FILE: FactsFile}
FIRST_TIP_REPORT = 2001  # the US Department of State's first Trafficking in Persons report


_TOO_SHORT = re.compile(r"^Tuple should have at least (\d+) items? after validation, not (\d+)$")


def _schema_problems(error: ValidationError, document: TextDocument, schema: type) -> Iterator[Problem]:
    """The framework's wording of pydantic errors, and a plainer one for a list that is too short."""
    for problem in framework_schema_problems(error, document, schema):
        short = _TOO_SHORT.match(problem.message)
        if short:
            need, got = short.groups()
            problem = replace(problem, message=f"needs at least {need}, got {got}")
        yield problem


class BaselineError(Exception):
    """The baseline files have problems; ``problems`` lists every one, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Baseline:
    """Every source and fact, facts in date order (then by id); read-only."""

    sources: tuple[Source, ...]
    facts: tuple[Fact, ...]

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def for_country(self, code: str) -> tuple[Fact, ...]:
        """The facts shown on a country's page: its own and those of a state of the time that covered it."""
        return tuple(f for f in self.facts if code in f.countries)

    def regional(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.is_regional)


def load_baseline(directory: str | os.PathLike[str], *, country_codes: Collection[str] | None = None) -> Baseline:
    """Validate the whole directory and return the Baseline, or raise BaselineError with every problem.

    ``country_codes``, when given, are the framework's countries a fact may name.
    """
    loader = _Loader(Path(directory), None if country_codes is None else frozenset(country_codes))
    baseline = loader.run()
    if loader.problems or baseline is None:
        raise BaselineError(loader.problems)
    return baseline


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _Loader:
    def __init__(self, directory: Path, country_codes: frozenset[str] | None):
        self.directory = directory
        self.country_codes = country_codes
        self.problems: list[Problem] = []
        self.documents: dict[str, TextDocument] = {}

    def run(self) -> Baseline | None:
        if not self.directory.is_dir():
            self.problems.append(Problem(_display(self.directory), 1, 1, "", "not a directory"))
            return None
        parsed = {name: self._read(self.directory / name, schema) for name, schema in FILES.items()}
        self._refuse_strangers()
        if self.problems or any(value is None for value in parsed.values()):
            return None
        sources: tuple[Source, ...] = parsed[SOURCES_FILE].sources
        placed = [(TIERS_FILE, n, f) for n, f in enumerate(parsed[TIERS_FILE].facts)]
        placed += [(FACTS_FILE, n, f) for n, f in enumerate(parsed[FACTS_FILE].facts)]
        self._check(sources, placed)
        if self.problems:
            return None
        facts = sorted((f for _, _, f in placed), key=lambda f: (f.starts_on, f.id))
        return Baseline(sources=sources, facts=tuple(facts))

    def _read(self, path: Path, schema: type) -> Any:
        shown = _display(path)
        if not path.is_file():
            self.problems.append(Problem(shown, 1, 1, "", "missing file"))
            return None
        document, problems = read_text_yaml(path, shown)
        self.problems.extend(problems)
        if problems:
            return None
        self.documents[path.name] = document
        try:
            return TypeAdapter(schema).validate_python(document.data)
        except ValidationError as error:
            self.problems.extend(_schema_problems(error, document, schema))
            return None

    def _refuse_strangers(self) -> None:
        """A YAML file that is not part of the baseline is a mistake (a typo'd name, a .yml)."""
        for path in sorted(self.directory.rglob("*")):
            if path.suffix in {".yaml", ".yml"} and path.relative_to(self.directory).as_posix() not in FILES:
                self.problems.append(
                    Problem(_display(path), 1, 1, "", f"not a baseline file (expected {', '.join(FILES)})")
                )

    def _report(self, file: str, location: Location, message: str) -> None:
        self.problems.append(self.documents[file].problem(location, message))

    def _check(self, sources: tuple[Source, ...], placed: list[tuple[str, int, Fact]]) -> None:
        """What needs more than one fact or file: unique ids, known sources and countries, the rules of kinds."""
        by_id: dict[str, Source] = {}
        source_lines: dict[str, int] = {}
        for n, source in enumerate(sources):
            at: Location = ("sources", n, "id")
            if source.id in by_id:
                first_line = source_lines[source.id]
                self._report(SOURCES_FILE, at, f"duplicate source id {source.id!r} (first on line {first_line})")
            else:
                by_id[source.id] = source
                source_lines[source.id] = self.documents[SOURCES_FILE].position(at)[0]
        first: dict[str, tuple[str, Location]] = {}
        tip_cells: dict[tuple[str, str], tuple[str, Location]] = {}
        for file, n, fact in placed:
            here: Location = ("facts", n)
            if fact.id in first:
                file0, at0 = first[fact.id]
                line = self.documents[file0].position(at0)[0]
                self._report(file, (*here, "id"), f"duplicate fact id {fact.id!r} (first in {file0}:{line})")
            else:
                first[fact.id] = (file, (*here, "id"))
            self.problems.extend(self._fact_problems(file, here, fact, by_id))
            if fact.kind == "tip-tier":
                subject = fact.historical.name if fact.historical else str(fact.country)
                cell = (subject, fact.date)
                if cell in tip_cells:
                    file0, at0 = tip_cells[cell]
                    line = self.documents[file0].position(at0)[0]
                    self._report(
                        file,
                        (*here, "date"),
                        f"a second tier placement of {subject} in the {fact.date} report (first in {file0}:{line})",
                    )
                else:
                    tip_cells[cell] = (file, (*here, "date"))

    def _fact_problems(self, file: str, here: Location, fact: Fact, sources: dict[str, Source]) -> Iterator[Problem]:
        document = self.documents[file]

        def problem(location: Location, message: str) -> Problem:
            return document.problem((*here, *location), message)

        if (fact.country is None) == (fact.historical is None):
            yield problem(("country",), "give exactly one of 'country' (a code or 'region') and 'historical'")
        known = self.country_codes
        if known is not None:
            if fact.country not in (None, REGION) and fact.country not in known:
                yield problem(("country",), f"unknown country {fact.country!r}")
            for k, code in enumerate(fact.historical.covers if fact.historical else ()):
                if code not in known:
                    yield problem(("historical", "covers", k), f"unknown country {code!r}")
        if fact.historical and len(set(fact.historical.covers)) != len(fact.historical.covers):
            yield problem(("historical", "covers"), "a country is listed twice")
        if fact.certainty != "established" and fact.note is None:
            yield problem(("certainty",), f"a fact whose certainty is {fact.certainty!r} needs a 'note' saying why")
        cited_years = set()
        for k, citation in enumerate(fact.sources):
            source = sources.get(citation.source)
            if source is None:
                yield problem(("sources", k, "source"), f"unknown source {citation.source!r}")
            elif source.tip_report_year:
                cited_years.add(source.tip_report_year)
        if fact.kind == "tip-tier":
            yield from self._tip_problems(fact, problem, cited_years, file)
        else:
            if file == TIERS_FILE:
                yield problem(("kind",), f"{TIERS_FILE} holds tip-tier facts only; put this one in {FACTS_FILE}")
            if fact.tier is not None:
                yield problem(("tier",), "only a tip-tier fact has a tier")
            if fact.certainty == "not-found":
                yield problem(("certainty",), "'not-found' is for a tier placement that was looked for and not found")

    def _tip_problems(self, fact: Fact, problem: Any, cited_years: set[str], file: str) -> Iterator[Problem]:
        if file != TIERS_FILE:
            yield problem(("kind",), f"tier placements belong in {TIERS_FILE}")
        if len(fact.date) != 4:
            yield problem(("date",), f"a tier placement is dated by its report's year (YYYY), not {fact.date!r}")
        elif fact.year < FIRST_TIP_REPORT:
            yield problem(("date",), f"the first Trafficking in Persons report is of {FIRST_TIP_REPORT}")
        if fact.when != "on":
            yield problem(("when",), "a tier placement is dated by its report: leave out 'when'")
        if fact.certainty == "not-found" and fact.tier is not None:
            yield problem(("tier",), "a placement that was not found has no tier")
        if fact.certainty in {"established", "conflicting"} and fact.tier is None:
            yield problem(("tier",), f"a placement whose certainty is {fact.certainty!r} needs its 'tier'")
        if len(fact.date) == 4 and fact.date not in cited_years:
            yield problem(("sources",), f"a tier placement must cite the Trafficking in Persons report of {fact.date}")
