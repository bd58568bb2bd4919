"""The framework every page is drawn with: the current one, or 503 while none is loaded.

Its own module because public, review and reporting pages all need it and none should import
another audience's views for it.
"""

from __future__ import annotations

from flask import abort

from . import queries
from .framework import Framework


def framework_or_503() -> Framework:
    framework = queries.current_framework()
    if framework is None:
        abort(503, description="framework-not-loaded")
    return framework
