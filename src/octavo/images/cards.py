"""OpenGraph card images (Publ §10): candidates in order, a missing file skipped (B24).

The web layer renders the entry body and the other ``og:`` tags; this module
picks the images and writes their ``og:image`` tags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from octavo.common.arguments import as_list
from octavo.common.protocols import ImageArgError, ImageNotFound
from octavo.common.tags import make_tag
from octavo.images.service import ImageService
from octavo.images.tags import img_attributes


@dataclass(frozen=True)
class CardImage:
    url: str
    width: str = ""
    height: str = ""


def card_images(
    service: ImageService,
    search_path: Sequence[str],
    args: Mapping[str, Any],
    rendered_html: str,
) -> list[CardImage]:
    """Up to ``count`` (default 1) images: the ``image=`` path(s), then the ``<img>``s of
    the entry's rendered HTML, then ``image_fallback=``. ``image=False`` gives none.
    A path that is missing or unrenderable is skipped rather than failing the page."""
    if args.get("image") is False:
        return []
    render_args = {k: v for k, v in args.items() if k not in ("image", "image_fallback", "count")}
    render_args["absolute"] = True
    found = _from_paths(service, search_path, args.get("image"), render_args)
    found += _from_html(rendered_html)
    found += _from_paths(service, search_path, args.get("image_fallback"), render_args)
    count = args.get("count", 1)
    try:
        return found[: int(count)]
    except (TypeError, ValueError):
        raise ImageArgError(f"card count must be a whole number, not {count!r}") from None


def card_image_tags(images: Sequence[CardImage]) -> Markup:
    """``og:image`` tags, each followed by its ``og:image:width``/``height`` when known."""
    tags = ""
    for image in images:
        for key, value in (
            ("og:image", image.url),
            ("og:image:width", image.width),
            ("og:image:height", image.height),
        ):
            if value:
                tags += make_tag("meta", {"property": key, "content": value})
    return Markup(tags)


def _from_paths(
    service: ImageService, search_path: Sequence[str], paths: Any, args: Mapping[str, Any]
) -> list[CardImage]:
    found = []
    for path in as_list(paths):
        try:
            url, size = service.finder.find(str(path), search_path).get_rendition(1, **args)
        except (ImageNotFound, ImageArgError):
            continue
        width, height = (str(size[0]), str(size[1])) if size else ("", "")
        found.append(CardImage(url, width, height))
    return found


def _from_html(text: str) -> list[CardImage]:
    return [
        CardImage(str(img["src"]), img.get("width") or "", img.get("height") or "")
        for img in img_attributes(text)
        if img.get("src")
    ]
