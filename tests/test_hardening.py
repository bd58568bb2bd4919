"""Issue 19, "Hardening from an outside test": one regression test (or more) per finding.

1 numbers that hold real budgets · 2 links from TRACKER_BASE_URL, trusted hosts · 3 a keyed,
anchored audit chain · 4 no 5xx on malformed input · 5 plausible dates, length limits · 6 gunicorn's
forwarded_allow_ips · 7 uploads · 8 lock triggers · 9 backups with the files, configurable timeouts.
(The property test over every route is tests/test_malformed_input.py.)
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import runpy
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from config import ProductionConfig
from tests.conftest import ROOT, log_in, make_app
from tests.test_backup import Populated, cli, fresh_database, populated  # noqa: F401  (a fixture)
from tests.test_report_pages import CYCLE_FORM, form_fields, start
from tests.test_workflow import actor
from tracker import services, uploads
from tracker.audit import CHECKPOINT_FILE, row_hash
from tracker.database import utcnow, write_transaction
from tracker.exports import csv_cell
from tracker.extensions import db
from tracker.models import (
    MAX_AMOUNT,
    AuditEvent,
    Commitment,
    Entry,
    Evidence,
    FrameworkVersion,
    IndicatorValue,
    Report,
    ReportingCycle,
    ScoreRecompute,
    Statistic,
    StoredScore,
    User,
)
from tracker.statistics import section

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def focal_report(app, people):
    """Albania's focal point logged in, with a draft report for a new cycle: (client, report id)."""
    staff = app.test_client()
    log_in(staff, people["secretariat"])
    assert staff.post("/review/cycles", data=CYCLE_FORM).status_code == 302
    focal = app.test_client()
    log_in(focal, people["albania"])
    with app.app_context():
        cycle_id = db.session.execute(select(ReportingCycle.id)).scalar_one()
    return focal, start(focal, cycle_id)


def _invalid(page: str, name: str) -> bool:
    """The rendered input called ``name`` is marked invalid."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    return tag is not None and "is-invalid" in tag.group(0)


# ----------------------------------------------------------------------------- 1. numbers
def test_every_numeric_field_of_the_report_takes_its_maximum_and_refuses_one_more(app, focal_report):
    focal, report_id = focal_report
    page = focal.get(f"/reports/{report_id}").text
    data = form_fields(page)
    numeric = [name for name in data if name.endswith(("-budget_amount", "-value"))]
    assert any(n.endswith("-budget_amount") for n in numeric) and any(n.endswith("-value") for n in numeric)
    assert set(numeric) == set(re.findall(r'<input[^>]*type="number"[^>]*name="([^"]+)"', page)) | set(
        re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="number"', page)
    )  # every number input on the page, nothing else

    too_big = {**data, **{name: str(MAX_AMOUNT + 1) for name in numeric}, "save": "1"}
    refused = focal.post(f"/reports/{report_id}", data=too_big)
    assert refused.status_code == 400
    assert all(_invalid(refused.text, name) for name in numeric)
    assert f"at most {MAX_AMOUNT:,}" in refused.text

    at_max = {**data, **{name: str(MAX_AMOUNT) for name in numeric}, "save": "1"}
    assert focal.post(f"/reports/{report_id}", data=at_max).status_code == 302
    with app.app_context():
        budgets = db.session.execute(select(Entry.budget_amount).where(Entry.report_id == report_id)).scalars()
        figures = db.session.execute(select(IndicatorValue.value)).scalars().all()
        assert set(budgets) == {MAX_AMOUNT}
        assert len(figures) == sum(n.endswith("-value") for n in numeric) and set(figures) == {MAX_AMOUNT}
    # a real national budget (3,000,000,000 RSD) on its own, the outside test's case
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    one = {**data, numeric[0]: "3000000000", "save": "1"}
    assert focal.post(f"/reports/{report_id}", data=one).status_code == 302


def test_every_count_of_the_statistics_section_takes_its_maximum_and_refuses_one_more(app, focal_report, framework):
    focal, report_id = focal_report
    totals = [f for f in section.fields(framework) if f.kind == "count" and not f.key[1]]
    assert totals

    def version() -> str:
        page = focal.get(f"/reports/{report_id}/statistics").text
        return re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)

    for field in totals:
        too_big = {"version": version(), field.name: str(section.MAX_COUNT + 1)}
        refused = focal.post(f"/reports/{report_id}/statistics", data=too_big)
        assert refused.status_code == 400, field.name
        at_max = {"version": version(), field.name: str(section.MAX_COUNT)}
        saved = focal.post(f"/reports/{report_id}/statistics", data=at_max)
        assert saved.status_code == 302, (field.name, saved.text[:300])
        with app.app_context():
            stored = db.session.execute(
                select(Statistic.value).where(Statistic.measure == field.key[0], Statistic.breakdown == "")
            ).scalar_one()
            assert stored == section.MAX_COUNT


def test_the_amount_columns_hold_64_bits_on_every_database(app):
    with app.app_context():
        for table in ("entry", "indicator_value", "statistic"):
            column = "budget_amount" if table == "entry" else "value"
            kind = db.inspect(db.engine).get_columns(table)
            kind = next(c["type"] for c in kind if c["name"] == column)
            assert kind.python_type is int and str(kind).upper() in ("BIGINT", "INTEGER")
            if db.engine.dialect.name == "postgresql":
                assert str(kind).upper() == "BIGINT"


# ----------------------------------------------------------------------------- 2. links, hosts
def test_invitation_links_come_from_the_base_url_never_the_host_header(app, people):
    app.config["BASE_URL"] = "https://tracker.example.org"
    admin = app.test_client()
    log_in(admin, people["admin"])
    attacker = app.test_client(use_cookies=False)  # sends exactly the headers given
    response = attacker.post(
        "/admin/users/invite",
        data={"name": "New Person", "email": "new@example.org", "role": "secretariat", "country": ""},
        # the Host an attacker sets; the session cookie sent as a browser on that name would send it
        headers={"Host": "evil.example", "Cookie": f"session={admin.get_cookie('session').value}"},
    )
    assert response.status_code == 200
    assert "evil.example" not in response.text
    assert re.search(r"https://tracker\.example\.org/invitation/[\w-]+", response.text)


def test_production_needs_a_base_url_and_trusts_only_its_host(database_url):
    keys = {"TRACKER_SECRET_KEY": "s" * 64, "TRACKER_AUDIT_KEY": "a" * 64, "TRACKER_DATABASE_URL": database_url}
    with pytest.raises(RuntimeError, match="TRACKER_BASE_URL"):
        ProductionConfig(keys)
    with pytest.raises(RuntimeError, match="TRACKER_AUDIT_KEY"):
        ProductionConfig({**keys, "TRACKER_AUDIT_KEY": "", "TRACKER_BASE_URL": "https://t.example.org"})
    with pytest.raises(RuntimeError, match="differ"):
        ProductionConfig({**keys, "TRACKER_AUDIT_KEY": "s" * 64, "TRACKER_BASE_URL": "https://t.example.org"})
    config = ProductionConfig({**keys, "TRACKER_BASE_URL": "https://tracker.example.org/"})
    assert config.TRUSTED_HOSTS == ["tracker.example.org"] and config.BASE_URL == "https://tracker.example.org"
    from tracker.app import create_app

    client = create_app(config).test_client()
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", base_url="https://tracker.example.org").status_code in (200, 503)


# ----------------------------------------------------------------------------- 6. gunicorn
@pytest.mark.parametrize(("hops", "trusted"), [("0", ""), ("", ""), ("1", "127.0.0.1,::1")])
def test_gunicorn_believes_forwarded_headers_only_with_proxy_hops(monkeypatch, hops, trusted):
    monkeypatch.setenv("TRACKER_PROXY_HOPS", hops)
    monkeypatch.delenv("TRACKER_FORWARDED_ALLOW_IPS", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["forwarded_allow_ips"] == trusted
    from gunicorn.config import Config

    config = Config()
    config.set("forwarded_allow_ips", settings["forwarded_allow_ips"])
    assert ("127.0.0.1" in config.forwarded_allow_ips) is bool(trusted)


# ----------------------------------------------------------------------------- 3. the audit chain
def _unguarded_audit_table() -> None:
    """What someone with the database owner's rights can do: drop the append-only triggers."""
    if db.engine.dialect.name == "sqlite":
        for name in ("audit_event_no_update", "audit_event_no_delete"):
            db.session.execute(text(f"DROP TRIGGER {name}"))
    else:
        db.session.execute(text("DROP TRIGGER audit_event_no_change ON audit_event"))
    db.session.commit()


def _verify(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_audit_rows_are_hmac_with_a_key_the_database_does_not_hold(app, populated):  # noqa: F811
    import hashlib

    with app.app_context():
        row = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
        assert row.row_hash == row_hash(row)
        assert row.row_hash != row_hash(row, legacy=True)  # not the public SHA-256 algorithm
        assert row.row_hash != row_hash(row, b"another key")
        assert hashlib.sha256(app.config["AUDIT_KEY"].encode()).hexdigest() not in str(
            db.session.execute(text("SELECT * FROM audit_event")).all()
        )


def test_verify_fails_after_the_last_five_rows_are_removed(app, populated):  # noqa: F811
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    assert (Path(app.config["AUDIT_CHECKPOINT_DIR"]) / CHECKPOINT_FILE).is_file()
    assert _verify(app)[0] == 0
    with app.app_context():
        _unguarded_audit_table()
        last = db.session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(5)).scalars().all()
        db.session.execute(text(f"DELETE FROM audit_event WHERE id IN ({','.join(map(str, last))})"))
        db.session.commit()
    code, output = _verify(app)
    assert code == 1 and "removed" in output


def test_verify_fails_after_an_edit_with_every_later_hash_recomputed(app, populated):  # noqa: F811
    assert app.test_cli_runner().invoke(args=["audit", "checkpoint"]).exit_code == 0
    with app.app_context():
        _unguarded_audit_table()
        with write_transaction(db.session):
            rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
            target = len(rows) // 2
            rows[target].reason = "forged"
            previous = rows[target - 1].row_hash
            for row in rows[target:]:  # the public algorithm, as anyone reading tracker/audit.py could
                row.previous_hash = previous
                row.row_hash = row_hash(row, legacy=True)
                previous = row.row_hash
    code, output = _verify(app)
    assert code == 1 and "changed" in output
    # and with a guessed key instead: the checkpoint still tells
    with app.app_context(), write_transaction(db.session):
        rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        previous = rows[target - 1].row_hash
        for row in rows[target:]:
            row.previous_hash = previous
            row.row_hash = row_hash(row)  # even with the real key: only the checkpoint can catch this
            previous = row.row_hash
    code, output = _verify(app)
    assert code == 1 and "rewritten" in output


def test_publishing_writes_a_checkpoint_and_a_changed_checkpoint_is_caught(app, populated):  # noqa: F811
    folder = Path(app.config["AUDIT_CHECKPOINT_DIR"])
    with app.app_context():
        services.publish_cycle(populated.cycle_id, actor("secretariat"))
        head = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
        assert head.action == "cycle_published"
        db.session.remove()
    point = json.loads((folder / CHECKPOINT_FILE).read_text())
    assert point["head_id"] == head.id and point["head_hash"] == head.row_hash
    assert _verify(app)[0] == 0
    point["rows"] -= 1
    (folder / CHECKPOINT_FILE).write_text(json.dumps(point))
    code, output = _verify(app)
    assert code == 1 and "checkpoint" in output


def test_the_migration_keys_an_existing_chain_without_breaking_it(database_url, tmp_path):
    """Rows of the old chain keep their SHA-256 hashes; a marker row starts the keyed chain."""
    from flask_migrate import upgrade

    from tracker.audit import GENESIS, MARKER, Actor, record

    app = make_app(database_url, AUDIT_CHECKPOINT_DIR=str(tmp_path / "checkpoints"))
    with app.app_context():
        upgrade(revision="3b1dc94c8119")  # the revision before issue 19's
        previous = GENESIS
        for number in range(3):  # rows as the old code wrote them
            row = AuditEvent(occurred_at=utcnow(), action=f"old_{number}", previous_hash=previous)
            row.row_hash = row_hash(row, legacy=True)
            previous = row.row_hash
            with write_transaction(db.session):
                db.session.add(row)
        upgrade()
        actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
        assert actions == ["old_0", "old_1", "old_2", MARKER]
        with write_transaction(db.session):
            record(db.session, "after_the_upgrade", Actor())
        db.session.remove()
    code, output = _verify(app)
    assert code == 0, output
    with app.app_context():  # an old row cannot be rewritten either: the marker's HMAC covers its hash
        _unguarded_audit_table()
        db.session.execute(text("UPDATE audit_event SET reason = 'forged' WHERE action = 'old_1'"))
        db.session.commit()
        db.session.remove()
    assert _verify(app)[0] == 1
    with app.app_context():
        db.engine.dispose()


# ----------------------------------------------------------------------------- 4. no 5xx
@pytest.mark.parametrize(
    "path",
    [
        "/evidence/99999999999999999999999/file",
        "/reports/99999999999999999999999",
        "/review/cycles/9223372036854775808",
        "/countries/AL/" + "9" * 400 + "/overall/x",
    ],
)
def test_ids_beyond_64_bits_are_no_page(app, people, path):
    client = app.test_client()
    log_in(client, people["secretariat"])
    assert client.get(path).status_code == 404


def test_a_deeply_nested_json_body_is_refused_not_a_crash(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/login", data=body, content_type="application/json")
    assert response.status_code == 415
    assert client.post("/login", data='{"email": "a@b.c"}', content_type="application/json").status_code == 415


@pytest.mark.parametrize("path", ["/countries/%00/", "/countries/A%00L/", "/commitments/TIR-1%00/", "/data/x%01"])
def test_control_characters_in_the_address_are_refused(client, path):
    assert client.get(path).status_code == 400


def test_control_characters_in_form_names_and_values_are_refused(client):
    assert client.post("/login", data={"email": "a\x00@example.org", "password": "x"}).status_code == 400
    assert client.post("/login", data={"em\x01ail": "a@example.org"}).status_code == 400
    assert client.get("/progress/?cycle=\x07").status_code == 400


def test_a_report_form_naming_another_reports_entries_is_refused_with_a_page(app, people, focal_report):
    focal, report_id = focal_report
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    with app.app_context():
        foreign = db.session.execute(select(func_max_entry_id())).scalar_one() + 1000
    data["entries-0-entry_id"] = str(foreign)
    data["entries-0-start_date"] = "not a date"  # the form is also invalid: the 400 page is drawn
    response = focal.post(f"/reports/{report_id}", data={**data, "save": "1"})
    assert response.status_code == 400
    data["entries-0-entry_id"] = "²"  # a digit to str.isdigit(), not to int()
    assert focal.post(f"/reports/{report_id}", data={**data, "save": "1"}).status_code == 400


def func_max_entry_id():  # type: ignore[no-untyped-def]
    from sqlalchemy import func

    return func.max(Entry.id)


def test_an_error_page_that_cannot_be_drawn_still_answers(app, client, monkeypatch):
    real = app.jinja_env.get_or_select_template

    def broken(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "error.html":
            raise RuntimeError("the error template is broken")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "get_or_select_template", broken)
    response = client.get("/no-such-page")
    assert response.status_code == 404 and b"Page not found" in response.data


# ----------------------------------------------------------------------------- 5. dates, lengths
@pytest.mark.parametrize("day", ["0204-05-05", "1989-12-31", "2101-01-01"])
def test_dates_outside_1990_to_2100_are_refused_with_a_message(app, people, focal_report, day):
    focal, report_id = focal_report
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    data["entries-0-start_date"] = day
    response = focal.post(f"/reports/{report_id}", data={**data, "save": "1"})
    assert response.status_code == 400 and "Enter a date between 1990 and 2100." in response.text
    staff = app.test_client()
    log_in(staff, people["secretariat"])
    response = staff.post("/review/cycles", data={**CYCLE_FORM, "name": "Odd", "period_start": day})
    assert response.status_code == 400 and "Enter a date between 1990 and 2100." in response.text


def test_a_reviewers_comment_on_an_entry_has_a_length_limit(app, people, populated):  # noqa: F811
    staff = app.test_client()
    log_in(staff, people["secretariat"])
    with app.app_context():
        entry_id = db.session.execute(
            select(Entry.id).where(Entry.report_id == populated.submitted_id).limit(1)
        ).scalar_one()
    response = staff.post(
        f"/review/reports/{populated.submitted_id}",
        data={f"comment-{entry_id}": "x" * 1_000_000, "return-submit": "1", "return-general": "Look again."},
    )
    assert response.status_code == 400 and "under 5,000 characters" in response.text
    with app.app_context():
        assert db.session.get(Report, populated.submitted_id).state.value == "submitted"


_ROW_OF_THE_SUBMITTED_REPORT = {
    "entry": "SELECT id FROM entry WHERE report_id = :report",
    "evidence": "SELECT v.id FROM evidence v JOIN entry e ON e.id = v.entry_id WHERE e.report_id = :report",
    "review_comment": "SELECT id FROM review_comment WHERE report_id = :report",
}


@pytest.mark.parametrize(
    ("table", "column", "limit"),
    [("review_comment", "body", 5000), ("entry", "narrative", 10_000), ("evidence", "quote", 1000)],
)
def test_the_database_refuses_text_longer_than_its_limit(app, populated, table, column, limit):  # noqa: F811
    with app.app_context():
        if table == "review_comment":  # a comment of the submitted report (the accepted one's are locked)
            with write_transaction(db.session):
                db.session.execute(
                    text(
                        "INSERT INTO review_comment (report_id, author_id, body, created_at) "
                        "SELECT :report, id, 'ok', created_at FROM user_account ORDER BY id LIMIT 1"
                    ),
                    {"report": populated.submitted_id},
                )
        row_id = (
            db.session.execute(text(_ROW_OF_THE_SUBMITTED_REPORT[table]), {"report": populated.submitted_id})
            .scalars()
            .first()
        )
        update = text(f"UPDATE {table} SET {column} = :value WHERE id = :id")
        with write_transaction(db.session):
            db.session.execute(update, {"value": "x" * limit, "id": row_id})
        with pytest.raises(DBAPIError, match="longer than its field allows"), write_transaction(db.session):
            db.session.execute(update, {"value": "x" * (limit + 1), "id": row_id})
        db.session.rollback()


# ----------------------------------------------------------------------------- 7. uploads
def _zip(parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


OOXML = {"[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>"}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", PDF + b"<html><script>alert(1)</script></html>", "web page or script"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"<!DOCTYPE html><body>", "web page or script"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"<svg onload=alert(1)>", "web page or script"),
        ("bomb.docx", _zip({**OOXML, "word/media/big.bin.txt": b"\x00" * (120 * 1024 * 1024)}), "unpack"),
        ("bomb.xlsx", _zip({**OOXML, "xl/a.xml": b"\x00" * (20 * 1024 * 1024)}), "unpack|zip bomb"),
        ("macro.docx", _zip({**OOXML, "word/vbaProject.bin": b"\x00" * 32}), "macros"),
        (
            "macro.ods",
            _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "Basic/x.xml": "x"}),
            "macros",
        ),
        (
            "linked.docx",
            _zip({**OOXML, "word/_rels/document.xml.rels": '<Relationship TargetMode="External" Target="http://x/"/>'}),
            "outside",
        ),
    ],
)
def test_hostile_uploads_are_refused(tmp_path, name, data, message):
    with pytest.raises(uploads.UploadRefused, match=message):
        uploads.store(tmp_path, name, data)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_an_ordinary_office_file_is_still_accepted(tmp_path):
    rels = '<Relationship Target="styles.xml" Type="http://schemas.openxmlformats.org/x"/>'
    stored = uploads.store(tmp_path, "plan.docx", _zip({**OOXML, "word/_rels/document.xml.rels": rels}))
    assert stored.file_name == "plan.docx"


@pytest.mark.parametrize(("name", "content_type"), [("notes.txt", "text/plain"), ("data.csv", "text/csv")])
def test_text_downloads_name_one_charset(app, focal_report, name, content_type):
    focal, report_id = focal_report
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    data["entries-0-evidence-0-title"] = "Figures"
    data["entries-0-evidence-0-file"] = (io.BytesIO(b"a,b\n1,2\n"), name)
    response = focal.post(f"/reports/{report_id}", data={**data, "save": "1"}, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        evidence_id = db.session.execute(select(Evidence.id)).scalar_one()
    download = focal.get(f"/reports/{report_id}/evidence/{evidence_id}/file")
    assert download.headers["Content-Type"] == f"{content_type}; charset=utf-8"


@pytest.mark.parametrize("value", ["＝1+1", "＋1", "－1", "＠SUM(A1)", " =1", "\u3000＝1", "\n=1"])
def test_full_width_formula_signs_are_neutralised_in_csv(value):
    assert csv_cell(value) == "'" + value


# ----------------------------------------------------------------------------- 8. locks
def test_a_published_cycle_its_framework_and_its_scores_are_locked(app, populated):  # noqa: F811
    with app.app_context():
        services.publish_cycle(populated.cycle_id, actor("secretariat"))
        cycle = db.session.get(ReportingCycle, populated.cycle_id)
        version_id = cycle.framework_version_id
        db.session.remove()
        statements = [
            (f"UPDATE reporting_cycle SET name = 'forged' WHERE id = {populated.cycle_id}", "published and locked"),
            (f"DELETE FROM reporting_cycle WHERE id = {populated.cycle_id}", "published and locked"),
            (f"UPDATE framework_version SET source = 'forged' WHERE id = {version_id}", "pinned"),
            (f"UPDATE commitment SET title = 'forged' WHERE version_id = {version_id}", "pinned"),
            (f"DELETE FROM commitment WHERE version_id = {version_id}", "pinned"),
            (f"UPDATE instrument SET title = 'forged' WHERE version_id = {version_id}", "pinned"),
            (f"UPDATE score SET score = 1 WHERE cycle_id = {populated.cycle_id}", "recompute operation"),
            (f"DELETE FROM score WHERE cycle_id = {populated.cycle_id}", "recompute operation"),
        ]
        for statement, message in statements:
            with pytest.raises(DBAPIError, match=message), write_transaction(db.session):
                db.session.execute(text(statement))
            db.session.rollback()
        # what the app itself does still works: another version becomes current, the pinned one stays
        with write_transaction(db.session):
            db.session.execute(text(f"UPDATE framework_version SET is_current = false WHERE id = {version_id}"))
        assert db.session.get(FrameworkVersion, version_id).source != "forged"
        assert db.session.execute(select(Commitment.title).where(Commitment.version_id == version_id)).first()


def test_the_recompute_operation_may_change_published_scores_and_says_why(app, populated):  # noqa: F811
    runner = app.test_cli_runner()
    with app.app_context():
        services.publish_cycle(populated.cycle_id, actor("secretariat"))
        db.session.remove()
    with app.app_context():  # the owner drops the guard, changes a score, puts the guard back
        score_id = (
            db.session.execute(
                select(StoredScore.id).where(StoredScore.cycle_id == populated.cycle_id, StoredScore.score.is_not(None))
            )
            .scalars()
            .first()
        )
        db.session.execute(
            text("INSERT INTO score_recompute (reason, started_at, rows_written) VALUES ('a test', :t, 0)"),
            {"t": "2026-01-01 00:00:00"},
        )
        db.session.execute(text(f"UPDATE score SET score = 0.5 WHERE id = {score_id}"))
        db.session.execute(text("DELETE FROM score_recompute"))
        db.session.commit()
    assert runner.invoke(args=["scores", "recompute"]).exit_code == 0
    with app.app_context():
        assert db.session.get(StoredScore, score_id).score != 0.5
        reasons = db.session.execute(select(ScoreRecompute.reason, ScoreRecompute.finished_at)).all()
        assert ("flask scores recompute" in [r for r, _ in reasons]) and all(done for _, done in reasons)


def test_a_report_cannot_be_inserted_already_accepted(app, populated):  # noqa: F811
    with app.app_context(), pytest.raises(DBAPIError, match="accepted and locked"), write_transaction(db.session):
        db.session.execute(
            text(
                "INSERT INTO report (cycle_id, country_id, revision, state, version, created_at, updated_at) "
                "SELECT cycle_id, country_id, 9, 'accepted', 1, created_at, updated_at FROM report "
                f"WHERE id = {populated.accepted_id}"
            )
        )


# ----------------------------------------------------------------------------- 9. backups, timeouts
def test_a_restored_backup_serves_every_evidence_file_byte_for_byte(app, people, database_url, tmp_path):
    staff = app.test_client()
    log_in(staff, people["secretariat"])
    assert staff.post("/review/cycles", data=CYCLE_FORM).status_code == 302
    focal = app.test_client()
    log_in(focal, people["albania"])
    with app.app_context():
        cycle_id = db.session.execute(select(ReportingCycle.id)).scalar_one()
    report_id = start(focal, cycle_id)
    data = form_fields(focal.get(f"/reports/{report_id}").text)
    files = {"law.pdf": PDF + b"%" + bytes(range(256)), "notes.txt": "Zakon o zaštiti — ✓\n".encode()}
    for row, (name, content) in enumerate(files.items()):
        data[f"entries-{row}-evidence-0-title"] = name
        data[f"entries-{row}-evidence-0-file"] = (io.BytesIO(content), name)
    response = focal.post(f"/reports/{report_id}", data={**data, "save": "1"}, content_type="multipart/form-data")
    assert response.status_code == 302
    backup = tmp_path / "tracker.backup"
    created = cli(app, "create", str(backup))
    assert created.exit_code == 0 and "2 evidence file(s)" in created.output, created.output
    with app.app_context():
        evidence = {e.file_name: e.id for e in db.session.execute(select(Evidence)).scalars()}
        db.session.remove()

    with fresh_database(app, database_url, tmp_path) as (target, _, _):
        uploads_dir = Path(target.config["UPLOAD_DIR"])
        assert not uploads_dir.exists()
        restored = cli(target, "restore", str(backup))
        assert restored.exit_code == 0, restored.output
        assert "evidence files restored" in restored.output
        client = target.test_client()
        log_in(client, people["albania"])
        for name, content in files.items():
            download = client.get(f"/reports/{report_id}/evidence/{evidence[name]}/file")
            assert download.status_code == 200 and download.data == content, name


def test_a_backup_whose_file_was_changed_is_refused(app, people, tmp_path):
    (Path(app.config["UPLOAD_DIR"])).mkdir(parents=True, exist_ok=True)
    stored = uploads.store(Path(app.config["UPLOAD_DIR"]), "law.pdf", PDF)
    backup = tmp_path / "tracker.backup"
    assert cli(app, "create", str(backup)).exit_code == 0
    content = backup.read_bytes()
    position = content.rindex(PDF)
    backup.write_bytes(content[:position] + PDF.replace(b"1.4", b"1.5") + content[position + len(PDF) :])
    target = make_app(f"sqlite:///{tmp_path / 'other.db'}", UPLOAD_DIR=str(tmp_path / "empty"))
    result = cli(target, "restore", str(backup))
    assert result.exit_code != 0 and "does not match its manifest" in result.output
    assert not (tmp_path / "empty" / stored.stored_name).exists()


def test_timeouts_are_configurable_with_todays_defaults(database_url, people, app):
    from config import Config

    config = Config({})
    assert (config.IDLE_MINUTES, config.SESSION_HOURS, config.REAUTH_MINUTES) == (30, 12, 15)
    custom = Config({"TRACKER_IDLE_MINUTES": "5", "TRACKER_SESSION_HOURS": "2", "TRACKER_REAUTH_MINUTES": "3"})
    assert (custom.IDLE_MINUTES, custom.SESSION_HOURS, custom.REAUTH_MINUTES) == (5, 2, 3)
    with pytest.raises(RuntimeError, match="TRACKER_IDLE_MINUTES"):
        Config({"TRACKER_IDLE_MINUTES": "0"})

    app.config["IDLE_MINUTES"] = 5
    client = app.test_client()
    log_in(client, people["secretariat"])
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 6 * 60  # idle for 6 minutes: under the default, over 5
    assert client.get("/review/").status_code == 302

    app.config["REAUTH_MINUTES"] = 1
    log_in(client, people["admin"])
    with client.session_transaction() as session:
        session["authenticated_at"] = time.time() - 120
    assert "/reauthenticate" in client.get("/admin/users/invite").headers["Location"]


def test_the_migration_keeps_amounts_and_then_holds_real_budgets(database_url, framework):
    """Upgrading keeps what was stored; afterwards a budget beyond 32 bits is stored (PostgreSQL's INTEGER
    stopped at 2,147,483,647).

    The data are written with today's models, then the schema is taken down to the revision before
    issue 19's and brought up again: models of later revisions never meet an older schema.
    """
    from flask_migrate import downgrade, upgrade

    from tests.test_workflow import CYCLE, complete
    from tracker.audit import Actor

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        services.store_framework(framework, "test")
        with write_transaction(db.session):
            for email, role, code in (("al@example.org", "focal_point", "AL"), ("s@example.org", "secretariat", None)):
                db.session.execute(
                    text(
                        "INSERT INTO user_account (email, name, role, country_id, session_token, is_active, "
                        "failed_logins, created_at) VALUES (:email, 'Someone', :role, "
                        "(SELECT id FROM country WHERE code = :code), 't', true, 0, :now)"
                    ),
                    {"email": email, "role": role, "code": code, "now": utcnow()},
                )
        by_email = {u.email: Actor(u) for u in db.session.execute(select(User)).scalars()}
        focal = by_email["al@example.org"]
        cycle = services.create_cycle(**CYCLE, actor=by_email["s@example.org"])
        report = services.start_report(cycle.id, focal, today=CYCLE["opens_on"])
        answers = complete(report)
        first = next(iter(answers))
        answers[first] = dataclasses.replace(answers[first], budget_amount=2_000_000_000)
        services.save_draft(report.id, report.version, answers, focal)
        report_id = report.id
        db.session.remove()
        downgrade(revision="3b1dc94c8119")  # the revision before issue 19's
        stored = "SELECT budget_amount FROM entry WHERE id = :id"
        assert db.session.execute(text(stored), {"id": first}).scalar_one() == 2_000_000_000
        db.session.remove()
        upgrade()
        assert db.session.get(Entry, first).budget_amount == 2_000_000_000
        report = db.session.get(Report, report_id)
        focal = Actor(db.session.execute(select(User).where(User.email == "al@example.org")).scalar_one())
        answers[first] = dataclasses.replace(answers[first], budget_amount=3_000_000_000)
        services.save_draft(report.id, report.version, answers, focal)
        db.session.remove()
        assert db.session.get(Entry, first).budget_amount == 3_000_000_000
        db.session.remove()
        db.engine.dispose()
