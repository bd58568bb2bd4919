"""Notifications: rows for the in-app list, and email through SMTP when configured (logged otherwise).

Operations call ``notify`` inside their write transaction; the emails wait in the session's outbox
and go out only after the commit, so a rolled-back operation never sends anything.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .models import Notification, User

log = logging.getLogger("tracker.notifications")
OUTBOX = "tracker_outbox"


def notify(
    session: Session,
    users: Iterable[User],
    kind: str,
    message: str,
    link: str | None = None,
    dedupe_key: str | None = None,
) -> int:
    """Add a notification for each user (skipping one already sent under ``dedupe_key``); returns how many."""
    added = 0
    for user in users:
        key = f"{dedupe_key}:{user.id}" if dedupe_key else None
        if key and session.execute(select(Notification.id).where(Notification.dedupe_key == key)).first():
            continue
        session.add(Notification(user_id=user.id, kind=kind, message=message, link=link, dedupe_key=key))
        session.info.setdefault(OUTBOX, []).append((user.email, message, link))
        added += 1
    return added


def _deliver(session: Session) -> None:
    outbox = session.info.pop(OUTBOX, [])
    if not outbox:
        return
    config = current_app.config
    host = config.get("SMTP_HOST")
    for address, message, link in outbox:
        body = message + (f"\n\n{config.get('BASE_URL', '')}{link}" if link else "")
        if not host:
            log.info("email (no SMTP configured) to %s: %s", address, body)
            continue
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = config["MAIL_FROM"], address, f"Commitment Tracker: {message[:80]}"
        mail.set_content(body)
        try:
            with smtplib.SMTP(host, int(config.get("SMTP_PORT", 25)), timeout=10) as smtp:
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException):  # the notification row is there; the mail can be resent
            log.exception("could not email %s", address)


def _forget(session: Session, *_: object) -> None:
    session.info.pop(OUTBOX, None)


def init_notifications(app: Flask, session_class: type) -> None:
    """Emails go after a commit and are dropped on a rollback."""
    if not event.contains(session_class, "after_commit", _deliver):
        event.listen(session_class, "after_commit", _deliver)
        event.listen(session_class, "after_rollback", _forget)
