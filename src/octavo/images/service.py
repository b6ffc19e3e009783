"""One site's image machinery, wired together: the object the web layer holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from octavo.common.protocols import LinkResolver, SiteUrls
from octavo.images.args import RenditionArgs
from octavo.images.assets import AssetNames
from octavo.images.finder import Finder
from octavo.images.naming import Namer
from octavo.images.objects import BaseImage
from octavo.images.pipeline import RenderError
from octavo.images.plan import RenditionPlan, make_plan
from octavo.images.renderer import Produced, Renderer
from octavo.images.restricted import RestrictedImages
from octavo.images.settings import ImageSettings
from octavo.images.sources import Source, SourceCatalog
from octavo.images.stores.base import RenditionStore
from octavo.images.stores.guarded import GuardedStore
from octavo.images.stores.local import LocalStore
from octavo.images.stores.s3 import S3Store
from octavo.index.database import IndexDatabase


class SourceGone(LookupError):
    """No current file has the content a rendition name asks for."""


@dataclass(frozen=True)
class Delivery:
    """How ``/_img/<name>`` answers: a redirect to `url`, or the rendition's `data`."""

    url: str | None = None
    data: bytes | None = None


def make_store(settings: ImageSettings) -> RenditionStore:
    if settings.store == "s3":
        assert settings.s3_bucket
        return S3Store(
            settings.s3_bucket,
            settings.s3_prefix,
            settings.s3_endpoint,
            settings.s3_region,
            timeout=settings.store_timeout,
            acl=settings.s3_acl,
        )
    return LocalStore(settings.local_folder)


class ImageService:
    """Finds images, plans and names renditions, hands out their URLs and renders them.

    `urls` builds the site's URLs (the web layer provides it per app); `links`
    resolves the ``link=`` argument of images like Markdown links when given.
    """

    def __init__(
        self,
        settings: ImageSettings,
        index: IndexDatabase | None,
        urls: SiteUrls,
        links: LinkResolver | None = None,
        store: RenditionStore | None = None,
    ) -> None:
        self.settings = settings
        self.urls = urls
        self.links = links
        self.catalog = SourceCatalog(settings.content_folder, index, settings.max_source_pixels)
        self.namer = Namer(settings.secret_key)
        self.assets = AssetNames(settings.secret_key)
        self.restricted = RestrictedImages(index)
        self.store = GuardedStore(
            store or make_store(settings), settings.store_retry, settings.spill_size
        )
        self.renderer = Renderer(
            self.store,
            self.namer,
            settings.lock_folder,
            settings.render_threads,
            settings.max_source_pixels,
            settings.draft_tolerance,
        )
        self.finder = Finder(self)

    def image(self, path: str, search_path: Sequence[str]) -> BaseImage:
        """Publ's ``image(path)``: a missing file renders as an error; a path that is not
        text is the template's mistake, named as such."""
        if not isinstance(path, str):
            raise TypeError(f"image(): the path must be text, not {path!r}")
        return self.finder.get(path, search_path)

    def plan(self, source: Source, args: RenditionArgs, output_scale: int) -> RenditionPlan:
        return make_plan(source, args, output_scale, self.settings.max_size)

    def rendition_url(self, plan: RenditionPlan, absolute: bool) -> str:
        """Where pages link a rendition. Always a URL that works even when the rendition
        is missing: the store's own URL only if a miss there reaches the site. An image
        only private entries use is always linked through ``/_img/``, which checks the
        reader."""
        name = self.namer.name(plan)
        settings = self.settings
        if not settings.link_direct or plan.digest in self.restricted:
            return self.urls.rendition(name, absolute)
        if settings.store_url is None:
            return self.urls.static(f"{settings.output_subdir}/{name}", absolute)
        url = f"{settings.store_url}/{name}"
        return self.urls.absolutize(url) if absolute and url.startswith("/") else url

    def store_url(self, name: str) -> str | None:
        """The public URL of a stored rendition, when the store has one."""
        if self.settings.store_url:
            return f"{self.settings.store_url}/{name}"
        if self.settings.store == "local":
            return self.urls.static(f"{self.settings.output_subdir}/{name}", False)
        return None

    def resolve_link(self, target: str, search_path: Sequence[str], absolute: bool) -> str:
        """An image's ``link=`` string: resolved like a Markdown link when the web layer
        gave a resolver (the manual's meaning), else ``@static`` and absolutising only."""
        if self.links is not None:
            return self.links.resolve(target, search_path, absolute)
        if target.startswith("@"):
            return self.urls.static(target[1:], absolute)
        return self.urls.absolutize(target) if absolute else target

    def fetch(self, name: str) -> Produced:
        """The rendition `name`: read from the store, else rendered now (and stored when
        the store can take it). The store is asked every time: what it held a moment
        ago may be gone (a wiped bucket, expiry), and then it is simply rendered again.

        Raises BadName/BadSignature (a name this site did not issue), SourceGone,
        RenderError (the source cannot be rendered) or RenderBusy.
        """
        plan = self.namer.parse(name)
        found = self.store.lookup(name)
        if found is not None:
            return Produced(found[0], rendered=False, stored=found[1])
        source = self.catalog.locate(plan.digest)
        if source is None:
            raise SourceGone(f"no image with content {plan.digest}")
        x1, y1, x2, y2 = plan.box
        if not (0 <= x1 < x2 <= source.width and 0 <= y1 < y2 <= source.height):
            raise RenderError(f"box {plan.box} is outside {source.relpath}")
        return self.renderer.produce(source, plan, self.settings.render_timeout)

    def deliver(self, name: str) -> Delivery:
        """What ``/_img/<name>`` answers (same errors as `fetch`).

        A redirect to the store's public URL once the store answered that it holds
        the rendition (rendered first if needed); otherwise, and when the store cannot
        take it, the bytes from here. When pages link a bucket's public URL directly,
        ``/_img/`` is where its misses come back: it never redirects there. Nor for an
        image only private entries use (the caller checked the reader): a public URL
        would serve it to anyone.
        """
        plan = self.namer.parse(name)
        public = self.store_url(name)
        direct_bucket = self.settings.store == "s3" and self.settings.link_direct
        if public is None or direct_bucket or plan.digest in self.restricted:
            return Delivery(data=self.fetch(name).data)
        if self.store.exists(name):
            return Delivery(url=public)
        produced = self.fetch(name)
        return Delivery(url=public) if produced.stored else Delivery(data=produced.data)

    def close(self) -> None:
        self.renderer.shutdown()
