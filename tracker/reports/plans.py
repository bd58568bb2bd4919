"""The focal point's National Plan of Action: view, upload, start, edit piece by piece, submit, amend.

The plan's YAML is its only storage, so every edit builds a whole new ``Plan`` (``dataclasses.replace``)
and hands it to ``services.plans.save_plan``, which validates it whole: an edit that breaks the plan
(a duplicate id, a deadline before the plan began) is refused with every problem and the typed values
kept, and nothing is stored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from ..audit import Actor
from ..current import framework_or_503
from ..extensions import db
from ..forms import is_id
from ..framework.textyaml import MAX_FILE_BYTES, format_location
from ..models import NationalPlan, Role
from ..permissions import get_scoped_or_404, roles_required
from ..plans import Activity, Plan, dump_plan
from ..public.plans import plan_view
from ..services import DomainError, NotFound, StaleVersion
from ..services.plans import (
    InvalidPlan,
    amend_plan,
    import_plan,
    latest_plan,
    plan_of,
    save_plan,
    submit_plan,
)
from ..services.reporting import EDITABLE
from . import bp
from .plan_forms import (
    EXTRA_INDICATOR_ROWS,
    ActivityForm,
    DetailsForm,
    NewObjectiveForm,
    ObjectiveForm,
    StartForm,
    UploadForm,
    VersionedAction,
    lines,
    text_or_none,
)

STALE = (
    "Someone else saved this plan after you opened it. Nothing was saved: your changes are still below. "
    "Save again to overwrite their version, or open the plan again to see it."
)
# a problem's last named part → the form field it is about ("budget.amount" → budget_amount)
_FIELD_OF = {"amount": "budget_amount", "currency": "budget_currency", "start": "period_start", "end": "period_end"}


def _actor() -> Actor:
    return Actor(current_user, request.remote_addr)


def _own_plan(plan_id: int) -> NationalPlan:
    """A revision of the focal point's own country's plan; 404 for any other."""
    return get_scoped_or_404(
        select(NationalPlan).where(NationalPlan.id == plan_id), NationalPlan.country_id, current_user
    )


def _editable_plan(plan_id: int) -> NationalPlan:
    record = _own_plan(plan_id)
    if record.state not in EDITABLE:
        flash(f"A {record.state.value} plan cannot be edited.", "error")
        abort(redirect(url_for("reports.plan_revision", plan_id=plan_id)))
    return record


def _commitment_choices(framework, country_code: str, plan: Plan | None = None) -> list[SelectChoice]:  # type: ignore[no-untyped-def]
    """The commitments the country signed, and any other the plan already cites (so none is dropped)."""
    pairs = {c.id: c.title for c in framework.applicable_commitments(country_code)}
    titles = {c.id: c.title for c in framework.commitments}
    for cited in plan.commitment_ids() if plan else ():
        pairs.setdefault(cited, titles.get(cited, ""))
    return [SelectChoice(cid, f"{cid} — {title}") for cid, title in pairs.items()]


# ----------------------------------------------------------------------------- viewing
def _render_plan(record: NationalPlan | None, status: int = 200, upload: UploadForm | None = None, problems=()):  # type: ignore[no-untyped-def]
    framework = framework_or_503()
    upload = upload or UploadForm()
    if record is None:
        return render_template("plans/focal_none.html", upload=upload, problems=problems), status
    view = plan_view(record, framework)
    revisions = list(
        db.session.execute(
            select(NationalPlan).where(NationalPlan.country_id == record.country_id).order_by(NationalPlan.revision)
        ).scalars()
    )
    latest = revisions[-1]
    action = VersionedAction(formdata=None, data={"version": str(record.version)})
    return render_template(
        "plans/focal.html",
        framework=framework,
        upload=upload,
        problems=problems,
        action=action,
        editable=record.state in EDITABLE and record.id == latest.id,
        is_latest=record.id == latest.id,
        revisions=revisions,
        **view,
    ), status


@bp.get("/plan")
@roles_required(Role.FOCAL_POINT)
def plan():  # type: ignore[no-untyped-def]
    """The country's newest revision, or how to start one."""
    return _render_plan(latest_plan(current_user.country_id))


@bp.get("/plan/<int:plan_id>")
@roles_required(Role.FOCAL_POINT)
def plan_revision(plan_id: int):  # type: ignore[no-untyped-def]
    return _render_plan(_own_plan(plan_id))


def _file_name(record: NationalPlan) -> str:
    return f"{record.country.code}-national-plan-rev{record.revision}.yaml"


@bp.get("/plan/<int:plan_id>/export.yaml")
@roles_required(Role.FOCAL_POINT)
def plan_export(plan_id: int):  # type: ignore[no-untyped-def]
    record = _own_plan(plan_id)
    return Response(
        record.source,
        content_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(record)}"'},
    )


# ----------------------------------------------------------------------------- whole-plan operations
@bp.post("/plan/upload")
@roles_required(Role.FOCAL_POINT)
def plan_upload():  # type: ignore[no-untyped-def]
    """Replace the editable revision (or start the plan, or amend the accepted one) with a file, checked whole."""
    form = UploadForm()
    record = latest_plan(current_user.country_id)
    if not form.validate_on_submit():
        return _render_plan(record, 400, upload=form)
    upload = form.file.data
    name = (upload.filename or "plan.yaml").rsplit("/", 1)[-1]
    data = upload.read(MAX_FILE_BYTES + 1)
    try:
        stored = import_plan(current_user.country_id, data, _actor(), source_name=name)
    except InvalidPlan as invalid:
        flash(f"Nothing was stored: the file has {len(invalid.problems)} problem(s), listed below.", "error")
        return _render_plan(record, 400, upload=form, problems=[str(p) for p in invalid.problems])
    except DomainError as error:
        flash(str(error), "error")
        return _render_plan(record, 400, upload=form)
    flash(f"The plan in {name} is checked and stored as revision {stored.revision} ({stored.state.value}).", "success")
    return redirect(url_for("reports.plan_revision", plan_id=stored.id))


@bp.route("/plan/start", methods=["GET", "POST"])
@roles_required(Role.FOCAL_POINT)
def plan_start():  # type: ignore[no-untyped-def]
    """The smallest valid plan: its details, a first objective and a first activity."""
    framework = framework_or_503()
    if latest_plan(current_user.country_id) is not None:
        return redirect(url_for("reports.plan"))
    form = StartForm()
    code = current_user.country.code
    form.commitments.choices = _commitment_choices(framework, code)
    problems: list[str] = []
    if form.validate_on_submit():
        try:  # nested values as plain data, so that each problem is located in the plan (and on the form)
            new = Plan(
                country=code,
                title=(form.title.data or "").strip(),
                status=form.status.data,
                adopted=text_or_none(form.adopted.data),
                period=_period_data(form.period_start.data, form.period_end.data),
                objectives=[
                    {
                        "id": "obj-1",
                        "title": (form.objective_title.data or "").strip(),
                        "activities": [
                            {
                                "id": "act-1-1",
                                "title": (form.activity_title.data or "").strip(),
                                "responsible": lines(form.responsible.data),
                                "commitments": tuple(form.commitments.data or ()),
                            }
                        ],
                    }
                ],
            )
            stored = import_plan(current_user.country_id, dump_plan(new), _actor(), source_name="new plan")
        except ValidationError as error:
            problems = _attach(form, _pydantic_problems(error))
        except InvalidPlan as invalid:
            problems = _attach(form, _plan_problems(invalid))
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            flash("The plan is started as a draft. Add its objectives and activities, then submit it.", "success")
            return redirect(url_for("reports.plan_revision", plan_id=stored.id))
    status = 400 if (problems or form.errors or form.form_errors) else 200
    return render_template("plans/start.html", form=form, problems=problems), status


@bp.post("/plan/<int:plan_id>/submit")
@roles_required(Role.FOCAL_POINT)
def plan_submit(plan_id: int):  # type: ignore[no-untyped-def]
    record = _own_plan(plan_id)
    form = VersionedAction()
    if not form.validate_on_submit() or not is_id(form.version.data):
        abort(400)
    try:
        submit_plan(record.id, int(form.version.data), _actor())
    except (StaleVersion, StaleDataError):
        flash("Someone else saved this plan after you opened it: check it below, then submit again.", "error")
        return _render_plan(_own_plan(plan_id), 409)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("reports.plan_revision", plan_id=plan_id))
    flash("Your plan is submitted. The secretariat will review it.", "success")
    return redirect(url_for("reports.plan_revision", plan_id=plan_id))


@bp.post("/plan/<int:plan_id>/amend")
@roles_required(Role.FOCAL_POINT)
def plan_amend(plan_id: int):  # type: ignore[no-untyped-def]
    _own_plan(plan_id)
    if not VersionedAction().validate_on_submit():
        abort(400)
    try:
        amendment = amend_plan(plan_id, _actor())
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("reports.plan_revision", plan_id=plan_id))
    flash(
        "A new draft revision is started from the accepted plan. "
        "The accepted plan stays public until this one is accepted.",
        "success",
    )
    return redirect(url_for("reports.plan_revision", plan_id=amendment.id))


# ----------------------------------------------------------------------------- editing
def _period_data(start: str | None, end: str | None) -> dict[str, str] | None:
    """The period as plain data (validated where the plan is built, so its problems say ``period.end``)."""
    start, end = text_or_none(start), text_or_none(end)
    if start is None and end is None:
        return None
    return {"start": start or "", "end": end or ""}


def _pydantic_problems(error: ValidationError) -> list[tuple[tuple, str]]:
    """(location, message) of each error met while building the edited plan."""
    return [(tuple(e["loc"]), e["msg"].removeprefix("Value error, ")) for e in error.errors()]


def _plan_problems(invalid: InvalidPlan) -> list[tuple[tuple, str]]:
    """(location, message) of each problem the plan's validator found; the location parsed from its path."""
    found = []
    for problem in invalid.problems:
        parts = tuple(int(p) if p.isdigit() else p for p in re.findall(r"[A-Za-z_]+|\d+", problem.field))
        found.append((parts[1:] if parts[:1] == ("plan",) else parts, problem.message))
    return found


def _target(form, location: tuple) -> str | None:  # type: ignore[no-untyped-def]
    """The form field a problem is about: ``objectives[0].activities[0].title`` → ``activity_title`` on the
    "start a plan" form, ``title`` on the activity form; ``period.end`` → ``period_end``."""
    names = [p for p in location if isinstance(p, str)]
    if not names or names[0] == "indicators" or "indicators" in names:
        return None
    last = names[-1]
    if "activities" in names and hasattr(form, f"activity_{last}"):
        return f"activity_{last}"
    if "objectives" in names and "activities" not in names and hasattr(form, f"objective_{last}"):
        return f"objective_{last}"
    if names[0] == "period" and last in ("start", "end"):
        return f"period_{last}"
    return _FIELD_OF.get(last, last)


def _attach(form, problems: Iterable[tuple[tuple, str]]) -> list[str]:  # type: ignore[no-untyped-def]
    """Put each problem beside its field when the form has one; every problem goes in the summary."""
    summary = []
    for location, message in problems:
        name = _target(form, location)
        field = getattr(form, name, None) if name else None
        if field is not None and name not in ("indicators", "version", "submit"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list | tuple) else [message]
            summary.append(f"{field.label.text}: {message}")
        elif "indicators" in location:
            at = location.index("indicators")
            number = location[at + 1] + 1 if len(location) > at + 1 and isinstance(location[at + 1], int) else ""
            rest = " ".join(str(p) for p in location[at + 2 :])
            summary.append(f"Indicator {number}{', ' + rest if rest else ''}: {message}")
        else:
            where = format_location(location)
            summary.append(f"{where}: {message}" if where else message)
    return summary


class _Refused(Exception):
    """An edit the page itself refuses (it would leave an objective empty); nothing is saved."""


def _save(record: NationalPlan, form, build: Callable[[Plan], Plan], render):  # type: ignore[no-untyped-def]
    """Build the edited plan and save it whole; re-render with the problems (400) or the conflict (409)."""
    if not form.validate() or not is_id(form.version.data):
        return render([]), 400
    try:
        edited = build(plan_of(record))
        save_plan(record.id, int(form.version.data), edited, _actor())
    except ValidationError as error:
        return render(_attach(form, _pydantic_problems(error))), 400
    except InvalidPlan as invalid:
        return render(_attach(form, _plan_problems(invalid))), 400
    except _Refused as refused:
        return render([str(refused)]), 400
    except (StaleVersion, StaleDataError):
        db.session.rollback()
        flash(STALE, "error")
        form.version.data = str(_own_plan(record.id).version)  # saving again now overwrites, knowingly
        return render([]), 409
    except DomainError as error:
        flash(str(error), "error")
        return render([]), 400
    flash("The plan is saved.", "success")
    return redirect(url_for("reports.plan_revision", plan_id=record.id))


@bp.route("/plan/<int:plan_id>/details", methods=["GET", "POST"])
@roles_required(Role.FOCAL_POINT)
def plan_details(plan_id: int):  # type: ignore[no-untyped-def]
    record = _editable_plan(plan_id)
    current = plan_of(record)
    if request.method == "GET":
        form = DetailsForm(
            formdata=None,
            data={
                "version": str(record.version),
                "title": current.title,
                "status": current.status,
                "adopted": current.adopted or "",
                "period_start": current.period.start if current.period else "",
                "period_end": current.period.end if current.period else "",
                "document_url": current.document_url or "",
                "summary": current.summary or "",
            },
        )
        return render_template("plans/edit_details.html", record=record, form=form, problems=[])
    form = DetailsForm()

    def build(plan: Plan) -> Plan:
        return dataclasses.replace(
            plan,
            title=(form.title.data or "").strip(),
            status=form.status.data,
            adopted=text_or_none(form.adopted.data),
            period=_period_data(form.period_start.data, form.period_end.data),
            document_url=text_or_none(form.document_url.data),
            summary=text_or_none(form.summary.data),
        )

    return _save(
        record,
        form,
        build,
        lambda problems: render_template("plans/edit_details.html", record=record, form=form, problems=problems),
    )


# --- objectives
@bp.route("/plan/<int:plan_id>/objectives/<objective_id>", methods=["GET", "POST"])
@roles_required(Role.FOCAL_POINT)
def plan_objective(plan_id: int, objective_id: str):  # type: ignore[no-untyped-def]
    """Rename an objective (its id and title)."""
    record = _editable_plan(plan_id)
    existing = next((o for o in plan_of(record).objectives if o.id == objective_id), None)
    if existing is None:
        abort(404)
    if request.method == "GET":
        data = {"version": str(record.version), "objective_id": existing.id, "objective_title": existing.title}
        form = ObjectiveForm(formdata=None, data=data)
    else:
        form = ObjectiveForm()

    def render(problems):  # type: ignore[no-untyped-def]
        return render_template(
            "plans/edit_objective.html", record=record, form=form, objective=existing, problems=problems
        )

    if request.method == "GET":
        return render([])

    def build(plan: Plan) -> Plan:
        renamed = {
            "id": (form.objective_id.data or "").strip(),
            "title": (form.objective_title.data or "").strip(),
            "activities": existing.activities,
        }
        return Plan(
            **{**_fields_of(plan), "objectives": [renamed if o.id == existing.id else o for o in plan.objectives]}
        )

    return _save(record, form, build, render)


@bp.route("/plan/<int:plan_id>/objectives/new", methods=["GET", "POST"])
@roles_required(Role.FOCAL_POINT)
def plan_objective_new(plan_id: int):  # type: ignore[no-untyped-def]
    """Add an objective with its first activity: an objective without activities is not a plan's."""
    framework = framework_or_503()
    record = _editable_plan(plan_id)
    current = plan_of(record)
    number = len(current.objectives) + 1
    if request.method == "GET":
        data = {
            "version": str(record.version),
            "objective_id": f"obj-{number}",
            "id": f"act-{number}-1",
            "indicators": [{}] * EXTRA_INDICATOR_ROWS,
        }
        form = NewObjectiveForm(formdata=None, data=data)
    else:
        form = NewObjectiveForm()
    form.commitments.choices = _commitment_choices(framework, record.country.code, current)

    def render(problems):  # type: ignore[no-untyped-def]
        return render_template(
            "plans/edit_activity.html", record=record, form=form, activity=None, new_objective=True, problems=problems
        )

    if request.method == "GET":
        return render([])

    def build(plan: Plan) -> Plan:
        objective = {
            "id": (form.objective_id.data or "").strip(),
            "title": (form.objective_title.data or "").strip(),
            "activities": [_activity_data_from(form)],
        }
        return Plan(**{**_fields_of(plan), "objectives": [*plan.objectives, objective]})

    return _save(record, form, build, render)


def _fields_of(plan: Plan) -> dict:  # type: ignore[type-arg]
    """The plan's fields, to rebuild it with one of them changed (``dataclasses.replace`` by another name,
    taking plain data for the changed part so that its problems are located in the plan)."""
    return {f.name: getattr(plan, f.name) for f in dataclasses.fields(plan)}


@bp.post("/plan/<int:plan_id>/objectives/<objective_id>/remove")
@roles_required(Role.FOCAL_POINT)
def plan_objective_remove(plan_id: int, objective_id: str):  # type: ignore[no-untyped-def]
    record = _editable_plan(plan_id)
    form = VersionedAction()
    current = plan_of(record)
    if not any(o.id == objective_id for o in current.objectives):
        abort(404)

    def build(plan: Plan) -> Plan:
        return dataclasses.replace(plan, objectives=tuple(o for o in plan.objectives if o.id != objective_id))

    return _save(record, form, build, lambda problems: _removal_refused(record, problems))


def _removal_refused(record: NationalPlan, problems: list[str]):  # type: ignore[no-untyped-def]
    for problem in problems:
        flash(f"Not removed: {problem}", "error")
    return _render_plan(record)[0]


# --- activities
def _activity_data_from(form: ActivityForm) -> dict:  # type: ignore[type-arg]
    """The activity the form describes, as plain data that the plan validates where it is placed.

    Empty boxes are left out; a blank indicator row is no indicator.
    """
    amount, currency = text_or_none(form.budget_amount.data), text_or_none(form.budget_currency.data)
    indicators = [
        {
            "name": (row.form.name.data or "").strip(),
            "unit": text_or_none(row.form.unit.data),
            "baseline": text_or_none(row.form.baseline.data),
            "target": text_or_none(row.form.target.data),
            "counts_victims": bool(row.form.counts_victims.data),
        }
        for row in form.indicators
        if any((getattr(row.form, f).data or "").strip() for f in ("name", "unit", "baseline", "target"))
    ]
    return {
        "id": (form.id.data or "").strip(),
        "title": (form.title.data or "").strip(),
        "responsible": lines(form.responsible.data),
        "commitments": tuple(form.commitments.data or ()),
        "description": text_or_none(form.description.data),
        "deadline": text_or_none(form.deadline.data),
        "timetable": text_or_none(form.timetable.data),
        "budget": {"amount": amount or "", "currency": currency or ""} if (amount or currency) else None,
        "funding_source": text_or_none(form.funding_source.data),
        "indicators": indicators,
    }


def _activity_data(activity: Activity, objective_id: str, version: int) -> dict:  # type: ignore[type-arg]
    rows = [
        {
            "name": i.name,
            "unit": i.unit or "",
            "baseline": i.baseline or "",
            "target": i.target or "",
            "counts_victims": i.counts_victims,
        }
        for i in activity.indicators
    ]
    rows += [{}] * EXTRA_INDICATOR_ROWS
    return {
        "version": str(version),
        "objective": objective_id,
        "id": activity.id,
        "title": activity.title,
        "description": activity.description or "",
        "responsible": "\n".join(activity.responsible),
        "commitments": list(activity.commitments),
        "deadline": activity.deadline or "",
        "timetable": activity.timetable or "",
        "budget_amount": str(activity.budget.amount) if activity.budget else "",
        "budget_currency": activity.budget.currency if activity.budget else "",
        "funding_source": activity.funding_source or "",
        "indicators": rows,
    }


@bp.route("/plan/<int:plan_id>/activities/new", methods=["GET", "POST"])
@bp.route("/plan/<int:plan_id>/activities/<activity_id>", methods=["GET", "POST"])
@roles_required(Role.FOCAL_POINT)
def plan_activity(plan_id: int, activity_id: str | None = None):  # type: ignore[no-untyped-def]
    """Add an activity to an objective, or change every field of one (and move it to another objective)."""
    framework = framework_or_503()
    record = _editable_plan(plan_id)
    current = plan_of(record)
    place = next(((o, a) for o in current.objectives for a in o.activities if a.id == activity_id), None)
    if activity_id is not None and place is None:
        abort(404)
    if request.method == "GET":
        if place is not None:
            data = _activity_data(place[1], place[0].id, record.version)
        else:
            chosen = request.args.get("objective") or current.objectives[-1].id
            objective = next((o for o in current.objectives if o.id == chosen), current.objectives[-1])
            number = current.objectives.index(objective) + 1
            data = {
                "version": str(record.version),
                "objective": objective.id,
                "id": f"act-{number}-{len(objective.activities) + 1}",
                "indicators": [{}] * EXTRA_INDICATOR_ROWS,
            }
        form = ActivityForm(formdata=None, data=data)
    else:
        form = ActivityForm()
    form.commitments.choices = _commitment_choices(framework, record.country.code, current)
    form.objective.choices = [SelectChoice(o.id, f"{o.id} — {o.title}") for o in current.objectives]

    def render(problems):  # type: ignore[no-untyped-def]
        return render_template(
            "plans/edit_activity.html",
            record=record,
            form=form,
            activity=place[1] if place else None,
            problems=problems,
        )

    if request.method == "GET":
        return render([])

    def build(plan: Plan) -> Plan:
        edited = _activity_data_from(form)
        target = form.objective.data
        if not any(o.id == target for o in plan.objectives):
            raise _Refused("Choose one of the plan's objectives.")
        objectives = []
        for objective in plan.objectives:
            if place is not None and objective.id == place[0].id == target:  # changed where it stands
                activities = [edited if a.id == place[1].id else a for a in objective.activities]
            else:
                activities = [a for a in objective.activities if place is None or a.id != place[1].id]
                if objective.id == target:
                    activities.append(edited)
            if not activities:
                raise _Refused(
                    f"Moving this activity would leave objective {objective.id} without activities: add another "
                    "activity to it first, or remove the objective."
                )
            objectives.append({"id": objective.id, "title": objective.title, "activities": activities})
        return Plan(**{**_fields_of(plan), "objectives": objectives})

    return _save(record, form, build, render)


@bp.post("/plan/<int:plan_id>/activities/<activity_id>/remove")
@roles_required(Role.FOCAL_POINT)
def plan_activity_remove(plan_id: int, activity_id: str):  # type: ignore[no-untyped-def]
    record = _editable_plan(plan_id)
    form = VersionedAction()
    current = plan_of(record)
    home = next((o for o in current.objectives if any(a.id == activity_id for a in o.activities)), None)
    if home is None:
        abort(404)
    if len(home.activities) == 1:
        flash(
            f"Not removed: {activity_id} is the only activity of objective {home.id}, and an objective needs at least "
            "one. Add another activity to it first, or remove the objective.",
            "error",
        )
        return redirect(url_for("reports.plan_revision", plan_id=plan_id))

    def build(plan: Plan) -> Plan:
        objectives = tuple(
            dataclasses.replace(o, activities=tuple(a for a in o.activities if a.id != activity_id))
            for o in plan.objectives
        )
        return dataclasses.replace(plan, objectives=objectives)

    return _save(record, form, build, lambda problems: _removal_refused(record, problems))
