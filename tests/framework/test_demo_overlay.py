"""The demonstration's fictional countries: an overlay the strict loader validates and merges.

``commitments/`` never holds them; a bad overlay is refused with ``file:line: what is wrong``, and a
real country's code is never accepted in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import COMMITMENTS_DIR
from tracker.demo import DEMO_COUNTRIES, DEMO_COUNTRIES_FILE
from tracker.framework import FrameworkError, load_framework
from tracker.framework.codes import USER_ASSIGNED


def test_the_overlay_adds_only_fictional_countries_scored_on_different_sets():
    real = load_framework(COMMITMENTS_DIR)
    merged = load_framework(COMMITMENTS_DIR, DEMO_COUNTRIES_FILE)
    real_codes = [c.code for c in real.countries]
    added = [c.code for c in merged.countries if c.code not in real_codes]
    assert [c.code for c in merged.countries][: len(real_codes)] == real_codes
    assert sorted(added) == sorted(DEMO_COUNTRIES)
    assert all(USER_ASSIGNED.match(code) and code != "XK" for code in added)
    assert "QN" in added and merged.country("QN").name == "Arcadia Minor"
    # the real countries are untouched, and the public framework holds no fictional one
    assert all(merged.applicable_commitments(c) == real.applicable_commitments(c) for c in real_codes)
    assert not any(USER_ASSIGNED.match(code) and code != "XK" for code in real_codes)
    assert len({len(merged.applicable_commitments(code)) for code in added}) >= 3
    assert merged.content_hash != real.content_hash


OVERLAY = """countries:
  - code: QM
    name: Brenmoor
    signatures:
      - instrument: palermo-2000
        date: "2000-12-13"
        basis: signed
        source: "Invented for the demonstration"
    national_action_plan:
      status: adopted
      source: "Invented for the demonstration"
"""


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("code: QM", "code: AL"), 2, "'AL' is not a user-assigned code"),
        (("code: QM", "code: XK"), 2, "'XK' is not a user-assigned code"),
        (("code: QM", "code: QA"), 2, "'QA' is not a user-assigned code"),
        (("instrument: palermo-2000", "instrument: nowhere-1999"), 5, "unknown instrument 'nowhere-1999'"),
        (("basis: signed", "basis: participates"), 7, "palermo-2000 is signed, not participated in"),
        (('date: "2000-12-13"', 'date: "1999-01-01"'), 6, "before the instrument was adopted"),
        (("name: Brenmoor", "name: Brenmoor\n    capital: Castelbren"), 4, "capital"),
    ],
)
def test_a_bad_overlay_is_refused_with_its_file_and_line(tmp_path, monkeypatch, change, line, message):
    monkeypatch.chdir(tmp_path)
    overlay = tmp_path / "demo_countries.yaml"
    overlay.write_text(OVERLAY.replace(*change, 1))
    with pytest.raises(FrameworkError) as raised:
        load_framework(COMMITMENTS_DIR, overlay)
    shown = [str(problem) for problem in raised.value.problems]
    assert any(text.startswith(f"demo_countries.yaml:{line}:") and message in text for text in shown), shown


def test_a_fictional_country_cannot_be_listed_twice(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    overlay = tmp_path / "demo_countries.yaml"
    overlay.write_text(OVERLAY + OVERLAY.removeprefix("countries:\n"))
    with pytest.raises(FrameworkError) as raised:
        load_framework(COMMITMENTS_DIR, overlay)
    assert any("duplicate country code 'QM'" in str(p) for p in raised.value.problems)


def test_the_overlay_file_lives_with_the_demo_code_not_in_the_public_framework():
    assert DEMO_COUNTRIES_FILE.parent == Path(__file__).resolve().parents[2] / "tracker"
    assert not any(path.name == DEMO_COUNTRIES_FILE.name for path in COMMITMENTS_DIR.rglob("*"))


def test_with_fictional_countries_victims_are_counted_only_between_them():
    """A count of invented victims from or to a real country, even a zero, would be a claim about it."""
    real = load_framework(COMMITMENTS_DIR)
    merged = load_framework(COMMITMENTS_DIR, DEMO_COUNTRIES_FILE)
    by_country = [b.id for b in real.statistics.breakdowns if b.countries]
    assert by_country  # origin and destination
    for breakdown in by_country:
        listed = [code for code, _ in real.statistic_categories(breakdown)]
        demo = [code for code, _ in merged.statistic_categories(breakdown)]
        assert {c.code for c in real.countries} <= set(listed)
        assert set(demo) == set(DEMO_COUNTRIES) | (set(listed) - {c.code for c in real.countries})
    other = next(b.id for b in real.statistics.breakdowns if not b.countries)
    assert merged.statistic_categories(other) == real.statistic_categories(other)
