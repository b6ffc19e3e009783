"""A cache server that goes down: pages keep rendering (no error page, one warning),
and come from the cache again once the real server is back. Each test runs its own
memcached or Redis server so it can stop and start it."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from octavo.web.pagecache import backend as backend_module
from tests.web import cache_servers
from tests.web.pagecache_site import CachedSite, cache_state, write_site


def server_and_config(kind: str, port: int) -> tuple[cache_servers.Server, dict[str, object]]:
    if kind == "memcached":
        server = cache_servers.memcached(port)
        config = {"CACHE_TYPE": "MemcachedCache", "CACHE_MEMCACHED_SERVERS": [f"127.0.0.1:{port}"]}
    else:
        server = cache_servers.redis(port)
        config = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    # no local copy: every request goes to the server
    return server, {**config, "CACHE_SERVER_TIMEOUT": 0.2, "CACHE_LOCAL_SIZE": 0}


@pytest.mark.parametrize("kind", ["memcached", "redis"])
def test_a_server_outage_degrades_to_rendering(
    kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend_module, "RETRY_AFTER", 0.2)
    server, config = server_and_config(kind, cache_servers.free_port())
    with cache_servers.running(server):
        site = CachedSite(write_site(tmp_path / "site"), config)
        site.get("/blog/")
        assert cache_state(site.get("/blog/")) == "hit"
        server.stop()
        with caplog.at_level(logging.WARNING, logger=backend_module.__name__):
            for _ in range(5):
                response = site.get("/blog/")
                assert response.status_code == 200
                assert "[Two]" in response.get_data(as_text=True)
                time.sleep(0.25)  # past RETRY_AFTER: every request tries the server again
        warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
        assert len(warnings) == 1  # rate-limited
        server.start()
        states = []
        for _ in range(20):  # stale pooled connections fail once more, then it is back
            time.sleep(0.1)
            states.append(cache_state(site.get("/blog/")))
            if states[-1] == "hit":
                break
        assert states[-1] == "hit", states
