"""Template filters: how dates and numbers read to a person."""

from __future__ import annotations

import calendar
import datetime as dt

from flask import Flask

from .framework.codes import fictional
from .framework.schema import NATURE_WORDS


def long_date(value: str | None) -> str:
    """``2000-12-13`` → ``13 December 2000``; ``2001-05`` → ``May 2001``; ``2001`` stays."""
    if not value:
        return ""
    parts = str(value).split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {calendar.month_name[int(parts[1])]} {parts[0]}"
    if len(parts) == 2:
        return f"{calendar.month_name[int(parts[1])]} {parts[0]}"
    return parts[0]


def datetime_utc(value: dt.datetime | None) -> str:
    """``2026-11-28 16:05 UTC``: staff across several time zones read one clock."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def flat_errors(errors: object) -> list[str]:
    """WTForms errors of a field, a sub-form or a list of sub-forms, as one list of messages."""
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in flat_errors(value)]
    if isinstance(errors, list | tuple):
        return [message for value in errors for message in flat_errors(value)]
    return []


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def unread_count() -> dict[str, int]:
    """The badge on the Notifications link: one small query per page for a logged-in user."""
    from flask_login import current_user

    from .queries import unread_notifications

    if current_user and current_user.is_authenticated:
        return {"unread_notifications": unread_notifications(current_user.id)}
    return {"unread_notifications": 0}


def demo_data_present() -> bool:
    """Whether the page must carry the demonstration banner: the stored flag, asked once per request."""
    from .installation import demonstration

    return demonstration()


def register_filters(app: Flask) -> None:
    app.context_processor(unread_count)
    app.add_template_global(demo_data_present)
    app.add_template_filter(long_date)
    app.add_template_test(fictional)  # a country code of the demonstration's invented countries
    app.add_template_filter(datetime_utc)
    app.add_template_filter(flat_errors)
    app.add_template_global(now_utc)
    app.add_template_global(NATURE_WORDS, "nature_words")
    app.jinja_env.add_extension("jinja2.ext.do")
