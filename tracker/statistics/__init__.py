"""Statistics for publication: small-cell suppression of victim counts (``suppression``).

Pure standard library, like ``tracker.scoring``: it knows nothing of Flask or the database.
"""

from .suppression import (
    Equation,
    Key,
    Mark,
    Published,
    Rule,
    Unprotectable,
    exposed,
    suppress,
    table_equations,
)

__all__ = [
    "Equation",
    "Key",
    "Mark",
    "Published",
    "Rule",
    "Unprotectable",
    "exposed",
    "suppress",
    "table_equations",
]
