"""Fenced and indented code blocks as Publ prints them (§5.5): a ``figure.blockcode``
with an optional caption, Pygments spans, and per-line anchors."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from pygments import highlight
from pygments.formatters.html import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from octavo.common.literals import ArgSyntaxError, split_spec
from octavo.common.tags import make_tag

LOG = logging.getLogger(__name__)


class _LineFormatter(HtmlFormatter):
    """Pygments output as one ``span.line`` per line, each with an id and optional link."""

    def __init__(self, line_id_prefix: str, link_base: str | None) -> None:
        super().__init__()
        self.line_id_prefix = line_id_prefix
        self.link_base = link_base

    def _wrap_div(self, inner: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
        return inner  # sites style ``pre.highlight``; no extra ``<div>``

    def wrap(self, source: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
        number = 0
        for is_line, line in source:
            if is_line != 1:
                continue
            number += 1
            line_id = f"{self.line_id_prefix}L{number}"
            link = ""
            if self.link_base:
                href = f"{self.link_base}#{line_id}"
                link = make_tag("a", {"class": "line-number", "href": href}) + "</a>"
            yield (
                1,
                (
                    make_tag("span", {"class": "line", "id": line_id})
                    + link
                    + '<span class="line-content">'
                    + line.rstrip("\n")
                    + "</span></span>\n"
                ),
            )


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer:
    try:
        return get_lexer_by_name(language, stripall=True)
    except ClassNotFound:
        return TextLexer()


def split_info(info: str) -> tuple[str, dict[str, Any]]:
    """``lang{key=value}`` → language and arguments; bad arguments are ignored."""
    words = info.strip().split(None, 1)
    word = words[0] if words else ""
    if word.startswith("{"):
        word = info.strip()
    try:
        language, _, args = split_spec(word, max_positional=0)
    except ArgSyntaxError as err:
        LOG.warning("ignoring code block arguments %r: %s", word, err)
        return word.partition("{")[0], {}
    return language, args


def render_code(
    text: str,
    info: str,
    args: Mapping[str, Any],
    block_id: str,
    render_caption: Callable[[str], str],
) -> str:
    """One code block. `block_id` is ``e{entry}cb{n}``; `render_caption` turns the
    caption's Markdown into HTML without a lone ``<p>``."""
    language, own_args = split_info(info)
    settings = {**args, **own_args} if own_args else args
    caption = ""
    if text.startswith("!"):
        first, _, text = text.partition("\n")
        caption = render_caption(first[1:])
        if caption:
            caption = f"<figcaption>{caption}</figcaption>"
    elif text.startswith(("\\!", "\n")):
        text = text[1:]

    highlighted = bool(language) and bool(settings.get("code_highlight", True))
    number_links = settings.get("code_number_links", True) if highlighted else False
    if number_links is True:
        number_links = args.get("code_number_links")
    pre = make_tag(
        "pre",
        {
            "class": "highlight" if highlighted else False,
            "data-language": language or False,
            "data-line-numbers": None if number_links else False,
        }
        if language
        else {},
    )
    if highlighted:
        formatter = _LineFormatter(block_id, str(number_links) if number_links else None)
        lines = highlight(text, _lexer(language), formatter)
    else:
        lines = "".join(
            f'<span class="line"><span class="line-content">{html.escape(line)}</span></span>\n'
            for line in text.splitlines()
        )
    return f'<figure class="blockcode">{caption}{pre}{lines}</pre></figure>'
