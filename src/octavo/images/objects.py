"""The image objects templates and Markdown use (Publ §4.7, §6.7, §6.10).

``LocalImage`` is sized on the server (renditions, 1x/2x ``srcset``);
``ExternalImage`` (``@static`` files, remote URLs and non-image assets) is
sized by the browser; ``MissingImage`` and ``FailedImage`` stand in for files
that are absent or unusable and render as error spans, never exceptions.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from octavo.common.arguments import as_list, prefix_normalize
from octavo.common.protocols import ImageArgError, ImageNotFound
from octavo.common.tags import make_tag
from octavo.images.args import RENDITION_ARGS, parse_args, size_value
from octavo.images.sources import Source
from octavo.images.tags import error_span, not_found_span

if TYPE_CHECKING:
    from octavo.images.service import ImageService

#: Arguments that size a ``shape`` rendition (everything else would change its pixels).
SHAPE_ARGS = ("width", "height", "max_width", "max_height", "absolute", "crop")
_CSS_SIZE = {"fit": "contain", "fill": "cover"}


class BaseImage:
    """What every kind of image does the same way: attributes, tags, links, CSS."""

    path: str

    def __init__(self, service: ImageService, search_path: Sequence[str]) -> None:
        self.service = service
        self.search_path = tuple(search_path)

    # --- what each kind provides
    def get_rendition(
        self, output_scale: int = 1, **args: Any
    ) -> tuple[str, tuple[int, int] | None]:
        raise NotImplementedError

    def _sized_attrs(self, args: Mapping[str, Any], styles: list[str]) -> dict[str, Any]:
        raise NotImplementedError

    def _css(self, args: Mapping[str, Any]) -> str:
        raise NotImplementedError

    @property
    def filename(self) -> str:
        return posixpath.basename(self.path)

    # --- shared behaviour
    def __call__(self, output_scale: int = 1, **args: Any) -> str:
        return self.get_rendition(output_scale, **args)[0]

    def __str__(self) -> str:
        return self()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path!r}>"

    def get_img_attrs(self, args: Mapping[str, Any]) -> dict[str, Any]:
        params = prefix_normalize(args)
        styles: list[str] = []
        attrs = self._sized_attrs(params, styles)
        attrs["loading"] = params.get("image_loading", "lazy")
        styles += as_list(params.get("img_style")) + as_list(params.get("style"))
        if params.get("shape"):
            styles.append(f"shape-outside: url('{self._shape_url(params)}')")
        chosen_class = params.get("img_class", params.get("class"))
        if chosen_class is not None:
            attrs["class"] = chosen_class
        chosen_id = params.get("img_id", params.get("id"))
        if chosen_id is not None:
            attrs["id"] = chosen_id
        if styles:
            attrs["style"] = ";".join(str(s) for s in styles)
        if "_mark_rewritten" in params:
            attrs["data-publ-rewritten"] = params["_mark_rewritten"]
        return attrs

    def get_img_tag(
        self,
        title: str | None = None,
        alt_text: str | None = None,
        *,
        show_thumbnail: bool = True,
        **args: Any,
    ) -> Markup:
        show_thumbnail = bool(args.pop("_show_thumbnail", show_thumbnail))
        params = prefix_normalize(args)
        try:
            attrs = self.get_img_attrs(params)
            attrs["alt"] = alt_text or self.filename
            if title:
                attrs["title"] = title
            thumb = (
                make_tag("img", attrs, start_end=bool(params.get("xhtml")))
                if show_thumbnail
                else ""
            )
            return Markup(self._wrap_link(params, thumb, title))
        except ImageNotFound as err:
            return not_found_span(str(err))
        except ImageArgError as err:
            return error_span(self.path, str(err))

    def get_css_background(self, uncomment: bool = False, **args: Any) -> Markup:
        try:
            text = self._css(prefix_normalize(args))
        except ImageNotFound as err:
            text = f"/* not found: {err} */"
        except ImageArgError as err:
            text = f"/* error: {self.path}: {err} */"
        return Markup(f" */ {text} /* " if uncomment else text)

    def get_fullsize(self, args: Mapping[str, Any]) -> str:
        """The link target of a lightbox: native size unless ``fullsize_*`` args say otherwise."""
        return self.get_rendition(1, **fullsize_args(args))[0]

    def _wrap_link(self, args: Mapping[str, Any], inner: str, title: str | None) -> str:
        link = args.get("link")
        if link is False:
            return inner
        link_class = args.get("link_class", False)
        if link and link is not True:
            href = self.service.resolve_link(
                str(link), self.search_path, bool(args.get("absolute"))
            )
            return make_tag("a", {"href": href, "class": link_class}) + inner + "</a>"
        gallery_id = args.get("gallery_id") if link is not True else None
        if link is True or gallery_id:
            tag = make_tag(
                "a",
                {
                    "href": self.get_fullsize(args),
                    "data-lightbox": gallery_id or False,
                    "title": title or False,
                    "class": link_class,
                },
            )
            return tag + inner + "</a>"
        return inner

    def _shape_url(self, args: Mapping[str, Any]) -> str:
        size_args = {k: v for k, v in args.items() if k in SHAPE_ARGS}
        shape = args["shape"]
        image = self if shape is True else self.service.image(str(shape), self.search_path)
        return image.get_rendition(1, **size_args)[0]


class LocalImage(BaseImage):
    """An image file of the content folder, rendered to size on the server."""

    def __init__(self, service: ImageService, source: Source, search_path: Sequence[str]) -> None:
        super().__init__(service, search_path)
        self.source = source
        self.path = source.relpath

    @property
    def width(self) -> int:
        return self.source.width

    @property
    def height(self) -> int:
        return self.source.height

    def get_rendition(
        self, output_scale: int = 1, **args: Any
    ) -> tuple[str, tuple[int, int] | None]:
        plan = self.service.plan(self.source, parse_args(args), output_scale)
        return self.service.rendition_url(plan, bool(args.get("absolute"))), plan.size

    def _pair(self, args: Mapping[str, Any]) -> tuple[str, str, tuple[int, int] | None]:
        """The 1x and 2x renditions."""
        (_, args_1x), (_, args_2x) = hidpi_args(args)
        url_1x, size = self.get_rendition(1, **args_1x)
        url_2x, _ = self.get_rendition(2, **args_2x)
        return url_1x, url_2x, size

    def _sized_attrs(self, args: Mapping[str, Any], styles: list[str]) -> dict[str, Any]:
        url_1x, url_2x, size = self._pair(args)
        assert size is not None
        attrs: dict[str, Any] = {"src": url_1x, "width": size[0], "height": size[1]}
        if url_1x != url_2x:
            attrs["srcset"] = f"{url_1x} 1x, {url_2x} 2x"
        return attrs

    def _css(self, args: Mapping[str, Any]) -> str:
        url_1x, url_2x, _ = self._pair(args)
        text = f"background-image: url('{url_1x}');"
        if url_1x != url_2x:
            text += f"background-image: image-set(url('{url_1x}') 1x, url('{url_2x}') 2x);"
        return text


class ExternalImage(BaseImage):
    """An image the browser sizes: ``@static`` files, remote URLs, non-image assets."""

    def __init__(
        self,
        service: ImageService,
        path: str,
        url: Callable[[bool], str],
        search_path: Sequence[str],
    ) -> None:
        super().__init__(service, search_path)
        self.path = path
        self._url = url

    @property
    def filename(self) -> str:
        return posixpath.basename(urllib.parse.urlparse(self.path).path)

    def get_rendition(
        self, output_scale: int = 1, **args: Any
    ) -> tuple[str, tuple[int, int] | None]:
        return self._url(bool(args.get("absolute"))), None

    def _sized_attrs(self, args: Mapping[str, Any], styles: list[str]) -> dict[str, Any]:
        absolute = bool(args.get("absolute"))
        url = self._url(absolute)
        attrs: dict[str, Any] = {"src": url}
        if args.get("_no_resize_external"):
            return attrs
        width, height = size_value(args, "width"), size_value(args, "height")
        max_w, max_h = size_value(args, "max_width"), size_value(args, "max_height")
        if width and max_w and max_w < width:
            height, width = (height * max_w / width if height else None), max_w
        if height and max_h and max_h < height:
            width, height = (width * max_h / height if width else None), max_h
        resize = parse_args({"resize": args.get("resize")}).resize
        if width and height and resize != "stretch":
            crop = parse_args({k: args.get(k) for k in ("fill_crop_x", "fill_crop_y")})
            styles += [
                f"background-image:url('{url}')",
                f"background-size:{_CSS_SIZE[resize]}",
                f"background-position:{crop.fill_crop_x * 100:.2f}% {crop.fill_crop_y * 100:.2f}%",
                "background-repeat:no-repeat",
            ]
            attrs["src"] = self.service.urls.chit(absolute)
        if width:
            attrs["width"] = round(width)
        if height:
            attrs["height"] = round(height)
        if max_w:
            styles.append(f"max-width:{round(max_w)}px")
        if max_h:
            styles.append(f"max-height:{round(max_h)}px")
        return attrs

    def _css(self, args: Mapping[str, Any]) -> str:
        return f"background-image: url('{self._url(bool(args.get('absolute')))}');"


class MissingImage(BaseImage):
    """No file at that path: error spans in HTML, a comment in CSS."""

    def __init__(self, service: ImageService, path: str, search_path: Sequence[str]) -> None:
        super().__init__(service, search_path)
        self.path = path

    def error(self) -> Exception:
        return ImageNotFound(self.path)

    def get_rendition(
        self, output_scale: int = 1, **args: Any
    ) -> tuple[str, tuple[int, int] | None]:
        raise self.error()

    def _sized_attrs(self, args: Mapping[str, Any], styles: list[str]) -> dict[str, Any]:
        raise self.error()

    def _css(self, args: Mapping[str, Any]) -> str:
        raise self.error()


class FailedImage(MissingImage):
    """A file that exists but cannot be rendered (too large, say): its reason as the error."""

    def __init__(
        self, service: ImageService, path: str, reason: str, search_path: Sequence[str]
    ) -> None:
        super().__init__(service, path, search_path)
        self.reason = reason

    def error(self) -> Exception:
        return ImageArgError(self.reason)


def hidpi_args(args: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(output scale, args) of the 1x and 2x renditions, with ``quality_ldpi`` and
    ``quality_hdpi`` applied."""
    pairs = []
    for scale, key in ((1, "quality_ldpi"), (2, "quality_hdpi")):
        chosen = {**args, "quality": args[key]} if args.get(key) is not None else dict(args)
        pairs.append((scale, chosen))
    return pairs


def fullsize_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """The rendition arguments of the full-size (lightbox) rendition: the ``fullsize_*``
    ones, without the prefix, plus ``absolute``."""
    fullsize = {key: args[f"fullsize_{key}"] for key in RENDITION_ARGS if f"fullsize_{key}" in args}
    if "absolute" in args:
        fullsize["absolute"] = args["absolute"]
    return fullsize
