"""HTML helpers of the image layer: error spans and reading ``<img>`` tags.

Tags and error spans come from ``octavo.common.tags``, as the markup layer's do,
so an image's HTML reads the same whoever renders it.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

from markupsafe import Markup

from octavo.common.tags import error_span as _error_span
from octavo.common.tags import image_not_found


def not_found_span(path: str) -> Markup:
    """The error shown in place of an image whose file does not exist."""
    return Markup(image_not_found(path))


def error_span(path: str, message: str) -> Markup:
    """The error shown in place of an image that exists but cannot be shown as asked."""
    return Markup(
        _error_span(f"Error loading image <code>{html.escape(path)}</code>: {html.escape(message)}")
    )


def img_attributes(text: str) -> list[dict[str, str | None]]:
    """The attributes of every ``<img>`` tag of an HTML text, in order."""
    collector = _ImgCollector()
    collector.feed(text)
    collector.close()
    return collector.found


class _ImgCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.found.append(dict(attrs))
