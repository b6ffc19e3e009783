"""The ``strip_html`` and ``first_paragraph`` template filters (Publ §4.1), also used
for plain-text output and summaries."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from octavo.common.tags import make_tag
from octavo.markup.htmlparse import HTMLTransform

#: Elements dropped with their contents from plain-text titles and summaries.
PLAINTEXT_REMOVE = ("del", "s", "table")

#: Elements a first paragraph may keep: inline ones (and ``p`` itself).
INLINE_TAGS = frozenset(
    {
        *("a", "abbr", "acronym", "b", "bdo", "cite", "code", "dfn", "em", "i", "kbd"),
        *("label", "q", "samp", "span", "strong", "sub", "sup", "time", "tt", "var"),
        *("mark", "p"),
    }
)

_SPACES = re.compile(r" +")


def _as_set(value: str | Iterable[str] | None) -> frozenset[str]:
    if value is None:
        return frozenset()
    return frozenset([value] if isinstance(value, str) else value)


class _Stripper(HTMLTransform):
    """Drops tags (keeping allowed ones), and removed elements with their text."""

    def __init__(
        self,
        allowed_tags: frozenset[str],
        allowed_attrs: frozenset[str],
        remove_elements: frozenset[str],
    ) -> None:
        super().__init__()
        self.allowed_tags = allowed_tags
        self.allowed_attrs = allowed_attrs
        self.remove_elements = remove_elements
        self.removing = 0

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], start_end: bool) -> None:
        if tag in self.allowed_tags:
            kept = [(k, v) for k, v in attrs if k in self.allowed_attrs]
            self.parts.append(make_tag(tag, kept, start_end))
        elif tag in self.remove_elements:
            self.removing += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "br") and tag not in self.allowed_tags:
            self.parts.append("\n")
        self._open(tag, attrs, False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and tag not in self.allowed_tags:
            self.parts.append("\n")
        self._open(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and tag not in self.allowed_tags:
            self.parts.append("\n")
        if tag in self.allowed_tags:
            self.parts.append(f"</{tag}>")
        elif tag in self.remove_elements:
            self.removing -= 1

    def handle_data(self, data: str) -> None:
        if not self.removing:
            self.parts.append(data)


def strip_html(
    text: Any,
    allowed_tags: str | Iterable[str] | None = None,
    allowed_attrs: str | Iterable[str] | None = None,
    remove_elements: str | Iterable[str] | None = None,
) -> str:
    """Plain text of HTML: tags removed (except `allowed_tags`), `p`/`br` as newlines,
    entities decoded, runs of spaces collapsed."""
    stripper = _Stripper(_as_set(allowed_tags), _as_set(allowed_attrs), _as_set(remove_elements))
    return _SPACES.sub(" ", html.unescape(stripper.run(str(text)))).strip()


class _FirstParagraph(HTMLTransform):
    """Keeps the first paragraph (or the bare text before it) and only inline markup."""

    def __init__(self, strip_tag: bool) -> None:
        super().__init__()
        self.strip_tag = strip_tag
        self.found = False  # some text has been kept
        self.done = False  # the paragraph is over
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, keeps text, was written)

    @property
    def keeping(self) -> bool:
        if self.done:
            return False
        return self.stack[-1][1] if self.stack else True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            # A second paragraph (or one after bare text) ends the extract.
            self.done = self.found
            keep = not self.done
        else:
            keep = self.keeping and tag in INLINE_TAGS
        write = keep and (bool(self.stack) or not self.strip_tag)
        if write:
            self.parts.append(make_tag(tag, attrs))
        self.stack.append((tag, keep, write))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, _, written = self.stack.pop()
            if written:
                self.parts.append(f"</{name}>")
            if name == tag:
                break
        if tag == "p" and self.found:
            self.done = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.keeping and tag in INLINE_TAGS:
            self.parts.append(make_tag(tag, attrs, True))

    def handle_data(self, data: str) -> None:
        if self.keeping:
            if data.strip():
                self.found = True
            self.parts.append(data)


def first_paragraph(text: Any, strip_tag: bool = False) -> Markup:
    """The first paragraph of rendered HTML; `strip_tag` drops the ``<p>`` around it."""
    return Markup(_FirstParagraph(strip_tag).run(str(text)))
