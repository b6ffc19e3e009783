"""Plain text of a Markdown title, for slugs and sort keys.

The title is read with the site's Markdown grammar (Publ's: Hoedown with Publ's
default extensions) and reduced to its text the way Publ's plain title is:
markup goes, the text of emphasis, links and code spans stays, entities are
decoded, and struck-out text (``~~x~~``, ``<del>``, ``<s>``) is dropped.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from octavo.content.markdown import DEFAULT_EXTENSIONS
from octavo.content.markdown.blocks import Document
from octavo.content.markdown.tokens import Token

# A leading run of digits, dots and spaces is kept as written ("1. Foo" is no list).
_NUMBERED = re.compile(r"([0-9. ]*)(.*)", re.DOTALL)
_REMOVED = re.compile(r"<(/?)(?:del|s|table)(?=[\s/>])", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r" +")
_EXTENSIONS = frozenset(DEFAULT_EXTENSIONS)


@lru_cache(maxsize=4096)
def plain_title(title: str) -> str:
    """The words of a one-line Markdown title, without its markup."""
    match = _NUMBERED.match(title)
    prefix, rest = (match.group(1), match.group(2)) if match else ("", title)
    out: list[str] = [prefix]
    _Plain(out).walk(Document(_EXTENSIONS).tokens(rest))
    return _SPACES.sub(" ", "".join(out)).strip()


class _Plain:
    """Collects text from tokens, skipping what lies inside removed elements."""

    def __init__(self, out: list[str]) -> None:
        self.out = out
        self.removed = 0

    def walk(self, tokens: list[Token]) -> None:
        for token in tokens:
            kind = token.type
            if token.children is not None:
                self.walk(token.children)
            elif kind in ("s_open", "s_close"):
                self.removed += 1 if kind == "s_open" else -1
            elif kind == "html_inline":
                self.tag(token.content)
            elif kind == "html_block":
                self.out.append(html.unescape(_TAG.sub("", token.content)))
            elif self.removed:
                continue
            elif kind in ("text", "code_inline"):
                self.out.append(token.content)
            elif kind == "text_special":
                self.out.append(html.unescape(token.markup))
            elif kind == "publ_image":
                self.out.append(token.meta["alt"])
            elif kind == "math":
                display = token.meta.get("display")
                self.out.append(("\\[%s\\]" if display else "\\(%s\\)") % token.content)
            elif kind in ("hardbreak", "list_item_close"):
                self.out.append("\n")
            elif kind == "list_item_open" and not token.info:
                self.out.append("* ")

    def tag(self, raw: str) -> None:
        removed = _REMOVED.match(raw)
        if removed:
            self.removed = max(0, self.removed + (-1 if removed.group(1) else 1))
        elif not self.removed and not _TAG.fullmatch(raw):
            self.out.append(html.unescape(raw))
