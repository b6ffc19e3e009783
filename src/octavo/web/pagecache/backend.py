"""The cache backend through Flask-Caching, behind a guard: a server that is down or slow
costs one short timeout, then the site renders without the cache (with a warning at
most once a minute) and tries the server again a second later."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import flask
from flask_caching import Cache

from octavo.web.pagecache.settings import CacheSettings

LOG = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds a failed backend is left alone before it is tried again.
RETRY_AFTER = 1.0
#: Seconds between two warnings about the same failing backend.
WARN_EVERY = 60.0


def make_backend(app: flask.Flask, settings: CacheSettings) -> Any:
    """The Flask-Caching backend object (cachelib API: get, set, inc, clear…)."""
    config = dict(settings.flask_config)
    config["CACHE_KEY_PREFIX"] = settings.key_prefix
    if settings.kind == "MemcachedCache":
        config["CACHE_MEMCACHED_SERVERS"] = _memcached_client(settings)
    elif settings.kind == "RedisCache":
        config["CACHE_REDIS_HOST"] = _redis_client(settings)
    cache = Cache(config=config)
    cache.init_app(app)
    return cache.cache


def _memcached_client(settings: CacheSettings) -> Any:
    """pymemcache (pure Python, wheels for every Python) in place of the C clients
    Flask-Caching looks for; values pickled."""
    from pymemcache import serde
    from pymemcache.client.hash import HashClient

    servers = []
    for server in settings.servers:
        host, _, port = server.rpartition(":") if ":" in server else (server, "", "11211")
        servers.append((host or "127.0.0.1", int(port)))
    return HashClient(
        servers,
        serde=serde.pickle_serde,
        connect_timeout=settings.server_timeout,
        timeout=settings.server_timeout,
        no_delay=True,  # a stored page is written without waiting for a reply
        use_pooling=True,
        retry_attempts=1,
        retry_timeout=0,
        dead_timeout=RETRY_AFTER,
    )


def _redis_client(settings: CacheSettings) -> Any:
    import redis

    return redis.Redis.from_url(
        settings.servers[0],
        socket_timeout=settings.server_timeout,
        socket_connect_timeout=settings.server_timeout,
    )


class Guarded:
    """Calls into the backend that never raise: a failure is a miss (or a lost store)."""

    def __init__(self, backend: Any, description: str) -> None:
        self.backend = backend
        self.description = description
        self._down_until = 0.0
        self._warned = 0.0
        self._lock = threading.Lock()
        self.failures = 0

    @property
    def up(self) -> bool:
        return time.monotonic() >= self._down_until

    def call(self, operation: Callable[[Any], T], default: T) -> T:
        if not self.up:
            return default
        try:
            return operation(self.backend)
        except Exception as err:  # any client's error: the site renders without the cache
            self._failed(err)
            return default

    def _failed(self, err: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self.failures += 1
            self._down_until = now + RETRY_AFTER
            if now - self._warned < WARN_EVERY and self._warned:
                return
            self._warned = now
        LOG.warning(
            "page cache %s unavailable (%s: %s); rendering without it",
            self.description,
            type(err).__name__,
            err,
        )
