"""The suite of bad baseline files: one folder per class of error under ``bad/``.

Each folder holds files laid over a copy of the real ``baseline/`` and an ``expected.txt`` with the
lines ``flask baseline validate`` must print, each ``file:line:col: field: message``. Every case exits 1
and ``load_baseline`` returns nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tracker.baseline import BaselineError, load_baseline

ROOT = Path(__file__).resolve().parents[2]
BASELINE_DIR = ROOT / "baseline"
BAD = Path(__file__).parent / "bad"
CASES = sorted(path.name for path in BAD.iterdir() if path.is_dir())


def baseline_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> Path:
    """A copy of baseline/ under tmp_path/<case> with the case's files laid over it; cwd is tmp_path."""
    target = tmp_path / case
    shutil.copytree(BASELINE_DIR, target)
    for source in (BAD / case).iterdir():
        if source.name != "expected.txt":
            shutil.copy(source, target / source.name)
    monkeypatch.chdir(tmp_path)
    return target


def expected_lines(case: str) -> list[str]:
    return [line for line in (BAD / case / "expected.txt").read_text().splitlines() if line.strip()]


def test_every_case_says_what_it_expects():
    assert len(CASES) >= 12
    for case in CASES:
        assert expected_lines(case), f"{case} has no expected.txt lines"


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_every_problem_with_its_position(case, tmp_path, monkeypatch, runner):
    directory = baseline_copy(tmp_path, monkeypatch, case)
    result = runner.invoke(args=["baseline", "validate", directory.name])
    assert result.exit_code == 1
    printed = result.output.splitlines()
    expected = expected_lines(case)
    for line in expected:
        assert line in printed, f"missing {line!r} in:\n{result.output}"
    assert printed[-1] == f"{len(expected)} problem{'s' if len(expected) != 1 else ''} found in the baseline."


@pytest.mark.parametrize("case", CASES)
def test_nothing_is_half_loaded(case, tmp_path, monkeypatch):
    directory = baseline_copy(tmp_path, monkeypatch, case)
    codes = {"AL", "BA", "BG", "HR", "HU", "MD", "ME", "MK", "RO", "RS", "SI", "TR", "XK"}
    with pytest.raises(BaselineError) as raised:
        load_baseline(directory, country_codes=codes)
    assert [str(p) for p in raised.value.problems] == sorted(expected_lines(case), key=_order)


def _order(line: str) -> tuple[str, int, int]:
    path, line_number, column, _ = line.split(":", 3)
    return path, int(line_number), int(column)


def test_problems_in_several_files_are_reported_together(tmp_path, monkeypatch):
    directory = baseline_copy(tmp_path, monkeypatch, "tip-rules")
    shutil.copy(BAD / "unknown-key" / "facts.yaml", directory / "facts.yaml")
    (directory / "sources.yaml").write_text((directory / "sources.yaml").read_text() + "extra: key\n")
    with pytest.raises(BaselineError) as raised:
        load_baseline(directory)
    assert {p.path for p in raised.value.problems} == {"tip-rules/sources.yaml", "tip-rules/facts.yaml"}


def test_a_missing_file_and_a_missing_directory(tmp_path, monkeypatch):
    directory = baseline_copy(tmp_path, monkeypatch, "stray-file")
    (directory / "sources.yaml").unlink()
    with pytest.raises(BaselineError) as raised:
        load_baseline(directory)
    assert "stray-file/sources.yaml:1:1: missing file" in [str(p) for p in raised.value.problems]
    with pytest.raises(BaselineError, match="not a directory"):
        load_baseline(tmp_path / "nowhere")
