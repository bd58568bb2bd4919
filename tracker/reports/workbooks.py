"""The report as an Excel workbook: download, upload, preview, apply (thin: tracker.workbook and
services.workbooks do the work)."""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from .. import queries, services, workbook
from ..audit import Actor
from ..extensions import db
from ..forms import ActionForm
from ..models import Report, ReportingCycle, Role
from ..permissions import get_scoped_or_404, roles_required
from ..services import workbooks
from ..services.reporting import EDITABLE
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_SECONDS = 3600  # an uploaded workbook waits this long for its Apply
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def _key() -> bytes:
    return workbooks.key_of(current_app.config["SECRET_KEY"])


def _own_report(report_id: int) -> Report:
    return get_scoped_or_404(queries.report_statement(report_id), Report.country_id, current_user)


def _send(data: bytes, name: str) -> Response:
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/<int:report_id>/workbook.xlsx")
@roles_required(Role.FOCAL_POINT)
def workbook_download(report_id: int):  # type: ignore[no-untyped-def]
    report = _own_report(report_id)
    if report.state not in EDITABLE:  # a workbook is for filling in: a submitted report is read on the web
        flash(f"A {report.state.value} report cannot be filled in; its workbook is not offered.", "error")
        return redirect(url_for("reports.report", report_id=report_id))
    data = workbook.build(workbooks.sheet_of(report), _key())
    return _send(data, f"report-{report.country.code}-{report.id}-v{report.version}.xlsx")


@bp.get("/cycles/<int:cycle_id>/blank.xlsx")
@roles_required(Role.FOCAL_POINT)
def workbook_blank(cycle_id: int):  # type: ignore[no-untyped-def]
    """The commitments a report of this cycle will hold, to circulate before it is started."""
    cycle = db.session.get(ReportingCycle, cycle_id)
    if cycle is None:
        abort(404)
    framework = services.framework_of(cycle)
    code = current_user.country.code
    codes = [c.id for c in framework.applicable_commitments(code, on=cycle.period_end)]
    data = workbook.build(workbooks.blank_sheet(framework, code, codes), _key())
    return _send(data, f"blank-{code}-cycle-{cycle.id}.xlsx")


def _pending_dir() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "workbooks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep(report_id: int, data: bytes) -> str:
    """Keeps the upload until Apply, under a random name tied to this user and report, with an expiry."""
    token = secrets.token_urlsafe(24)
    folder = _pending_dir()
    for old in folder.glob("*.json"):  # sweep what was never applied
        try:
            if json.loads(old.read_text())["expires"] < time.time():
                old.unlink(missing_ok=True)
                old.with_suffix(".xlsx").unlink(missing_ok=True)
        except (OSError, ValueError, KeyError):
            continue
    (folder / f"{token}.xlsx").write_bytes(data)
    meta = {"user": current_user.id, "report": report_id, "expires": time.time() + PENDING_SECONDS}
    (folder / f"{token}.json").write_text(json.dumps(meta))
    return token


def _kept(report_id: int, token: str) -> bytes | None:
    if not _TOKEN.match(token or ""):
        return None
    folder = _pending_dir()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.xlsx").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user") != current_user.id or meta.get("report") != report_id or meta.get("expires", 0) < time.time():
        return None
    return data


def _drop(token: str) -> None:
    folder = _pending_dir()
    for suffix in (".xlsx", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def _parse(report: Report, data: bytes) -> workbook.Parsed:
    return workbook.parse(data, _key(), expected=workbooks.sheet_of(report))


@bp.post("/<int:report_id>/workbook")
@roles_required(Role.FOCAL_POINT)
def workbook_upload(report_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    report = _own_report(report_id)
    if report.state not in EDITABLE:
        flash(f"A {report.state.value} report cannot be changed.", "error")
        return redirect(url_for("reports.report", report_id=report_id))
    upload = request.files.get("workbook")
    name = (getattr(upload, "filename", "") or "").lower()
    problems: list[str] = []
    parsed = None
    if upload is None or not name:
        problems.append("Choose the workbook to upload.")
    elif not name.endswith(".xlsx"):
        problems.append("Upload an Excel workbook saved as .xlsx (macro-enabled .xlsm files are refused).")
    else:
        data = upload.read(workbook.MAX_FILE_BYTES + 1)
        try:
            parsed = _parse(report, data)
        except workbook.WorkbookRefused as error:
            problems.append(str(error))
    if parsed is None or parsed.problems:
        return _preview_page(report, None, problems + (parsed.problems if parsed else []), None), 400
    preview = workbooks.preview(report, parsed)
    if preview.problems:  # the merged report breaks a rule of the form (a breakdown that does not add up)
        return _preview_page(report, None, preview.problems, None), 400
    token = _keep(report_id, data)
    return _preview_page(report, preview, [], token)


def _preview_page(report: Report, preview, problems, token):  # type: ignore[no-untyped-def]
    return render_template(
        "reports/workbook_preview.html",
        report=report,
        preview=preview,
        problems=problems,
        token=token,
        form=ActionForm(),
        stale=preview is not None and bool(preview.collisions),
    )


@bp.post("/<int:report_id>/workbook/apply")
@roles_required(Role.FOCAL_POINT)
def workbook_apply(report_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        abort(400)
    report = _own_report(report_id)
    token = request.form.get("token", "")
    data = _kept(report_id, token)
    if data is None:
        flash("That upload has expired or is not yours: upload the workbook again.", "error")
        return redirect(url_for("reports.report", report_id=report_id))
    try:
        parsed = _parse(report, data)
        if parsed.problems:
            raise workbook.WorkbookRefused(parsed.problems[0])
        workbooks.apply(report_id, parsed, Actor(current_user, request.remote_addr))
    except workbook.WorkbookRefused as error:
        flash(str(error), "error")
        return redirect(url_for("reports.report", report_id=report_id))
    except (services.StaleVersion, StaleDataError):
        flash("Someone saved the report while you looked: upload the workbook again to see the merge.", "error")
        return redirect(url_for("reports.report", report_id=report_id))
    except services.DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("reports.report", report_id=report_id))
    _drop(token)
    flash("The workbook is applied and your draft is saved.", "success")
    return redirect(url_for("reports.report", report_id=report_id))
