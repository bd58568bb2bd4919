"""The focal point's side: their country's cycles, and the progress form."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from . import plans, replies, routes, workbooks  # noqa: E402,F401
