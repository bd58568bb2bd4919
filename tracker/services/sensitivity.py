"""The sensitivity table of a published cycle: every country's scores and ratings under equal
weights against the methodology's weights, built at publication and kept in the open data."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from ..framework import Framework
from ..models import ReportingCycle, ScoreSensitivity
from ..scoring import CountryFacts, sensitivity
from . import scores


def rebuild_sensitivity(
    session: Session, framework_of: Callable[[ReportingCycle], Framework], cycle: ReportingCycle
) -> int:
    """Replace the cycle's sensitivity rows with what the engine gives now; the rows written."""
    framework = framework_of(cycle)
    countries = scores.scored_countries(session)
    ids = {c.id for c in countries}
    facts = scores.verified_facts(session, framework_of, cycle, ids)
    rows = []
    for country in countries:
        country_facts: CountryFacts = facts[country.id]
        if not country_facts.applicable:
            continue
        for row in sensitivity(framework, country_facts):
            rows.append(
                {
                    "cycle_id": cycle.id,
                    "country_id": country.id,
                    "level": row.level,
                    "subject": row.subject,
                    "weighted": row.weighted,
                    "equal": row.equal,
                    "weighted_conservative": row.weighted_conservative,
                    "equal_conservative": row.equal_conservative,
                    "weighted_rating": row.weighted_rating,
                    "equal_rating": row.equal_rating,
                }
            )
    session.execute(delete(ScoreSensitivity).where(ScoreSensitivity.cycle_id == cycle.id))
    if rows:
        session.execute(insert(ScoreSensitivity), rows)
    return len(rows)
