"""A stored render and its key.

The key is a hash (bounded length whatever the URL) of everything a render depends
on besides the index: the site's scheme and host, the path, the query arguments the
page's renders read, what of the ``Accept`` header could change the template chosen,
the viewer class (anonymous visitors share one; each logged-in reader has their own),
the templates and the code version. What it read from the index is
checked on every hit instead (see freshness.py), so a content change needs no key
change and invalidates only the pages that read what changed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flask
from werkzeug.datastructures import MultiDict

from octavo.index.schema import SCHEMA_VERSION
from octavo.web.request import WHOLE_QUERY
from octavo.web.template_lookup import Accept

#: Bumped when the stored format or the key's parts change.
FORMAT = 2


@dataclass(frozen=True, slots=True)
class Page:
    version: int
    stored_at: float
    tags: frozenset[str]
    body: bytes
    content_type: str
    vary_accept: bool
    etag: str
    needs_auth: bool
    kind: str

    def encode(self) -> bytes:
        return pickle.dumps(
            (
                FORMAT,
                self.version,
                self.stored_at,
                tuple(self.tags),
                self.body,
                self.content_type,
                self.vary_accept,
                self.etag,
                self.needs_auth,
                self.kind,
            ),
            protocol=pickle.HIGHEST_PROTOCOL,
        )


def decode(raw: Any) -> Page | None:
    """A stored page, or None for anything else (missing, truncated, another format)."""
    if not isinstance(raw, bytes):
        return None
    try:
        value = pickle.loads(raw)
        if not isinstance(value, tuple) or len(value) != 10 or value[0] != FORMAT:
            return None
        _, version, stored_at, tags, body, content_type, vary, etag, needs_auth, kind = value
        return Page(
            int(version),
            float(stored_at),
            frozenset(tags),
            bytes(body),
            str(content_type),
            bool(vary),
            str(etag),
            bool(needs_auth),
            str(kind),
        )
    except Exception:  # a damaged value is a miss, whatever pickle made of it
        return None


@dataclass(frozen=True, slots=True)
class Variants:
    """What, besides the path and viewer, the renders of one page read of the request:
    the query arguments (by name, or :data:`WHOLE_QUERY`) and the template types content
    negotiation chose among. Stored once per page base key; grows by union, so a page
    stored under it always fits every request whose key matches."""

    args: frozenset[str]
    types: frozenset[str]

    def union(self, other: Variants | None) -> Variants:
        if other is None:
            return self
        return Variants(self.args | other.args, self.types | other.types)

    def encode(self) -> bytes:
        return pickle.dumps((FORMAT, sorted(self.args), sorted(self.types)))


def decode_variants(raw: Any) -> Variants | None:
    if not isinstance(raw, bytes):
        return None
    try:
        value = pickle.loads(raw)
        if not isinstance(value, tuple) or len(value) != 3 or value[0] != FORMAT:
            return None
        return Variants(frozenset(map(str, value[1])), frozenset(map(str, value[2])))
    except Exception:  # a damaged value is a miss
        return None


def base_key(viewer: tuple[Any, ...], templates: str) -> str:
    """The key of what every variant of the current request's page shares: site, path,
    viewer class, templates. Its :class:`Variants` are stored under it."""
    request = flask.request
    material = repr(
        (
            FORMAT,
            SCHEMA_VERSION,
            request.host_url,
            request.script_root,
            request.path,
            viewer,
            templates,
        )
    )
    return "vary:" + _digest(material)


def page_key(base: str, variants: Variants) -> str:
    """The key of the current request's page: its base key, the values of the query
    arguments the page reads (an argument absent and one given empty differ) and what of
    the Accept header could change the template content negotiation picks."""
    request = flask.request
    if WHOLE_QUERY in variants.args:
        query: Any = request._raw_query  # type: ignore[attr-defined]
    else:
        given = MultiDict(request.query_pairs)  # type: ignore[attr-defined]
        query = [(name, given.getlist(name)) for name in sorted(variants.args)]
    material = repr((base, sorted(variants.args), query, negotiation(variants.types)))
    return "page:" + _digest(material)


def negotiation(types: frozenset[str]) -> tuple[bool, tuple[str, ...]]:
    """The part of the request's Accept header the template lookup can see when it
    chooses among templates of `types`: whether it accepts everything, and its types in
    preference order that are one of `types` or a pattern (which may match one)."""
    accept = Accept.parse(list(flask.request.accept_mimetypes))
    kept = tuple(t for t in accept.types if t in types or any(c in t for c in "*?["))
    return accept.everything, kept


def _digest(material: str) -> str:
    return hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()


class TemplateStamp:
    """A fingerprint of the template folder, re-read at most once a second: any template
    change makes every page's key new (the documented fallback: a page may include any
    template, so a change to one invalidates the whole site). `on_change` runs when the
    fingerprint moves: Jinja must then compile the templates again, or the new key would
    store a page of the old templates."""

    def __init__(
        self, folder: str, on_change: Callable[[], None], refresh_seconds: float = 1.0
    ) -> None:
        self.folder = folder
        self.on_change = on_change
        self.refresh_seconds = refresh_seconds
        self._checked = 0.0
        self._value = ""
        self._lock = threading.Lock()

    def value(self) -> str:
        if time.monotonic() - self._checked >= self.refresh_seconds:
            with self._lock:
                value = self._compute()
                if value != self._value and self._value:
                    self.on_change()
                self._value = value
                self._checked = time.monotonic()
        return self._value

    def _compute(self) -> str:
        digest = hashlib.sha1()
        for root, dirs, files in os.walk(self.folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
        return digest.hexdigest()
