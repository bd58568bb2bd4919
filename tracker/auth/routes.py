"""Login, logout, re-authentication, password change and invitations. Thin: services decide."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from .. import pending, queries, services
from ..forms import ActionForm
from ..models import Role
from ..permissions import EVERY_ROLE, public, roles_required, safe_next
from ..security import end_session, start_session
from . import bp
from .forms import PASSWORD_HINT, ChangePasswordForm, LoginForm, ReauthenticateForm, SetPasswordForm

LOGIN_FAILED = (
    "The email address or password is not right. After 10 failed attempts an account is locked for 15 minutes."
)


def _home_for(user) -> str:  # type: ignore[no-untyped-def]
    """Where a person's work is: the users for an administrator, the review queue for the secretariat,
    the country's reports for a focal point."""
    if user.role is Role.ADMIN:
        return url_for("admin.users")
    if user.role is Role.SECRETARIAT:
        return url_for("review.queue")
    if user.role is Role.FOCAL_POINT:
        return url_for("reports.dashboard")
    return url_for("auth.account")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():  # type: ignore[no-untyped-def]
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, _home_for(current_user)))
    if form.validate_on_submit():
        user = services.log_in(form.email.data, form.password.data, request.remote_addr)
        if user is not None:
            start_session(user)
            return redirect(safe_next(form.next.data, _home_for(user)))
        form.form_errors.append(LOGIN_FAILED)
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
@roles_required(*EVERY_ROLE)
def logout():  # type: ignore[no-untyped-def]
    services.log_out(current_user.id, request.remote_addr)
    end_session()
    flash("You have logged out.", "success")
    return redirect(url_for("public.home"))


@bp.route("/reauthenticate", methods=["GET", "POST"])
@roles_required(*EVERY_ROLE)
def reauthenticate():  # type: ignore[no-untyped-def]
    """The password again; then the interrupted action is carried out (or, for a page, back to it)."""
    action = pending.current()
    form = ReauthenticateForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        if services.reauthenticate(current_user.id, form.password.data, request.remote_addr):
            session["authenticated_at"] = dt.datetime.now(dt.UTC).timestamp()
            action = pending.take()
            if action is not None:
                return pending.replay(action)
            return redirect(safe_next(form.next.data, url_for("auth.account")))
        form.password.errors = [
            f"That password is not right. Nothing was done yet: enter it again to {action.description}."
            if action
            else "That password is not right."
        ]
    back = action.back if action else form.next.data
    return render_template(
        "auth/reauthenticate.html",
        form=form,
        action=action,
        cancel_form=ActionForm(),
        back=safe_next(back, _home_for(current_user)),
    )


@bp.post("/reauthenticate/cancel")
@roles_required(*EVERY_ROLE)
def reauthenticate_cancel():  # type: ignore[no-untyped-def]
    """Forget the interrupted action: nothing is done."""
    action = pending.take()
    back = action.back if action else None
    if action is not None and ActionForm().validate_on_submit():
        flash(f"Nothing was done: you cancelled “{action.description}”.", "info")
    return redirect(safe_next(back, _home_for(current_user)))


@bp.get("/account")
@roles_required(*EVERY_ROLE)
def account():  # type: ignore[no-untyped-def]
    return render_template("auth/account.html")


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*EVERY_ROLE)
def change_password():  # type: ignore[no-untyped-def]
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(current_user.id, form.current.data, form.new.data, request.remote_addr)
        except services.DomainError as error:
            form.current.errors = [str(error)]
        else:
            start_session(user)  # this browser stays logged in; every other session has ended
            flash("Your password has been changed. Any other session of your account has ended.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form, hint=PASSWORD_HINT)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):  # type: ignore[no-untyped-def]
    pending = services.pending_invitation(token)
    if pending is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.accept_invitation(token, form.new.data, request.remote_addr)
        except services.DomainError as error:
            form.new.errors = [str(error)]
        else:
            end_session()
            flash("Your password is set. You can now log in.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/invitation.html", form=form, invited=pending.user, hint=PASSWORD_HINT)


@bp.get("/notifications")
@roles_required(*EVERY_ROLE)
def notifications():  # type: ignore[no-untyped-def]
    return render_template("auth/notifications.html", items=queries.notifications(current_user.id))


@bp.post("/notifications/<int:notification_id>/open")
@roles_required(*EVERY_ROLE)
def open_notification(notification_id: int):  # type: ignore[no-untyped-def]
    """A notification opened is read: mark it, then go where it points (one of our own pages)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    link = services.open_notification(current_user.id, notification_id)
    if link is None:
        abort(404)
    return redirect(safe_next(link, url_for("auth.notifications")))


@bp.post("/notifications/read")
@roles_required(*EVERY_ROLE)
def notifications_read():  # type: ignore[no-untyped-def]
    services.mark_notifications_read(current_user.id)
    return redirect(url_for("auth.notifications"))
