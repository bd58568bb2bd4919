"""The suite of bad framework files: one folder per class of error under ``bad/``.

Each folder holds files laid over a copy of the real ``commitments/`` and an ``expected.txt`` with
the lines ``framework validate`` must print. Every case must exit 1 and store nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import COMMITMENTS_DIR
from tracker.extensions import db
from tracker.framework import load_framework
from tracker.framework.textyaml import MAX_FILE_BYTES
from tracker.models import Commitment, Country, FrameworkVersion

BAD = Path(__file__).parent / "bad"
CASES = sorted(path.name for path in BAD.iterdir() if path.is_dir())


def framework_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str | None = None) -> Path:
    """A copy of commitments/ under tmp_path with the case's files laid over it; cwd is tmp_path."""
    target = tmp_path / "commitments"
    shutil.copytree(COMMITMENTS_DIR, target)
    if case:
        for source in (BAD / case).rglob("*"):
            if source.is_file() and source.name != "expected.txt":
                destination = target / source.relative_to(BAD / case)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, destination)
    monkeypatch.chdir(tmp_path)
    return target


def expected_lines(case: str) -> list[str]:
    return [line for line in (BAD / case / "expected.txt").read_text().splitlines() if line.strip()]


def test_every_case_says_what_it_expects():
    assert len(CASES) >= 10
    for case in CASES:
        assert expected_lines(case), f"{case} has no expected.txt lines"


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_every_problem_with_its_position(case, tmp_path, monkeypatch, runner):
    directory = framework_copy(tmp_path, monkeypatch, case)
    result = runner.invoke(args=["framework", "validate", str(directory.relative_to(tmp_path))])
    assert result.exit_code == 1
    printed = result.output.splitlines()
    for line in expected_lines(case):
        assert line in printed, f"missing {line!r} in:\n{result.output}"
    assert printed[-1].endswith("nothing was loaded.")


@pytest.mark.parametrize("case", CASES)
def test_load_stores_nothing(case, tmp_path, monkeypatch, runner, empty_app):
    directory = framework_copy(tmp_path, monkeypatch, case)
    result = runner.invoke(args=["framework", "load", str(directory)])
    assert result.exit_code == 1
    with empty_app.app_context():
        for model in (FrameworkVersion, Commitment, Country):
            assert db.session.execute(select(func.count()).select_from(model)).scalar() == 0


def test_file_over_the_size_limit(tmp_path, monkeypatch, runner):
    directory = framework_copy(tmp_path, monkeypatch)
    big = directory / "instruments" / "big.yaml"
    big.write_text("instrument:\n  summary: " + "x" * MAX_FILE_BYTES + "\n")
    result = runner.invoke(args=["framework", "validate", "commitments"])
    assert result.exit_code == 1
    assert f"commitments/instruments/big.yaml:1:1: file is {big.stat().st_size} bytes, over the limit" in result.output


def test_problems_in_several_files_are_reported_together(tmp_path, monkeypatch):
    directory = framework_copy(tmp_path, monkeypatch, "bad-values")
    for case in ("unknown-key", "custom-tag"):
        shutil.copy(BAD / case / "instruments" / "extra.yaml", directory / "instruments" / f"{case}.yaml")
    with pytest.raises(Exception) as raised:
        load_framework(directory)
    files = {problem.path for problem in raised.value.problems}
    assert files == {
        "commitments/countries.yaml",
        "commitments/instruments/unknown-key.yaml",
        "commitments/instruments/custom-tag.yaml",
    }
