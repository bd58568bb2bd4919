"""Administrators invite, disable, re-role and unlock users, and read the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import queries, services
from ..audit import Actor
from ..extensions import db
from ..forms import ActionForm
from ..links import external_url
from ..models import Role, User
from ..permissions import STAFF, recent_login_required, roles_required
from . import bp
from .forms import AuditFilterForm, InviteForm, RoleForm


def _actor() -> Actor:
    return Actor(current_user, request.remote_addr)


def _with_countries(form):  # type: ignore[no-untyped-def]
    form.country.choices = [SelectChoice("", "— none —")] + [
        SelectChoice(c.code, f"{c.name} ({c.code})") for c in queries.reporting_countries()
    ]
    return form


def _on_account(verb: str) -> Callable[..., str]:
    """What the password page says an action on a user account will do."""

    def describe(user_id: int) -> str:
        user = db.session.get(User, user_id)
        return f"{verb} {user.email}" if user is not None else f"{verb} that user"

    return describe


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():  # type: ignore[no-untyped-def]
    return render_template(
        "admin/users.html", users=queries.users(), action_form=ActionForm(), role_form=_with_countries(RoleForm())
    )


@bp.route("/users/invite", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
@recent_login_required(describe=lambda: f"invite {request.form.get('email', '').strip() or 'that person'}")
def invite():  # type: ignore[no-untyped-def]
    form = _with_countries(InviteForm())
    if form.validate_on_submit():
        try:
            user, token = services.invite_user(
                form.email.data, form.name.data, Role(form.role.data), form.country.data or None, _actor()
            )
        except services.DomainError as error:
            form.form_errors.append(str(error))
        else:
            link = external_url("auth.invitation", token=token)
            return render_template("admin/invited.html", user=user, link=link)
    return render_template("admin/invite.html", form=form)


def _user_action(user_id: int, operation, done: str):  # type: ignore[no-untyped-def]
    if ActionForm().validate_on_submit():
        try:
            operation()
        except services.DomainError as error:
            flash(str(error), "error")
        else:
            flash(done, "success")
    return redirect(url_for("admin.users", _anchor=f"user-{user_id}"))


@bp.post("/users/<int:user_id>/disable")
@roles_required(Role.ADMIN)
@recent_login_required(describe=_on_account("disable the account of"))
def disable(user_id: int):  # type: ignore[no-untyped-def]
    return _user_action(
        user_id, lambda: services.set_user_active(user_id, False, _actor()), "The account is disabled and logged out."
    )


@bp.post("/users/<int:user_id>/enable")
@roles_required(Role.ADMIN)
@recent_login_required(describe=_on_account("enable the account of"))
def enable(user_id: int):  # type: ignore[no-untyped-def]
    return _user_action(user_id, lambda: services.set_user_active(user_id, True, _actor()), "The account is enabled.")


@bp.post("/users/<int:user_id>/unlock")
@roles_required(Role.ADMIN)
@recent_login_required(describe=_on_account("unlock the account of"))
def unlock(user_id: int):  # type: ignore[no-untyped-def]
    return _user_action(user_id, lambda: services.unlock_user(user_id, _actor()), "The account is unlocked.")


@bp.post("/users/<int:user_id>/role")
@roles_required(Role.ADMIN)
@recent_login_required(describe=_on_account("change the role of"))
def change_role(user_id: int):  # type: ignore[no-untyped-def]
    form = _with_countries(RoleForm())
    if not form.validate_on_submit():
        flash("Choose a role and, for a focal point, a country.", "error")
        return redirect(url_for("admin.users", _anchor=f"user-{user_id}"))
    try:
        services.change_role(user_id, Role(form.role.data), form.country.data or None, _actor())
    except services.DomainError as error:
        flash(str(error), "error")
    else:
        flash("The role is changed; the user must log in again.", "success")
    return redirect(url_for("admin.users", _anchor=f"user-{user_id}"))


@bp.get("/audit")
@roles_required(*STAFF)
def audit_trail():  # type: ignore[no-untyped-def]
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", "Any action")] + [
        SelectChoice(a, a.replace("_", " ")) for a in queries.audit_actions()
    ]
    form.validate()
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    events = queries.audit_events(
        action=form.action.data or None,
        actor=form.actor.data or None,
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None,
        page=page,
    )
    return render_template("admin/audit.html", form=form, events=events)
