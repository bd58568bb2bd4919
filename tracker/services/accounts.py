"""Accounts: creating, inviting, logging in and out, disabling, re-roling, unlocking."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update

from .. import audit
from ..audit import Actor
from ..database import utcnow, write_transaction
from ..extensions import db
from ..models import (
    Country,
    Invitation,
    Notification,
    Role,
    User,
)
from ..passwords import hash_password, needs_rehash, password_problem, verify_password
from .errors import DomainError

MAX_FAILED_LOGINS = 10
LOCK_DURATION = dt.timedelta(minutes=15)
INVITATION_LIFETIME = dt.timedelta(days=7)


def _snapshot(user: User) -> dict[str, object]:
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "country": user.country.code if user.country else None,
        "active": user.is_active,
    }


def _new_token() -> str:
    return secrets.token_hex(32)


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _country_for(role: Role, country_code: str | None) -> Country | None:
    if role is Role.FOCAL_POINT:
        if not country_code:
            raise DomainError("A focal point belongs to a country: choose one.")
        country = db.session.execute(select(Country).where(Country.code == country_code.upper())).scalar_one_or_none()
        if country is None:
            raise DomainError(f"There is no country with the code {country_code!r}. Load the framework first.")
        return country
    if country_code:
        raise DomainError("Only focal points belong to a country; leave the country empty for this role.")
    return None


def create_user(
    email: str, name: str, role: Role, country_code: str | None, password: str | None, actor: Actor
) -> User:
    """A new account; with no password it can log in only after accepting an invitation."""
    email = _normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise DomainError("Enter an email address like name@ministry.gov.")
    session = db.session
    with write_transaction(session):
        if session.execute(select(User.id).where(User.email == email)).first():
            raise DomainError(f"There is already an account for {email}.")
        user = User(
            email=email,
            name=name.strip() or email,
            role=role,
            country=_country_for(role, country_code),
            password_hash=hash_password(password) if password is not None else None,
            password_changed_at=utcnow() if password is not None else None,
            session_token=_new_token(),
        )
        session.add(user)
        session.flush()
        audit.record(session, "user_created", actor, object_type="user", object_id=user.id, after=_snapshot(user))
    return user


def invite_user(email: str, name: str, role: Role, country_code: str | None, actor: Actor) -> tuple[User, str]:
    """Create an account without a password and a one-time link to set one; returns the raw token."""
    user = create_user(email, name, role, country_code, None, actor)
    token = secrets.token_urlsafe(32)
    session = db.session
    with write_transaction(session):
        session.add(
            Invitation(user_id=user.id, token_hash=_token_hash(token), expires_at=utcnow() + INVITATION_LIFETIME)
        )
        audit.record(session, "user_invited", actor, object_type="user", object_id=user.id)
    return user, token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending_invitation(token: str) -> Invitation | None:
    invitation = db.session.execute(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        return None
    if not invitation.user.is_active:
        return None
    return invitation


def accept_invitation(token: str, password: str, remote_addr: str | None) -> User:
    """Set the invited person's password; the link then stops working."""
    problem = password_problem(password)
    if problem:
        raise DomainError(problem)
    session = db.session
    with write_transaction(session):
        invitation = pending_invitation(token)
        if invitation is None:
            raise DomainError("This invitation link has expired or was already used. Ask for a new one.")
        user = invitation.user
        invitation.used_at = utcnow()
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        user.session_token = _new_token()
        audit.record(session, "invitation_accepted", Actor(user, remote_addr), object_type="user", object_id=user.id)
    return user


def log_in(email: str, password: str, remote_addr: str | None) -> User | None:
    """The user, or None; never says whether the account exists. Ten failures lock the account.

    The slow hash check runs before the write lock is taken; the row is then locked (FOR UPDATE on
    PostgreSQL, BEGIN IMMEDIATE on SQLite) so parallel guesses all count.
    """
    email = _normalise_email(email)[:254]
    session = db.session
    checked_hash, password_ok = _check_before_locking(User.email == email, password)
    with write_transaction(session):
        user = session.execute(select(User).where(User.email == email).with_for_update()).scalar_one_or_none()
        if user is None:
            audit.record(session, "login_failed", Actor(None, remote_addr, email), reason="unknown account")
            return None
        actor = Actor(user, remote_addr)
        if _locked(user, actor):
            audit.record(
                session, "login_refused", actor, object_type="user", object_id=user.id, reason="account locked"
            )
            return None
        if not password_ok or user.password_hash != checked_hash or not user.is_active:
            _count_failure(user, actor, "account disabled" if not user.is_active else "wrong password")
            return None
        user.failed_logins = 0
        user.last_login_at = utcnow()
        if needs_rehash(user.password_hash or ""):
            user.password_hash = hash_password(password)
        audit.record(session, "login", actor, object_type="user", object_id=user.id)
    return user


def _check_before_locking(which: object, password: str) -> tuple[str | None, bool]:
    """The slow hash check, done before the write lock; the caller compares the hash again under it."""
    checked_hash = db.session.execute(select(User.password_hash).where(which)).scalar()
    return checked_hash, verify_password(checked_hash, password)


def _locked(user: User, actor: Actor) -> bool:
    """True while the account is locked; an expired lock is released (and audited) on the way."""
    if user.locked_until is None:
        return False
    if user.locked_until > utcnow():
        return True
    user.locked_until = None
    user.failed_logins = 0
    audit.record(db.session, "account_unlocked", actor, object_type="user", object_id=user.id, reason="lock expired")
    return False


def _count_failure(user: User, actor: Actor, reason: str, action: str = "login_failed") -> None:
    """One more failed password for the account; the tenth locks it for LOCK_DURATION."""
    user.failed_logins += 1
    audit.record(db.session, action, actor, object_type="user", object_id=user.id, reason=reason)
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = utcnow() + LOCK_DURATION
        audit.record(
            db.session,
            "account_locked",
            actor,
            object_type="user",
            object_id=user.id,
            reason=f"{user.failed_logins} failed passwords; locked until {user.locked_until:%Y-%m-%d %H:%M} UTC",
        )


def reauthenticate(user_id: int, password: str, remote_addr: str | None) -> bool:
    """Confirm the password before a sensitive action; a failure counts like a failed login."""
    user = db.session.get(User, user_id)
    return user is not None and log_in(user.email, password, remote_addr) is not None


def log_out(user_id: int, remote_addr: str | None) -> None:
    """End every session of the user: a cookie captured earlier no longer works."""
    session = db.session
    with write_transaction(session):
        user = session.get(User, user_id)
        if user is None:
            return
        user.session_token = _new_token()
        audit.record(session, "logout", Actor(user, remote_addr), object_type="user", object_id=user.id)


def change_password(user_id: int, current: str, new: str, remote_addr: str | None) -> User:
    """Change one's own password; every other session ends. A wrong current password counts as a failed login."""
    problem = password_problem(new)
    if problem:
        raise DomainError(problem)
    session = db.session
    checked_hash, current_ok = _check_before_locking(User.id == user_id, current)
    with write_transaction(session):
        user = session.execute(select(User).where(User.id == user_id).with_for_update()).scalar_one_or_none()
        if user is None:
            raise DomainError("There is no such user.")
        actor = Actor(user, remote_addr)
        refused = _locked(user, actor) or not current_ok or user.password_hash != checked_hash
        if refused:
            _count_failure(user, actor, "wrong current password", action="password_change_failed")
        else:
            user.password_hash = hash_password(new)
            user.password_changed_at = utcnow()
            user.session_token = _new_token()
            audit.record(session, "password_changed", actor, object_type="user", object_id=user.id)
    if refused:  # raised after the commit, so the failure is counted
        raise DomainError("Your current password is not right.")
    return user


def set_user_active(user_id: int, active: bool, actor: Actor, reason: str | None = None) -> User:
    """Disable (ending every session at once) or enable an account."""
    session = db.session
    with write_transaction(session):
        user = _user_or_error(user_id)
        if actor.user is not None and actor.user.id == user.id and not active:
            raise DomainError("You cannot disable your own account.")
        before = _snapshot(user)
        user.is_active = active
        user.session_token = _new_token()
        audit.record(
            session,
            "user_enabled" if active else "user_disabled",
            actor,
            object_type="user",
            object_id=user.id,
            before=before,
            after=_snapshot(user),
            reason=reason,
        )
    return user


def change_role(user_id: int, role: Role, country_code: str | None, actor: Actor) -> User:
    """A new role (and country, for a focal point); the user logs in again under it."""
    session = db.session
    with write_transaction(session):
        user = _user_or_error(user_id)
        if actor.user is not None and actor.user.id == user.id:
            raise DomainError("Ask another administrator to change your own role.")
        before = _snapshot(user)
        user.role = role
        user.country = _country_for(role, country_code)
        user.session_token = _new_token()
        audit.record(
            session,
            "user_role_changed",
            actor,
            object_type="user",
            object_id=user.id,
            before=before,
            after=_snapshot(user),
        )
    return user


def unlock_user(user_id: int, actor: Actor) -> User:
    session = db.session
    with write_transaction(session):
        user = _user_or_error(user_id)
        user.locked_until = None
        user.failed_logins = 0
        audit.record(
            session, "account_unlocked", actor, object_type="user", object_id=user.id, reason="by an administrator"
        )
    return user


def record_denied_access(user: User, path: str, remote_addr: str | None) -> None:
    session = db.session
    user_id = user.id
    with write_transaction(session):
        actor_user = session.get(User, user_id)
        audit.record(session, "access_denied", Actor(actor_user, remote_addr), object_type="path", object_id=path[:64])


def _user_or_error(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError("There is no such user.")
    return user


def open_notification(user_id: int, notification_id: int) -> str | None:
    """Mark one of the user's notifications read; its link (or "" when it has none), None if not theirs."""
    session = db.session
    with write_transaction(session):
        notification = session.execute(
            select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
        ).scalar_one_or_none()
        if notification is None:
            return None
        if notification.read_at is None:
            notification.read_at = utcnow()
        return notification.link or ""


def mark_notifications_read(user_id: int) -> int:
    """Mark every unread notification of the user as read; returns how many."""
    session = db.session
    with write_transaction(session):
        result = session.execute(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    return result.rowcount
