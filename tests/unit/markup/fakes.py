"""Stand-ins for the seams the markup layer calls: the link resolver (web layer) and the
image finder (images layer). They follow Publ's rules closely enough to compare
Octavo's markup with Publ's recorded output; rendition URLs are fake (tests
normalise every rendition URL to ``IMG``), sizes use Publ's fit/fill maths.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

from PIL import Image as PILImage

from octavo.common.arguments import as_list, prefix_normalize
from octavo.common.protocols import Image, ImageArgError, ImageNotFound
from octavo.common.tags import make_tag

SITE = Path(__file__).resolve().parents[2] / "sites" / "markup"
CONTENT = SITE / "content"
BASE_URL = "http://example.test/"
_EXTERNAL = re.compile(r"([a-z][a-z0-9+.\-]*:)?//", re.IGNORECASE)
_IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def absolutise(url: str, absolute: bool) -> str:
    return urljoin(BASE_URL, url) if absolute else url


def static_url(path: str, absolute: bool) -> str:
    return absolutise("/static/" + quote(path, safe="/"), absolute)


def find_file(path: str, search_path: Sequence[str]) -> str | None:
    """Content-relative path of a file: ``/x`` from the content root, else each folder."""
    if path.startswith("/"):
        candidates = [path.lstrip("/")]
    else:
        candidates = [os.path.normpath(os.path.join(folder, path)) for folder in search_path]
    for candidate in candidates:
        if not candidate.startswith("..") and (CONTENT / candidate).is_file():
            return candidate
    return None


class FakeImage:
    """One image or asset; local images are sized like Publ's ``fit``/``fill``."""

    def __init__(self, kind: str, path: str) -> None:
        self.kind = kind  # local, asset, static, remote
        self.path = path
        self.size = PILImage.open(CONTENT / path).size if kind == "local" else None

    def _url(self, absolute: bool, size: tuple[int, int] | None = None) -> str:
        if self.kind == "remote":
            return self.path
        if self.kind == "static":
            return static_url(self.path, absolute)
        if self.kind == "asset":
            return absolutise(f"/_file/fake/{os.path.basename(self.path)}", absolute)
        suffix = f"_{size[0]}x{size[1]}" if size else ""
        return absolutise(f"/static/_img/fake/{quote(self.path)}{suffix}", absolute)

    def _sized(self, args: Mapping[str, Any], scale: int) -> tuple[int, int]:
        assert self.size is not None
        width, height = (float(v) for v in self.size)
        if args.get("resize") == "fill":
            box_w = min(width, *(float(args[k]) for k in ("width", "max_width") if args.get(k)))
            box_h = min(height, *(float(args[k]) for k in ("height", "max_height") if args.get(k)))
            return round(box_w * scale), round(box_h * scale)
        for w_key, h_key in (("width", "height"), ("max_width", "max_height")):
            if args.get(w_key) and width > args[w_key]:
                height, width = height * args[w_key] / width, float(args[w_key])
            if args.get(h_key) and height > args[h_key]:
                width, height = width * args[h_key] / height, float(args[h_key])
        out = (round(width * scale), round(height * scale))
        return min(out[0], self.size[0]), min(out[1], self.size[1])

    def get_rendition(
        self, output_scale: int = 1, **args: Any
    ) -> tuple[str, tuple[int, int] | None]:
        absolute = bool(args.get("absolute"))
        if self.kind != "local":
            return self._url(absolute), None
        size = self._sized(args, output_scale)
        return self._url(absolute, None if size == self.size else size), size

    def get_img_attrs(self, args: Mapping[str, Any]) -> dict[str, Any]:
        params = prefix_normalize(args)
        styles: list[str] = []
        if self.kind == "local":
            url1, size1 = self.get_rendition(1, **params)
            url2, _ = self.get_rendition(2, **params)
            assert size1 is not None
            attrs: dict[str, Any] = {"src": url1, "width": size1[0], "height": size1[1]}
            if url1 != url2:
                attrs["srcset"] = f"{url1} 1x, {url2} 2x"
        else:
            attrs = self._external_attrs(params, styles)
        attrs["loading"] = params.get("image_loading", "lazy")
        for key in ("img_style", "style"):
            styles += as_list(params.get(key))
        for name, keys in (("class", ("img_class", "class")), ("id", ("img_id", "id"))):
            value = next((params[k] for k in keys if k in params), None)
            if value is not None:
                attrs[name] = value
        if styles:
            attrs["style"] = ";".join(styles)
        return attrs

    def _external_attrs(self, spec: Mapping[str, Any], styles: list[str]) -> dict[str, Any]:
        url = self._url(bool(spec.get("absolute")))
        attrs: dict[str, Any] = {"src": url}
        if spec.get("_no_resize_external"):
            return attrs
        width, height = spec.get("width"), spec.get("height")
        if width and height and spec.get("resize", "fit") != "stretch":
            mode = {"fit": "contain", "fill": "cover"}[spec.get("resize", "fit")]
            styles += [
                f"background-image:url('{url}')",
                f"background-size:{mode}",
                "background-position:50.00% 50.00%",
                "background-repeat:no-repeat",
            ]
            attrs["src"] = absolutise("/_", bool(spec.get("absolute")))
        if width:
            attrs["width"] = width
        if height:
            attrs["height"] = height
        return attrs

    def get_fullsize(self, args: Mapping[str, Any]) -> str:
        return self._url(bool(args.get("absolute")))

    def get_img_tag(
        self,
        title: str | None = None,
        alt_text: str | None = None,
        *,
        show_thumbnail: bool = True,
        **args: Any,
    ) -> str:
        if args.get("width") == "raise":
            raise ImageArgError("width must be a number")
        attrs = self.get_img_attrs(args)
        attrs["alt"] = alt_text or os.path.basename(self.path)
        if title:
            attrs["title"] = title
        thumb = make_tag("img", attrs, start_end=bool(args.get("xhtml"))) if show_thumbnail else ""
        link = args.get("link")
        if link is False:
            return thumb
        if link and link is not True:
            href = static_url(link[1:], False) if link.startswith("@") else link
            href = absolutise(href, bool(args.get("absolute")))
            return (
                make_tag("a", {"href": href, "class": args.get("link_class", False)})
                + thumb
                + "</a>"
            )
        gallery = args.get("gallery_id") if link is not True else None
        if link is True or gallery:
            tag = make_tag(
                "a",
                {
                    "href": self.get_fullsize(args),
                    "data-lightbox": gallery or False,
                    "title": title or False,
                    "class": args.get("link_class", False),
                },
            )
            return tag + thumb + "</a>"
        return thumb

    def get_css_background(self, uncomment: bool = False, **args: Any) -> str:
        return f"background-image: url('{self._url(False)}');"


class FakeImages:
    """The image finder: ``@static``, remote URLs, then files under the fixture content."""

    def find(self, path: str, search_path: Sequence[str]) -> Image:
        if path.startswith("@"):
            return FakeImage("static", path[1:])
        if path.startswith("//") or "://" in path:
            return FakeImage("remote", path)
        found = find_file(path, search_path)
        if found is None:
            raise ImageNotFound(path)
        kind = "local" if found.lower().endswith(_IMAGE_TYPES) else "asset"
        return FakeImage(kind, found)


class FakeLinks:
    """Publ's link resolution (§5.7) over the recorded fixture site."""

    def __init__(self, images: FakeImages) -> None:
        site = json.loads((SITE / "site.json").read_text(encoding="utf-8"))
        self.entries: dict[str, dict[str, Any]] = site["entries"]
        self.by_path = {e["path"]: e for e in self.entries.values()}
        self.images = images

    def _entry(self, path: str, search_path: Sequence[str]) -> dict[str, Any] | None:
        if path.isdigit() and path in self.entries:
            return self.entries[path]
        folders = [""] if path.startswith("/") else list(search_path)
        for folder in folders:
            found = self.by_path.get(os.path.normpath(os.path.join(folder, path.lstrip("/"))))
            if found:
                return found
        return None

    def resolve(self, target: str, search_path: Sequence[str], absolute: bool) -> str:
        if _EXTERNAL.match(target):
            return target
        if target.startswith("@"):
            return static_url(target[1:], absolute)
        path, sep, anchor = target.partition("#")
        entry = self._entry(path, search_path)
        if entry:
            return entry["link_absolute" if absolute else "link"] + sep + anchor
        from octavo.common.imagespec import parse_image_spec

        try:
            spec = parse_image_spec(path)
            image = self.images.find(spec.path, search_path)
            path, _ = image.get_rendition(1, **{**spec.args, "absolute": absolute})
        except (ImageNotFound, ValueError):
            path = absolutise(path, absolute)
        return path + sep + anchor
