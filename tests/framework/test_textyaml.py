"""Reading YAML as text: values stay what was written, and what a data file never needs is refused."""

from pathlib import Path

import pytest

from tracker.framework.textyaml import MAX_DEPTH, MAX_FILE_BYTES, read_text_yaml


def read(tmp_path: Path, text: str | bytes):
    path = tmp_path / "file.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return read_text_yaml(path, "file.yaml")


def only_problem(tmp_path: Path, text: str | bytes) -> str:
    document, problems = read(tmp_path, text)
    assert document.data is None
    assert len(problems) == 1, problems
    return str(problems[0])


def test_values_stay_text(tmp_path):
    document, problems = read(tmp_path, "code: NO\nduration: 1:30\nflag: yes\nnumber: 012\nempty: ~\n")
    assert problems == []
    assert document.data == {"code": "NO", "duration": "1:30", "flag": "yes", "number": "012", "empty": "~"}


def test_positions_are_recorded_for_keys_and_items(tmp_path):
    document, _ = read(tmp_path, "top:\n  items:\n    - first\n    - name: second\n")
    assert document.position(("top", "items")) == (2, 3)
    assert document.position(("top", "items", 0)) == (3, 7)
    assert document.position(("top", "items", 1, "name")) == (4, 7)
    # a location that does not exist falls back to its nearest ancestor
    assert document.position(("top", "items", 1, "missing")) == (4, 7)


def test_alias_is_refused(tmp_path):
    document, problems = read(tmp_path, "a: &x [1]\nb: *x\n")
    assert [str(p) for p in problems] == [
        "file.yaml:1:4: anchors (&x) are not allowed",
        "file.yaml:2:4: aliases (*x) are not allowed",
    ]


def test_alias_without_anchor_is_refused(tmp_path):
    # PyYAML reports an undefined alias itself; either way it is an error with a position
    assert only_problem(tmp_path, "a: 1\nb: *x\n").startswith("file.yaml:2:4: ")


def test_duplicate_keys_are_all_reported(tmp_path):
    document, problems = read(tmp_path, "a: 1\nb: 2\na: 3\nb: 4\n")
    assert document.data is None
    assert [str(p) for p in problems] == [
        "file.yaml:3:1: a: duplicate key (first given on line 1)",
        "file.yaml:4:1: b: duplicate key (first given on line 2)",
    ]


@pytest.mark.parametrize("tagged", ["!!int 3", "!!python/object:os.system x", "!custom 3", "!!binary aGk="])
def test_tags_are_refused(tmp_path, tagged):
    assert "tags are not allowed" in only_problem(tmp_path, f"a: {tagged}\n")


def test_one_document_only(tmp_path):
    assert only_problem(tmp_path, "a: 1\n---\nb: 2\n") == "file.yaml:2:1: only one YAML document per file"


def test_depth_limit(tmp_path):
    fine = "[" * MAX_DEPTH + "x" + "]" * MAX_DEPTH
    assert read(tmp_path, f"{fine}\n")[1] == []
    too_deep = "[" * (MAX_DEPTH + 1) + "x" + "]" * (MAX_DEPTH + 1)
    assert f"nested deeper than {MAX_DEPTH} levels" in only_problem(tmp_path, too_deep)


def test_very_deep_nesting_does_not_recurse(tmp_path):
    # a hostile file nested 100,000 deep is refused before anything recursive reads it
    assert "nested deeper" in only_problem(tmp_path, "[" * 100_000 + "]" * 100_000)


def test_size_limit(tmp_path):
    body = "a: " + "x" * MAX_FILE_BYTES + "\n"
    assert f"over the limit of {MAX_FILE_BYTES}" in only_problem(tmp_path, body)


def test_not_utf8(tmp_path):
    assert "not UTF-8" in only_problem(tmp_path, b"a: \xff\xfe\n")


def test_empty_file(tmp_path):
    assert only_problem(tmp_path, "# only a comment\n") == "file.yaml:1:1: file is empty"


def test_syntax_error_has_position(tmp_path):
    assert only_problem(tmp_path, "a: [1, 2\nb: 3\n").startswith("file.yaml:")


def test_complex_keys_are_refused(tmp_path):
    document, problems = read(tmp_path, "? [a, b]\n: 1\n")
    assert document.data is None
    assert "keys must be plain text" in str(problems[0])
