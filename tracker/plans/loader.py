"""Load one plan file: every problem reported at its line and column, nothing half-built.

The file is read as text by the framework's ``textyaml`` (no aliases, tags, extra documents, deep
nesting or oversized files) and validated against ``PlanFile``, with the framework's commitment ids
and country codes as context so that an unknown one is reported with every other problem. A plan that
passes is then checked as a whole: ids unique, dates in a sensible order for the plan's status.

Dates are checked only where they are clearly wrong:

* a period whose start is after its end, or a plan adopted after its period ended;
* an ``adopted`` or ``expired`` plan without an adoption date, an ``expired`` plan without a period,
  a ``draft`` with an adoption date;
* a deadline that falls before the plan existed (before both its adoption and its period's start).

A deadline after the period's end is allowed: plans carry activities over into the next one.
Partial dates are compared generously: ``2004`` as an end or a deadline means the end of 2004.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from tracker.framework.loader import _schema_problems as framework_schema_problems
from tracker.framework.textyaml import MAX_FILE_BYTES, Location, Problem, TextDocument, read_text_yaml

from .schema import COMMITMENT_IDS, COUNTRY_CODES, MAX_ACTIVITIES, Plan, PlanFile, first_day, last_day

TEXT_SOURCE_NAME = "<text>"
MAX_MESSAGE_LENGTH = 300  # pydantic quotes the offending value; a 2000-character one is no help

_ADAPTER = TypeAdapter(PlanFile)


class PlanError(Exception):
    """The plan has problems; ``problems`` lists every one, sorted by line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_plan(
    source: str | bytes | os.PathLike[str],
    *,
    commitment_ids: Collection[str] | None,
    country_codes: Collection[str] | None = None,
    source_name: str | None = None,
) -> Plan:
    """Validate a plan and return it, or raise PlanError with every problem.

    ``source`` is a path (``pathlib.Path`` or any ``os.PathLike``) or the YAML itself as ``str`` or
    ``bytes`` (an upload): a plain ``str`` is always read as YAML, never as a file name.
    ``commitment_ids`` are the framework's ids the plan may cite (None: any, for a plan that was
    validated against the framework when it was stored); ``country_codes``, when given, the
    countries it may belong to. ``source_name`` is how problems name the file (default: the path as
    given, or ``<text>``).
    """
    if isinstance(source, str | bytes):
        document, problems = _read_text(source, source_name or TEXT_SOURCE_NAME)
    else:
        document, problems = read_text_yaml(Path(source), source_name or os.fspath(source))
    if problems:
        raise PlanError(problems)
    known_ids = None if commitment_ids is None else frozenset(commitment_ids)
    context = {COMMITMENT_IDS: known_ids, COUNTRY_CODES: country_codes}
    try:
        plan = _ADAPTER.validate_python(document.data, context=context).plan
    except ValidationError as error:
        raise PlanError(_schema_problems(error, document)) from None
    problems = list(_cross_check(plan, document))
    if problems:
        raise PlanError(problems)
    return plan


def _read_text(source: str | bytes, shown: str) -> tuple[TextDocument, list[Problem]]:
    """``read_text_yaml`` takes a path, so the text goes through a private temporary file.

    That keeps every textyaml check (size, UTF-8, events) exactly as for files; the size is checked
    first so an oversized upload is never written out.
    """
    data = source.encode("utf-8", errors="surrogatepass") if isinstance(source, str) else source
    if len(data) > MAX_FILE_BYTES:
        return TextDocument(shown), [
            Problem(shown, 1, 1, "", f"file is {len(data)} bytes, over the limit of {MAX_FILE_BYTES}")
        ]
    with tempfile.TemporaryDirectory(prefix="plan-") as folder:
        path = Path(folder) / "plan.yaml"
        path.write_bytes(data)
        return read_text_yaml(path, shown)


def _schema_problems(error: ValidationError, document: TextDocument) -> Iterator[Problem]:
    """The framework's wording of pydantic errors, with any quoted value cut short."""
    for problem in framework_schema_problems(error, document, PlanFile):
        if len(problem.message) > MAX_MESSAGE_LENGTH:
            problem = replace(problem, message=problem.message[: MAX_MESSAGE_LENGTH - 1] + "…")
        yield problem


def _cross_check(plan: Plan, document: TextDocument) -> Iterator[Problem]:
    """What needs the whole plan: unique ids, the order of dates, the plan's size."""
    here: Location = ("plan",)

    def problem(location: Location, message: str) -> Problem:
        return document.problem((*here, *location), message)

    def duplicates(items: Iterable[tuple[Location, str]], what: str) -> Iterator[Problem]:
        seen: dict[str, Location] = {}
        for location, value in items:
            if value in seen:
                first_line = document.position((*here, *seen[value]))[0]
                yield problem(location, f"duplicate {what} {value!r} (first on line {first_line})")
            else:
                seen[value] = location

    # status and dates
    if plan.status in {"adopted", "expired"} and plan.adopted is None:
        yield problem(("status",), f"a plan with status {plan.status!r} needs its adoption date ('adopted')")
    if plan.status == "draft" and plan.adopted is not None:
        yield problem(("adopted",), "a draft has not been adopted: remove 'adopted' or change the status")
    if plan.status == "expired" and plan.period is None:
        yield problem(("status",), "an expired plan needs the period it ran ('period')")
    period = plan.period
    if period and period.starts_on > period.ends_on:
        yield problem(("period", "end"), f"the period ends ({period.end}) before it starts ({period.start})")
    if period and plan.adopted_on and plan.adopted_on > period.ends_on:
        yield problem(("adopted",), f"adopted {plan.adopted}, after its period ended ({period.end})")
    began = _began(plan)

    # ids and references
    yield from duplicates(((("objectives", n, "id"), o.id) for n, o in enumerate(plan.objectives)), "objective id")
    yield from duplicates(
        ((("objectives", n, "activities", k, "id"), a.id) for n, k, a in plan.activity_places()), "activity id"
    )
    for count, (n, k, activity) in enumerate(plan.activity_places(), start=1):
        at: Location = ("objectives", n, "activities", k)
        if count == MAX_ACTIVITIES + 1:
            yield problem(at, f"{len(plan.activities)} activities in the plan, over the limit of {MAX_ACTIVITIES}")
        yield from duplicates((((*at, "commitments", m), c) for m, c in enumerate(activity.commitments)), "commitment")
        yield from duplicates(
            (((*at, "responsible", m), r) for m, r in enumerate(activity.responsible)), "responsible body"
        )
        if began and activity.deadline and last_day(activity.deadline) < began[0]:
            yield problem((*at, "deadline"), f"deadline {activity.deadline} is before the plan began ({began[1]})")


def _began(plan: Plan) -> tuple[dt.date, str] | None:
    """When the plan began, and how to say it: its adoption or its period's start, whichever is earlier."""
    candidates = [(first_day(plan.adopted), f"adopted {plan.adopted}")] if plan.adopted else []
    if plan.period:
        candidates.append((plan.period.starts_on, f"period from {plan.period.start}"))
    return min(candidates, default=None)
