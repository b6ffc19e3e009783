"""Image routes: renditions rendered on demand, non-image assets, and the sizing chit.

``register_renditions(app)`` wires one site's ImageService into the app and adds:

* ``/_img/<name>`` (endpoint ``get_image``, as in Publ): the rendition's bytes,
  read from the store or rendered on the spot, or a redirect to the store's URL
  (see ``ImageService.deliver``);
* ``<static_url_path>/<image_output_subdir>/<name>`` (local store): the file when
  it exists, else rendered first, so a page linking the static URL directly
  never shows a dead image, even after the folder was wiped;
* ``/_file/<name>`` (endpoint ``asset``) and ``/_`` (endpoint ``chit``).

An image or file that only private entries use (octavo.index.files) is served
only to a reader of one of them, as ``private, no-cache`` so no shared cache keeps
it; anyone else gets a 404 and not a byte of it.

Bad names answer 400, unknown sources 404, unrenderable sources 422, a render
pool saturated past ``image_render_timeout`` 503: never 500, and never an error
because the store is slow, unreachable or was emptied.

The store's cleanup (``image_cache_*``) starts with the first request a process
serves, so CLI commands never run one; each round goes to one process of all.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import flask
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from octavo.common.protocols import ImageArgError, LinkResolver
from octavo.content.paths import file_kind
from octavo.images.hygiene import Janitor
from octavo.images.naming import BadName, digest_of
from octavo.images.pipeline import RenderError, content_type
from octavo.images.renderer import RenderBusy
from octavo.images.service import Delivery, ImageService, SourceGone
from octavo.images.settings import ImageSettings, image_settings
from octavo.images.stores.base import IMMUTABLE
from octavo.index import tasks
from octavo.index.lock import LockBusy
from octavo.index.queries import ANONYMOUS, Reader, Viewer
from octavo.web import urls
from octavo.web.visitor import active_viewer

LOG = logging.getLogger(__name__)
EXTENSION = "octavo.images"
JANITOR = "octavo.images.janitor"
#: The name the cleanup's rounds are claimed under (``octavo.index.tasks``).
CLEANUP_TASK = "rendition-cleanup"
#: How long browsers and CDNs may keep a redirect to the local store's URL (which
#: renders a missing file). A redirect to a bucket is not kept: the object may go.
REDIRECT_MAX_AGE = 3600
T = TypeVar("T")
_janitor_guard = threading.Lock()
#: A 1x1 transparent GIF.
CHIT = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
CHIT_LAST_MODIFIED = "Tue, 31 Jul 1990 08:00:00 GMT"
#: How a file only private entries use may be kept: by the reader's browser only, and
#: asked for again each time (a logout or a changed `Auth:` then holds at once).
PRIVATE_CACHING = "private, no-cache"


class FlaskUrls:
    """The SiteUrls the image layer needs, built with the app's own routes."""

    def static(self, path: str, absolute: bool) -> str:
        return flask.url_for("static", filename=path, _external=absolute)

    def rendition(self, name: str, absolute: bool) -> str:
        return flask.url_for("get_image", render_spec=name, _external=absolute)

    def asset(self, name: str, absolute: bool) -> str:
        return flask.url_for("asset", filename=name, _external=absolute)

    def chit(self, absolute: bool) -> str:
        return flask.url_for("chit", _external=absolute)

    def absolutize(self, url: str) -> str:
        return urls.absolutize(url) if flask.has_request_context() else url


def site_image_settings(app: Any) -> ImageSettings:
    """The rendition settings of an Octavo app's site."""
    site = app.site
    return image_settings(
        site.values,
        content_folder=site.content_folder,
        static_folder=site.static_folder,
        static_url_path=site.static_url_path,
        work_folder=site.index_folder,
        secret_key=site.secret_key,
    )


def images_for(app: Any) -> ImageService:
    """The app's ImageService, created on first use (the CLI needs one without routes)."""
    service = app.extensions.get(EXTENSION)
    if service is None:
        service = ImageService(site_image_settings(app), app.index, FlaskUrls())
        app.extensions[EXTENSION] = service
    return service


def register_renditions(app: Any, links: LinkResolver | None = None) -> ImageService:
    """Add the image routes to `app` and start the local store's cleanup; returns the
    service (``service.image(path, search_path)`` is Publ's ``image()``)."""
    service = images_for(app)
    service.links = links
    if "get_image" in app.view_functions:  # registered already
        return service
    app.add_url_rule("/_img/<path:render_spec>", "get_image", _get_image)
    app.add_url_rule("/_file/<path:filename>", "asset", _asset)
    app.add_url_rule("/_", "chit", _chit)
    settings = service.settings
    if settings.store == "local" and settings.static_url_path.startswith("/"):
        prefix = f"{settings.static_url_path.rstrip('/')}/{settings.output_subdir}"
        app.add_url_rule(f"{prefix}/<path:name>", "stored_rendition", _stored)
    if settings.cache_interval and (settings.cache_age or settings.cache_size):
        app.before_request(_start_janitor)
    return service


def _start_janitor() -> None:
    """Start this process's cleanup thread, once (after a fork too)."""
    app = flask.current_app
    running = app.extensions.get(JANITOR)
    if running is not None and running[0] == os.getpid():
        return
    with _janitor_guard:
        running = app.extensions.get(JANITOR)
        if running is not None and running[0] == os.getpid():
            return
        settings = _service().settings
        index = app.index  # type: ignore[attr-defined]
        interval = settings.cache_interval or 0.0

        def claim() -> bool:
            try:
                return tasks.claim_run(index, CLEANUP_TASK, interval, time.time(), 0.0) is None
            except LockBusy:  # a scan, or another process's claim: not this round
                return False

        janitor = Janitor(
            _service().store.primary,
            interval,
            settings.cache_age,
            settings.cache_size,
            claim=claim,
        )
        janitor.start()
        app.extensions[JANITOR] = (os.getpid(), janitor)


def _service() -> ImageService:
    return images_for(flask.current_app)


def _answer(produce: Callable[[], T]) -> T:
    """The result of `produce`, every failure turned into a 4xx (503 when busy)."""
    try:
        return produce()
    except BadName as err:
        flask.abort(400, str(err))
    except SourceGone as err:
        flask.abort(404, str(err))
    except (RenderError, ImageArgError) as err:
        LOG.warning("cannot render: %s", err)
        flask.abort(422, str(err))
    except RenderBusy as err:
        response = flask.make_response(str(err), 503)
        response.headers["Retry-After"] = "5"
        flask.abort(response)


def _is_private_image(name: str) -> bool:
    """Whether the rendition `name` is of an image only private entries use; a reader
    who may read none of them gets a 404 here."""
    digest = digest_of(name)
    if digest is None or digest not in _service().restricted:
        return False
    if not _readable(active_viewer(), lambda reader: reader.digest_readable(digest)):
        flask.abort(404)
    return True


def _readable(viewer: Viewer, check: Callable[[Reader], bool]) -> bool:
    with flask.current_app.index.reading(viewer) as reader:  # type: ignore[attr-defined]
        return reader is not None and check(reader)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = PRIVATE_CACHING
    response.vary.update(("Cookie", "Authorization"))
    return response


def _get_image(render_spec: str) -> ResponseReturnValue:
    service = _service()
    if _is_private_image(render_spec):
        data = _answer(lambda: service.fetch(render_spec)).data
        return _private(_bytes_response(render_spec, data))
    delivery: Delivery = _answer(lambda: service.deliver(render_spec))
    if delivery.url is not None:
        response = flask.redirect(delivery.url, 302)
        lasting = service.settings.store == "local"
        response.headers["Cache-Control"] = (
            f"public, max-age={REDIRECT_MAX_AGE}" if lasting else "no-cache"
        )
        return response
    assert delivery.data is not None
    return _bytes_response(render_spec, delivery.data)


def _stored(name: str) -> ResponseReturnValue:
    """The local store's static URL: the file, else the rendition rendered now."""
    service = _service()
    if _is_private_image(name):
        return _private(_bytes_response(name, _answer(lambda: service.fetch(name)).data))
    path = service.store.file_path(name)
    if path is not None and os.path.isfile(path):
        try:
            response = flask.send_file(path, conditional=True, max_age=31536000)
        except FileNotFoundError:  # removed since (expiry, a wipe)
            pass
        else:
            service.store.touch(name)
            response.headers["Cache-Control"] = IMMUTABLE
            return response
    produced = _answer(lambda: service.fetch(name))
    return _bytes_response(name, produced.data)


def _bytes_response(name: str, data: bytes) -> Response:
    response = flask.make_response(data)
    response.headers["Content-Type"] = content_type(name.rsplit(".", 1)[-1])
    response.headers["Cache-Control"] = IMMUTABLE
    response.set_etag(name.rsplit("_", 1)[-1].split(".")[0])
    return response.make_conditional(flask.request)


def _asset(filename: str) -> ResponseReturnValue:
    """A non-image content file; an image's path answers 403, as in Publ. A file only
    private entries use is served to their readers alone."""
    service = _service()
    relpath = service.assets.relpath(filename)
    full = service.catalog.full_path(relpath) if relpath else None
    if relpath is None or full is None or file_kind(relpath) in ("entry", "category"):
        flask.abort(404)
    try:
        if service.catalog.describe(relpath) is not None:
            flask.abort(403)
    except FileNotFoundError:
        flask.abort(404)
    except ImageArgError:
        flask.abort(403)
    if _readable(ANONYMOUS, lambda reader: reader.file_readable(relpath)):
        return flask.send_file(full, conditional=True)
    viewer = active_viewer()
    if viewer == ANONYMOUS or not _readable(viewer, lambda reader: reader.file_readable(relpath)):
        flask.abort(404)
    return _private(flask.send_file(full, conditional=True))


def _chit() -> ResponseReturnValue:
    request = flask.request
    if request.if_none_match.contains("chit") or request.if_modified_since:
        return flask.Response(status=304)
    response = flask.Response(CHIT, content_type="image/gif")
    response.headers["ETag"] = '"chit"'
    response.headers["Last-Modified"] = CHIT_LAST_MODIFIED
    response.headers["Cache-Control"] = "public, max-age=31536000"
    return response
