"""The public value of an entry's figure: one rule for every public page, download and the API."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import COMMITMENTS_DIR
from tracker.framework import load_framework
from tracker.statistics.figures import ABOVE_ZERO, NONE_REPORTED, PublicFigure, public_figure, public_figures

METHOD = load_framework(COMMITMENTS_DIR).methodology


def test_the_framework_marks_the_six_figures_that_count_victims():
    assert [i.id for i in METHOD.indicators if i.counts_victims] == [
        "victims-identified",
        "victims-assisted",
        "temporary-stays-granted",
        "temporary-residence-permits",
        "immediate-deportations",
        "returns-assisted",
    ]


@pytest.mark.parametrize("indicator", ["prosecutions", "convictions", "shelters-operating", "shelter-places"])
@pytest.mark.parametrize("value", [0, 1, 4, 250])
def test_a_figure_that_counts_no_victims_is_published_as_given(indicator, value):
    label = next(i.label for i in METHOD.indicators if i.id == indicator)
    assert public_figure(METHOD, indicator, value) == PublicFigure(indicator, label, value, str(value))


@pytest.mark.parametrize(
    "indicator", ["victims-identified", "victims-assisted", "temporary-stays-granted", "returns-assisted"]
)
@pytest.mark.parametrize("value", [0, 1, 4, 250])
def test_a_figure_that_counts_victims_is_left_out(indicator, value):
    assert public_figure(METHOD, indicator, value) is None


@pytest.mark.parametrize(("value", "shown"), [(0, NONE_REPORTED), (1, ABOVE_ZERO), (3, ABOVE_ZERO), (90, ABOVE_ZERO)])
def test_the_figure_of_a_negative_indicator_shows_only_whether_it_is_above_zero(value, shown):
    figure = public_figure(METHOD, "immediate-deportations", value)
    assert figure is not None and (figure.value, figure.shown) == (None, shown)


def test_a_figure_the_methodology_does_not_describe_is_left_out():
    assert public_figure(METHOD, "victims-counted-elsewhere", 3) is None


def test_the_rule_follows_the_framework_not_a_list_of_ids():
    unmarked = dataclasses.replace(
        METHOD,
        indicators=tuple(dataclasses.replace(i, counts_victims=False) for i in METHOD.indicators),
    )
    assert public_figure(unmarked, "victims-identified", 3) == PublicFigure(
        "victims-identified", "Victims identified", 3, "3"
    )
    assert public_figure(unmarked, "immediate-deportations", 3).shown == "3"


def test_an_entry_keeps_its_order_and_names_what_it_leaves_out():
    figures = public_figures(
        METHOD,
        [("victims-identified", 3), ("prosecutions", 2), ("immediate-deportations", 4), ("returns-assisted", 0)],
    )
    assert [(f.indicator, f.value, f.shown) for f in figures.shown] == [
        ("prosecutions", 2, "2"),
        ("immediate-deportations", None, ABOVE_ZERO),
    ]
    assert figures.withheld == ("Victims identified", "Returns assisted")
