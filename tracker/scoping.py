"""Per-country scoping: which country's rows a user may see.

Apart from ``permissions`` (which needs Flask's request) so that the services can scope their
queries without importing the request layer, and the request layer can record denials through the
services: one direction each, no import circle.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from .models import Role, User


def country_scope(user: User) -> int | None:
    """The one country a user is confined to, or None for staff, who see every country."""
    if user.is_staff:
        return None
    if user.role is Role.FOCAL_POINT and user.country_id is not None:
        return user.country_id
    raise PermissionError("a user with no country and no staff role sees nothing")


def scoped(statement: Select[Any], country_column: Any, user: User) -> Select[Any]:
    """Narrow a query to what ``user`` may see: their own country's rows for a focal point."""
    country_id = country_scope(user)
    return statement if country_id is None else statement.where(country_column == country_id)
