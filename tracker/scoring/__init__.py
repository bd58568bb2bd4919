"""Scoring: the pure engine (``engine``) and the figures drawn from its stored results (``charts``).

Knows nothing of Flask or the database, like ``tracker.framework``.
"""

from .engine import (
    BASES,
    Basis,
    CountryFacts,
    EntryFacts,
    FindingFacts,
    Rule,
    Score,
    Scorecard,
    ScoringError,
    Sensitivity,
    rating_for,
    score_country,
    sensitivity,
)

__all__ = [
    "BASES",
    "Basis",
    "CountryFacts",
    "EntryFacts",
    "FindingFacts",
    "Rule",
    "Score",
    "Scorecard",
    "ScoringError",
    "Sensitivity",
    "rating_for",
    "score_country",
    "sensitivity",
]
