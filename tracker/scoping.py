"""Per-country scoping: which country's rows a user may see.

Apart from ``permissions`` (which needs Flask's request) so that the services can scope their
queries without importing the request layer, and the request layer can record denials through the
services: one direction each, no import circle.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, scoped_session

from .framework.codes import fictional
from .models import Country, Installation, Role, User


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


def reporting_countries(session: Session | scoped_session[Session]) -> list[Country]:
    """The countries that report, are scored and are listed as reporting, in name order: all of them,
    except on an installation that holds demonstration data, where only its fictional countries are.
    Invented data never says anything of a real country, not even "not reported" or "overdue"."""
    countries = list(session.execute(select(Country).order_by(Country.name)).scalars())
    if session.execute(select(Installation.demonstration).where(Installation.id == 1)).scalar():
        return [c for c in countries if fictional(c.code)]
    return countries
