"""Which images an entry's source refers to, and with which arguments.

A deliberately simple reader for ``octavo prewarm``: Markdown image sets and
HTML ``<img>`` tags, with their container and per-image arguments. The full
Markdown renderer lives in ``octavo.markup``; a reference this reader misses
is still rendered on its first request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from octavo.common.imagespec import closing_paren, parse_config, parse_image_spec, split_set
from octavo.common.literals import ArgSyntaxError
from octavo.images.tags import img_attributes


@dataclass(frozen=True)
class ImageRef:
    path: str
    args: dict[str, Any]
    thumbnail: bool = True  # False: hidden by ``count``, only its lightbox link is emitted


def entry_refs(text: str, is_markdown: bool) -> list[ImageRef]:
    """Every image reference of an entry's text (Markdown images and HTML ``<img>``)."""
    refs = list(_html_refs(text))
    if is_markdown:
        refs += _markdown_refs(text)
    return refs


def _markdown_refs(text: str) -> Iterator[ImageRef]:
    for alt, specs in _markdown_images(text):
        try:
            _, container = parse_config(alt)
            items = [(parse_image_spec(spec), shown) for spec, shown in split_set(specs, container)]
        except ArgSyntaxError:
            continue
        for spec, shown in items:
            if spec.path:
                yield ImageRef(spec.path, {**container, **spec.args}, shown)


def _markdown_images(text: str) -> Iterator[tuple[str, str]]:
    """(alt, specs) of each ``![alt](specs)``; parentheses and quotes in specs nest."""
    start = text.find("![")
    while start != -1:
        close = text.find("](", start + 2)
        if close == -1:
            return
        end = closing_paren(text, close + 2)
        if end is None:
            return
        yield text[start + 2 : close], text[close + 2 : end]
        start = text.find("![", end)


def _html_refs(text: str) -> Iterator[ImageRef]:
    for img in img_attributes(text):
        try:
            path, args = parse_config(str(img.get("src") or ""))
        except ArgSyntaxError:
            continue
        for name in ("width", "height"):
            if img.get(name):
                args[name] = img[name]
        if path:
            yield ImageRef(path, args)
