"""No page rendered for one reader is ever served from the page cache to another, on
every backend: the leak test's readers crawl the auth site after readers who may see
everything (an admin, alice) filled the cache, each crawling twice so the second
crawl is served from the cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.auth.conftest import login, make_auth_site
from tests.auth.test_auth_leaks import CANONICAL, PRIVATE, READERS, crawl
from tests.web import cache_servers
from tests.web.pagecache_site import BACKENDS, cache_config, new_prefix


@pytest.fixture(scope="module")
def memcached_port() -> Iterator[int]:
    with cache_servers.running(cache_servers.memcached(cache_servers.free_port())) as server:
        yield server.port


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_private_page_reaches_another_reader(
    backend: str, tmp_path: Path, memcached_port: int
) -> None:
    cache = cache_config(backend, tmp_path, memcached_port, new_prefix())
    site = make_auth_site(tmp_path / "site", config={"cache": cache})
    app = site.app
    app.index.refresh_seconds = 0
    readers = [("admin", "test:admin", "session"), ("alice", "test:alice", "session"), *READERS]
    for label, identity, how in readers:
        site.client.delete_cookie("session")
        headers: dict[str, str] = {}
        if how == "session":
            login(site, identity)
        elif how == "token":
            headers["Authorization"] = "Bearer " + app.authority.signer.issue(identity, 600)
        crawl(site, headers)
        pages = crawl(site, headers)  # from the cache where the first crawl stored
        who = identity or "anonymous"
        for entry_id, (title, slug, body, allowed) in PRIVATE.items():
            if who in allowed or label == "admin":
                assert body in pages[f"/{CANONICAL[entry_id]}"], (label, entry_id)
                continue
            for path, text in pages.items():
                for secret in (title, slug, body):
                    assert secret not in text, f"{label} sees {secret!r} at {path} ({backend})"
        site.client.post("/_logout/")
    hits = sum(n for (_, event), n in app.page_cache.counts.items() if event == "hit")
    assert hits > 100  # the second crawls were served from the cache
