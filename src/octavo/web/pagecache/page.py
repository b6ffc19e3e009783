"""A stored render and its key.

The key is a hash (bounded length whatever the URL) of everything a render depends
on besides the index: the site's scheme and host, the path and query, the ``Accept``
header, the viewer class (anonymous visitors share one; each logged-in reader has
their own), the templates and the code version. What it read from the index is
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

from octavo.index.schema import SCHEMA_VERSION

#: Bumped when the stored format or the key's parts change.
FORMAT = 1


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


def page_key(viewer: tuple[Any, ...], templates: str) -> str:
    """The cache key of the current request's page."""
    request = flask.request
    material = repr(
        (
            FORMAT,
            SCHEMA_VERSION,
            request.host_url,
            request.script_root,
            request.path,
            request.query_string,
            request.headers.get("Accept", ""),
            viewer,
            templates,
        )
    )
    return "page:" + hashlib.sha256(material.encode("utf-8", "surrogateescape")).hexdigest()


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
