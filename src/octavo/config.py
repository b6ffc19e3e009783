"""Site configuration: Publ's keys, Octavo's additions and the environment.

Publ sites pass a dict of settings to the app; Octavo accepts every key Publ
knows (warning about any it does not), resolves folders against the site's
root, and reads the environment variables a Heroku-style host sets.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import URL
from werkzeug.local import LocalProxy

from octavo.common.environment import from_environment
from octavo.content.dates import resolve_timezone
from octavo.content.version import parse_configured
from octavo.images.settings import IMAGE_DEFAULTS
from octavo.index.urls import database_url

LOG = logging.getLogger(__name__)

#: Every key Publ 0.8 reads, with its default.
PUBL_DEFAULTS: dict[str, Any] = {
    "database_config": None,
    "index_rescan_interval": 7200,
    "index_wait_time": 1,
    "index_enable_watchdog": True,
    "content_folder": "content",
    "template_folder": "templates",
    "static_folder": "static",
    "static_url_path": "/static",
    "image_output_subdir": "_img",
    "image_cache_interval": 7200,
    "image_cache_age": 2592000,
    "image_render_threads": None,
    "timezone": None,
    "cache": {},
    "layout": {},
    "markdown_extensions": None,
    "auth": {},
    "user_list": "users.cfg",
    "admin_group": "admin",
    "auth_log_prune_interval": 3600,
    "auth_log_prune_age": 2592000,
    "ticket_lifetime": 60,
    "token_lifetime": 2592000,
    "refresh_token_lifetime": 7776000,
    "search_index": None,
    "secret_key": None,
    "template_mimetypes": {},
}

#: Keys Octavo adds.
OCTAVO_DEFAULTS: dict[str, Any] = {
    # Any SQLAlchemy URL; DATABASE_URL in the environment is used when this is unset.
    "database_url": None,
    # Seconds to keep trying a database that does not answer at start-up (it may be
    # starting or restarting too) before giving up with its reason.
    "database_start_wait": 30.0,
    # With no index yet, "wait": the app is constructed once the index is built (workers
    # serve nothing before); "background": the app answers at once (/_health 200, pages
    # and /_ready 503 with Retry-After) while the build runs, as a platform's health
    # checks and gunicorn's worker timeout expect.
    "index_cold_build": "wait",
    # Where the default SQLite index and its lock file live, relative to the site root.
    "index_folder": ".octavo",
    # Write missing Entry-ID/UUID/Date headers back into files after each scan, as Publ does.
    "index_write_back": False,
    # Scan (or build) the index when the app starts.
    "index_scan_on_start": True,
    # A number that grows with each release of the content (a build number, a Unix time):
    # an older release never writes over a shared index a newer one wrote (see
    # docs/deploying.md). $OCTAVO_CONTENT_VERSION, else the content's git HEAD commit
    # time, else its newest file time, when unset.
    "content_version": None,
    # The scheme and host absolute links use instead of the request's Host header;
    # SITE_URL in the environment is used when this is unset.
    "site_url": None,
    # Host names answered (Flask's TRUSTED_HOSTS; ".example.com" matches subdomains); any
    # other Host header gets 400. TRUSTED_HOSTS in the environment is used when unset.
    "trusted_hosts": None,
    # The language whose stemmer full-text search uses: a name ("french"), an ISO code
    # ("fr") or "simple" for none (see docs/search.md); a change needs a rebuild.
    "search_language": None,
    # Rendition stores, caps and rendering (see octavo.images.settings).
    **IMAGE_DEFAULTS,
    # Feeds imported into entry files on a schedule (see docs/syndication.md).
    "syndicate": [],
    # Git write-back of the files Octavo writes (see docs/git-write-back.md).
    "git_author": "Octavo <octavo@localhost>",
    "git_remote": "origin",
    "git_branch": None,
}


@dataclass(frozen=True)
class SiteConfig:
    """Settled configuration: absolute folders, a timezone object, a database URL."""

    root: str
    content_folder: str
    template_folder: str
    static_folder: str
    static_url_path: str
    index_folder: str
    timezone: dt.tzinfo
    database_url: URL
    secret_key: str
    site_url: str | None
    trusted_hosts: list[str] | None
    #: Whether the key was configured (config or environment) rather than made on this
    #: machine: login needs one key every instance shares.
    secret_configured: bool
    write_back: bool
    scan_on_start: bool
    watch: bool
    rescan_interval: float
    wait_time: float
    #: Seconds to keep trying an unreachable database at start-up.
    start_wait: float
    #: Construct the app only once a missing index is built (else build in the background).
    cold_wait: bool
    content_version: float | None
    values: Mapping[str, Any]

    def get(self, key: str) -> Any:
        return self.values[key]

    def __getattr__(self, name: str) -> Any:
        """Every other key as an attribute, as Publ's config object has them
        (``publ.config.config.layout``)."""
        if name.startswith("__") or name == "values":
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(f"no configuration key {name!r}") from None

    @property
    def lock_file(self) -> str:
        return os.path.join(self.index_folder, "index.lock")


def _current() -> SiteConfig:
    import flask

    return flask.current_app.site  # type: ignore[attr-defined]


#: Publ's ``publ.config.config``: the configuration of the app serving the request.
config: SiteConfig = LocalProxy(_current)  # type: ignore[assignment]


def load_config(raw: Mapping[str, Any] | None, root: str) -> SiteConfig:
    """Merge the site's settings over the environment's (common.environment) over the
    defaults, and resolve them."""
    given = dict(raw or {})
    unknown = sorted(k for k in given if k not in PUBL_DEFAULTS and k not in OCTAVO_DEFAULTS)
    if unknown:
        LOG.warning("ignoring unknown configuration keys: %s", ", ".join(unknown))
    values = {
        **PUBL_DEFAULTS,
        **OCTAVO_DEFAULTS,
        **from_environment(os.environ),
        **{k: v for k, v in given.items() if k not in unknown},
    }

    if values["search_index"]:
        LOG.info(
            "search_index is set: full-text search is on, in the index database "
            "(the folder %r is not used)",
            values["search_index"],
        )

    def folder(key: str) -> str:
        return os.path.normpath(os.path.join(root, os.fspath(values[key])))

    index_folder = folder("index_folder")
    url = database_url(
        values["database_url"],
        values["database_config"],
        os.path.join(index_folder, "index.db"),
        root,
    )
    return SiteConfig(
        root=root,
        content_folder=folder("content_folder"),
        template_folder=folder("template_folder"),
        static_folder=folder("static_folder"),
        static_url_path=str(values["static_url_path"]),
        index_folder=index_folder,
        timezone=resolve_timezone(values["timezone"]),
        database_url=url,
        secret_key=_secret_key(
            values["secret_key"], index_folder, url.get_backend_name() != "sqlite"
        ),
        site_url=_site_url(values["site_url"] or os.environ.get("SITE_URL")),
        trusted_hosts=_hosts(values["trusted_hosts"]),
        secret_configured=bool(_configured_key(values["secret_key"])),
        write_back=bool(values["index_write_back"]),
        scan_on_start=bool(values["index_scan_on_start"]),
        watch=bool(values["index_enable_watchdog"]),
        rescan_interval=float(values["index_rescan_interval"] or 0),
        wait_time=float(values["index_wait_time"] or 0),
        start_wait=float(values["database_start_wait"] or 0),
        cold_wait=_cold_wait(values["index_cold_build"]),
        content_version=parse_configured(
            os.environ.get("OCTAVO_CONTENT_VERSION")
            if values["content_version"] is None
            else values["content_version"]
        ),
        values=values,
    )


def _site_url(value: Any) -> str | None:
    """``scheme://host[:port]`` without a trailing slash; the path under which the app
    is mounted comes from the server (SCRIPT_NAME), as for every other URL."""
    if not value:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            f"site_url must be http(s)://host[:port], like 'https://example.com', not {value!r} "
            "(config key 'site_url' or $SITE_URL)"
        )
    return f"{parts.scheme}://{parts.netloc}"


def _cold_wait(value: Any) -> bool:
    if value in ("wait", "background"):
        return bool(value == "wait")
    raise ValueError(
        f"index_cold_build must be 'wait' or 'background', not {value!r} "
        "(config key 'index_cold_build' or $INDEX_COLD_BUILD)"
    )


def _hosts(value: Any) -> list[str] | None:
    """A list of host names, from a list or a string separated by commas or spaces."""
    if not value:
        return None
    return value.replace(",", " ").split() if isinstance(value, str) else list(value)


def _secret_key(configured: str | None, index_folder: str, shared_index: bool) -> str:
    """The configured key, else SECRET_KEY/OCTAVO_SECRET_KEY, else a key kept in the index
    folder, so every worker on this machine signs (and accepts) the same rendition URLs.

    Instances on different machines each make their own key that way; with a shared
    index database they need one configured key, so that case is warned about.
    """
    key = _configured_key(configured)
    if key:
        return key
    if shared_index:
        LOG.warning(
            "no secret_key configured (or SECRET_KEY in the environment): instances sharing "
            "this index database will not accept each other's signed rendition URLs"
        )
    return _local_key(os.path.join(index_folder, "secret_key"))


def _configured_key(configured: str | None) -> str | None:
    return configured or os.environ.get("OCTAVO_SECRET_KEY") or os.environ.get("SECRET_KEY")


def _local_key(path: str) -> str:
    """Read the machine-local key, creating it once: written to a private temporary file,
    then published with a hard link, so a worker never reads a half-written key."""
    try:
        with open(path, encoding="ascii") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    try:
        os.link(temporary, path)
    except FileExistsError:  # another worker published first: use theirs
        pass
    finally:
        os.unlink(temporary)
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()
