"""Comparing HTML from two engines: whitespace, attribute order and rendition URLs aside.

Rendition URLs differ by design (Publ's names its files after checksums, the
fake finder after paths), so every ``/static/_img/…`` URL becomes ``/IMG`` and
every ``/_file/<hash>/`` prefix ``/_file/ASSET/``. Sizes, ``srcset`` presence,
attributes and structure are still compared.
"""

from __future__ import annotations

import re

from octavo.markup.htmlparse import HTMLTransform

_RENDITION = re.compile(r"/static/_img/[^\"'\s,)]+")
_ASSET = re.compile(r"/_file/[^\"'/\s]+/(?:[^\"'/\s]+/)?")
_SPACE = re.compile(r"\s+")


class _Canonical(HTMLTransform):
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self._tag(tag, attrs, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self._tag(tag, attrs, "/"))

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.parts.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.parts.append(f"<!{decl}>")

    @staticmethod
    def _tag(tag: str, attrs: list[tuple[str, str | None]], end: str) -> str:
        inner = "".join(f" {k}" if v is None else f' {k}="{v}"' for k, v in sorted(attrs))
        return f"<{tag}{inner}{end}>"


def normalise(html: str) -> str:
    text = _ASSET.sub("/_file/ASSET/", _RENDITION.sub("/IMG", str(html)))
    text = _Canonical().run(text)
    text = re.sub(r">\s+<", "><", text)
    return _SPACE.sub(" ", text).strip()
