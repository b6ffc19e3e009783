"""Link and image rewriting in HTML: HTML entries and raw HTML inside Markdown (Publ §5.8).

``href`` (any tag), ``src`` (any tag but ``<img>``) and ``$``-prefixed attributes
go through the link resolver; ``<img src>`` becomes a rendition, with
``width``/``height`` attributes as size arguments. Every tag is re-serialised,
so attribute quoting is normalised as Publ normalises it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from octavo.common.imagespec import parse_image_spec
from octavo.common.literals import ArgSyntaxError
from octavo.common.protocols import ImageArgError, ImageNotFound
from octavo.common.tags import make_tag
from octavo.markup.context import EntryContext
from octavo.markup.htmlparse import HTMLTransform

LOG = logging.getLogger(__name__)

AttrList = list[tuple[str, str | None]]

#: Marks an ``<img>`` that was already rendered (Publ's Markdown output carries it).
REWRITTEN = "data-publ-rewritten"


class _Rewriter(HTMLTransform):
    def __init__(self, context: EntryContext, args: Mapping[str, Any]) -> None:
        super().__init__()
        self.context = context
        self.args = args
        self.absolute = bool(args.get("absolute"))

    def handle_decl(self, decl: str) -> None:
        self.parts.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.parts.append(f"<![{data}]>")

    def handle_comment(self, data: str) -> None:
        self.parts.append(f"<!--{data}-->")

    def handle_pi(self, data: str) -> None:
        LOG.debug("dropping processing instruction <?%s>", data)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: AttrList) -> None:
        self.parts.append(self.rewrite(tag, attrs, False))

    def handle_startendtag(self, tag: str, attrs: AttrList) -> None:
        self.parts.append(self.rewrite(tag, attrs, True))

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def rewrite(self, tag: str, attrs: AttrList, start_end: bool) -> str:
        pairs: list[tuple[str, Any]] = list(attrs)
        if tag == "img":
            pairs = self.image_attrs(pairs)
        out: list[tuple[str, Any]] = []
        for key, value in pairs:
            lower = key.lower()
            if value is not None and (
                lower == "href" or key.startswith("$") or (lower == "src" and tag != "img")
            ):
                key = key.removeprefix("$")
                value = self.context.links.resolve(value, self.context.search_path, self.absolute)
            out.append((key, value))
        return make_tag(tag, out, start_end)

    def image_attrs(self, attrs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """Replace an ``<img>``'s src (and size) with the rendition's attributes."""
        if any(key == REWRITTEN for key, _ in attrs):
            return [(key, value) for key, value in attrs if key != REWRITTEN]
        sizes: dict[str, int] = {}
        path = None
        for key, value in attrs:
            lower = key.lower()
            if lower in ("width", "height"):
                with contextlib.suppress(ValueError):
                    sizes[lower] = int(value or "")
            elif lower == "src":
                path = value
        if not path:
            return attrs
        computed = self.rendition_attrs(path, sizes)
        return [(k, v) for k, v in attrs if k.lower() not in computed] + list(computed.items())

    def rendition_attrs(self, src: str, sizes: dict[str, int]) -> dict[str, Any]:
        try:
            spec = parse_image_spec(src)
            image = self.context.images.find(spec.path, self.context.search_path)
            return dict(image.get_img_attrs({**self.args, **sizes, **spec.args}))
        except ImageNotFound as err:
            return {"data-publ-error": f"File Not Found: {err}"}
        except (ImageArgError, ArgSyntaxError) as err:
            return {"data-publ-error": f"Error: {err}"}


def rewrite_html(text: str, context: EntryContext, args: Mapping[str, Any]) -> str:
    """Resolve links and render images in a piece of HTML."""
    return _Rewriter(context, args).run(text)
