"""Turning the ways a site names its database into one SQLAlchemy URL."""

from __future__ import annotations

import os
from collections.abc import Mapping

from sqlalchemy.engine import URL, make_url

_DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
}


class DatabaseConfigError(ValueError):
    """The configured database cannot be used; the message names the setting."""


def database_url(
    url: str | None, publ_config: Mapping[str, object] | None, default_sqlite: str, root: str
) -> URL:
    """Choose and normalise the index database URL.

    Order: an explicit ``database_url`` key, then the ``DATABASE_URL``
    environment variable (so a Heroku-style deploy needs no code change), then
    Publ's ``database_config`` dict, then a SQLite file. Relative SQLite paths
    are relative to the site's root folder. An in-memory SQLite database is
    refused: it cannot be shared with the indexer or between workers.
    """
    chosen = url or os.environ.get("DATABASE_URL")
    if chosen:
        result = _normalise(make_url(chosen), root)
    elif publ_config:
        result = _from_publ(publ_config, root)
    else:
        result = _normalise(make_url(f"sqlite:///{default_sqlite}"), root)
    return result


def _normalise(url: URL, root: str) -> URL:
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise DatabaseConfigError(
                "an in-memory SQLite index cannot be shared with the indexer or between workers; "
                "give the index a file (e.g. database_url='sqlite:///index.db')"
            )
        return url.set(database=os.path.join(root, url.database))
    if url.drivername in _DRIVERS:
        url = url.set(drivername=_DRIVERS[url.drivername])
    if url.get_backend_name() == "mysql" and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url


def _from_publ(cfg: Mapping[str, object], root: str) -> URL:
    """Translate PonyORM ``bind`` arguments, as Publ sites write them."""
    provider = str(cfg.get("provider", "sqlite"))
    if provider == "sqlite":
        return _normalise(URL.create("sqlite", database=str(cfg.get("filename", ""))), root)
    if provider not in ("postgres", "mysql"):
        raise DatabaseConfigError(f"database_config provider {provider!r} is not supported")

    def pick(*names: str) -> str | None:
        return next((str(cfg[n]) for n in names if cfg.get(n) is not None), None)

    port = pick("port")
    built = URL.create(
        provider,
        username=pick("user", "username"),
        password=pick("password", "passwd"),
        host=pick("host"),
        port=int(port) if port else None,
        database=pick("database", "dbname", "db"),
    )
    return _normalise(built, root)
