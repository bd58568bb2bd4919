"""The read-only open-data API, ``/api/v1/``: published data only, described by an OpenAPI 3 document."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402,F401
