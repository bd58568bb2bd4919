"""Evidence files: what is accepted, where it is kept, and who may download it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import log_in
from tests.test_report_pages import CYCLE_FORM, form_fields, start
from tracker import uploads
from tracker.extensions import db
from tracker.models import Evidence, ReportingCycle

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("law.pdf", PDF, "application/pdf"),
        ("chart.PNG", PNG, "image/png"),
        ("minutes.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("figures.csv", b"country,victims\nAL,12\n", "text/csv; charset=utf-8"),
    ],
)
def test_accepted_files(tmp_path, name, data, content_type):
    stored = uploads.store(tmp_path, name, data)
    assert (stored.file_name, stored.content_type, stored.size_bytes) == (name, content_type, len(data))
    assert (tmp_path / stored.stored_name).read_bytes() == data
    assert len(stored.stored_name) == 32 and name not in stored.stored_name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "not a kind of file we accept"),
        ("page.html", b"<script>alert(1)</script>", "not a kind of file we accept"),
        ("report.pdf", b"MZ\x90\x00 a program renamed", "does not contain what a .pdf file should"),
        ("notes.docx", b"PK\x03\x04 but not a zip", "does not contain what a .docx file should"),
        ("sheet.ods", docx(), "does not contain what a .ods file should"),
        ("data.txt", b"\xff\xfe\x00binary", "does not contain what a .txt file should"),
        ("empty.pdf", b"", "is empty"),
        ("huge.pdf", b"%PDF-" + b"0" * uploads.MAX_FILE_BYTES, "larger than 10 MB"),
    ],
)
def test_refused_files(tmp_path, name, data, message):
    with pytest.raises(uploads.UploadRefused, match=message):
        uploads.store(tmp_path, name, data)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_names_cannot_escape_the_folder(tmp_path):
    stored = uploads.store(tmp_path / "uploads", "../../etc/passwd.pdf", PDF)
    assert stored.file_name == "passwd.pdf"
    assert [p.parent for p in (tmp_path / "uploads").iterdir()] == [tmp_path / "uploads"]
    with pytest.raises(FileNotFoundError):
        uploads.path_of(tmp_path, "../secret")


@pytest.fixture
def report_with_file(app, people):
    staff = app.test_client()
    log_in(staff, people["secretariat"])
    staff.post("/review/cycles", data=CYCLE_FORM)
    focal = app.test_client()
    log_in(focal, people["albania"])
    with app.app_context():
        cycle_id = db.session.execute(select(ReportingCycle.id)).scalar_one()
    report_id = start(focal, cycle_id)
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    data["entries-0-evidence-0-title"] = "Law on protection"
    data["entries-0-evidence-0-file"] = (io.BytesIO(PDF), "law.pdf")
    data["save"] = "1"
    response = focal.post(f"/reports/{report_id}", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    with app.app_context():
        evidence = db.session.execute(select(Evidence)).scalar_one()
        return focal, report_id, evidence.id, evidence.stored_name


def test_an_uploaded_file_is_stored_outside_static_and_downloaded_as_an_attachment(app, report_with_file):
    focal, report_id, evidence_id, stored_name = report_with_file
    path = Path(app.config["UPLOAD_DIR"]) / stored_name
    assert path.read_bytes() == PDF
    assert "static" not in path.parts
    response = focal.get(f"/reports/{report_id}/evidence/{evidence_id}/file")
    assert response.status_code == 200 and response.data == PDF
    assert (
        response.headers["Content-Disposition"].startswith("attachment;")
        and "law.pdf" in response.headers["Content-Disposition"]
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_only_those_who_may_see_the_report_download_it(app, people, report_with_file):
    _, report_id, evidence_id, _ = report_with_file
    url = f"/reports/{report_id}/evidence/{evidence_id}/file"
    staff, serbia, anonymous = app.test_client(), app.test_client(), app.test_client()
    log_in(staff, people["secretariat"])
    log_in(serbia, people["serbia"])
    assert staff.get(url).status_code == 200
    assert serbia.get(url).status_code == 404
    assert anonymous.get(url).status_code == 302


def test_a_save_keeps_the_file_and_a_forged_reference_is_ignored(app, report_with_file):
    focal, report_id, _, stored_name = report_with_file
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    assert data["entries-0-evidence-0-keep_file"] == stored_name
    data["entries-1-evidence-0-title"] = "Someone else's file"
    data["entries-1-evidence-0-keep_file"] = "0" * 32  # not a file of this report
    focal.post(f"/reports/{report_id}", data={**data, "save": "1"})
    with app.app_context():
        rows = db.session.execute(select(Evidence).order_by(Evidence.id)).scalars().all()
        assert [(r.title, r.stored_name) for r in rows] == [
            ("Law on protection", stored_name),
            ("Someone else's file", None),
        ]


def test_a_refused_file_is_explained_and_the_rest_is_saved(app, report_with_file):
    focal, report_id, _, _ = report_with_file
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    data["entries-2-narrative"] = "Typed before choosing a bad file."
    data["entries-2-evidence-0-file"] = (io.BytesIO(b"MZ\x90\x00"), "tool.pdf")
    response = focal.post(f"/reports/{report_id}", data={**data, "save": "1"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "does not contain what a .pdf file should" in response.text
    assert "Typed before choosing a bad file." in response.text
    with app.app_context():
        assert db.session.execute(select(Evidence)).scalars().all()[0].title == "Law on protection"
