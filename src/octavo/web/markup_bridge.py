"""The one place the web layer asks the markup layer for HTML.

Provisional: renders with plain CommonMark until the Publ-compatible renderer
(octavo.markup, its own issue) is wired in behind these same functions.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup


@lru_cache(maxsize=1)
def _engine() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def render_section(text: str, is_markdown: bool, args: Mapping[str, Any]) -> Markup:
    """A body or more section as HTML (or plain text when ``markup=False``)."""
    rendered = _engine().render(text) if is_markdown else text
    if not args.get("markup", True):
        return Markup(html.escape(strip_tags(rendered)))
    return Markup(rendered)


def render_title(text: str, args: Mapping[str, Any]) -> Markup:
    """A title, rendered inline."""
    rendered = _engine().renderInline(text)
    if not args.get("markup", True):
        return Markup(html.escape(html.unescape(strip_tags(rendered))))
    return Markup(rendered)


def strip_tags(text: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", text)
