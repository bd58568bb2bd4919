"""A report's statistics section: breakdowns add up, counts are whole numbers, the form loses
nothing, an accepted report's statistics are locked, and only the country's focal points edit them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import log_in
from tests.test_workflow import CYCLE, actor, complete, start
from tracker import services
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import AuditEvent, Report, Statistic
from tracker.services.reporting import InvalidStatistics, save_statistics
from tracker.statistics import section

SEX = ("female", "male", "unknown")


def by_sex(measure: str, female: int, male: int, unknown: int) -> dict[section.Key, int]:
    return {(measure, "sex", c): v for c, v in zip(SEX, (female, male, unknown), strict=True)}


def form_of(values: dict[section.Key, int]) -> dict[str, str]:
    return {section.Field(key, "", "count").name: str(value) for key, value in values.items()}


# ----------------------------------------------------------------------------- the pure rule
def test_every_measure_breakdown_and_category_is_a_field(framework):
    names = [field.name for field in section.fields(framework)]
    assert len(names) == len(set(names))
    assert "s.victims-identified" in names
    assert "s.victims-identified.sex.female" in names
    assert "s.victims-identified.origin.MD" in names  # a breakdown by country lists every country
    assert "s.victims-returned.destination.other" in names
    assert "s.referral-mechanism" in names
    assert "s.victims-returned.education.none" not in names  # not a breakdown of that measure


def test_a_breakdown_that_adds_up_is_accepted(framework):
    values = {("victims-identified", "", ""): 40, **by_sex("victims-identified", 30, 8, 2)}
    assert section.check(framework, values) == []


def test_a_breakdown_that_does_not_add_up_says_by_how_much(framework):
    values = {("victims-identified", "", ""): 40, **by_sex("victims-identified", 30, 7, 2)}
    [problem] = section.check(framework, values)
    assert problem.field == "s.victims-identified.sex"
    assert "add up to 39, but the total is 40" in problem.message


def test_a_breakdown_is_given_whole(framework):
    values = {("victims-identified", "", ""): 40, ("victims-identified", "sex", "female"): 40}
    [problem] = section.check(framework, values)
    assert "give every category" in problem.message and "Male, Not known" in problem.message


def test_a_breakdown_needs_its_total(framework):
    [problem] = section.check(framework, by_sex("victims-assisted", 1, 0, 0))
    assert "give the total" in problem.message


def test_a_figure_the_section_does_not_ask_for_is_refused(framework):
    [problem] = section.check(framework, {("victims-returned", "education", "none"): 1})
    assert problem.message == "Not a figure this report asks for."


@pytest.mark.parametrize("typed", ["-3", "2.5", "12%", "lots", "99999999999"])
def test_a_count_is_a_whole_number_of_zero_or_more(framework, typed):
    values, kept, problems = section.parse(framework, {"s.victims-identified": typed})
    assert values == {}
    assert kept["s.victims-identified"] == typed  # what was typed is shown again, not lost
    assert [p.field for p in problems] == ["s.victims-identified"]


def test_thousands_separators_are_read(framework):
    values, _, problems = section.parse(framework, {"s.victims-identified": "1,204", "s.shelters": " 3 "})
    assert problems == []
    assert values == {("victims-identified", "", ""): 1204, ("shelters", "", ""): 3}


def test_yes_no_is_one_or_zero(framework):
    values, _, problems = section.parse(framework, {"s.referral-mechanism": "2"})
    assert values == {} and problems[0].message == "Choose yes or no."


# ----------------------------------------------------------------------------- the operation
@pytest.fixture
def ctx(app, people):
    with app.app_context():
        yield services.create_cycle(**CYCLE, actor=actor("secretariat")).id


def test_saving_merges_audits_and_the_amendment_copies(ctx):
    report = start(ctx)
    first = {("victims-identified", "", ""): 12, **by_sex("victims-identified", 10, 2, 0), ("shelters", "", ""): 2}
    save_statistics(report.id, report.version, first, actor("albania"))
    row_ids = {(s.measure, s.breakdown, s.category): s.id for s in report.statistics}
    second = {**first, ("victims-identified", "", ""): 13, **by_sex("victims-identified", 10, 3, 0)}
    del second[("shelters", "", "")]
    save_statistics(report.id, report.version, second, actor("albania2"))
    saved = {(s.measure, s.breakdown, s.category): (s.id, s.value) for s in report.statistics}
    assert {k: v for k, (_, v) in saved.items()} == second
    assert saved[("victims-identified", "sex", "female")][0] == row_ids[("victims-identified", "sex", "female")]
    event = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "statistics_saved").order_by(AuditEvent.id.desc())
        )
        .scalars()
        .first()
    )
    assert event.after["changed"] == 3  # total and male changed, shelters removed

    services.save_draft(report.id, report.version, complete(report), actor("albania"))
    services.submit(report.id, report.version, actor("albania"))
    services.accept(report.id, {}, actor("secretariat"))
    amendment = services.amend(report.id, actor("albania"))
    assert {(s.measure, s.breakdown, s.category): s.value for s in amendment.statistics} == second


def test_a_sum_that_does_not_add_up_saves_nothing(ctx):
    report = start(ctx)
    version = report.version
    with pytest.raises(InvalidStatistics, match="add up to 11, but the total is 12"):
        save_statistics(
            report.id,
            version,
            {("victims-identified", "", ""): 12, **by_sex("victims-identified", 9, 2, 0)},
            actor("albania"),
        )
    db.session.rollback()
    assert db.session.get(Report, report.id).version == version
    assert db.session.execute(select(Statistic)).first() is None


def test_another_country_cannot_save_and_an_old_form_is_refused(ctx):
    report = start(ctx)
    with pytest.raises(services.NotFound):
        save_statistics(report.id, report.version, {("shelters", "", ""): 1}, actor("serbia"))
    db.session.rollback()
    with pytest.raises(services.NotAllowed):
        save_statistics(report.id, report.version, {("shelters", "", ""): 1}, actor("secretariat"))
    db.session.rollback()
    version = report.version
    save_statistics(report.id, version, {("shelters", "", ""): 1}, actor("albania"))
    with pytest.raises(services.StaleVersion):
        save_statistics(report.id, version, {("shelters", "", ""): 2}, actor("albania2"))


def test_an_accepted_reports_statistics_are_locked_in_the_database(ctx):
    report = start(ctx)
    save_statistics(report.id, report.version, {("shelters", "", ""): 2}, actor("albania"))
    services.save_draft(report.id, report.version, complete(report), actor("albania"))
    services.submit(report.id, report.version, actor("albania"))
    services.accept(report.id, {}, actor("secretariat"))
    row = report.statistics[0]
    for statement in (
        f"UPDATE statistic SET value = 9 WHERE id = {row.id}",
        f"DELETE FROM statistic WHERE id = {row.id}",
        f"INSERT INTO statistic (report_id, measure, breakdown, category, value) VALUES ({report.id}, 'x', '', '', 1)",
    ):
        with pytest.raises(DBAPIError, match="accepted and locked"), write_transaction(db.session):
            db.session.execute(text(statement))
        db.session.rollback()
    with pytest.raises(services.DomainError, match="cannot be edited"):
        save_statistics(report.id, report.version, {("shelters", "", ""): 3}, actor("albania"))


# ----------------------------------------------------------------------------- the page
def version(page: str) -> str:
    return re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)


def test_the_form_keeps_what_was_typed_when_it_does_not_add_up(app, people, client):
    with app.app_context():
        cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
        report_id = start(cycle.id).id
    log_in(client, people["albania"])
    url = f"/reports/{report_id}/statistics"
    page = client.get(url).get_data(as_text=True)
    wrong = form_of({("victims-identified", "", ""): 40, **by_sex("victims-identified", 30, 7, 2)})
    response = client.post(url, data={"version": version(page), **wrong})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in body and "add up to 39, but the total is 40" in body
    assert 'name="s.victims-identified.sex.male" value="7"' in body  # the typed figures are still there
    with app.app_context():
        assert db.session.execute(select(Statistic)).first() is None

    right = form_of({("victims-identified", "", ""): 40, **by_sex("victims-identified", 30, 8, 2)})
    response = client.post(url, data={"version": version(page), **right})
    assert response.status_code == 302
    assert 'name="s.victims-identified.sex.male" value="8"' in client.get(url).get_data(as_text=True)

    # a form loaded before that save is refused, and keeps its figures
    stale = form_of({("victims-identified", "", ""): 41, **by_sex("victims-identified", 30, 9, 2)})
    response = client.post(url, data={"version": version(page), **stale})
    assert response.status_code == 409
    assert 'name="s.victims-identified.sex.male" value="9"' in response.get_data(as_text=True)


def test_another_countrys_statistics_do_not_exist_for_a_focal_point(app, people, client):
    with app.app_context():
        cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
        report_id = start(cycle.id).id
    log_in(client, people["serbia"])
    assert client.get(f"/reports/{report_id}/statistics").status_code == 404
    assert client.post(f"/reports/{report_id}/statistics", data={"version": "1", "s.shelters": "2"}).status_code == 404
    with app.app_context():
        assert db.session.execute(select(Statistic)).first() is None
