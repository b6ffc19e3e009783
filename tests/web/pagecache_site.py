"""A small site for the page-cache tests, served with a chosen cache backend.

Backends: ``simple`` (in-process), ``filesystem``, ``memcached`` (a private server
the session starts) and ``redis`` (the machine's server, OCTAVO_TEST_REDIS_URL, with
a key prefix of its own per test).
"""

from __future__ import annotations

import os
import textwrap
import uuid
from pathlib import Path
from typing import Any

from werkzeug.test import TestResponse

from tests.web.conftest import Site, make_app

BACKENDS = ["simple", "filesystem", "memcached", "redis"]
SHARED_BACKENDS = ["filesystem", "memcached", "redis"]
REDIS_URL = os.environ.get("OCTAVO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

ENTRIES = {
    "blog/one.md": "Title: One\nEntry-ID: 101\nDate: 2024-01-01 10:00:00\nTag: red\n\nBODY-ONE",
    "blog/two.md": "Title: Two\nSlug-Text: two\nEntry-ID: 102\nDate: 2024-01-02 10:00:00\n"
    "Tag: blue\n\nBODY-TWO",
    "blog/three.md": "Title: Three\nEntry-ID: 103\nDate: 2024-01-03 10:00:00\nTag: red\n\n"
    "BODY-THREE",
    "blog/sub/deep.md": "Title: Deep\nEntry-ID: 104\nDate: 2024-01-04 10:00:00\n\nBODY-DEEP",
    "other/x.md": "Title: Ex\nEntry-ID: 201\nDate: 2024-02-01 10:00:00\n\nBODY-EX",
}
TEMPLATES = {
    "index.html": "{{ category.name }}:{% for e in view.entries %}[{{ e.title }}]{% endfor %}",
    "entry.html": "{{ entry.title }}|{{ entry.body }}|prev={{ entry.previous.title }}"
    "|next={{ entry.next.title }}",
    "feed.xml": "{% for e in view(recurse=True).entries %}<t>{{ e.title }}</t>{% endfor %}",
    "error.html": "error {{ error.code }}",
}
#: Pages of the blog and of the root that a change to entry 102 must refresh.
BLOG_PAGES = [
    "/blog/",
    "/",
    "/feed.xml",
    "/blog/?tag=blue",
    "/blog/101-One",
    "/blog/102-two",
    "/blog/103-Three",
]
#: Pages that do not read anything entry 102 is part of.
OTHER_PAGES = ["/other/", "/other/201-Ex"]


def write_site(root: Path) -> Path:
    for relpath, text in {
        **{f"content/{k}": v for k, v in ENTRIES.items()},
        **{f"templates/{k}": v for k, v in TEMPLATES.items()},
    }.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "static").mkdir(exist_ok=True)
    return root


def cache_config(backend: str, root: Path, memcached_port: int, prefix: str) -> dict[str, Any]:
    return {
        "simple": {"CACHE_TYPE": "SimpleCache"},
        "filesystem": {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(root / "cache")},
        "memcached": {
            "CACHE_TYPE": "MemcachedCache",
            "CACHE_MEMCACHED_SERVERS": [f"127.0.0.1:{memcached_port}"],
        },
        "redis": {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL},
    }[backend] | {
        "CACHE_KEY_PREFIX": prefix,
        "CACHE_DEFAULT_TIMEOUT": 600,
        # a loaded CI machine must not pass for a server outage (tested on its own)
        "CACHE_SERVER_TIMEOUT": 5,
    }


def new_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}:"


class CachedSite(Site):
    """A served site whose index and templates are re-read on every request (the
    one-second refresh would make a test wait)."""

    def __init__(self, root: Path, cache: dict[str, Any], **config: Any) -> None:
        app = make_app(root, "cached", cache=cache, **config)
        app.index.refresh_seconds = 0
        if app.page_cache is not None:
            app.page_cache.templates.refresh_seconds = 0
        super().__init__(root, app)

    def edit(self, relpath: str, old: str, new: str) -> None:
        path = self.root / "content" / relpath
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    def add(self, relpath: str, text: str) -> None:
        path = self.root / "content" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def cache_state(response: TestResponse) -> str:
    return response.headers.get("X-Octavo-Cache", "none")
