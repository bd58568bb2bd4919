"""Conditional requests and compression for what the public reads.

Public pages, open data and the API carry an ETag (a hash of the body) and Last-Modified (when
published data last changed), and answer a matching conditional request with 304 and no body; a
reader on a slow link who comes back downloads nothing that has not changed. Responses are
compressed (Brotli or gzip) by Flask-Compress, which also keeps ETags distinct per encoding.
"""

from __future__ import annotations

from flask import Flask, Response, request, session
from flask_compress import Compress

from . import published

CACHEABLE_BLUEPRINTS = frozenset({"public", "api"})
compress = Compress()


def init_caching(app: Flask) -> None:
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/csv",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
        ],
    )
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    compress.init_app(app)
    app.after_request(_conditional)  # registered after Flask-Compress, so it runs before it


def _conditional(response: Response) -> Response:
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or response.is_streamed
        or request.blueprint not in CACHEABLE_BLUEPRINTS
        or request.endpoint == "public.healthz"
    ):
        return response
    response.add_etag()
    changed = published.last_changed()
    if changed is not None:
        response.last_modified = changed
    if not session.get("_user_id"):  # anyone may cache it, but must ask again before reusing it
        response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Cookie")
    return response.make_conditional(request)
