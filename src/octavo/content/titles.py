"""Plain text of a Markdown title, for slugs and sort keys.

Only the inline constructs that appear in titles are handled: emphasis,
code spans, links, struck-out text (dropped entirely, as Publ drops it from
slugs) and raw HTML tags.
"""

from __future__ import annotations

import html
import re

_STRUCK = re.compile(r"~~.*?~~|<(del|s|strike)\b[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|`+|==)(?=\S)(.+?)(?<=\S)\1")


def plain_title(title: str) -> str:
    """Drop Markdown and HTML markup from a one-line title, keeping its words."""
    text = _STRUCK.sub("", title)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    return " ".join(html.unescape(text).split())
