"""Static assets under fingerprinted names, served by the app itself: no CDN, no network.

``asset_url("css/tracker.css")`` gives ``/assets/app/<hash>/css/tracker.css``. The hash is of the
file's content, so a changed file is a new URL and browsers may keep every asset for a year
(``immutable``): a repeat visit on a slow link downloads no CSS or JavaScript at all. Files are
read and hashed once per process, and gzip-compressed once, when first requested compressed: a
page's URL needs only the hash (gzipping plotly.js, 1.5 MB to 0.5 MB, takes a tenth of a second).

Sources: the app's own ``static/`` folder (with plotly.js's cartesian partial bundle, vendored in
``static/vendor/plotly``), Bootstrap as bootstrap-flask ships it, and the installed plotly
package's full bundle (no page uses it any more; kept addressable for a page that would need
another trace type).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cache, lru_cache
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
    source: str
    filename: str
    fingerprint: str
    data: bytes
    mimetype: str

    @property
    def compressible(self) -> bool:
        return self.filename.endswith(COMPRESSIBLE)

    @property
    def compressed(self) -> bytes:
        """The gzipped bytes, made on the first request that accepts them and then kept."""
        return _gzipped(self.source, self.filename)


@lru_cache(maxsize=512)  # bounded: the names come from URLs, and a name that is no file is cached too
def _asset(source: str, filename: str) -> Asset | None:
    folder = SOURCES.get(source)
    path = safe_join(str(folder), filename) if folder else None
    if path is None or not Path(path).is_file():
        return None
    data = Path(path).read_bytes()
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if mimetype == "application/javascript":
        mimetype = "text/javascript"
    return Asset(source, filename, hashlib.sha256(data).hexdigest()[:12], data, mimetype)


@cache
def _gzipped(source: str, filename: str) -> bytes:
    found = _asset(source, filename)
    assert found is not None
    return gzip.compress(found.data, compresslevel=9, mtime=0)


def asset_url(filename: str, source: str = "app") -> str:
    """The fingerprinted URL of a static file (for templates)."""
    asset = _asset(source, filename)
    if asset is None:
        raise LookupError(f"no asset {source}/{filename}")
    return url_for("assets.asset", source=source, fingerprint=asset.fingerprint, filename=filename)


PLOTLY_BUNDLE = "vendor/plotly/plotly-cartesian-4.1.1.min.js"  # the partial bundle: see its README


def plotly_url() -> str:
    """plotly.js with only the cartesian trace types the charts use: a third of the full bundle's bytes."""
    return asset_url(PLOTLY_BUNDLE, "app")


@bp.get("/assets/<source>/<fingerprint>/<path:filename>")
@public
def asset(source: str, fingerprint: str, filename: str) -> Response:
    found = _asset(source, filename)
    if found is None:
        abort(404)
    gzip_ok = found.compressible and "gzip" in request.headers.get("Accept-Encoding", "")
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
