"""The right of reply, the focal point's side: the draft verified scorecard of an accepted report,
and a reply per commitment while the cycle's reply period is open."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import queries, services
from ..audit import Actor
from ..forms import ActionForm
from ..models import Role
from ..permissions import roles_required
from ..services.replies import latest_accepted, window_open
from . import bp


def _actor() -> Actor:
    return Actor(current_user, request.remote_addr)


@bp.route("/cycles/<int:cycle_id>/scorecard", methods=["GET", "POST"])
@roles_required(Role.FOCAL_POINT)
def draft_scorecard(cycle_id: int):  # type: ignore[no-untyped-def]
    """The country's verified scorecard before publication, what the secretariat assessed
    differently, and the replies."""
    cycle = queries.cycle(cycle_id)
    if cycle is None:
        abort(404)
    country_id = current_user.country_id
    report = latest_accepted(cycle.id, country_id)
    if report is None:
        abort(404)  # nothing verified yet: there is no draft scorecard to see
    status = 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            if request.form.get("close"):
                services.close_replies(cycle.id, _actor())
                flash("The secretariat is told you have no further replies for this cycle.", "success")
            else:
                commitment = request.form.get("commitment", "")
                services.reply_to_assessment(cycle.id, commitment, request.form.get("body", ""), _actor())
                flash(f"Your reply on {commitment} is sent to the secretariat.", "success")
            return redirect(url_for("reports.draft_scorecard", cycle_id=cycle.id))
        except services.NotFound:
            abort(404)
        except services.DomainError as error:
            flash(str(error), "error")
            status = 400
    framework = services.framework_of(cycle)
    card = {
        (level, subject): s
        for (basis, level, subject), s in queries.scorecard(cycle.id, country_id).items()
        if basis == "verified"
    }
    replies: dict[str, list] = {}
    for reply in queries.score_replies(cycle.id, country_id):
        replies.setdefault(reply.commitment, []).append(reply)
    return render_template(
        "reports/scorecard.html",
        cycle=cycle,
        framework=framework,
        method=framework.methodology,
        report=report,
        card=card,
        entries={e.commitment.code: e for e in report.entries},
        replies=replies,
        open=window_open(cycle, country_id),
        levels={level.id: level.label for level in framework.methodology.status_levels},
        form=ActionForm(),
        posted=request.form,
    ), status
