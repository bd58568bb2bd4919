"""The secretariat reviews: cycles, the queue, and one report's entries with assessed status and comments."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from .. import plan_progress, queries, services, workbook
from ..audit import Actor
from ..exports import XLSX, tables_workbook
from ..installation import demonstration_name
from ..models import PROGRESS_STATUSES, Report, ReportState
from ..permissions import (
    STAFF,
    ask_password,
    get_scoped_or_404,
    login_is_recent,
    recent_login_required,
    roles_required,
)
from ..services.plans import plan_of, report_plan
from ..services.reply_status import publication_blockers
from . import bp
from .forms import MAX_COMMENT, AcceptForm, CycleForm, PublishForm, ReturnForm


def _actor() -> Actor:
    return Actor(current_user, request.remote_addr)


@bp.get("/")
@roles_required(*STAFF)
def queue():  # type: ignore[no-untyped-def]
    return render_template(
        "review/queue.html",
        reports=queries.review_queue(),
        plans_to_review=queries.plans_to_review(),
        now=dt.datetime.now(dt.UTC),
    )


@bp.route("/cycles", methods=["GET", "POST"])
@roles_required(*STAFF)
def cycles():  # type: ignore[no-untyped-def]
    form = CycleForm()
    if form.validate_on_submit():
        try:
            cycle = services.create_cycle(
                form.name.data,
                form.period_start.data,
                form.period_end.data,
                form.opens_on.data,
                form.due_on.data,
                _actor(),
                form.reply_due_on.data,
            )
        except services.DomainError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"The cycle “{cycle.name}” is created. Focal points see it on their dashboard.", "success")
            return redirect(url_for("review.cycles"))
    framework = queries.current_framework()
    return render_template("review/cycles.html", form=form, cycles=queries.cycles(), framework=framework), (
        400 if form.errors else 200
    )


@bp.get("/cycles/<int:cycle_id>")
@roles_required(*STAFF)
def cycle(cycle_id: int):  # type: ignore[no-untyped-def]
    chosen = queries.cycle(cycle_id)
    if chosen is None:
        abort(404)
    framework = services.framework_of(chosen)
    return render_template(
        "review/cycle.html",
        cycle=chosen,
        framework=framework,
        reports=queries.cycle_reports(cycle_id),
        countries={c.code: c for c in queries.reporting_countries()},
        today=dt.date.today(),
        publish_form=PublishForm(),
        method=framework.methodology,
        blockers=publication_blockers(chosen),
        replies=queries.score_replies(cycle_id),
    )


@bp.get("/cycles/<int:cycle_id>/submissions.xlsx")
@roles_required(*STAFF)
def cycle_submissions(cycle_id: int):  # type: ignore[no-untyped-def]
    """Every country's latest submitted report of the cycle in one workbook (drafts stay the country's)."""
    chosen = queries.cycle(cycle_id)
    if chosen is None:
        abort(404)
    reports = [r for r in queries.cycle_reports(cycle_id).values() if r.state is not ReportState.DRAFT]
    entries, evidence = [], []
    for report in sorted(reports, key=lambda r: r.country.code):
        where = (report.country.code, report.revision, report.state.value)
        for entry in report.entries:
            code = entry.commitment.code
            entries.append((*where, code, *(getattr(entry, name) for name in workbook.FIELDS)))
            evidence += [(*where, code, e.title, e.url, e.page, e.quote, e.kind) for e in entry.evidence]
    head = ("country", "revision", "state", "commitment")
    data = tables_workbook(
        {
            "Entries": ((*head, *workbook.FIELDS), entries),
            "Evidence": ((*head, "title", "url", "page", "quote", "kind"), evidence),
        }
    )
    name = demonstration_name(f"submissions-cycle-{chosen.id}.xlsx")
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _publishing(cycle_id: int) -> str:
    """What the password page says Publish will do."""
    cycle = queries.cycle(cycle_id)
    return f"publish {cycle.name}" if cycle is not None else "publish this cycle"


@bp.post("/cycles/<int:cycle_id>/publish")
@roles_required(*STAFF)
@recent_login_required(describe=_publishing)
def publish(cycle_id: int):  # type: ignore[no-untyped-def]
    """Make the cycle's verified results public, once the box is ticked; an old login gives the password first."""
    form = PublishForm()
    if not form.validate_on_submit():
        if set(form.errors) != {"confirm"}:  # a bad token, not a box left unticked
            abort(400)
        flash("Nothing was published: tick the box to confirm that publishing cannot be undone.", "error")
        return redirect(url_for("review.cycle", cycle_id=cycle_id, _anchor="publish-title"))
    try:
        cycle = services.publish_cycle(cycle_id, _actor())
    except services.NotFound:
        abort(404)
    except services.DomainError as error:
        flash(str(error), "error")
    else:
        flash(f"“{cycle.name}” is published: its verified scores are now on the public pages.", "success")
    return redirect(url_for("review.cycle", cycle_id=cycle_id))


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def report(report_id: int):  # type: ignore[no-untyped-def]
    report = get_scoped_or_404(queries.report_statement(report_id), Report.country_id, current_user)
    framework = services.framework_of(report.cycle)
    return_form, accept_form = ReturnForm(prefix="return"), AcceptForm(prefix="accept")
    status = 200
    if request.method == "POST":
        per_entry = {entry.id: request.form.get(f"comment-{entry.id}", "") for entry in report.entries}
        assessed = {entry.id: request.form.get(f"assessed-{entry.id}") or None for entry in report.entries}
        too_long = [entry.commitment.code for entry in report.entries if len(per_entry[entry.id]) > MAX_COMMENT]
        try:
            if too_long:
                raise services.DomainError(
                    f"Nothing was changed: keep each comment under {MAX_COMMENT:,} characters "
                    f"(too long on {', '.join(too_long)})."
                )
            if return_form.submit.data and return_form.validate():
                services.return_for_revision(report.id, return_form.general.data or "", per_entry, _actor())
                flash(f"The report of {report.country.name} is returned with your comments.", "success")
                return redirect(url_for("review.queue"))
            if accept_form.submit.data and accept_form.validate():
                if not login_is_recent():  # the password page, then this same POST is carried out
                    return ask_password(f"accept the report of {report.country.name}")
                kinds = {
                    item.id: request.form[f"kind-{item.id}"]
                    for entry in report.entries
                    for item in entry.evidence
                    if f"kind-{item.id}" in request.form
                }
                services.accept(report.id, assessed, _actor(), kinds)
                flash(f"The report of {report.country.name} is accepted and locked.", "success")
                return redirect(url_for("review.queue"))
            if accept_form.submit.data:
                raise services.DomainError(
                    "Nothing was accepted: tick the box beside “Accept report” to confirm it cannot be undone."
                )
        except services.DomainError as error:
            flash(str(error), "error")
            status = 400
        except StaleDataError:
            flash(
                "Someone else changed this report at the same moment. Nothing was changed: check and try again.",
                "error",
            )
            status = 409
        report = queries.report_with_everything(report_id)
    plan_record = report_plan(report)
    plan = plan_of(plan_record) if plan_record is not None else None
    return render_template(
        "review/report.html",
        report=report,
        framework=framework,
        return_form=return_form,
        accept_form=accept_form,
        reviewable=report.state is ReportState.SUBMITTED,
        indicators={i.id: i for i in framework.methodology.indicators},
        levels=framework.methodology.status_levels,
        kinds={k.id: k.label for k in framework.methodology.evidence.kinds},
        posted=request.form,
        statistics={(s.measure, s.breakdown, s.category): s.value for s in report.statistics},
        plan_record=plan_record,
        plan=plan,
        activities={a.id: a for a in plan.activities} if plan is not None else {},
        progress=plan_progress.progress_by_activity(report),
        progress_statuses=PROGRESS_STATUSES,
        cited=plan_progress.citations_by_entry(report),
    ), status
