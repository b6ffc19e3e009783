"""The Markdown dialect Publ accepts, on markdown-it-py.

CommonMark plus Hoedown's extensions as Publ enables them (``tables``,
``fenced-code``, ``footnotes``, ``strikethrough``, ``highlight`` for ``==mark==``,
``superscript`` for ``^word`` and ``^(a few words)``, ``math`` for ``$$…$$``),
and Hoedown's looser inline links and images: destinations may contain spaces
(``[x](my file.md)``), and an image's parentheses hold a whole Publ image set
(``![](a.jpg{320} "t" | b.jpg)``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.html_re import HTML_OPEN_CLOSE_TAG_STR
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.html_block import HTML_SEQUENCES, html_block
from markdown_it.rules_block.list import list_block
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

LOG = logging.getLogger(__name__)

#: Publ's default ``markdown_extensions``.
DEFAULT_EXTENSIONS = (
    "tables",
    "fenced-code",
    "footnotes",
    "strikethrough",
    "highlight",
    "superscript",
    "math",
)

#: Hoedown extension names Octavo knows; the ones without an effect are listed in the docs.
KNOWN_EXTENSIONS = frozenset(
    (
        *DEFAULT_EXTENSIONS,
        "autolink",
        "underline",
        "quote",
        "no-intra-emphasis",
        "space-headers",
        "math-explicit",
        "disable-indented-code",
    )
)

_SPACE = " \t\n\r\f\v"
# Superscript and highlight nest by parsing their content again; this bounds it
# (markdown-it's own nesting limit for the same reason is 20).
MAX_NESTING = 20
_DEPTH = "octavo_inline_depth"
# CommonMark's seventh kind of HTML block: any lone complete tag on a line.
_LONE_TAG = re.compile(HTML_OPEN_CLOSE_TAG_STR + r"\s*$")
# Hoedown's notion of an inline tag: anything from ``<name`` to the next ``>``.
_LOOSE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True)
class Target:
    """The inside of ``(…)`` after a link or image label, split as Hoedown splits it."""

    link: str
    title: str | None
    end: int  # index just past the closing parenthesis


def scan_target(src: str, pos: int, limit: int) -> Target | None:
    """Hoedown's inline-link scan, from just after ``(``: the destination runs to the
    first quote that follows whitespace (or the balancing ``)``), so it may contain
    spaces; a title runs from that quote to the last quote before ``)``."""
    i = pos
    while i < limit and src[i] in _SPACE:
        i += 1
    link_start = i
    depth = 0
    while i < limit:
        char = src[i]
        if char == "\\":
            i += 2
        elif char == "(":
            depth += 1
            i += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
            i += 1
        elif char in "'\"" and src[i - 1] in _SPACE:
            break
        else:
            i += 1
    if i >= limit:
        return None
    link_end = i
    title = None
    if src[i] in "'\"":
        quote = src[i]
        i += 1
        title_start = i
        in_title = True
        while i < limit:
            char = src[i]
            if char == "\\":
                i += 2
            elif char == quote:
                in_title = False
                i += 1
            elif char == ")" and not in_title:
                break
            else:
                i += 1
        if i >= limit:
            return None
        title_end = i - 1
        while title_end > title_start and src[title_end] in _SPACE:
            title_end -= 1
        if src[title_end] in "'\"":
            title = src[title_start:title_end]
        else:
            link_end = i
    while link_end > link_start and src[link_end - 1] in _SPACE:
        link_end -= 1
    if link_end - link_start >= 2 and src[link_start] == "<" and src[link_end - 1] == ">":
        link_start += 1
        link_end -= 1
    return Target(_UNESCAPE.sub(r"\1", src[link_start:link_end]), title, i + 1)


def _label_and_target(state: StateInline, start: int) -> tuple[int, Target] | None:
    """For ``[label](target)`` starting at `start` (the ``[``): the label's end and target."""
    label_end = state.md.helpers.parseLinkLabel(state, start)
    if label_end < 0:
        return None
    paren = label_end + 1
    if paren >= state.posMax or state.src[paren] != "(":
        return None
    target = scan_target(state.src, paren + 1, state.posMax)
    return None if target is None else (label_end, target)


def publ_image(state: StateInline, silent: bool) -> bool:
    """``![alt{container args}](spec | spec …)`` → one ``publ_image`` token."""
    if not state.src.startswith("![", state.pos):
        return False
    found = _label_and_target(state, state.pos + 1)
    if found is None:
        return False
    label_end, target = found
    if not silent:
        token = state.push("publ_image", "img", 0)
        token.meta = {
            "alt": state.src[state.pos + 2 : label_end],
            "link": target.link,
            "title": target.title,
        }
    state.pos = target.end
    return True


def publ_link(state: StateInline, silent: bool) -> bool:
    """``[text](target "title")`` with Hoedown's destination rules."""
    if state.src[state.pos] != "[" or state.linkLevel > 0:
        return False
    found = _label_and_target(state, state.pos)
    if found is None:
        return False
    label_end, target = found
    if not silent:
        old_max = state.posMax
        state.pos += 1
        state.posMax = label_end
        token = state.push("link_open", "a", 1)
        token.meta = {"href": target.link, "title": target.title}
        state.linkLevel += 1
        state.md.inline.tokenize(state)
        state.linkLevel -= 1
        state.push("link_close", "a", -1)
        state.posMax = old_max
    state.pos = target.end
    return True


def _wrap(state: StateInline, name: str, tag: str, start: int, end: int) -> None:
    """Push ``name_open``, the inline content of src[start:end], ``name_close``.

    The content is parsed on its own: markdown-it's text rule may run past a
    ``posMax`` that does not sit on a markup character.
    """
    children: list[Token] = []
    depth = state.env.get(_DEPTH, 0)
    state.env[_DEPTH] = depth + 1
    try:
        state.md.inline.parse(state.src[start:end], state.md, state.env, children)
    finally:
        state.env[_DEPTH] = depth
    state.push(f"{name}_open", tag, 1)
    state.tokens.extend(children)
    state.tokens_meta.extend([None] * len(children))
    state.push(f"{name}_close", tag, -1)


def _too_deep(state: StateInline) -> bool:
    return int(state.env.get(_DEPTH, 0)) >= MAX_NESTING


def superscript(state: StateInline, silent: bool) -> bool:
    """``^word`` (to the next whitespace) or ``^(several words)``."""
    src, pos, limit = state.src, state.pos, state.posMax
    if src[pos] != "^" or pos + 1 >= limit or _too_deep(state):
        return False
    if src[pos + 1] == "(":
        close = src.find(")", pos + 2, limit)
        if close < 0:
            return False
        start, end, after = pos + 2, close, close + 1
    else:
        end = pos + 1
        while end < limit and src[end] not in _SPACE:
            end += 1
        start, after = pos + 1, end
    if end == start:
        if after == end:
            return False
        state.pos = after  # an empty ``^()`` disappears, as in Hoedown
        return True
    if not silent:
        _wrap(state, "sup", "sup", start, end)
    state.pos = after
    return True


def highlight(state: StateInline, silent: bool) -> bool:
    """``==text==`` → ``<mark>``: no space after the opener or before the closer."""
    src, pos, limit = state.src, state.pos, state.posMax
    if not src.startswith("==", pos) or pos + 2 >= limit or src[pos + 2] in _SPACE + "=":
        return False
    if _too_deep(state):
        return False
    close = src.find("==", pos + 3, limit)
    while close >= 0 and src[close - 1] in _SPACE:
        close = src.find("==", close + 1, limit)
    if close < 0:
        return False
    if not silent:
        _wrap(state, "mark", "mark", pos + 2, close)
    state.pos = close + 2
    return True


def backslash_newline(state: StateInline, silent: bool) -> bool:
    """A backslash before a line end is a literal backslash (Hoedown), not a line break."""
    if not state.src.startswith("\\\n", state.pos):
        return False
    if not silent:
        state.pending += "\\"
    state.pos += 1
    return True


def _escaped(src: str, pos: int) -> bool:
    backslashes = 0
    while pos - backslashes - 1 >= 0 and src[pos - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def math(state: StateInline, silent: bool) -> bool:
    """``$$…$$``: display math when it is the whole paragraph, inline otherwise."""
    src, pos, limit = state.src, state.pos, state.posMax
    if not src.startswith("$$", pos):
        return False
    close = src.find("$$", pos + 2, limit)
    while close >= 0 and _escaped(src, close):
        close = src.find("$$", close + 1, limit)
    if close < 0:
        return False
    if not silent:
        token = state.push("math", "", 0)
        token.content = src[pos + 2 : close]
        token.meta = {"display": not src[:pos].strip() and not src[close + 2 :].strip()}
    state.pos = close + 2
    return True


def block_html(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """HTML blocks start only with block-level tags (and comments, ``<script>``…), as in
    Hoedown: a line holding just ``<img …>`` or ``<span>…</span>`` is a paragraph."""
    line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    if _LONE_TAG.match(line) and not _starts_html_block(line):
        return False
    return html_block(state, start, end, silent)


def _starts_html_block(line: str) -> bool:
    return any(opening.search(line) for opening, _, _ in HTML_SEQUENCES[:-1])


def top_level_list(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A list cannot interrupt a top-level paragraph (Hoedown needs a blank line first);
    inside list items, nested lists still can."""
    if silent and state.parentType == "paragraph" and state.blkIndent == 0:
        return False
    return list_block(state, start, end, silent)


def loose_html(state: StateInline, silent: bool) -> bool:
    """Tags CommonMark rejects but Hoedown passes through, such as ``<div $data-x="…">``."""
    if state.src[state.pos] != "<":
        return False
    match = _LOOSE_TAG.match(state.src, state.pos, state.posMax)
    if not match:
        return False
    if not silent:
        state.push("html_inline", "", 0).content = match.group(0)
    state.pos = match.end()
    return True


@lru_cache(maxsize=32)
def _parser(extensions: frozenset[str]) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    # Entities and escapes stay separate tokens, so entities can be printed as written.
    md.core.ruler.disable("text_join")
    md.block.ruler.at("html_block", block_html, {"alt": ["paragraph", "reference", "blockquote"]})
    md.block.ruler.at("list", top_level_list, {"alt": ["paragraph", "reference", "blockquote"]})
    md.inline.ruler.after("html_inline", "loose_html", loose_html)
    md.inline.ruler.before("escape", "backslash_newline", backslash_newline)
    md.inline.ruler.before("link", "publ_link", publ_link)
    md.inline.ruler.before("image", "publ_image", publ_image)
    if "tables" in extensions:
        md.enable("table")
    if "strikethrough" in extensions:
        md.enable("strikethrough")
    if "footnotes" in extensions:
        md.use(footnote_plugin, inline=False)
    if "highlight" in extensions:
        md.inline.ruler.before("emphasis", "mark", highlight)
    if "superscript" in extensions:
        md.inline.ruler.after("emphasis", "sup", superscript)
    if "math" in extensions:
        md.inline.ruler.before("backticks", "math", math)
    if "fenced-code" not in extensions:
        md.disable("fence")
    if "disable-indented-code" in extensions:
        md.disable("code")
    return md


def parser(extensions: Iterable[str] | None) -> MarkdownIt:
    """A parser for this set of Hoedown extension names (None: Publ's defaults)."""
    chosen = frozenset(DEFAULT_EXTENSIONS if extensions is None else extensions)
    unknown = chosen - KNOWN_EXTENSIONS
    if unknown:
        LOG.warning("ignoring unknown markdown extensions: %s", ", ".join(sorted(unknown)))
    return _parser(chosen & KNOWN_EXTENSIONS)
