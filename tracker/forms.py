"""Forms shared by several blueprints, and the limits every form applies."""

from __future__ import annotations

import datetime as dt
import re

from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import ValidationError

EARLIEST_DATE = dt.date(1990, 1, 1)  # nothing reported here happened before the 1990s
LATEST_DATE = dt.date(2100, 12, 31)
DATE_BOUNDS = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}  # the browser's date picker too
_ID = re.compile(r"[0-9]{1,18}")  # str.isdigit() and int() also accept "²" and "٣"


def is_id(text: str | None) -> bool:
    """A row id or version as a form carries it: ASCII digits that fit a 64-bit integer."""
    return bool(text) and _ID.fullmatch(text) is not None  # type: ignore[arg-type]


def plausible_date(_form: object, field: object) -> None:
    """A date between 1990 and 2100 (a typo like 0204 would be stored, then dropped by the browser)."""
    value = getattr(field, "data", None)
    if isinstance(value, dt.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}.")


class ActionForm(FlaskForm):
    """A button that changes state: only its CSRF token matters."""

    submit = SubmitField()
