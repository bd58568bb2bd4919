"""The example plans are fictional: a country that does not exist, its own bodies and laws, no real
organisation, and the plan format shown whole (every criterion, some deliberately missed)."""

from __future__ import annotations

import re

import pytest

from tracker.plans import assess_quality, coverage

from .common import COUNTRY_CODES, EXAMPLE, EXAMPLE_TITLE, EXAMPLES, FRAMEWORK, load_fictional

# ISO 3166-1 alpha-2 codes no country will ever get: AA, QM to QZ, XA to XZ (Kosovo uses XK), ZZ
USER_ASSIGNED = re.compile(r"^(AA|Q[M-Z]|X[A-JL-Z]|ZZ)$")
# real names an invented plan must not use: countries, places, organisations, real currencies of the region
REAL_NAMES = [c.name for c in FRAMEWORK.countries] + [n.name for c in FRAMEWORK.countries for n in c.names]
REAL_NAMES += ["Tirana", "Vlor", "Skopje", "Belgrade", "Podgorica", "Sarajevo", "Zagreb", "Sofia", "Chi", "Bucharest"]
REAL_NAMES += ["IOM", "OSCE", "UNICEF", "UNDP", "UNHCR", "European Commission", "Stability Pact", "La Strada", "Vatra"]
REAL_NAMES += ["Medica", "ASTRA", "Caritas", "USAID", "Council of Europe", "ALL", "MKD", "RSD", "CSD", "YUM", "BAM"]


def test_every_example_is_a_fictional_country():
    paths = sorted(EXAMPLES.glob("*.yaml"))
    assert paths == [EXAMPLE]
    for path in paths:
        plan = load_fictional(path)
        assert USER_ASSIGNED.match(plan.country) and plan.country == path.stem
        assert plan.country not in COUNTRY_CODES
        assert path.read_text(encoding="utf-8").startswith("# A FICTIONAL EXAMPLE of a National Plan of Action")


@pytest.mark.parametrize("name", REAL_NAMES)
def test_the_example_names_no_real_country_place_organisation_or_currency(name):
    text = EXAMPLE.read_text(encoding="utf-8")
    pattern = rf"\b{re.escape(name)}" if len(name) > 3 else rf"\b{re.escape(name)}\b"
    assert not re.search(pattern, text), name


def test_the_example_shows_the_whole_format():
    plan = load_fictional(EXAMPLE)
    assert plan.title == EXAMPLE_TITLE and plan.summary.startswith("Fictional example")
    assert plan.status == "adopted" and plan.adopted and plan.period and plan.document_url
    assert 3 <= len(plan.objectives) <= 5 and 8 <= len(plan.activities) <= 15
    assert any(a.budget for a in plan.activities) and any(a.timetable for a in plan.activities)
    assert any(i.counts_victims for a in plan.activities for i in a.indicators)


def test_the_example_is_deliberately_imperfect():
    quality = assess_quality(load_fictional(EXAMPLE))
    assert quality.score == 89
    failing = {r.criterion.id: r.total - r.met for r in quality.results}
    assert failing == {"responsible": 1, "timing": 1, "funding": 3, "indicator": 2, "dated": 0, "document": 0}


def test_the_example_cites_the_palermo_and_2001_commitments_only():
    plan = load_fictional(EXAMPLE)
    cited = set(plan.commitment_ids())
    palermo_and_plan = {c.id for i in FRAMEWORK.instruments if i.id != "tirana-2002" for c in i.commitments}
    assert cited <= palermo_and_plan  # dated December 2001: before the Tirana Statement
    result = coverage(plan, FRAMEWORK.applicable_commitments("AL"))  # filed under a signatory, as in the tests
    programme = {c.id for c in FRAMEWORK.instrument("action-plan-2001").commitments}
    # activities may also serve the regional programme's projects, which bind no government
    assert result.covered_count == 11 and set(result.unlisted) <= programme
