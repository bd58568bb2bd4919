"""The public blueprint: pages anyone may read, without logging in."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import baseline, opendata, plans, progress, routes, statistics  # noqa: E402,F401  (routes attach themselves to bp)
