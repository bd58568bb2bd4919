"""Country codes no real country has: the ones a demonstration's fictional countries take."""

from __future__ import annotations

import re

# ISO 3166-1 alpha-2 codes left to users (AA, QM to QZ, XA to XZ, ZZ); XK is taken by Kosovo by convention
USER_ASSIGNED = re.compile(r"^(AA|Q[M-Z]|X[A-Z]|ZZ)$")


def fictional(code: str) -> bool:
    """A code no real country has: the demonstration's countries take only these."""
    return code != "XK" and USER_ASSIGNED.match(code) is not None
