"""The contracts between layers: what the markup layer asks of images and links, and
what the image layer asks of the web layer.

Each side depends on these protocols only, so markup, images and web can each be
built and tested alone (and markup and images never import each other).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class ImageNotFound(LookupError):
    """No image or asset at that path; ``str()`` is the path as the author wrote it."""


class ImageArgError(ValueError):
    """A rendition argument that is unknown, malformed or out of bounds; the message names it."""


class Image(Protocol):
    """One image (local, static ``@path``, remote URL, or non-image asset), as in Publ §4.7."""

    def get_rendition(
        self, output_scale: int = 1, **args: Any
    ) -> tuple[str, tuple[int, int] | None]:
        """URL of a rendition and its pixel size (None for client-side-sized images)."""
        ...

    def get_img_attrs(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """``<img>`` attributes (src, width, height, srcset, loading, class, id, style), §6.10."""
        ...

    def get_img_tag(
        self,
        title: str | None = None,
        alt_text: str | None = None,
        *,
        show_thumbnail: bool = True,
        **args: Any,
    ) -> str:
        """Complete HTML for one image, with the link/lightbox wrapper of §6.10.

        `show_thumbnail=False` gives the link without an ``<img>`` (images hidden by
        `count` in a gallery). Never raises for bad arguments: returns an error span.
        """
        ...

    def get_css_background(self, uncomment: bool = False, **args: Any) -> str:
        """CSS ``background-image`` declarations, §6.4."""
        ...

    def get_fullsize(self, args: Mapping[str, Any]) -> str:
        """URL of the full-size rendition configured by the ``fullsize_*`` args."""
        ...


class ImageFinder(Protocol):
    """Resolves image paths the way Publ does (§6.1)."""

    def find(self, path: str, search_path: Sequence[str]) -> Image:
        """`path`: ``@static``, ``//remote``, ``scheme://remote``, ``/content-root``, or
        relative to each folder of `search_path` (content-relative) in turn.
        Raises ImageNotFound."""
        ...


class SiteUrls(Protocol):
    """URLs the web layer builds for the image layer (which knows nothing of Flask)."""

    def static(self, path: str, absolute: bool) -> str:
        """A file of the static folder."""
        ...

    def rendition(self, name: str, absolute: bool) -> str:
        """``/_img/<name>``: renders a missing rendition on demand."""
        ...

    def asset(self, name: str, absolute: bool) -> str:
        """``/_file/<name>``: a non-image content file."""
        ...

    def chit(self, absolute: bool) -> str:
        """``/_``: the transparent placeholder of client-side sized images."""
        ...

    def absolutize(self, url: str) -> str:
        """A URL joined onto the current request's URL."""
        ...


class LinkResolver(Protocol):
    """Resolves link targets the way Publ does (§5.7), for Markdown links, HTML
    ``href``/``src``/``$attr`` and ``Redirect-To``."""

    def resolve(self, target: str, search_path: Sequence[str], absolute: bool) -> str:
        """Entry IDs and entry/image/asset paths become URLs; ``@path`` becomes a static
        URL; anything else is returned unchanged (joined to the site URL if absolute)."""
        ...
