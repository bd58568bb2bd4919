"""Conditional requests, compression and a page cache for what the public reads.

Public pages, open data and the API carry an ETag (a hash of the body) and Last-Modified (when
published data last changed), and answer a matching conditional request with 304 and no body; a
reader on a slow link who comes back downloads nothing that has not changed. Responses are
compressed (Brotli or gzip) by Flask-Compress, which also keeps ETags distinct per encoding.

The page cache keeps finished public responses (compressed body and every header) in the worker's
memory, keyed by the URL, the request's ``Accept-Encoding`` and ``published.state()``: everything a
public page is made of that can change while the app runs (a publication, an acceptance, a rebuilt
public chart, the framework version, the demonstration data). A repeat request for an unchanged
page then costs that one query instead of rendering and compressing the page again; after any such
change the key is new, so a page is never served stale. Only requests that carry no session data
are served from it or stored in it (a page that could read nothing from the session is the same
for every such visitor), and only complete 200 responses that set no cookie are kept. A change made
behind the app's back (SQL by hand, a restored backup) is seen after the workers restart.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request, request_finished, session
from flask_compress import Compress
from werkzeug.http import http_date

from . import published

CACHEABLE_BLUEPRINTS = frozenset({"public", "api"})
UNCACHED_ENDPOINTS = frozenset({"public.evidence_file"})  # a file, sent as it is stored
PAGE_CACHE_BYTES = 16 * 2**20  # per worker process; 0 turns the page cache off
compress = Compress()


@dataclass(frozen=True)
class CachedPage:
    """A finished response, as the first visitor got it."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    plain_etag: str | None  # the body's ETag before compression, which the request was checked against first

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers)

    def response(self) -> Response:
        return Response(self.body, status=self.status, headers=list(self.headers))


class PageCache:
    """A bounded, thread-safe LRU of finished pages: the least recently used go first when the pages
    together exceed ``max_bytes``; a page larger than an eighth of it is never kept."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: Hashable) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: CachedPage) -> None:
        if page.size > self.max_bytes // 8:
            return
        with self._lock:
            replaced = self._pages.pop(key, None)
            if replaced is not None:
                self._size -= replaced.size
            self._pages[key] = page
            self._size += page.size
            while self._size > self.max_bytes:
                _, evicted = self._pages.popitem(last=False)
                self._size -= evicted.size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0


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
    app.config.setdefault("PAGE_CACHE_BYTES", PAGE_CACHE_BYTES)
    compress.init_app(app)
    app.after_request(_conditional)  # registered after Flask-Compress, so it runs before it
    if app.config["PAGE_CACHE_BYTES"] > 0:
        app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_BYTES"])
        app.before_request(_from_cache)
        request_finished.connect(_keep, app)  # sent with the finished response: compressed, cookies set


def page_cache(app: Flask | None = None) -> PageCache | None:
    """The app's page cache, or None when it is turned off."""
    return (app or current_app).extensions.get("page_cache")


def _public_request() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.blueprint in CACHEABLE_BLUEPRINTS
        and request.endpoint != "public.healthz"
    )


def _from_cache() -> Response | None:
    """Answer from the page cache when the same page, for the same state, is there (before_request)."""
    if not _public_request() or request.endpoint in UNCACHED_ENDPOINTS or session:
        return None
    state = published.state()
    g.public_state = state
    g.demo_data_present = state.demo  # the banner's question (formatting.demo_data_present), already answered
    key = (request.full_path, request.headers.get("Accept-Encoding", ""), state)
    page = page_cache().get(key)  # type: ignore[union-attr]
    if page is None:
        g.page_cache_key = key
        return None
    g.page_cache_hit = page
    return page.response()


def _conditional(response: Response) -> Response:
    hit: CachedPage | None = g.get("page_cache_hit")
    if hit is not None:
        return _revalidate(response, hit.plain_etag)
    if not _public_request() or response.status_code != 200 or response.is_streamed:
        return response
    response.add_etag()
    g.page_cache_plain_etag = response.get_etag()[0]
    state: published.State | None = g.get("public_state")
    changed = state.changed if state is not None else published.last_changed()
    if changed is not None:
        response.last_modified = changed
    if not session.get("_user_id"):  # anyone may cache it, but must ask again before reusing it
        response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Cookie")
    return response.make_conditional(request)


def _revalidate(response: Response, plain_etag: str | None) -> Response:
    """A page from the cache, as it is without it: dated now, not when the first visitor got it; and a
    conditional request checked against the body's own ETag first (this hook), then against the
    encoded one (Flask-Compress, after compressing)."""
    response.headers["Date"] = http_date()  # replaced where it stands, as werkzeug's make_conditional adds it
    if not (request.if_none_match or request.if_modified_since):
        return response
    encoded_etag = response.get_etag()[0]
    if plain_etag is not None and plain_etag != encoded_etag:
        response.set_etag(plain_etag)
        response.make_conditional(request)
        if response.status_code == 304:
            return response
        response.set_etag(encoded_etag)  # type: ignore[arg-type]
    return response.make_conditional(request)


def _keep(sender: Flask, response: Response, **extra: Any) -> None:
    """Keep a public page just served, if it is complete and the same for every visitor without a session."""
    key = g.get("page_cache_key")
    if (
        key is None
        or request.method != "GET"
        or response.status_code != 200
        or response.is_streamed
        or response.direct_passthrough
        or "Set-Cookie" in response.headers
        or "csrf_token" in g  # a form token was made for this visitor: never for anyone else
    ):
        return
    page = CachedPage(200, tuple(response.headers.items()), response.get_data(), g.get("page_cache_plain_etag"))
    page_cache(sender).put(key, page)  # type: ignore[union-attr]
