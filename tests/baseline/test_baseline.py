"""The shipped baseline: valid against the framework's countries, and every uncertainty of the sources kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import COMMITMENTS_DIR
from tracker.baseline import load_baseline
from tracker.baseline.present import COLUMNS, NOT_FOUND, assessment_text, for_country, rows, tier_text, when_text
from tracker.framework import load_framework

BASELINE_DIR = Path(__file__).resolve().parents[2] / "baseline"


@pytest.fixture(scope="module")
def baseline():
    codes = {c.code for c in load_framework(COMMITMENTS_DIR).countries}
    return load_baseline(BASELINE_DIR, country_codes=codes)


def fact(baseline, fact_id):
    return next(f for f in baseline.facts if f.id == fact_id)


def test_the_baseline_package_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, tracker.baseline, tracker.baseline.loader, tracker.baseline.present;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', 'werkzeug'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_country_and_report_year_has_one_tier_cell(baseline):
    cells = {(f.historical.name if f.historical else f.country, f.date) for f in baseline.facts if f.kind == "tip-tier"}
    for code in ("AL", "BA", "BG", "HR", "HU", "MD", "MK", "RO", "SI", "TR"):
        assert {year for country, year in cells if country == code} == {"2001", "2002", "2003", "2004", "2005"}
    assert len([f for f in baseline.facts if f.kind == "tip-tier"]) == 55


def test_not_found_is_never_shown_as_a_tier(baseline):
    not_found = [f for f in baseline.facts if f.certainty == "not-found"]
    assert len(not_found) == 18  # every "not found" cell of the table, Hungary's five included
    assert {f.id for f in not_found} >= {f"hu-tip-{y}" for y in range(2001, 2006)} | {"al-tip-2005", "hr-tip-2002"}
    for f in not_found:
        assert f.tier is None and tier_text(f) == NOT_FOUND
        assert rows(baseline, (f,))[0]["tip_tier"] == "not found in the sources consulted"


def test_the_uncertain_cells_keep_their_notes(baseline):
    fry = fact(baseline, "fry-tip-2002")
    assert fry.certainty == "conflicting" and "making significant efforts" in fry.note and fry.tier == "tier-3"
    macedonia = fact(baseline, "mk-tip-2005")
    assert macedonia.certainty == "uncertain" and "dropped from Tier 1 to Tier 2 in 2004" in macedonia.note
    turkey = fact(baseline, "tr-tip-2003")
    assert turkey.certainty == "uncertain" and turkey.tier is None
    assert "merited a Tier 2 designation in September 2003" in turkey.note
    assert {c.source for c in turkey.sources} == {"tip-2003", "tip-2004"}
    bosnia = fact(baseline, "ba-tip-2003")
    assert bosnia.tier == "tier-3" and "Presidential Determination 2003-35 of 9 September 2003" in bosnia.note
    assert fact(baseline, "tr-tip-2002").note == "Read in a secondary source only, not in the chapter itself."
    for f in baseline.facts:
        assert f.certainty == "established" or f.note


def test_the_federal_state_is_shown_on_each_successor_page_not_attributed_to_serbia(baseline):
    for year in range(2001, 2006):
        placement = next(f for f in baseline.facts if f.kind == "tip-tier" and f.date == str(year) and f.historical)
        assert placement.country is None and placement.historical.covers == ("RS", "ME", "XK")
        for code in ("RS", "ME", "XK"):
            assert placement in for_country(baseline, code).tiers
    assert fact(baseline, "fry-tip-2001").historical.name == "Federal Republic of Yugoslavia"
    assert fact(baseline, "scg-tip-2004").historical.name == "Serbia and Montenegro (and Kosovo)"
    assert not any(f.country == "RS" for f in baseline.facts if f.kind == "tip-tier")


def test_albania_page_data(baseline):
    albania = for_country(baseline, "AL")
    assert [tier_text(f) for f in albania.tiers] == ["Tier 3", "Tier 2", "Tier 2", "Tier 2", NOT_FOUND]
    assert [year for year, _ in albania.years] == [2000, 2001, 2002, 2003, 2004, 2005]
    assert albania.years[1][1][0].id == "al-tip-2001"  # the year's tier placement first
    criminalised = fact(baseline, "al-2000-criminalisation")
    assert criminalised.quote == "The Penal Code prohibits trafficking in persons"
    assert when_text(criminalised) == "by 2000"
    assert assessment_text(albania.tiers[2]) == (
        "US government assessment of 1 April 2002 – 31 March 2003 (Trafficking in Persons Report 2003)"
    )
    cited = [source.id for _, source in albania.sources]
    assert cited[:5] == ["tip-2001", "tip-2002", "tip-2003", "tip-2004", "tip-2005"]
    assert "osce-tirana-2001-11-16" in cited and "stability-pact-brochure" in cited  # the region's facts too


def test_rows_have_the_documented_columns_and_label_tiers_as_us_assessments(baseline):
    names = [name for name, _ in COLUMNS]
    for row in rows(baseline):
        assert list(row) == names
        assert row["demonstration"] is False
        if row["kind"] == "tip-tier":
            assert row["assessed_by"] == "US government (US Department of State)"
            assert row["assessed_from"].endswith("-04-01") and row["assessed_to"].endswith("-03-31")
            assert "Trafficking in Persons Report" in row["sources"]
        assert row["sources"]
