"""Read YAML as a tree of plain text, keeping where every value stood.

PyYAML's safe loader turns ``NO`` into ``False`` and ``1:30`` into ``90`` and lets a duplicate key
win silently, so we never let it construct values: the event stream is checked first (no aliases,
anchors, tags, extra documents or deep nesting), then the composed nodes are turned into dicts,
lists and strings while recording each value's line and column under its path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 12

Location = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a framework file, printed as ``path:line:col: field: message``."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}:{self.column}: {where}{self.message}"


def format_location(location: Location) -> str:
    """``("instrument", "commitments", 3, "id")`` → ``instrument.commitments[3].id``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class TextDocument:
    """A YAML file read as text values, with the position of every value by its location."""

    path: str
    data: Any = None
    marks: dict[Location, tuple[int, int]] = field(default_factory=dict)

    def position(self, location: Location) -> tuple[int, int]:
        """The line and column of a location, or of its nearest ancestor that has one."""
        location = tuple(location)
        while location not in self.marks and location:
            location = location[:-1]
        return self.marks.get(location, (1, 1))

    def problem(self, location: Location, message: str) -> Problem:
        line, column = self.position(location)
        return Problem(self.path, line, column, format_location(location), message)


class _ProblemsFound(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _mark(node_or_event: Any) -> tuple[int, int]:
    mark = node_or_event.start_mark
    return mark.line + 1, mark.column + 1


def read_text_yaml(path: Path, display_path: str | None = None) -> tuple[TextDocument, list[Problem]]:
    """Read one YAML file as text values; a file with problems yields them and no data."""
    shown = display_path or str(path)
    document = TextDocument(shown)

    def fail(line: int, column: int, message: str) -> tuple[TextDocument, list[Problem]]:
        return document, [Problem(shown, line, column, "", message)]

    try:
        size = path.stat().st_size
    except OSError as error:
        return fail(1, 1, f"cannot read file: {error.strerror}")
    if size > MAX_FILE_BYTES:
        return fail(1, 1, f"file is {size} bytes, over the limit of {MAX_FILE_BYTES}")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        return fail(1, 1, f"not UTF-8 text ({error.reason} at byte {error.start})")

    try:
        _check_events(text, shown)
        root = yaml.compose(text, Loader=yaml.BaseLoader)
        if root is None:
            return fail(1, 1, "file is empty")
        problems: list[Problem] = []
        data = _to_text(root, (), document, problems)
        if problems:
            return document, problems
        document.data = data
    except _ProblemsFound as found:
        return document, found.problems
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return fail(line, column, f"not valid YAML: {error.problem or error.context}")
    except yaml.YAMLError as error:
        return fail(1, 1, f"not valid YAML: {error}")
    return document, []


def _check_events(text: str, shown: str) -> None:
    """Refuse what a data file never needs, before anything is built from it; report every case."""
    problems: list[Problem] = []
    try:
        _scan_events(text, shown, problems)
    except yaml.MarkedYAMLError as error:  # a syntax error after other problems: report them all
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append(Problem(shown, line, column, "", f"not valid YAML: {error.problem or error.context}"))
    if problems:
        raise _ProblemsFound(problems)


def _scan_events(text: str, shown: str, problems: list[Problem]) -> None:
    depth = 0
    documents = 0
    for event in yaml.parse(text, Loader=yaml.BaseLoader):
        line, column = _mark(event)
        if isinstance(event, yaml.AliasEvent):
            problems.append(Problem(shown, line, column, "", f"aliases (*{event.anchor}) are not allowed"))
        elif getattr(event, "anchor", None):
            problems.append(Problem(shown, line, column, "", f"anchors (&{event.anchor}) are not allowed"))
        tag = getattr(event, "tag", None)
        if tag and tag != "!":
            shown_tag = tag.replace("tag:yaml.org,2002:", "!!")
            problems.append(Problem(shown, line, column, "", f"tags are not allowed ({shown_tag})"))
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                problems.append(Problem(shown, line, column, "", "only one YAML document per file"))
                break
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(Problem(shown, line, column, "", f"nested deeper than {MAX_DEPTH} levels"))
                break
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _to_text(node: yaml.Node, location: Location, document: TextDocument, problems: list[Problem]) -> Any:
    document.marks.setdefault(location, _mark(node))  # a mapping entry keeps its key's mark
    if node.tag not in _PLAIN_TAGS:  # defensive: _check_events refuses explicit tags
        line, column = _mark(node)
        raise _ProblemsFound([Problem(document.path, line, column, "", f"tag {node.tag} is not allowed")])
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_text(item, (*location, index), document, problems) for index, item in enumerate(node.value)]
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line, column = _mark(key_node)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(document.path, line, column, format_location(location), "keys must be plain text"))
            continue
        key = key_node.value
        if key in mapping:
            first_line = document.marks[(*location, key)][0]
            problems.append(
                Problem(
                    document.path,
                    line,
                    column,
                    format_location((*location, key)),
                    f"duplicate key (first given on line {first_line})",
                )
            )
            continue
        document.marks[(*location, key)] = (line, column)
        mapping[key] = _to_text(value_node, (*location, key), document, problems)
    return mapping
