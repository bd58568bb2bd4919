"""The focal point's pages: the dashboard, the progress form, answers to the reviewer's comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import BuildError

from .. import diffs, plan_progress, queries, services, uploads
from ..audit import Actor
from ..formatting import flat_errors
from ..forms import ActionForm, is_id
from ..models import PROGRESS_STATUSES, Report, ReportState, Role
from ..permissions import get_scoped_or_404, roles_required
from ..services.plans import InvalidProgress, latest_plan, plan_of, report_plan, save_progress
from ..services.reporting import EDITABLE, InvalidStatistics, save_statistics
from ..statistics import section
from ..uploads import StoredFile
from . import bp
from .forms import (
    PROGRESS_CHOICES,
    ProgressForm,
    ReplyForm,
    ReportForm,
    StatisticsForm,
    form_data,
    parse_progress,
    progress_as_typed,
    progress_name,
)


def _actor() -> Actor:
    return Actor(current_user, request.remote_addr)


def _own_report(report_id: int) -> Report:
    """The report with everything on it, if it is the focal point's country's; 404 otherwise."""
    return get_scoped_or_404(queries.report_statement(report_id), Report.country_id, current_user)


@bp.get("/")
@roles_required(Role.FOCAL_POINT)
def dashboard():  # type: ignore[no-untyped-def]
    return render_template(
        "reports/dashboard.html",
        statuses=queries.country_cycles(current_user.country_id),
        plan=latest_plan(current_user.country_id),
        today=dt.date.today(),
    )


@bp.post("/cycles/<int:cycle_id>/start")
@roles_required(Role.FOCAL_POINT)
def start(cycle_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():  # only the CSRF token matters here
        abort(400)
    try:
        report = services.start_report(cycle_id, _actor())
    except services.NotFound:
        abort(404)
    except services.DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("reports.dashboard"))
    return redirect(url_for("reports.report", report_id=report.id))


@bp.route("/<int:report_id>", methods=["GET", "POST"])
@roles_required(Role.FOCAL_POINT)
def report(report_id: int):  # type: ignore[no-untyped-def]
    report = _own_report(report_id)
    framework = services.framework_of(report.cycle)
    editable = report.state in EDITABLE
    if request.method == "GET" or not editable:
        if request.method == "POST":
            flash(f"A {report.state.value} report cannot be changed.", "error")
        form = ReportForm(data=form_data(report, framework, plan_progress.citations_by_entry(report)))
        return _render(report, framework, form, editable)

    form = ReportForm()
    # every entry named must be one of this report's, once: the page is drawn from those entries
    named = [sub.form.entry_id.data or "" for sub in form.entries]
    own = {str(entry.id) for entry in report.entries}
    if not set(named) <= own or len(set(named)) != len(named) or not is_id(form.version.data):
        abort(400)
    if not form.validate():
        return _render(report, framework, form, editable), 400
    replies = _replies(report)
    too_long = {cid: "Keep your answer under 5,000 characters." for cid, text in replies.items() if len(text) > 5000}
    if too_long:
        flash("Nothing was saved: an answer to a comment is too long.", "error")
        return _render(report, framework, form, editable, reply_errors=too_long), 400
    file_for, refused, new_files = _file_keeper(report)
    record = report_plan(report)
    citable = plan_progress.citable_activities(plan_of(record) if record else None)
    codes = {entry.id: entry.commitment.code for entry in report.entries}
    changes = {
        int(sub.form.entry_id.data): sub.form.to_input(
            file_for, citable=bool(citable.get(codes.get(int(sub.form.entry_id.data), "")))
        )
        for sub in form.entries
    }
    try:
        saved = services.save_draft(report.id, int(form.version.data), changes, _actor())
    except (services.StaleVersion, StaleDataError):
        _discard(new_files)  # not saved: the person chooses those files again
        return _conflict(report_id, framework, form)
    except services.DomainError as error:
        flash(str(error), "error")
        return _render(report, framework, form, editable), 400
    for comment_id, text in replies.items():  # the answers travel with the save, so no edit is lost
        services.respond(report_id, comment_id, text, _actor())
    if refused:
        form.version.data = str(saved.version)
        flash("Your draft is saved, but a file was refused: see the message beside it.", "warning")
        return _render(_own_report(report_id), framework, form, editable), 400
    if not form.send.data:
        flash("Your draft is saved.", "success")
        return redirect(url_for("reports.report", report_id=report_id))
    send = services.resubmit if saved.state is ReportState.RETURNED else services.submit
    try:
        send(report_id, saved.version, _actor())
    except (services.StaleVersion, StaleDataError):
        return _conflict(report_id, framework, form)
    except services.NotReady as not_ready:
        report = _own_report(report_id)
        form.version.data = str(report.version)
        _attach_problems(form, not_ready.problems)
        flash("Your draft is saved, but it cannot be submitted yet: see the problems below.", "warning")
        return _render(report, framework, form, editable, saved=True), 400
    flash("Your report is submitted. The secretariat will review it.", "success")
    return redirect(url_for("reports.dashboard"))


def _replies(report: Report) -> dict[int, str]:
    """Answers typed under the reviewer's comments of this report (others are ignored)."""
    open_comments = {
        c.id
        for c in report.comments
        if c.in_reply_to_id is None and not any(r.in_reply_to_id == c.id for r in report.comments)
    }
    replies = {}
    for comment_id in open_comments:
        text = (request.form.get(f"reply-{comment_id}") or "").strip()
        if text:
            replies[comment_id] = text
    return replies if report.state is ReportState.RETURNED else {}


def _file_keeper(report: Report):  # type: ignore[no-untyped-def]
    """Stores each new upload (or keeps a row's file) and collects the refusals on the rows themselves."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    existing = {e.stored_name: e for entry in report.entries for e in entry.evidence if e.stored_name}
    refused: list[str] = []
    new_files: list[tuple[object, Path]] = []

    def file_for(row) -> StoredFile | None:  # type: ignore[no-untyped-def]
        upload = row.file.data
        if upload is not None and getattr(upload, "filename", ""):
            try:
                stored = uploads.store(folder, upload.filename, upload.read(uploads.MAX_FILE_BYTES + 1))
            except uploads.UploadRefused as error:
                row.file.errors = [str(error)]
                refused.append(str(error))
            else:
                row.keep_file.data = stored.stored_name
                new_files.append((row, folder / stored.stored_name))
                return stored
        kept = existing.get(row.keep_file.data or "")  # only a file of this very report can be kept
        return services.stored_file_of(kept) if kept is not None else None

    return file_for, refused, new_files


def _discard(new_files) -> None:  # type: ignore[no-untyped-def]
    """Files stored for a save that did not happen: remove them and ask for them again."""
    for row, path in new_files:
        path.unlink(missing_ok=True)
        row.keep_file.data = ""
        row.file.errors = ["Not saved, because someone else saved first: choose this file again."]


def _attach_problems(form: ReportForm, problems: dict[int, list[tuple[str, str]]]) -> None:
    for sub in form.entries:
        for field_name, message in problems.get(int(sub.form.entry_id.data), []):
            field = getattr(sub.form, field_name)
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def _conflict(report_id: int, framework, form: ReportForm):  # type: ignore[no-untyped-def]
    """Someone saved since this form was loaded: keep every word typed, show what they changed."""
    current = _own_report(report_id)
    saved = {entry.id: entry for entry in current.entries}
    changes = []
    for sub in form.entries:
        entry = saved.get(int(sub.form.entry_id.data))
        if entry is None:
            continue
        mine = sub.form.to_input()
        for label, theirs, yours in (
            ("Status", entry.reported_status, mine.reported_status),
            ("What was done", entry.narrative, mine.narrative),
            ("Responsible", entry.responsible, mine.responsible),
        ):
            if (theirs or None) != (yours or None):
                changes.append((entry.commitment.code, label, theirs, yours))
    form.version.data = str(current.version)  # saving again now overwrites, knowingly
    return _render(current, framework, form, True, conflict=changes), 409


def _render(report: Report, framework, form: ReportForm, editable: bool, conflict=None, reply_errors=None, saved=False):  # type: ignore[no-untyped-def]
    levels = [("", "— choose —")] + [(level.id, level.label) for level in framework.methodology.status_levels]
    kinds = [("", "— choose —")] + [(k.id, k.label) for k in framework.methodology.evidence.kinds]
    for sub in form.entries:
        sub.form.reported_status.choices = levels
        for row in sub.form.evidence:
            row.form.kind.choices = kinds
    entries = {entry.id: entry for entry in report.entries}
    record = report_plan(report)
    plan = plan_of(record) if record is not None else None
    return render_template(
        "reports/report.html",
        saved=saved,  # the form shown after a POST is all saved (else leaving it warns at once)
        plan_record=record,
        plan=plan,
        citable=plan_progress.citable_activities(plan),
        progress=plan_progress.progress_by_activity(report),
        progress_statuses=PROGRESS_STATUSES,
        plan_reported=sum(1 for a in plan.activities if a.id in {row.activity for row in report.progress})
        if plan
        else 0,
        report=report,
        framework=framework,
        form=form,
        entries=entries,
        editable=editable,
        conflict=conflict,
        reply_errors=reply_errors or {},
        reply_form=ReplyForm(),
        files={e.stored_name: e for entry in report.entries for e in entry.evidence if e.stored_name},
        indicators={i.id: i for i in framework.methodology.indicators},
    )


@bp.route("/<int:report_id>/statistics", methods=["GET", "POST"])
@roles_required(Role.FOCAL_POINT)
def statistics(report_id: int):  # type: ignore[no-untyped-def]
    """The report's statistics section: aggregated counts, each breakdown adding up to its total."""
    report = _own_report(report_id)
    framework = services.framework_of(report.cycle)
    if framework.statistics is None:
        abort(404)  # the cycle's framework version asks for no statistics
    editable = report.state in EDITABLE
    form = StatisticsForm()
    if request.method == "GET" or not editable:
        if request.method == "POST":
            flash(f"A {report.state.value} report cannot be changed.", "error")
        form.version.data = str(report.version)
        return _render_statistics(report, framework, form, editable, _saved_as_typed(report, framework))

    if not form.validate() or not is_id(form.version.data):
        abort(400)
    values, typed, problems = section.parse(framework, request.form)
    if not problems:
        try:
            save_statistics(report.id, int(form.version.data), values, _actor())
        except (services.StaleVersion, StaleDataError):
            form.version.data = str(_own_report(report_id).version)  # saving again now overwrites, knowingly
            flash(
                "Someone else saved this report after you opened it. Your figures below are not saved yet: "
                "save again to keep them, or reload the page to see theirs.",
                "warning",
            )
            return _render_statistics(report, framework, form, editable, typed), 409
        except InvalidStatistics as invalid:
            problems = invalid.problems
        except services.DomainError as error:
            flash(str(error), "error")
            return _render_statistics(report, framework, form, editable, typed), 400
        else:
            flash("The statistics are saved.", "success")
            return redirect(url_for("reports.statistics", report_id=report_id))
    flash("Nothing was saved: correct the figures marked below.", "error")
    return _render_statistics(report, framework, form, editable, typed, problems), 400


@bp.route("/<int:report_id>/plan", methods=["GET", "POST"], endpoint="plan_progress")
@roles_required(Role.FOCAL_POINT)
def plan_progress_page(report_id: int):  # type: ignore[no-untyped-def]
    """Progress on each activity of the country's National Plan of Action, in this report."""
    report = _own_report(report_id)
    record = report_plan(report)
    editable = report.state in EDITABLE and record is not None
    form = ProgressForm()
    if request.method == "GET" or not editable:
        if request.method == "POST":
            flash(
                "There is no accepted National Plan of Action to report on."
                if record is None
                else f"A {report.state.value} report cannot be changed.",
                "error",
            )
        form.version.data = str(report.version)
        return _render_progress(report, record, form, editable, progress_as_typed(report.progress))

    if not form.validate() or not is_id(form.version.data):
        abort(400)
    progress, typed = parse_progress(request.form)
    try:
        save_progress(report.id, int(form.version.data), progress, _actor())
    except (services.StaleVersion, StaleDataError):
        form.version.data = str(_own_report(report_id).version)  # saving again now overwrites, knowingly
        flash(
            "Someone else saved this report after you opened it. Your progress below is not saved yet: "
            "save again to keep it, or reload the page to see theirs.",
            "warning",
        )
        return _render_progress(report, record, form, editable, typed), 409
    except InvalidProgress as invalid:
        flash("Nothing was saved: correct the activities marked below.", "error")
        return _render_progress(report, record, form, editable, typed, invalid.problems), 400
    except services.DomainError as error:
        flash(str(error), "error")
        return _render_progress(report, record, form, editable, typed), 400
    flash("The progress on the plan is saved.", "success")
    return redirect(url_for("reports.plan_progress", report_id=report_id))


def _plan_page_url() -> str:
    """The focal point's plan page (another part of the app); its plain address if not registered."""
    try:
        return url_for("reports.plan")
    except BuildError:
        return f"{request.script_root}/reports/plan"


def _render_progress(report: Report, record, form, editable: bool, typed, problems=None):  # type: ignore[no-untyped-def]
    plan = plan_of(record) if record is not None else None
    known = {activity.id for activity in plan.activities} if plan is not None else set()
    return render_template(
        "reports/plan_progress.html",
        report=report,
        record=record,
        plan=plan,
        form=form,
        editable=editable,
        typed=typed,
        problems=problems or {},
        unknown_problems={a: m for a, m in (problems or {}).items() if a not in known},
        choices=PROGRESS_CHOICES,
        name=progress_name,
        reported=sum(1 for row in report.progress if row.activity in known),
        plan_url=_plan_page_url(),
    )


def _saved_as_typed(report: Report, framework) -> dict[str, str]:  # type: ignore[no-untyped-def]
    saved = {(s.measure, s.breakdown, s.category): s.value for s in report.statistics}
    return {field.name: str(saved[field.key]) for field in section.fields(framework) if field.key in saved}


def _render_statistics(report: Report, framework, form, editable: bool, typed, problems=()):  # type: ignore[no-untyped-def]
    return render_template(
        "reports/statistics.html",
        report=report,
        framework=framework,
        form=form,
        editable=editable,
        typed=typed,
        problems=list(problems),
        errors={problem.field: problem.message for problem in problems},
        section=section,
    )


@bp.post("/<int:report_id>/comments/<int:comment_id>/reply")
@roles_required(Role.FOCAL_POINT)
def reply(report_id: int, comment_id: int):  # type: ignore[no-untyped-def]
    _own_report(report_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash("Your answer was not sent: " + " ".join(flat_errors(form.errors)), "error")
    else:
        try:
            services.respond(report_id, comment_id, form.body.data or "", _actor())
        except services.NotFound:
            abort(404)
        except services.DomainError as error:
            flash(str(error), "error")
        else:
            flash("Your answer is sent with the report.", "success")
    return redirect(url_for("reports.report", report_id=report_id, _anchor=f"comment-{comment_id}"))


@bp.post("/<int:report_id>/amend")
@roles_required(Role.FOCAL_POINT)
def amend(report_id: int):  # type: ignore[no-untyped-def]
    _own_report(report_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        amendment = services.amend(report_id, _actor())
    except services.DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("reports.report", report_id=report_id))
    flash("An amendment is started. Change what needs correcting and submit it for review.", "success")
    return redirect(url_for("reports.report", report_id=amendment.id))


@bp.get("/<int:report_id>/evidence/<int:evidence_id>/file")
@roles_required(Role.FOCAL_POINT, Role.SECRETARIAT, Role.ADMIN)
def evidence_file(report_id: int, evidence_id: int):  # type: ignore[no-untyped-def]
    """An evidence file, to those who may see its report, always as a download."""
    report = get_scoped_or_404(queries.report_statement(report_id), Report.country_id, current_user)
    item = next((e for entry in report.entries for e in entry.evidence if e.id == evidence_id), None)
    return uploads.send_evidence(item)


@bp.get("/<int:report_id>/compare/<int:other_id>")
@roles_required(Role.FOCAL_POINT, Role.SECRETARIAT, Role.ADMIN)
def compare(report_id: int, other_id: int):  # type: ignore[no-untyped-def]
    """What changed between two revisions of one country's report in one cycle."""
    first = get_scoped_or_404(queries.report_statement(report_id), Report.country_id, current_user)
    second = get_scoped_or_404(queries.report_statement(other_id), Report.country_id, current_user)
    if (first.cycle_id, first.country_id) != (second.cycle_id, second.country_id):
        abort(404)
    older, newer = sorted((first, second), key=lambda r: r.revision)
    return render_template(
        "reports/compare.html",
        older=older,
        newer=newer,
        changes=diffs.compare(older, newer),
        revisions=queries.report_revisions(first.cycle_id, first.country_id),
    )
