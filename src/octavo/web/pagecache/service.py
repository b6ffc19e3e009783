"""The page cache of a site: look a page up before the request is routed to its view,
store what the view rendered, answer conditional requests from the stored page."""

from __future__ import annotations

import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flask
from werkzeug.wrappers import Response

from octavo.web.pagecache import deps
from octavo.web.pagecache.backend import Guarded, make_backend
from octavo.web.pagecache.freshness import Freshness
from octavo.web.pagecache.local import LocalPages
from octavo.web.pagecache.page import (
    Page,
    TemplateStamp,
    Variants,
    base_key,
    decode,
    decode_variants,
    page_key,
)
from octavo.web.pagecache.settings import CacheSettings
from octavo.web.pagecache.stats import Counts
from octavo.web.template_lookup import TemplateFile
from octavo.web.visitor import viewer_class

#: The endpoints whose responses are pages rendered from templates.
PAGE_ENDPOINTS = frozenset({"category", "entry"})
_PENDING = "octavo_page_pending"
#: Says whether a page came from the cache (``hit``) or was rendered and stored (``miss``).
STATE_HEADER = "X-Octavo-Cache"
#: Pages whose variants a process remembers before it starts over.
_MAX_VARIANTS = 4096


@dataclass(frozen=True, slots=True)
class _Pending:
    base: str
    variants: Variants | None
    version: int
    started: float


class PageCache:
    """One site's page cache: backend, freshness rules, hit/miss/store counts."""

    def __init__(self, app: Any, settings: CacheSettings) -> None:
        self.settings = settings
        self.store = Guarded(make_backend(app, settings), settings.description)
        self.freshness = Freshness(app.index)
        self.templates = TemplateStamp(app.site.template_folder, _forget_templates(app))
        self.counts = Counts(self.store)
        local = settings.local_size if settings.kind != "SimpleCache" else 0
        self.local = LocalPages(local, settings.timeout) if local else None
        #: Each page's variants as this process last knew them (a hint: a page is stored
        #: under a key naming its variants, so an outdated hint costs a miss, never a
        #: wrong page).
        self.variants: dict[str, Variants] = {}

    def count(self, kind: str, event: str) -> None:
        self.counts.count(kind, event)

    def lookup(self) -> Response | None:
        """Before a page request: the stored page when it is still current; otherwise
        note what the render must record to be stored."""
        request = flask.request
        if request.method not in ("GET", "HEAD") or request.endpoint not in PAGE_ENDPOINTS:
            return None
        version = self.freshness.current_version()
        if version is None:
            return None
        base = base_key(viewer_class(), self.templates.value())
        variants = self._variants(base)
        page = self._stored(page_key(base, variants)) if variants is not None else None
        if page is not None:
            self.count(page.kind, "hit")
            return self._respond(page)
        setattr(flask.g, _PENDING, _Pending(base, variants, version, time.time()))
        deps.start()
        return None

    def _variants(self, base: str) -> Variants | None:
        variants = self.variants.get(base)
        if variants is None:
            variants = decode_variants(self.store.call(lambda backend: backend.get(base), None))
            if variants is not None:
                self._know(base, variants)
        return variants

    def _know(self, base: str, variants: Variants) -> None:
        if len(self.variants) >= _MAX_VARIANTS:
            self.variants.clear()
        self.variants[base] = variants

    def _stored(self, key: str) -> Page | None:
        """The page stored under `key` when it is still current (the local copy first)."""
        page = self.local.get(key) if self.local is not None else None
        if page is not None and not self._current(page):
            self.local.discard(key)  # type: ignore[union-attr]
            page = None
        if page is None:
            page = decode(self.store.call(lambda backend: backend.get(key), None))
            if page is None or not self._current(page):
                return None
            if self.local is not None:
                self.local.put(key, page)
        return page

    def _current(self, page: Page) -> bool:
        return self.freshness.fresh(page.version, page.stored_at, page.tags)

    def _respond(self, page: Page) -> Response:
        """The stored page; a ``304`` with no body work at all when the client's
        ``If-None-Match`` names its ETag (the cheapest answer the cache has)."""
        request = flask.request
        revalidated = request.if_none_match.contains_weak(page.etag)
        response = flask.current_app.response_class(None if revalidated else page.body)
        if revalidated:
            response.status_code = 304  # Werkzeug drops the entity headers of a 304
        else:
            response.headers["Content-Type"] = page.content_type
        if page.vary_accept:
            response.vary.add("Accept")
        if page.needs_auth:
            flask.g.needs_auth = True
        self.http_headers(response, page.etag, page.stored_at)
        response.headers[STATE_HEADER] = "hit"
        if not revalidated:
            response.make_conditional(request)
        return response

    def http_headers(self, response: Response, etag: str, stored_at: float | None) -> None:
        response.set_etag(etag)
        response.headers["Cache-Control"] = self.settings.cache_control()
        if stored_at is not None:
            response.last_modified = stored_at  # type: ignore[assignment]

    def remember(self, found: TemplateFile, text: str, etag: str, response: Response) -> None:
        """After a page was rendered (status 200): store it with what it read, under the
        key of the query arguments it read and the template types it chose among."""
        pending: _Pending | None = flask.g.pop(_PENDING, None)
        if pending is None:
            return
        read = flask.request.__dict__.get("query_reads") or set()
        variants = Variants(frozenset(read), found.types).union(pending.variants)
        key = page_key(pending.base, variants)
        kind = posixpath.splitext(posixpath.basename(found.filename))[0]
        self.count(kind, "miss")
        page = Page(
            version=pending.version,
            stored_at=pending.started,
            tags=frozenset(deps.collected()),
            body=text.encode("utf-8"),
            content_type=response.headers["Content-Type"],
            vary_accept="accept" in response.vary,
            etag=etag,
            needs_auth=bool(flask.g.get("needs_auth")),
            kind=kind,
        )
        response.last_modified = pending.started  # type: ignore[assignment]
        response.headers[STATE_HEADER] = "miss"
        timeout = self.settings.timeout
        if variants != pending.variants:
            self._know(pending.base, variants)
            self.store.call(lambda b: b.set(pending.base, variants.encode(), timeout), False)
        if self.local is not None:
            self.local.put(key, page)
        if self.store.call(lambda backend: backend.set(key, page.encode(), timeout), False):
            self.count(kind, "store")


def _forget_templates(app: Any) -> Callable[[], None]:
    def forget() -> None:
        if app.jinja_env.cache is not None:
            app.jinja_env.cache.clear()

    return forget


def page_cache() -> PageCache | None:
    return getattr(flask.current_app, "page_cache", None)


def lookup_page() -> Response | None:
    """``before_request`` hook."""
    cache = page_cache()
    return cache.lookup() if cache is not None else None
