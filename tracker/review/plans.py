"""The secretariat's view of National Plans of Action: every country's, and the review of one revision."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..audit import Actor
from ..current import framework_or_503
from ..extensions import db
from ..models import NationalPlan, ReportState
from ..permissions import STAFF, ask_password, login_is_recent, roles_required
from ..plans import Plan
from ..public.plans import plan_view
from ..queries import reporting_countries
from ..services import DomainError, NotFound
from ..services.plans import accept_plan, plan_of, return_plan
from . import bp


class ReturnPlanForm(FlaskForm):
    class Meta:
        csrf = False  # one page, two prefixed forms: CSRFProtect checks the page's single token

    comment = TextAreaField(
        "What needs to change", validators=[DataRequired("Say what needs to change."), Length(max=5000)]
    )
    submit = SubmitField("Return for revision")


class AcceptPlanForm(FlaskForm):
    class Meta:
        csrf = False  # see ReturnPlanForm

    submit = SubmitField("Accept the plan")


@dataclass(frozen=True)
class PlanChanges:
    """What an amendment changes against the revision it amends, activity by activity."""

    details: tuple[str, ...]  # the plan-level fields that differ
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def none(self) -> bool:
        return not (self.details or self.added or self.removed or self.changed)


DETAIL_LABELS = {
    "title": "title",
    "status": "status",
    "adopted": "adoption date",
    "period": "period",
    "document_url": "link to the document",
    "summary": "summary",
}


def plan_changes(old: Plan, new: Plan) -> PlanChanges:
    """Added, removed and changed activities (by id; a moved activity counts as changed), and details."""
    before = {a.id: a for a in old.activities}
    after = {a.id: a for a in new.activities}
    place_before = {a.id: o.id for o in old.objectives for a in o.activities}
    place_after = {a.id: o.id for o in new.objectives for a in o.activities}
    return PlanChanges(
        details=tuple(label for name, label in DETAIL_LABELS.items() if getattr(old, name) != getattr(new, name)),
        added=tuple(a for a in after if a not in before),
        removed=tuple(a for a in before if a not in after),
        changed=tuple(a for a in after if a in before and (after[a] != before[a] or place_after[a] != place_before[a])),
    )


def _actor() -> Actor:
    return Actor(current_user, request.remote_addr)


@bp.get("/plans/")
@roles_required(*STAFF)
def plans():  # type: ignore[no-untyped-def]
    """Every country: its newest revision, the accepted one, and the newest's quality and coverage."""
    framework = framework_or_503()
    records = db.session.execute(
        select(NationalPlan).options(joinedload(NationalPlan.country)).order_by(NationalPlan.revision)
    ).scalars()
    latest: dict[int, NationalPlan] = {}
    accepted: dict[int, NationalPlan] = {}
    for record in records:
        latest[record.country_id] = record
        if record.state is ReportState.ACCEPTED:
            accepted[record.country_id] = record
    rows = []
    for country in reporting_countries():  # a demonstration lists its fictional countries only
        record = latest.get(country.id)
        rows.append(
            {
                "country": country,
                "latest": record,
                "accepted": accepted.get(country.id),
                "view": plan_view(record, framework) if record is not None else None,
            }
        )
    return render_template("plans/review_list.html", rows=rows, framework=framework)


@bp.route("/plans/<int:plan_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def plan(plan_id: int):  # type: ignore[no-untyped-def]
    framework = framework_or_503()
    record = db.session.get(NationalPlan, plan_id)
    if record is None:
        abort(404)
    return_form, accept_form = ReturnPlanForm(prefix="return"), AcceptPlanForm(prefix="accept")
    status = 200
    if request.method == "POST":
        try:
            if accept_form.submit.data and accept_form.validate():
                # publishing a plan, like accepting a report, asks a stale login for the password
                # again; the password page then carries this same POST out
                if not login_is_recent():
                    return ask_password(f"accept the plan of {record.country.name}")
                accept_plan(record.id, _actor())
                flash(f"The plan of {record.country.name} is accepted: it is now public and locked.", "success")
                return redirect(url_for("review.plan", plan_id=plan_id))
            elif return_form.submit.data and return_form.validate():
                return_plan(record.id, return_form.comment.data or "", _actor())
                flash(f"The plan of {record.country.name} is returned with your comment.", "success")
                return redirect(url_for("review.plan", plan_id=plan_id))
            else:
                status = 400  # a missing comment, or a form without its token
        except NotFound:
            abort(404)
        except DomainError as error:
            flash(str(error), "error")
            status = 400
        except StaleDataError:
            db.session.rollback()
            flash(
                "Someone else changed this plan at the same moment. Nothing was changed: check and try again.", "error"
            )
            status = 409
        record = db.session.get(NationalPlan, plan_id)
    view = plan_view(record, framework)
    changes = plan_changes(plan_of(record.amends), view["plan"]) if record.amends else None
    return render_template(
        "plans/review_plan.html",
        framework=framework,
        return_form=return_form,
        accept_form=accept_form,
        reviewable=record.state is ReportState.SUBMITTED,
        changes=changes,
        **view,
    ), status
