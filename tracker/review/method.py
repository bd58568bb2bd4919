"""The secretariat's part of method 2: findings for negative indicators, and answers to the
governments' replies before publication."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import queries, services
from ..audit import Actor
from ..forms import ActionForm
from ..permissions import STAFF, roles_required
from . import bp


def _actor() -> Actor:
    return Actor(current_user, request.remote_addr)


def _cycle_or_404(cycle_id: int):  # type: ignore[no-untyped-def]
    cycle = queries.cycle(cycle_id)
    if cycle is None:
        abort(404)
    return cycle


@bp.route("/cycles/<int:cycle_id>/replies", methods=["GET", "POST"])
@roles_required(*STAFF)
def replies(cycle_id: int):  # type: ignore[no-untyped-def]
    """Every reply of the cycle, and an answer form for each one not yet answered."""
    cycle = _cycle_or_404(cycle_id)
    status = 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            reply_id = int(request.form.get("reply", "0"))
            decision = request.form.get(f"decision-{reply_id}", "")
            services.answer_reply(
                reply_id,
                decision,
                request.form.get(f"answer-{reply_id}", ""),
                _actor(),
                new_status=request.form.get(f"status-{reply_id}") or None,
            )
            flash("Your answer is recorded; it is published with the reply.", "success")
            return redirect(url_for("review.replies", cycle_id=cycle.id))
        except (ValueError, services.NotFound):
            abort(404)
        except services.DomainError as error:
            flash(str(error), "error")
            status = 400
    framework = services.framework_of(cycle)
    return render_template(
        "review/replies.html",
        cycle=cycle,
        replies=queries.score_replies(cycle.id),
        levels={level.id: level.label for level in framework.methodology.status_levels},
        form=ActionForm(),
        posted=request.form,
    ), status


@bp.route("/cycles/<int:cycle_id>/findings", methods=["GET", "POST"])
@roles_required(*STAFF)
def findings(cycle_id: int):  # type: ignore[no-untyped-def]
    """The cycle's findings, and the form to record one with its source."""
    cycle = _cycle_or_404(cycle_id)
    status = 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            services.record_finding(
                cycle.id,
                request.form.get("country", ""),
                request.form.get("indicator", ""),
                request.form.get("title", ""),
                request.form.get("locator", ""),
                request.form.get("brought_by", ""),
                _actor(),
                note=request.form.get("note"),
            )
            flash("The finding is recorded and the country's scores are recomputed.", "success")
            return redirect(url_for("review.findings", cycle_id=cycle.id))
        except services.NotFound:
            abort(404)
        except services.DomainError as error:
            flash(str(error), "error")
            status = 400
    return findings_page(cycle), status


def findings_page(cycle, withdrawing: int | None = None) -> str:  # type: ignore[no-untyped-def]
    method = services.framework_of(cycle).methodology
    return render_template(
        "review/findings.html",
        cycle=cycle,
        method=method,
        negatives=[n for n in method.negative_indicators if n.trigger == "finding"],
        findings=queries.findings(cycle.id),
        countries=queries.reporting_countries(),  # a demonstration records findings on fictional ones only
        form=ActionForm(),
        posted=request.form if withdrawing is None else {},
        withdrawing=withdrawing,
        withdrawal_reason=request.form.get("reason", "") if withdrawing is not None else "",
    )


@bp.post("/cycles/<int:cycle_id>/findings/<int:finding_id>/withdraw")
@roles_required(*STAFF)
def withdraw_finding(cycle_id: int, finding_id: int):  # type: ignore[no-untyped-def]
    """Withdraw a finding with its reason; a refused one keeps the reason typed on the page."""
    cycle = _cycle_or_404(cycle_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not any(f.id == finding_id for f in queries.findings(cycle.id)):
        abort(404)
    try:
        services.withdraw_finding(finding_id, request.form.get("reason", ""), _actor())
    except services.NotFound:
        abort(404)
    except services.DomainError as error:
        flash(str(error), "error")
        return findings_page(cycle, withdrawing=finding_id), 400
    flash("The finding is withdrawn and the country's scores are recomputed; the explanation says why.", "success")
    return redirect(url_for("review.findings", cycle_id=cycle.id))


@bp.post("/cycles/<int:cycle_id>/reply-deadline")
@roles_required(*STAFF)
def reply_deadline(cycle_id: int):  # type: ignore[no-untyped-def]
    """Open or extend the cycle's right of reply."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        chosen = dt.date.fromisoformat(request.form.get("reply_due_on", ""))
    except ValueError:
        flash("Enter the last day for replies.", "error")
        return redirect(url_for("review.cycle", cycle_id=cycle_id))
    try:
        services.set_reply_deadline(cycle_id, chosen, _actor())
    except services.NotFound:
        abort(404)
    except services.DomainError as error:
        flash(str(error), "error")
    else:
        flash(f"Countries may reply to their draft scorecards until {chosen.isoformat()}.", "success")
    return redirect(url_for("review.cycle", cycle_id=cycle_id))
