"""The workbook's victim statistics and plan-progress sheets: filled offline, previewed, and saved with
the entries in one transaction, through the web form's own operations (issue 22)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.test_plan_progress import focal, report_id  # noqa: F401  (fixtures)
from tests.test_workbook import _apply, _download, _save, _upload
from tests.test_workflow import actor
from tracker.extensions import db
from tracker.models import ActivityProgress, AuditEvent, Entry, Report, Statistic
from tracker.services.plans import ProgressInput, save_progress
from tracker.workbook import PROGRESS_SHEET, STATISTICS_SHEET


def _fill_statistics(book) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Every measure: a total of 12, each breakdown giving it to its first category; capacity figures."""
    sheet = book[STATISTICS_SHEET]
    typed: dict[str, int] = {}
    breakdowns_seen: set[tuple[str, str]] = set()
    for n in range(2, sheet.max_row + 1):
        key = sheet.cell(row=n, column=1).value
        parts = key.split(".")
        if len(parts) == 2:  # a total, or a capacity figure
            capacity = not sheet.cell(row=n, column=4).value
            value = 1 if capacity and "referral" in key else (3 if capacity else 12)
        else:
            first = (parts[1], parts[2]) not in breakdowns_seen
            breakdowns_seen.add((parts[1], parts[2]))
            value = 12 if first else 0
        sheet.cell(row=n, column=5, value=value)
        typed[key] = value
    return typed


def _stored_statistics(report: int) -> dict[str, int]:
    rows = db.session.execute(select(Statistic).where(Statistic.report_id == report)).scalars()
    return {"s." + ".".join(part for part in (r.measure, r.breakdown, r.category) if part): r.value for r in rows}


def _stored_progress(report: int) -> dict[str, tuple]:
    rows = db.session.execute(select(ActivityProgress).where(ActivityProgress.report_id == report)).scalars()
    return {r.activity: (r.status, r.indicator_values, r.evidence_url, r.note) for r in rows}


def _audit_actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def _activity_rows(book) -> dict[str, int]:  # type: ignore[no-untyped-def]
    sheet = book[PROGRESS_SHEET]
    return {
        sheet.cell(row=n, column=1).value: n
        for n in range(2, sheet.max_row + 1)
        if sheet.cell(row=n, column=1).value and not sheet.cell(row=n, column=2).value
    }


def test_statistics_and_plan_progress_are_saved_with_the_entries_in_one_step(app, focal, report_id):  # noqa: F811
    book = load_workbook(io.BytesIO(_download(focal, report_id)))
    assert book.sheetnames[:6] == ["How to fill in", "Entries", "Evidence", "Figures", STATISTICS_SHEET, PROGRESS_SHEET]
    typed = _fill_statistics(book)
    progress = book[PROGRESS_SHEET]
    rows = _activity_rows(book)
    first, second = list(rows)[:2]
    progress.cell(row=rows[first], column=4, value="under-way")
    progress.cell(row=rows[first], column=6, value="https://example.org/minutes")
    progress.cell(row=rows[first], column=7, value="Two meetings held.")
    indicator = progress.cell(row=rows[first] + 1, column=2).value
    assert indicator, "the first activity of the example plan has an indicator"
    progress.cell(row=rows[first] + 1, column=5, value="2")
    progress.cell(row=rows[second], column=4, value="completed")
    book["Entries"].cell(row=2, column=5, value="Done offline, in the workbook.")
    with app.app_context():
        before = db.session.get(Report, report_id).version
        actions = len(_audit_actions())

    preview = _upload(focal, report_id, _save(book))
    assert preview.status_code == 200, preview.text
    assert "Statistics" in preview.text and "Plan progress" in preview.text and "Under way; " in preview.text
    with app.app_context():
        assert _stored_statistics(report_id) == {} and _stored_progress(report_id) == {}  # a preview stores nothing
    assert _apply(focal, report_id, preview.text).status_code == 302

    with app.app_context():
        db.session.remove()
        assert _stored_statistics(report_id) == typed
        assert _stored_progress(report_id) == {
            first: ("under-way", {indicator: "2"}, "https://example.org/minutes", "Two meetings held."),
            second: ("completed", {}, None, None),
        }
        entry = db.session.execute(
            select(Entry).where(Entry.report_id == report_id).order_by(Entry.position).limit(1)
        ).scalar_one()
        assert entry.narrative == "Done offline, in the workbook."
        assert db.session.get(Report, report_id).version == before + 1  # one save, one version
        assert _audit_actions()[actions:] == ["report_saved", "statistics_saved", "plan_progress_saved"]
    again = load_workbook(io.BytesIO(_download(focal, report_id)))
    assert [r[-1] for r in again[STATISTICS_SHEET].iter_rows(min_row=2, values_only=True)] == list(typed.values())


def test_statistics_that_do_not_add_up_save_nothing_at_all(app, focal, report_id):  # noqa: F811
    book = load_workbook(io.BytesIO(_download(focal, report_id)))
    _fill_statistics(book)
    book[STATISTICS_SHEET].cell(row=3, column=5, value=5)  # a category: its breakdown no longer adds up
    book["Entries"].cell(row=2, column=5, value="This must not be saved either.")
    with app.app_context():
        actions = len(_audit_actions())
    refused = _upload(focal, report_id, _save(book))
    assert refused.status_code == 400
    assert f"{STATISTICS_SHEET}!E" in refused.text and "Nothing was saved" in refused.text
    with app.app_context():
        db.session.remove()
        assert _stored_statistics(report_id) == {}
        narratives = db.session.execute(select(Entry.narrative).where(Entry.report_id == report_id)).scalars()
        assert not any(narratives)
        assert len(_audit_actions()) == actions


def test_a_progress_status_outside_the_list_is_refused_at_its_cell(app, focal, report_id):  # noqa: F811
    book = load_workbook(io.BytesIO(_download(focal, report_id)))
    row = next(iter(_activity_rows(book).values()))
    book[PROGRESS_SHEET].cell(row=row, column=4, value="finished")
    refused = _upload(focal, report_id, _save(book))
    assert refused.status_code == 400 and f"{PROGRESS_SHEET}!D{row}" in refused.text
    del book[PROGRESS_SHEET]
    missing = _upload(focal, report_id, _save(book))
    assert missing.status_code == 400 and "The sheet &#39;Plan progress&#39; is missing" in missing.text


def test_progress_saved_on_the_web_since_the_download_is_kept_and_the_rest_applies(app, focal, report_id):  # noqa: F811
    book = load_workbook(io.BytesIO(_download(focal, report_id)))
    rows = _activity_rows(book)
    first, second = list(rows)[:2]
    book[PROGRESS_SHEET].cell(row=rows[first], column=4, value="delayed")
    book[PROGRESS_SHEET].cell(row=rows[second], column=4, value="under-way")
    with app.app_context():
        version = db.session.get(Report, report_id).version
        save_progress(report_id, version, {first: ProgressInput("completed")}, actor("albania"))
    preview = _upload(focal, report_id, _save(book))
    assert preview.status_code == 200 and "Collides" in preview.text
    assert _apply(focal, report_id, preview.text).status_code == 302
    with app.app_context():
        db.session.remove()
        saved = _stored_progress(report_id)
        assert saved[first][0] == "completed" and saved[second][0] == "under-way"
        assert db.session.execute(select(func.count(Statistic.id))).scalar_one() == 0  # untouched: not written
