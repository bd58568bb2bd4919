"""plotly.js, served by the app itself from the installed plotly package: no CDN, no network.

The file is 4.8 MB (1.5 MB gzipped) and officials are often on slow links, so it is read and
compressed once per process, named by its version (a new plotly is a new URL) and cached by
browsers for a year as immutable.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from importlib import resources

from flask import Blueprint, Response, abort, request

from .permissions import public

bp = Blueprint("assets", __name__)
ONE_YEAR = 365 * 24 * 3600


@cache
def plotly_bundle() -> tuple[str, bytes, bytes]:
    """(fingerprint, the file, the file gzipped): read once."""
    data = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    return hashlib.sha256(data).hexdigest()[:12], data, gzip.compress(data, compresslevel=9, mtime=0)


def plotly_filename() -> str:
    return f"plotly-{plotly_bundle()[0]}.min.js"


@bp.get("/assets/<name>")
@public
def asset(name: str) -> Response:
    if name != plotly_filename():
        abort(404)
    fingerprint, data, compressed = plotly_bundle()
    gzip_ok = "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(compressed if gzip_ok else data, mimetype="text/javascript")
    if gzip_ok:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.set_etag(fingerprint)
    return response.make_conditional(request)
