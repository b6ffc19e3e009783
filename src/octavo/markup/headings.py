"""Heading anchors and the table of contents (§5.3)."""

from __future__ import annotations

from collections.abc import Sequence

from octavo.content.slugs import slugify
from octavo.markup.filters import PLAINTEXT_REMOVE, strip_html

#: Inline markup a table-of-contents entry keeps.
TOC_TAGS = ("sup", "sub", "em", "strong", "b", "i", "code", "tt", "del", "add", "mark")


def heading_id(entry_id: int, level: int, number: int, content_html: str) -> str:
    """``{entry}_h{level}_{n}_{slug}``, the slug from the heading's plain text."""
    text = strip_html(content_html, remove_elements=PLAINTEXT_REMOVE)
    return f"{entry_id}_h{level}_{number}_{slugify(text, max_length=32)}"


def toc_text(content_html: str) -> str:
    """A heading's content reduced to the inline markup a TOC entry may carry."""
    return strip_html(content_html, allowed_tags=TOC_TAGS)


def toc_html(entries: Sequence[tuple[int, str]], max_depth: int | None = None) -> str:
    """Nested ``<ol>``; the shallowest level present is level 1."""
    if not entries:
        return ""
    top = min(level for level, _ in entries)
    out: list[str] = []
    depth = 0
    for level, item in entries:
        level = level - top + 1
        if max_depth is not None and level > max_depth:
            continue
        if level > depth:
            out.append("<ol><li>" * (level - depth))
        else:
            out.append("</li></ol>" * (depth - level) + "</li><li>")
        out.append(item)
        depth = level
    out.append("</li></ol>" * depth)
    return "".join(out)
