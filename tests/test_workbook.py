"""The report as an Excel workbook: round trip, merge with a web save, hostile files, access."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from tests.conftest import log_in
from tests.test_report_pages import cycle_id, focal, form_fields, staff, start  # noqa: F401
from tracker.extensions import db
from tracker.models import AuditEvent, Entry, Report, ReportState

pytestmark = pytest.mark.usefixtures("cycle_id")


def _download(client, report_id) -> bytes:
    response = client.get(f"/reports/{report_id}/workbook.xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.data


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, report_id, data: bytes, name: str = "report.xlsx"):
    page = client.get(f"/reports/{report_id}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text) or re.search(
        r'name="csrf_token" value="([^"]+)"', page.text
    )
    fields = {"workbook": (io.BytesIO(data), name)}
    if token:
        fields["csrf_token"] = token.group(1)
    return client.post(f"/reports/{report_id}/workbook", data=fields, content_type="multipart/form-data")


def _apply(client, report_id, preview_html: str):
    token = re.search(r'name="token" value="([^"]+)"', preview_html).group(1)
    return client.post(f"/reports/{report_id}/workbook/apply", data={"token": token})


def _fill(data: bytes) -> tuple[bytes, int]:
    """Every editable field of every entry, and two evidence rows for the first."""
    book = load_workbook(io.BytesIO(data))
    entries = book["Entries"]
    rows = 0
    for n in range(2, entries.max_row + 1):
        if entries.cell(row=n, column=1).value is None:
            continue
        rows += 1
        entries.cell(row=n, column=4, value="in-progress")
        entries.cell(row=n, column=5, value=f"Done for row {n}: a law, a shelter.\nSecond line.")
        entries.cell(row=n, column=6, value="Ministry of the Interior")
        entries.cell(row=n, column=7, value=dt.date(2003, 1, n % 28 + 1))
        entries.cell(row=n, column=8, value=dt.date(2003, 12, 31))
        entries.cell(row=n, column=9, value=1000 + n)
        entries.cell(row=n, column=10, value="eur")
    code = entries.cell(row=2, column=2).value
    evidence = book["Evidence"]
    evidence.append(
        [code, "Official gazette 12/2003", "https://example.org/gazette", "4", "The law applies.", "adoption"]
    )
    evidence.append([code, "Shelter report", None, None, None, "implementation"])
    figures = book["Figures"]
    for n in range(2, figures.max_row + 1):
        figures.cell(row=n, column=4, value=n * 3)
    assert figures.max_row > 1, "the framework asks for figures: the round trip must carry them"
    return _save(book), rows


def _stored(report_id):
    db.session.remove()
    report = db.session.get(Report, report_id)
    return report, sorted(report.entries, key=lambda e: e.position)


def _audits() -> int:
    return db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_round_trip_of_a_full_report(app, focal, cycle_id):  # noqa: F811
    report_id = start(focal, cycle_id)
    filled, rows = _fill(_download(focal, report_id))
    preview = _upload(focal, report_id, filled)
    assert preview.status_code == 200, preview.text
    assert "What the workbook changes" in preview.text and "Ministry of the Interior" in preview.text
    with app.app_context():
        assert all(e.narrative is None for e in _stored(report_id)[1])  # a preview stores nothing
    applied = _apply(focal, report_id, preview.text)
    assert applied.status_code == 302
    with app.app_context():
        report, entries = _stored(report_id)
        assert len(entries) == rows and report.version == 2
        for n, entry in enumerate(entries, start=2):
            assert entry.reported_status == "in-progress"
            assert entry.narrative == f"Done for row {n}: a law, a shelter.\nSecond line."
            assert entry.responsible == "Ministry of the Interior"
            assert (entry.start_date, entry.end_date) == (dt.date(2003, 1, n % 28 + 1), dt.date(2003, 12, 31))
            assert (entry.budget_amount, entry.budget_currency) == (1000 + n, "EUR")
        asked = load_workbook(io.BytesIO(filled))["Figures"].iter_rows(min_row=2, values_only=True)
        stored = {(e.commitment.code, f.indicator): f.value for e in entries for f in e.figures}
        assert stored == {(code, indicator): value for code, indicator, _label, value in asked}
        first = entries[0].evidence
        assert [(e.title, e.url, e.page, e.quote, e.kind) for e in first] == [
            ("Official gazette 12/2003", "https://example.org/gazette", "4", "The law applies.", "adoption"),
            ("Shelter report", None, None, None, "implementation"),
        ]
    again = load_workbook(io.BytesIO(_download(focal, report_id)))
    sent = load_workbook(io.BytesIO(filled))
    for sheet in ("Entries", "Evidence", "Figures"):
        got = [[c for c in row] for row in again[sheet].iter_rows(values_only=True)]
        want = [[c for c in row] for row in sent[sheet].iter_rows(values_only=True)]
        want = [[c.upper() if c == "eur" else c for c in row] for row in want]  # the currency is stored upper-case
        assert got == want


def test_a_web_save_since_the_download_is_merged_not_overwritten(app, focal, cycle_id):  # noqa: F811
    report_id = start(focal, cycle_id)
    data = _download(focal, report_id)
    fields = form_fields(focal.get(f"/reports/{report_id}").text)
    fields["entries-0-narrative"] = "Typed on the web."
    fields["entries-1-responsible"] = "Saved on the web"
    assert focal.post(f"/reports/{report_id}", data=fields).status_code == 302
    book = load_workbook(io.BytesIO(data))
    book["Entries"]["E2"] = "Typed in the workbook."  # collides with the web's narrative
    book["Entries"]["E3"] = "No collision here."
    preview = _upload(focal, report_id, _save(book))
    assert preview.status_code == 200 and "<strong>Collides</strong>: what is saved is kept" in preview.text
    assert "Typed on the web." in preview.text and "Typed in the workbook." in preview.text
    assert _apply(focal, report_id, preview.text).status_code == 302
    with app.app_context():
        entries = _stored(report_id)[1]
        assert entries[0].narrative == "Typed on the web."
        assert entries[1].narrative == "No collision here." and entries[1].responsible == "Saved on the web"


def _hostile(data: bytes):
    """Variants of a downloaded workbook, each refused with the place named."""
    book = load_workbook(io.BytesIO(data))
    yield "status", "Entries!D2", _edit(book, "Entries", "D2", "Done")
    yield "formula", "Entries!E2", _edit(load_workbook(io.BytesIO(data)), "Entries", "E2", "=1+1")
    yield "too long", "Entries!F2", _edit(load_workbook(io.BytesIO(data)), "Entries", "F2", "x" * 501)
    yield "date range", "Entries!G2", _edit(load_workbook(io.BytesIO(data)), "Entries", "G2", dt.date(1989, 12, 31))
    yield "wrong type", "Entries!I2", _edit(load_workbook(io.BytesIO(data)), "Entries", "I2", "a lot")
    yield "forged", "signature does not match", _edit(load_workbook(io.BytesIO(data)), "_signature", "B3", 99)
    book = load_workbook(io.BytesIO(data))
    del book["_signature"]
    yield "missing signature", "not made by the tracker", _save(book)
    yield "macros", "macros", _with_part(data, "xl/vbaProject.bin", b"\0" * 10)
    yield (
        "external link",
        "outside the file",
        _with_part(data, "xl/externalLinks/_rels/externalLink1.xml.rels", b'<Relationship TargetMode="External"/>'),
    )
    yield "zip bomb", "unpack to", _with_part(data, "xl/media/huge.xml", b"\0" * 5_000_000)
    yield "figure type", "Figures!D2", _edit(load_workbook(io.BytesIO(data)), "Figures", "D2", 2.5)
    yield "oversized", "larger than a report can be", _edit(load_workbook(io.BytesIO(data)), "Entries", "A5000", 1)


def _edit(book, sheet, cell, value) -> bytes:
    book[sheet][cell] = value
    return _save(book)


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr(name, content)
    return buffer.getvalue()


def test_hostile_workbooks_are_refused_naming_the_place(app, focal, cycle_id):  # noqa: F811
    report_id = start(focal, cycle_id)
    data = _download(focal, report_id)
    with app.app_context():
        before = _audits()
    for what, place, hostile in _hostile(data):
        response = _upload(focal, report_id, hostile)
        assert response.status_code == 400, what
        assert place in response.text, (what, response.text[-3000:])
    assert _upload(focal, report_id, data, name="report.xlsm").status_code == 400
    with app.app_context():
        assert _audits() == before  # nothing audited
        assert all(e.narrative is None and e.reported_status is None for e in _stored(report_id)[1])
        assert not list((__import__("pathlib").Path(app.config["UPLOAD_DIR"]) / "workbooks").glob("*.xlsx"))


def test_a_workbook_of_another_report_is_refused(app, focal, people, cycle_id):  # noqa: F811
    albania = start(focal, cycle_id)
    serbia_client = app.test_client()
    log_in(serbia_client, people["serbia"])
    serbia = start(serbia_client, cycle_id)
    response = _upload(focal, albania, _download(serbia_client, serbia))
    assert response.status_code == 400 and "another report" in response.text


def test_access_is_scoped_to_the_country(app, focal, people, cycle_id):  # noqa: F811
    report_id = start(focal, cycle_id)
    other = app.test_client()
    log_in(other, people["serbia"])
    assert other.get(f"/reports/{report_id}/workbook.xlsx").status_code == 404
    assert _upload(other, report_id, _download(focal, report_id)).status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/reports/{report_id}/workbook.xlsx").status_code in (302, 401, 404)
    assert anonymous.post(f"/reports/{report_id}/workbook").status_code in (302, 400, 401, 404)


def test_a_blank_workbook_before_the_report_is_started(app, focal, cycle_id):  # noqa: F811
    response = focal.get(f"/reports/cycles/{cycle_id}/blank.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    codes = [row[1] for row in book["Entries"].iter_rows(min_row=2, values_only=True)]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Entry)).scalar_one() == 0
    assert codes and all(codes)
    assert "cannot be uploaded" in book["How to fill in"]["A1"].value


def test_the_dashboard_offers_the_blank_workbook_of_a_cycle_not_yet_started(focal, cycle_id):  # noqa: F811
    page = focal.get("/reports/").text
    assert f"/reports/cycles/{cycle_id}/blank.xlsx" in page


def test_a_report_no_longer_editable_offers_no_workbook(app, focal, cycle_id):  # noqa: F811
    report_id = start(focal, cycle_id)
    assert focal.get(f"/reports/{report_id}/workbook.xlsx").status_code == 200
    with app.app_context():
        db.session.execute(update(Report).where(Report.id == report_id).values(state=ReportState.SUBMITTED))
        db.session.commit()
    response = focal.get(f"/reports/{report_id}/workbook.xlsx")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reports/{report_id}")
    assert "cannot be filled in" in focal.get(f"/reports/{report_id}").text


def test_the_command_line_exports_previews_and_applies(app, focal, people, cycle_id, tmp_path):  # noqa: F811
    report_id = start(focal, cycle_id)
    runner = app.test_cli_runner()
    path = tmp_path / "report.xlsx"
    result = runner.invoke(args=["reports", "export", str(report_id), str(path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    book["Entries"]["E2"] = "Sent by mail."
    book.save(path)
    result = runner.invoke(args=["reports", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "What was done: None -> 'Sent by mail.' [applies]" in result.output
    with app.app_context():
        assert _stored(report_id)[1][0].narrative is None  # the preview saved nothing
    result = runner.invoke(args=["reports", "import", str(path), "--apply", "--as", people["albania"]])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _stored(report_id)[1][0].narrative == "Sent by mail."
    book["Entries"]["D3"] = "Done"
    book.save(path)
    result = runner.invoke(args=["reports", "import", str(path)])
    assert result.exit_code == 1 and 'Entries!D3: status "Done" is not one of' in result.output


def test_a_table_as_xlsx_never_holds_a_formula(app):
    from tracker.exports import xlsx_response

    with app.test_request_context():
        response = xlsx_response(["name", "count"], [('=HYPERLINK("http://x","y")', 3), ("+1", None)], "t.xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))  # not data_only: a formula would show as one
    cells = [[(c.value, c.data_type) for c in row] for row in book.active.iter_rows(min_row=2)]
    assert cells[0][0] == ('=HYPERLINK("http://x","y")', "s") and cells[0][1] == (3, "n")
    assert cells[1][0] == ("+1", "s")


def test_the_secretariat_downloads_every_score_as_xlsx(app, staff):  # noqa: F811
    response = staff.get("/review/scorecards.xlsx")
    assert response.status_code == 200
    header = next(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert header[: len(header)] == tuple(staff.get("/review/scorecards.csv").text.splitlines()[0].split(","))


def test_the_secretariat_downloads_a_cycles_submissions_as_one_workbook(app, focal, staff, people, cycle_id):  # noqa: F811
    submitted = start(focal, cycle_id)
    fields = form_fields(focal.get(f"/reports/{submitted}").text)
    fields["entries-0-narrative"] = "=cmd|' /C calc'!A0"  # stored as typed, never a formula in the file
    assert focal.post(f"/reports/{submitted}", data=fields).status_code == 302
    with app.app_context():
        db.session.execute(update(Report).where(Report.id == submitted).values(state=ReportState.SUBMITTED))
        db.session.commit()
    serbia = app.test_client()
    log_in(serbia, people["serbia"])
    start(serbia, cycle_id)  # a draft: not a submission
    response = staff.get(f"/review/cycles/{cycle_id}/submissions.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book["Entries"].iter_rows(min_row=2))
    assert {r[0].value for r in rows} == {"AL"}
    assert rows[0][5].value == "=cmd|' /C calc'!A0" and rows[0][5].data_type == "s"
    assert focal.get(f"/review/cycles/{cycle_id}/submissions.xlsx").status_code == 403
