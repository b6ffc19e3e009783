"""An entry's source (Markdown or HTML) reduced to the words a reader sees, for the
full-text index: tags, link targets, image specs and entities are not words anyone
searches for, and a snippet shown on a results page must not carry markup."""

from __future__ import annotations

import html
import re

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_INVISIBLE = re.compile(
    r"<(script|style|template)\b[^>]*>.*?(?:</\1\s*>|$)", re.DOTALL | re.IGNORECASE
)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
#: ``![alt](target "title")`` and ``[text](target "title")``: the words are alt/text
#: and title; Publ's image lists ``![](a.jpg | b.jpg)`` and ``{width=…}`` are targets.
_INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\(([^()]*(?:\([^()]*\)[^()]*)*)\)")
_LINK_TITLE = re.compile(r"""["']([^"']*)["']""")
_REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_REFERENCE_USE = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
#: Block markers at a line's start (headings, quotes, list bullets, fences) and emphasis
#: or code marks around words.
_BLOCK_MARK = re.compile(r"^[ \t]*(?:#{1,6}|>+|[-*+]|`{3,}\w*|~{3,}\w*)(?=[ \t]|$)", re.M)
_MARKS = str.maketrans("`*~", "   ")
_UNDERSCORES = re.compile(r"_+")


def plain_text(source: str) -> str:
    """The visible words of an entry's Markdown or HTML, on one line."""
    text = _COMMENT.sub(" ", source)
    text = _INVISIBLE.sub(" ", text)
    text = _REFERENCE_DEFINITION.sub(" ", text)
    text = _INLINE_LINK.sub(_link_words, text)
    text = _REFERENCE_USE.sub(r"\1 ", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _BLOCK_MARK.sub(" ", text).translate(_MARKS)
    if "_" in text:
        text = _UNDERSCORES.sub(_underscores, text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def _underscores(match: re.Match[str]) -> str:
    """Emphasis marks go; an underscore inside a word (``snake_case``) stays."""
    text, start, end = match.string, match.start(), match.end()
    inside = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return match.group() if inside else " "


def _link_words(match: re.Match[str]) -> str:
    titles = " ".join(_LINK_TITLE.findall(match.group(2)))
    return f" {match.group(1)} {titles} "
