"""The ``Octavo`` application: a Flask app configured the way a Publ site expects."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import flask
import jinja2

from octavo.auth.authority import Authority
from octavo.auth.settings import auth_settings
from octavo.common.logs import configure_logging
from octavo.config import SiteConfig, load_config
from octavo.index.accounts import Accounts
from octavo.index.database import IndexDatabase, IndexUnavailable
from octavo.index.keeper import IndexKeeper
from octavo.index.scanner import Scanner
from octavo.index.search_language import search_language
from octavo.index.urls import DatabaseConfigError
from octavo.markup.filters import first_paragraph, strip_html
from octavo.sync.service import SyncService
from octavo.web import urls
from octavo.web.admin import register_admin_routes
from octavo.web.aliases import RegexAliases, RegexHandler
from octavo.web.context import close_request_index
from octavo.web.errors import handle_exception
from octavo.web.health import register_health
from octavo.web.links import SiteLinks
from octavo.web.login import register_login_routes
from octavo.web.login_links import login_globals, register_unconfigured_login_routes
from octavo.web.pagecache.endpoint import register_cache_endpoint
from octavo.web.pagecache.service import PageCache, lookup_page
from octavo.web.pagecache.settings import CacheConfigError, cache_settings
from octavo.web.renditions import images_for, register_renditions
from octavo.web.request import SiteRequest
from octavo.web.routes import register_routes
from octavo.web.sessions import SessionCookies
from octavo.web.site_cache import VersionedCache
from octavo.web.template_api import template_globals
from octavo.web.template_lookup import BUILTIN_FOLDER, TemplateFinder
from octavo.web.token_endpoint import register_token_routes
from octavo.web.visitor import check_credentials, mark_response

LOG = logging.getLogger(__name__)

_index_startup_deferred = False


@contextmanager
def index_startup_deferred() -> Iterator[None]:
    """Apps constructed inside neither connect to their index nor scan: for CLI commands
    that manage the index themselves (reindex, check, stamp) while they import app.py."""
    global _index_startup_deferred
    previous, _index_startup_deferred = _index_startup_deferred, True
    try:
        yield
    finally:
        _index_startup_deferred = previous


class StartupError(SystemExit):
    """The site cannot start (bad configuration, unreachable database).

    It is a SystemExit with gunicorn's boot-error code, so a WSGI server stops
    with the message instead of restarting workers in a loop; the message is
    logged and printed, with no traceback.
    """

    def __init__(self, message: str) -> None:
        super().__init__(3)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Octavo(flask.Flask):
    """A Publ-compatible site: ``app = Octavo(__name__, config)``."""

    request_class = SiteRequest

    def __init__(
        self, import_name: str, config: Mapping[str, Any] | None = None, **flask_kwargs: Any
    ) -> None:
        raw = dict(config or {})
        super().__init__(
            import_name,
            template_folder=raw.get("template_folder", "templates"),
            static_folder=raw.get("static_folder", "static"),
            static_url_path=raw.get("static_url_path", "/static"),
            **flask_kwargs,
        )
        try:
            configure_logging(os.environ)
            self.site: SiteConfig = load_config(raw, self.root_path)
            if not os.path.isdir(self.site.content_folder):
                raise ValueError(
                    f"content folder {self.site.content_folder} does not exist "
                    "(config key 'content_folder')"
                )
            self.secret_key = self.site.secret_key
            if self.site.trusted_hosts:
                self.config["TRUSTED_HOSTS"] = self.site.trusted_hosts
            self.index = IndexDatabase(
                self.site.database_url,
                self.site.lock_file,
                search_language=search_language(self.site.get("search_language")),
            )
            self.sync = SyncService(
                self.site.values,
                self.site.root,
                self.site.content_folder,
                self.site.index_folder,
                self.index,
            )
            self.authority = self._make_authority()
        except (DatabaseConfigError, ValueError) as err:
            raise _fail(str(err)) from None
        if not os.path.isdir(self.site.template_folder):
            raise _fail(
                f"template folder {self.site.template_folder} does not exist "
                "(config key 'template_folder')"
            )
        self.templates = TemplateFinder(
            self.site.template_folder, self.site.get("template_mimetypes") or {}
        )
        self.path_regexes = RegexAliases()
        self.site_cache = VersionedCache()
        try:
            self.cache_settings = cache_settings(self.site.get("cache"), self.root_path)
            self.page_cache = (
                PageCache(self, self.cache_settings) if self.cache_settings.enabled else None
            )
        except CacheConfigError as err:
            raise _fail(str(err)) from None
        self._setup_web()
        self.scanner = Scanner(
            self.index,
            self.site.content_folder,
            self.site.timezone,
            write_back=self.site.write_back,
            content_version=self.site.content_version,
        )
        self.keeper = IndexKeeper(self.scanner)
        if not _index_startup_deferred:
            self._start_index()

    def _start_index(self) -> None:
        """Connect, then build the index (first start) or rescan it in the background."""
        try:
            self.index.connect_check(wait=self.site.start_wait)
        except IndexUnavailable as err:
            raise _fail(str(err)) from None
        misconfigured = images_for(self).store.misconfiguration()
        if misconfigured:
            raise _fail(misconfigured)
        if self.site.scan_on_start:
            self.keeper.start(
                self.site.rescan_interval,
                self.site.watch,
                self.site.wait_time,
                cold_wait=self.site.cold_wait,
            )
        else:  # the operator keeps the index up to date (`octavo reindex` in the release)
            self.keeper.verified.set()
        self.sync.start_schedule(rescan=lambda: self.keeper.scan_now(wait=30.0))

    def _make_authority(self) -> Authority | None:
        """Login machinery when the site configures it (Publ §9.1), else None."""
        settings = auth_settings(self.site.values, self.root_path, self.site.secret_configured)
        self.session_interface = SessionCookies()
        self.config.update(
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            SESSION_COOKIE_SECURE=settings.enabled and settings.force_https,
        )
        if not settings.enabled:
            return None
        return Authority(
            settings, Accounts(self.index.engine), self.site.secret_key, self.site.timezone
        )

    @property
    def auth(self) -> Any:
        """Publ's ``app.auth``: the Authl instance when login is on, else None."""
        return self.authority.authl if self.authority else None

    def _setup_web(self) -> None:
        """Routes, error handling and the Jinja environment templates expect."""
        self.config["TRAP_HTTP_EXCEPTIONS"] = True
        self.jinja_loader = jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(self.site.template_folder),
                jinja2.FileSystemLoader(BUILTIN_FOLDER),
            ]
        )
        self.jinja_env.globals.update(template_globals())
        self.jinja_env.globals.update(login_globals())
        self.jinja_env.filters.update(strip_html=strip_html, first_paragraph=first_paragraph)
        register_routes(self)
        register_token_routes(self)
        if self.authority is not None:
            register_login_routes(self)
            register_admin_routes(self)
            self.before_request(check_credentials)
            self.before_request(self.authority.prune_if_due)
            self.after_request(mark_response)
        else:
            register_unconfigured_login_routes(self)
        try:
            register_renditions(self, links=SiteLinks())
        except ValueError as err:  # e.g. image_store='s3' without a bucket
            raise _fail(str(err)) from None
        register_health(self)
        register_cache_endpoint(self)
        self.before_request(lookup_page)
        self.register_error_handler(Exception, handle_exception)
        self.teardown_appcontext(close_request_index)

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """Flask's ``url_for``; in a request, absolute URLs start at the configured
        ``site_url`` (templates calling ``url_for(..., _external=True)`` included)."""
        if not (_external and self.site.site_url and flask.has_request_context()):
            return super().url_for(
                endpoint,
                _anchor=_anchor,
                _method=_method,
                _scheme=_scheme,
                _external=_external,
                **values,
            )
        path = super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        url = urls.absolutize(path)
        return url if _scheme is None else _scheme + url[url.index(":") :]

    def path_alias_regex(self, regex: str) -> Callable[[RegexHandler], RegexHandler]:
        """Decorator for ``func(match) -> (url, permanent)``, tried on paths matching `regex`."""

        def register(func: RegexHandler) -> RegexHandler:
            self.path_regexes.add(regex, func)
            return func

        return register

    def add_path_regex(self, regex: str, func: RegexHandler) -> None:
        self.path_regexes.add(regex, func)

    def test_path_regex(self, path: str) -> tuple[str, bool] | None:
        return self.path_regexes.test(path)

    @property
    def publ_config(self) -> SiteConfig:
        """Publ's name for the site configuration."""
        return self.site


def _fail(message: str) -> StartupError:
    LOG.error("octavo cannot start: %s", message)
    print(f"octavo: error: {message}", file=sys.stderr)
    return StartupError(message)
