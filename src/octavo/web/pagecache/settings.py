"""The page cache's configuration, in one place: Publ's ``cache`` key (a Flask-Caching
config dict) and, for twelve-factor hosts, the ``CACHE_URL`` environment variable.

``CACHE_URL`` (it wins over ``cache``'s backend keys when set)::

    memory://                      in-process (Flask-Caching SimpleCache)
    file:///var/cache/site         filesystem (FileSystemCache), shared by the workers of a box
    memcached://host:11211[,host2:11211]   memcached through pymemcache
    redis://[:password@]host:6379/0 (or rediss://)   Redis through redis-py
    null://                        no page cache

Query arguments on the URL set the key prefix (``?prefix=site1:``), the entry timeout
in seconds (``?timeout=600``), ``?local_size=`` and ``?server_timeout=`` (below).
In ``cache``, Octavo also reads ``CACHE_KEY_PREFIX`` (default ``octavo:``),
``CACHE_HTTP_MAX_AGE`` (the ``max-age`` public pages carry; default
``CACHE_DEFAULT_TIMEOUT``), ``CACHE_STALE_WHILE_REVALIDATE`` and
``CACHE_SERVER_TIMEOUT`` (seconds a cache server may take before it counts as down,
default 0.25) and ``CACHE_LOCAL_SIZE`` (bytes of pages each process keeps in memory in
front of a shared backend, default 32 MiB; 0 turns that off). The page cache is off
unless a backend is configured (Publ's default).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

ENV_VAR = "CACHE_URL"
DEFAULT_PREFIX = "octavo:"
DEFAULT_SERVER_TIMEOUT = 0.25
DEFAULT_LOCAL_SIZE = 32 * 1024 * 1024

#: Publ-era CACHE_TYPE spellings, mapped to Flask-Caching's class names.
_TYPES = {
    "null": "NullCache",
    "nullcache": "NullCache",
    "simple": "SimpleCache",
    "simplecache": "SimpleCache",
    "filesystem": "FileSystemCache",
    "filesystemcache": "FileSystemCache",
    "redis": "RedisCache",
    "rediscache": "RedisCache",
    "memcached": "MemcachedCache",
    "memcachedcache": "MemcachedCache",
    "saslmemcached": "MemcachedCache",
}
_SCHEMES = {
    "memory": "SimpleCache",
    "simple": "SimpleCache",
    "file": "FileSystemCache",
    "filesystem": "FileSystemCache",
    "memcached": "MemcachedCache",
    "memcache": "MemcachedCache",
    "redis": "RedisCache",
    "rediss": "RedisCache",
    "null": "NullCache",
}


class CacheConfigError(ValueError):
    """The cache configuration cannot work; the message names the key and the value."""


@dataclass(frozen=True)
class CacheSettings:
    """What the page cache needs to know."""

    #: Flask-Caching's class name (``NullCache`` when the page cache is off).
    kind: str
    #: The Flask-Caching config, without the server connection (see backend.py).
    flask_config: dict[str, Any]
    #: memcached ``host:port`` list, or the Redis URL.
    servers: tuple[str, ...]
    key_prefix: str
    #: Seconds a stored page lives in the backend (0: until evicted).
    timeout: int
    #: Cache-Control of public pages.
    http_max_age: int | None
    stale_while_revalidate: int | None
    #: Connect/read timeout for memcached and Redis, seconds.
    server_timeout: float
    #: Bytes of pages each process also keeps in memory in front of a shared backend.
    local_size: int = 0

    @property
    def enabled(self) -> bool:
        return self.kind != "NullCache"

    @property
    def description(self) -> str:
        """The backend for logs and ``octavo cache stats`` (no password)."""
        if self.kind == "RedisCache":
            parts = urlsplit(self.servers[0])
            return f"{self.kind} {parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"
        if self.kind == "MemcachedCache":
            return f"{self.kind} {','.join(self.servers)}"
        if self.kind == "FileSystemCache":
            return f"{self.kind} {self.flask_config.get('CACHE_DIR')}"
        return self.kind

    def cache_control(self) -> str:
        """Cache-Control of a public page: a CDN may keep it for max-age, and serve it
        stale while it fetches a fresh copy."""
        if not self.http_max_age:
            return "public"
        value = f"public, max-age={self.http_max_age}"
        if self.stale_while_revalidate:
            value += f", stale-while-revalidate={self.stale_while_revalidate}"
        return value


def cache_settings(
    config: Mapping[str, Any] | None, root: str, environ: Mapping[str, str] | None = None
) -> CacheSettings:
    """Settings from Publ's ``cache`` dict and ``CACHE_URL``; relative cache folders are
    resolved against the site's `root`. Raises CacheConfigError naming what is wrong."""
    environ = os.environ if environ is None else environ
    if not isinstance(config or {}, Mapping):
        raise CacheConfigError(f"config key 'cache' must be a dict, not {config!r}")
    values = dict(config or {})
    url = environ.get(ENV_VAR, "").strip()
    if url:
        values.update(_from_url(url))
    kind = _kind(values.get("CACHE_TYPE", "NullCache"))
    servers = _servers(kind, values)
    timeout = _number(values, "CACHE_DEFAULT_TIMEOUT", 300, int)
    max_age = values.get("CACHE_HTTP_MAX_AGE", values.get("CACHE_DEFAULT_TIMEOUT"))
    flask_config: dict[str, Any] = {
        key: value
        for key, value in values.items()
        if key.startswith("CACHE_") and not key.startswith(("CACHE_REDIS", "CACHE_MEMCACHED"))
    }
    flask_config.update(CACHE_TYPE=kind, CACHE_DEFAULT_TIMEOUT=timeout)
    flask_config.setdefault("CACHE_NO_NULL_WARNING", True)
    if kind == "FileSystemCache":
        folder = values.get("CACHE_DIR")
        if not folder:
            raise CacheConfigError("a FileSystemCache needs CACHE_DIR (config key 'cache')")
        flask_config["CACHE_DIR"] = os.path.join(root, str(folder))
    return CacheSettings(
        kind=kind,
        flask_config=flask_config,
        servers=servers,
        key_prefix=str(values.get("CACHE_KEY_PREFIX") or DEFAULT_PREFIX),
        timeout=timeout,
        http_max_age=int(max_age) if max_age else None,
        stale_while_revalidate=_number(values, "CACHE_STALE_WHILE_REVALIDATE", None, int),
        server_timeout=_number(values, "CACHE_SERVER_TIMEOUT", DEFAULT_SERVER_TIMEOUT, float),
        local_size=_number(values, "CACHE_LOCAL_SIZE", DEFAULT_LOCAL_SIZE, int),
    )


def _from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    kind = _SCHEMES.get(parts.scheme.lower())
    if kind is None:
        raise CacheConfigError(
            f"{ENV_VAR}={url!r}: unknown scheme {parts.scheme!r} "
            f"(expected one of {', '.join(sorted(_SCHEMES))})"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    out: dict[str, Any] = {"CACHE_TYPE": kind}
    if "prefix" in query:
        out["CACHE_KEY_PREFIX"] = query["prefix"]
    if "timeout" in query:
        out["CACHE_DEFAULT_TIMEOUT"] = query["timeout"]
    if "local_size" in query:
        out["CACHE_LOCAL_SIZE"] = query["local_size"]
    if "server_timeout" in query:
        out["CACHE_SERVER_TIMEOUT"] = query["server_timeout"]
    if kind == "FileSystemCache":
        out["CACHE_DIR"] = parts.path
    elif kind == "MemcachedCache":
        out["CACHE_MEMCACHED_SERVERS"] = [s for s in parts.netloc.split(",") if s]
    elif kind == "RedisCache":
        out["CACHE_REDIS_URL"] = parts._replace(query="").geturl()
    return out


def _kind(value: Any) -> str:
    name = str(value).rsplit(".", 1)[-1]
    kind = _TYPES.get(name.lower())
    if kind is None:
        raise CacheConfigError(
            f"config key 'cache': unknown CACHE_TYPE {value!r} (expected SimpleCache, "
            "FileSystemCache, MemcachedCache, RedisCache or NullCache)"
        )
    return kind


def _servers(kind: str, values: Mapping[str, Any]) -> tuple[str, ...]:
    if kind == "MemcachedCache":
        servers = values.get("CACHE_MEMCACHED_SERVERS") or ["127.0.0.1:11211"]
        if isinstance(servers, str):
            servers = servers.split(",")
        return tuple(str(s).strip() for s in servers)
    if kind == "RedisCache":
        url = values.get("CACHE_REDIS_URL")
        if not url:
            password = values.get("CACHE_REDIS_PASSWORD")
            auth = f":{password}@" if password else ""
            host = values.get("CACHE_REDIS_HOST", "localhost")
            port = values.get("CACHE_REDIS_PORT", 6379)
            url = f"redis://{auth}{host}:{port}/{values.get('CACHE_REDIS_DB', 0)}"
        return (str(url),)
    return ()


def _number(values: Mapping[str, Any], key: str, default: Any, kind: type) -> Any:
    value = values.get(key)
    if value is None or value == "":
        return default
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise CacheConfigError(f"config key 'cache': {key}={value!r} is not a number") from None
