"""What others recorded about the signatories, 2000–2005: validated, cited, never scored.

Pure Python (no Flask, no SQLAlchemy), like ``tracker.framework``: ``load_baseline(directory)`` turns
``baseline/*.yaml`` into frozen objects or raises ``BaselineError`` with every problem.
"""

from .loader import Baseline, BaselineError, load_baseline
from .schema import CERTAINTY_LABELS, KIND_LABELS, TIER_LABELS, Fact, Source

__all__ = [
    "CERTAINTY_LABELS",
    "KIND_LABELS",
    "TIER_LABELS",
    "Baseline",
    "BaselineError",
    "Fact",
    "Source",
    "load_baseline",
]
