"""The parse tree handed from the Markdown parser to the renderer: a flat list of tokens.

Block structure is open/close pairs (``paragraph_open`` … ``paragraph_close``);
the inline content of a paragraph, heading or cell is one ``inline`` token whose
`children` are inline tokens (``text``, ``em_open``, ``link_open``, …).
"""

from __future__ import annotations

from typing import Any


class Token:
    """One parse event. `content` is text (or raw HTML, or code); `meta` carries what a
    kind needs beyond that (link targets, footnote numbers, image specs)."""

    __slots__ = ("attrs", "children", "content", "hidden", "info", "markup", "meta", "tag", "type")

    def __init__(self, type: str, tag: str = "", content: str = "") -> None:
        self.type = type
        self.tag = tag
        self.content = content
        self.children: list[Token] | None = None
        self.meta: dict[str, Any] = {}
        self.info = ""
        self.markup = ""
        self.hidden = False
        self.attrs: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.content!r})"
