"""A cycle's public statistics: every table suppressed together, and nothing an outsider can work
out from the published document alone (the audit is rebuilt from the document, not from the counts)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest

from tracker.framework import Framework, load_framework
from tracker.statistics import publication
from tracker.statistics.suppression import exposed

COUNTRIES = ("AL", "BA", "BG", "HR", "MD", "MK", "RO", "RS")


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework("commitments")


def random_values(framework: Framework, rng: random.Random, scale: int) -> dict[str, dict[tuple, int]]:
    """Reports as countries give them: totals, most breakdowns whole, some left out, many small counts."""
    values: dict[str, dict[tuple, int]] = {}
    for code in COUNTRIES:
        given: dict[tuple, int] = {}
        for measure in framework.statistics.measures:
            if rng.random() < 0.15:
                continue
            total = rng.choice((0, 1, 3, rng.randint(0, scale)))
            given[(measure.id, "", "")] = total
            for breakdown in measure.breakdowns:
                if rng.random() < 0.25:
                    continue
                categories = [c for c, _ in framework.statistic_categories(breakdown)]
                weights = [rng.choice((0, 0, 1, 5, 30)) + 0.01 for _ in categories]
                counts = Counter(rng.choices(categories, weights, k=total))
                given.update({(measure.id, breakdown, c): counts[c] for c in categories})
        for figure in framework.statistics.capacity:
            given[(figure.id, "", "")] = rng.randint(0, 1) if figure.kind == "yes-no" else rng.randint(0, 12)
        values[code] = given
    return values


def cells(document: dict) -> list[dict]:
    found = []
    for measure in document["measures"]:
        found += measure["totals"] + ([measure["region"]] if measure["region"] else [])
        for breakdown in measure["breakdowns"]:
            for row in breakdown["rows"]:
                found += row["cells"] + [row["total"]]
            found += breakdown["column_totals"] + ([breakdown["total"]] if breakdown["total"] else [])
    for figure in document["capacity"]:
        if figure["people"]:
            found += figure["values"] + ([figure["region"]] if figure["region"] else [])
    return found


@pytest.mark.parametrize("seed", range(12))
def test_no_published_count_is_small_and_none_can_be_worked_out(framework, seed):
    rng = random.Random(seed)
    values = random_values(framework, rng, scale=rng.choice((8, 40, 300)))
    document = publication.publish(framework, values)
    shown = cells(document)
    assert shown, "the document publishes something"
    for cell in shown:
        if cell["mark"] == "published":
            assert cell["value"] == 0 or cell["value"] >= 5, cell
        else:
            assert cell["value"] is None and cell["shown"] in ("<5", "c")
    assert exposed(*publication.outsiders_view(document)) == {}


def test_published_counts_are_the_reported_ones(framework):
    values = random_values(framework, random.Random(99), scale=300)
    document = publication.publish(framework, values)
    for measure in document["measures"]:
        for total in measure["totals"]:
            if total["mark"] == "published":
                assert total["value"] == values[total["country"]][(measure["id"], "", "")]
        for breakdown in measure["breakdowns"]:
            ids = [c["id"] for c in breakdown["categories"]]
            for row in breakdown["rows"]:
                for category, cell in zip(ids, row["cells"], strict=True):
                    if cell["mark"] == "published":
                        assert cell["value"] == values[row["country"]][(measure["id"], breakdown["id"], category)]


def test_the_audit_catches_recovery_by_subtraction(framework):
    """Primary suppression alone is not enough: Albania's 3 men are its total minus its women."""
    values = {
        code: {
            ("victims-identified", "", ""): total,
            ("victims-identified", "sex", "female"): female,
            ("victims-identified", "sex", "male"): male,
            ("victims-identified", "sex", "unknown"): 0,
        }
        for code, total, female, male in (("AL", 40, 37, 3), ("MD", 60, 50, 10))
    }
    suppression = framework.statistics.suppression
    primary_only = replace(
        framework, statistics=replace(framework.statistics, suppression=replace(suppression, secondary=False))
    )
    naive = publication.publish(primary_only, values)
    assert exposed(*publication.outsiders_view(naive)) == {("cell", "victims-identified", "sex", "AL", "male"): 3}

    document = publication.publish(framework, values)
    assert exposed(*publication.outsiders_view(document)) == {}
    albania = document["measures"][0]["breakdowns"][0]["rows"][0]
    assert [c["shown"] for c in albania["cells"]] == ["c", "<5", "0"]  # the 37 is withheld with the 3


def test_a_breakdown_that_cannot_be_protected_is_withheld_whole(framework):
    """A total of 3, all female: the "<5" total and the "<5" female cell sit beside published zeros,
    and with the region's total from one other country the 3 could be worked out."""
    values = {
        "AL": {
            ("victims-identified", "", ""): 3,
            ("victims-identified", "sex", "female"): 3,
            ("victims-identified", "sex", "male"): 0,
            ("victims-identified", "sex", "unknown"): 0,
        },
    }
    document = publication.publish(framework, values)
    assert exposed(*publication.outsiders_view(document)) == {}
    shown = [c for c in cells(document)]
    assert all(c["mark"] != "published" or c["value"] in (0, None) or c["value"] >= 5 for c in shown)
