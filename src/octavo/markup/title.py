"""Titles, ``Summary:`` headers and category names: one line of Markdown (§5.9)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from octavo.common.protocols import Image, ImageNotFound
from octavo.content.markdown.tokens import Token
from octavo.markup.context import EntryContext
from octavo.markup.filters import PLAINTEXT_REMOVE, strip_html
from octavo.markup.render import Counts, Renderer
from octavo.markup.smartypants import smartypants

# A leading run of digits, dots and spaces is kept as written ("1. Foo" is no list).
_NUMBERED = re.compile(r"([0-9. ]*)(.*)", re.DOTALL)


class _AsWritten:
    """Titles have no entry to resolve against: links stay as written."""

    def resolve(self, target: str, search_path: Sequence[str], absolute: bool) -> str:
        return target


class _NoImages:
    def find(self, path: str, search_path: Sequence[str]) -> Image:
        raise ImageNotFound(path)


_TITLE_CONTEXT = EntryContext(0, (), _AsWritten(), _NoImages(), "", "")


class _TitleRenderer(Renderer):
    """Paragraphs, headings and lists lose their block markup; bullets keep ``* ``."""

    @staticmethod
    def paragraph(content: str) -> str:
        return content

    def heading(self, level: int, children: list[Token]) -> str:
        return self.inline(children)

    def block(self, token: Token) -> str:
        kind = token.type
        if kind in ("bullet_list_open", "bullet_list_close"):
            return ""
        if kind in ("ordered_list_open", "ordered_list_close"):
            return ""
        if kind == "list_item_open":
            return "" if token.info else "* "
        return super().block(token)

    @staticmethod
    def close_item(out: list[str]) -> None:
        out.append("\n")


def render_title(
    text: str,
    markup: bool = True,
    smartquotes: bool = True,
    markdown_extensions: Sequence[str] | None = None,
) -> Any:
    """HTML (Markup) for a title, or plain text (str) when `markup` is false; struck-out
    text (``del``, ``s``) and tables are dropped from the plain form."""
    match = _NUMBERED.match(text)
    prefix, rest = (match.group(1), match.group(2)) if match else ("", text)
    renderer = _TitleRenderer(_TITLE_CONTEXT, {}, Counts(), markdown_extensions)
    html = prefix + renderer.document(rest)
    if smartquotes:
        html = smartypants(html)
    if markup:
        return Markup(html)
    return strip_html(html, remove_elements=PLAINTEXT_REMOVE)
