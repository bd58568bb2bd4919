"""Static assets under fingerprinted names, served by the app itself: no CDN, no network.

``asset_url("css/tracker.css")`` gives ``/assets/app/<hash>/css/tracker.css``. The hash is of the
file's content, so a changed file is a new URL and browsers may keep every asset for a year
(``immutable``): a repeat visit on a slow link downloads no CSS or JavaScript at all. Files are
read and gzip-compressed once per process; plotly.js is 4.8 MB, 1.5 MB gzipped.

Sources: the app's own ``static/`` folder, Bootstrap as bootstrap-flask ships it, and plotly.js
from the installed plotly package.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from flask import Blueprint, Response, abort, request, url_for
from werkzeug.security import safe_join

from .permissions import public

bp = Blueprint("assets", __name__)
ONE_YEAR = 365 * 24 * 3600
COMPRESSIBLE = (".css", ".js", ".svg", ".map", ".json")

SOURCES: dict[str, Path] = {
    "app": Path(__file__).resolve().parent / "static",
    "bootstrap": Path(str(resources.files("flask_bootstrap").joinpath("static", "bootstrap5"))),
    "plotly": Path(str(resources.files("plotly").joinpath("package_data"))),
}


@dataclass(frozen=True)
class Asset:
    fingerprint: str
    data: bytes
    compressed: bytes | None
    mimetype: str


@cache
def _asset(source: str, filename: str) -> Asset | None:
    folder = SOURCES.get(source)
    path = safe_join(str(folder), filename) if folder else None
    if path is None or not Path(path).is_file():
        return None
    data = Path(path).read_bytes()
    compressed = gzip.compress(data, compresslevel=9, mtime=0) if filename.endswith(COMPRESSIBLE) else None
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if mimetype == "application/javascript":
        mimetype = "text/javascript"
    return Asset(hashlib.sha256(data).hexdigest()[:12], data, compressed, mimetype)


def asset_url(filename: str, source: str = "app") -> str:
    """The fingerprinted URL of a static file (for templates)."""
    asset = _asset(source, filename)
    if asset is None:
        raise LookupError(f"no asset {source}/{filename}")
    return url_for("assets.asset", source=source, fingerprint=asset.fingerprint, filename=filename)


def plotly_url() -> str:
    return asset_url("plotly.min.js", "plotly")


@bp.get("/assets/<source>/<fingerprint>/<path:filename>")
@public
def asset(source: str, fingerprint: str, filename: str) -> Response:
    found = _asset(source, filename)
    if found is None:
        abort(404)
    gzip_ok = found.compressed is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(found.compressed if gzip_ok else found.data, mimetype=found.mimetype)
    if gzip_ok:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    # Another fingerprint comes from a page older than this file, or from a path relative to a
    # fingerprinted stylesheet: serve the current file, but only the exact name is kept for a year.
    exact = found.fingerprint == fingerprint
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable" if exact else "public, no-cache"
    response.set_etag(found.fingerprint + (":gzip" if gzip_ok else ""))
    return response.make_conditional(request)
