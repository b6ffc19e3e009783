"""Configuring the page cache (the ``cache`` key and ``CACHE_URL``), its counts from
``/_cache`` and ``octavo cache stats``, and ``octavo cache clear``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from octavo.web.app import StartupError
from octavo.web.pagecache.settings import CacheConfigError, cache_settings
from tests.web.conftest import make_app
from tests.web.pagecache_site import REDIS_URL, CachedSite, cache_state, new_prefix, write_site

OCTAVO = str(Path(sys.executable).parent / "octavo")


@pytest.mark.parametrize(
    ("url", "kind", "description"),
    [
        ("memory://", "SimpleCache", "SimpleCache"),
        ("file:///var/cache/site", "FileSystemCache", "FileSystemCache /var/cache/site"),
        ("memcached://a:11211,b:11212", "MemcachedCache", "MemcachedCache a:11211,b:11212"),
        ("redis://:secret@cache:6380/2", "RedisCache", "RedisCache redis://cache:6380/2"),
        ("null://", "NullCache", "NullCache"),
    ],
)
def test_cache_url_schemes(url: str, kind: str, description: str) -> None:
    settings = cache_settings({}, "/site", {"CACHE_URL": url})
    assert (settings.kind, settings.description) == (kind, description)
    assert "secret" not in settings.description


def test_cache_url_wins_and_takes_prefix_and_timeout() -> None:
    publ = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 60}
    settings = cache_settings(publ, "/site", {"CACHE_URL": "redis://h:1/0?prefix=s1:&timeout=90"})
    assert (settings.kind, settings.servers) == ("RedisCache", ("redis://h:1/0",))
    assert (settings.key_prefix, settings.timeout, settings.http_max_age) == ("s1:", 90, 90)


def test_publ_cache_keys() -> None:
    settings = cache_settings(
        {"CACHE_TYPE": "flask_caching.backends.FileSystemCache", "CACHE_DIR": "cache"}, "/site"
    )
    assert settings.flask_config["CACHE_DIR"] == "/site/cache"
    assert settings.key_prefix == "octavo:"
    assert cache_settings({}, "/site", {}).enabled is False  # off unless configured
    redis = cache_settings(
        {"CACHE_TYPE": "redis", "CACHE_REDIS_HOST": "r", "CACHE_REDIS_DB": 3}, ""
    )
    assert redis.servers == ("redis://r:6379/3",)


@pytest.mark.parametrize(
    ("config", "environ", "message"),
    [
        ({"CACHE_TYPE": "Bogus"}, {}, "unknown CACHE_TYPE 'Bogus'"),
        ({}, {"CACHE_URL": "ftp://x"}, "CACHE_URL='ftp://x': unknown scheme 'ftp'"),
        ({"CACHE_TYPE": "FileSystemCache"}, {}, "needs CACHE_DIR"),
        ({"CACHE_TYPE": "SimpleCache", "CACHE_SERVER_TIMEOUT": "soon"}, {}, "CACHE_SERVER_TIMEOUT"),
    ],
)
def test_bad_configuration_names_the_key(config: dict, environ: dict, message: str) -> None:
    with pytest.raises(CacheConfigError, match=message.replace("(", r"\(")):
        cache_settings(config, "/site", environ)


def test_a_bad_cache_config_stops_the_app_with_the_message(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site")
    with pytest.raises(StartupError, match="unknown CACHE_TYPE"):
        make_app(root, cache={"CACHE_TYPE": "Nope"})


def test_counts_endpoint_is_for_admins_and_the_machine_only(tmp_path: Path) -> None:
    site = CachedSite(write_site(tmp_path / "site"), {"CACHE_TYPE": "SimpleCache"})
    for _ in range(3):
        site.get("/blog/")
    site.get("/blog/102-two")
    body = site.get("/_cache").get_json()
    assert body["enabled"] is True and body["backend"] == "SimpleCache" and body["up"] is True
    assert body["process"] == {
        "entry": {"miss": 1, "store": 1},
        "index": {"hit": 2, "miss": 1, "store": 1},
    }
    assert body["counts"]["index"] == {"hit": 2, "miss": 1, "store": 1}
    assert site.get("/_cache", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    remote = site.client.get("/_cache", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert remote.status_code == 404


def test_cli_stats_and_clear_through_cache_url(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site")
    prefix = new_prefix()
    site = CachedSite(
        root,
        {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
            "CACHE_SERVER_TIMEOUT": 5,
        },
    )
    (root / "app.py").write_text(
        "from octavo import Octavo\n"
        f"app = Octavo(__name__, {{'database_url': 'sqlite:///{root / 'index.db'}', "
        "'index_enable_watchdog': False, 'index_rescan_interval': 0})\n"
    )
    for path in ("/blog/", "/blog/", "/other/"):
        site.get(path)
    site.app.page_cache.counts.flush()
    env = {**os.environ, "CACHE_URL": f"{REDIS_URL}?prefix={prefix}&server_timeout=5"}
    env.pop("DATABASE_URL", None)
    stats = subprocess.run(
        [OCTAVO, "cache", "stats"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert stats.returncode == 0, stats.stderr
    assert "backend: RedisCache redis://" in stats.stdout
    index_row = next(line for line in stats.stdout.splitlines() if line.startswith("index"))
    assert index_row.split() == ["index", "1", "2", "2", "33.3%"]
    assert cache_state(site.get("/other/")) == "hit"
    clear = subprocess.run(
        [OCTAVO, "cache", "clear", "--flush"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert clear.returncode == 0, clear.stderr
    assert "every cached page is stale" in clear.stdout
    assert cache_state(site.get("/other/")) == "miss"
    assert site.app.page_cache.store.backend.get("stats:kinds") in (None, ["index"])
