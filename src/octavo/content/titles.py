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
# A backslash-escaped punctuation character is literal text, never markup.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_PLACEHOLDER = 0xF0000  # Unicode private use: cannot occur in a title


def plain_title(title: str) -> str:
    """Drop Markdown and HTML markup from a one-line title, keeping its words."""
    text = _ESCAPED.sub(lambda m: chr(_PLACEHOLDER + ord(m.group(1))), title)
    text = _STRUCK.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    text = "".join(chr(ord(c) - _PLACEHOLDER) if ord(c) >= _PLACEHOLDER else c for c in text)
    return " ".join(html.unescape(text).split())
