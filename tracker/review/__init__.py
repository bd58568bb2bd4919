"""The secretariat's side: cycles, the review queue, and the review of one report."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

from . import method, plans, routes, scores  # noqa: E402,F401
