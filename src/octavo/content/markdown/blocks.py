"""Block-level Markdown as Hoedown (Publ's Markdown engine) reads it.

A document is read in two passes. The first takes out reference definitions
(each leaves a blank line behind) and footnote definitions, expands tabs to
four-column stops and normalises line ends. The second splits the rest into
blocks; quotes and list items are re-read as documents of their own once their
prefixes are stripped.

Where Hoedown differs from CommonMark, authors of Publ sites rely on it:

* list items are loose (``<p>``) from the first item followed by a blank line
  (or holding one) to the end of the list; lists of ``-``, ``+``, ``*`` merge, and
  a blank line ends a list only before unindented text or an item of the other kind;
* a quote runs on through lines without ``>`` and across blank lines into the
  next ``>`` line; a list cannot interrupt a paragraph, but a quote, a rule, a
  ``#`` line can (a fence or a block tag cannot);
* ``#`` starts a heading even without a space; a line of ``=`` or ``-`` under a
  paragraph makes its last line a heading;
* HTML blocks are the block tags Hoedown knows, from ``<tag`` at the start of a
  line to its closing tag at the end of a line (followed by a blank line, if
  there is such a place);
* a fence closes only on a line with the same indent and length; tables need
  at least three dashes per column.
"""

from __future__ import annotations

import re

from octavo.content.markdown.inlines import (
    MAX_NESTING,
    Footnotes,
    InlineParser,
    LinkRef,
    ascii_lower,
    find_emph_char,
)
from octavo.content.markdown.tokens import Token

#: Tags that start an HTML block (Hoedown's list); ``<hr>`` and comments are handled apart.
BLOCK_TAGS = frozenset(
    (
        "blockquote",
        "del",
        "div",
        "dl",
        "fieldset",
        "figure",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "iframe",
        "ins",
        "math",
        "noscript",
        "ol",
        "p",
        "pre",
        "script",
        "style",
        "table",
        "ul",
    )
)

_BLANK = re.compile(r" *(?:\n|\Z)")
_HRULE = re.compile(r" {0,3}(?:\*(?: *\*){2,}|-(?: *-){2,}|_(?: *_){2,}) *(?:\n|\Z)")
_HEADERLINE = re.compile(r"(?:=+|-+) *(?:\n|\Z)")
_DEF_START = re.compile(r" {0,3}\[")
_DIGITS = re.compile(r"[0-9]+")
_LEFT, _RIGHT = 1, 2
_ALIGN = {_LEFT: "text-align: left", _RIGHT: "text-align: right", 3: "text-align: center"}


def blank_length(text: str, at: int, end: int | None = None) -> int:
    """Length of the blank line at `at` including its newline (0: not blank); the text
    ends at `end`. At the very end of the text this is 1, as in Hoedown.
    """
    found = _BLANK.match(text, at, len(text) if end is None else end)
    return found.end() - at + (0 if found.group(0).endswith("\n") else 1) if found else 0


def line_end(text: str, at: int) -> int:
    """Index just past the newline of the line at `at` (or the end of the text)."""
    newline = text.find("\n", at)
    return len(text) if newline < 0 else newline + 1


def is_hrule(text: str, at: int, end: int | None = None) -> bool:
    return _HRULE.match(text, at, len(text) if end is None else end) is not None


def headerline_level(text: str, at: int, end: int | None = None) -> int:
    """1 for a line of ``=``, 2 for a line of ``-`` (setext underline), else 0."""
    if _HEADERLINE.match(text, at, len(text) if end is None else end) is None:
        return 0
    return 1 if text[at] == "=" else 2


def _indent(text: str, at: int, most: int) -> int:
    count = 0
    while count < most and at + count < len(text) and text[at + count] == " ":
        count += 1
    return count


def quote_prefix(text: str, at: int) -> int:
    i = at + _indent(text, at, 3)
    if i < len(text) and text[i] == ">":
        return i + 2 - at if i + 1 < len(text) and text[i + 1] == " " else i + 1 - at
    return 0


def _next_is_headerline(text: str, at: int, end: int) -> bool:
    newline = text.find("\n", at, end)
    if newline < 0 or newline + 1 >= end:
        return False
    return headerline_level(text, newline + 1, end) > 0


def bullet_prefix(text: str, at: int, end: int) -> int:
    """Length of ``- `` (``*``, ``+``; up to three spaces before) at `at`, else 0."""
    i = at + _indent(text, at, 3)
    if i + 1 >= end or text[i] not in "*+-" or text[i + 1] != " ":
        return 0
    if _next_is_headerline(text, i, end):
        return 0
    return i + 2 - at


def number_prefix(text: str, at: int, end: int) -> int:
    """Length of ``12. `` (up to three spaces before) at `at`, else 0."""
    i = at + _indent(text, at, 3)
    digits = _DIGITS.match(text, i, end)
    if digits is None:
        return 0
    i = digits.end()
    if i + 1 >= end or text[i] != "." or text[i + 1] != " ":
        return 0
    if _next_is_headerline(text, i, end):
        return 0
    return i + 2 - at


def fence_at(text: str, at: int, end: int) -> tuple[int, int, str] | None:
    """(length of indent + fence, fence width, fence character) of a fence at `at`."""
    if end - at < 3:
        return None
    i = at + _indent(text, at, 3)
    if i + 2 >= end:
        return None
    char = text[i]
    if char not in "`~":
        return None
    width = 1
    i += 1
    while i < end and text[i] == char:
        width += 1
        i += 1
    if width < 3:
        return None
    return i - at, width, char


def opening_fence(text: str, at: int) -> tuple[tuple[int, int, str], str, int] | None:
    """The fence opening a code block at `at`: the fence, its language and its line end.

    A line with three fence characters after the language (```code```) is a code span.
    """
    first_end = text.find("\n", at)
    if first_end < 0:
        first_end = len(text)
    fence = fence_at(text, at, first_end)
    if fence is None:
        return None
    i = _skip_spaces(text, at + fence[0])
    lang_start = i
    while i < first_end and text[i] != " ":
        i += 1
    if fence[2] * 3 in text[lang_start:first_end]:
        return None
    return fence, text[lang_start:i], first_end


def expand_tabs(line: str) -> str:
    """Tabs to the next multiple of four columns (columns are code points)."""
    if "\t" not in line:
        return line
    out: list[str] = []
    column = 0
    for piece in line.split("\t")[:-1]:
        out.append(piece)
        column += len(piece)
        pad = 4 - column % 4
        out.append(" " * pad)
        column += pad
    out.append(line.rsplit("\t", 1)[1])
    return "".join(out)


class Document:
    """One Markdown document parsed into tokens (see ``octavo.content.markdown.tokens``)."""

    def __init__(self, extensions: frozenset[str]) -> None:
        self.extensions = extensions
        self.fenced = "fenced-code" in extensions
        self.tables = "tables" in extensions
        self.footnotes_on = "footnotes" in extensions
        self.indented_code = "disable-indented-code" not in extensions
        self.refs: dict[str, LinkRef] = {}
        self.footnotes = Footnotes()
        self.inline = InlineParser(extensions, self.refs, self.footnotes)

    # -- first pass: definitions out, tabs and line ends normalised ----------------

    def tokens(self, source: str) -> list[Token]:
        text = self._first_pass(source)
        out: list[Token] = []
        if text:
            self.blocks(text, out, 0)
        if self.footnotes.used:
            self._footnote_tokens(out)
        return out

    def _first_pass(self, source: str) -> str:
        out: list[str] = []
        size = len(source)
        at = 1 if source.startswith("\ufeff") else 0
        while at < size:
            if _DEF_START.match(source, at):
                end = self._footnote_def(source, at) if self.footnotes_on else None
                if end is None:
                    end = self._ref_def(source, at)
                if end is not None:
                    at = end
                    continue
            end = at
            while end < size and source[end] not in "\n\r":
                end += 1
            if end > at:
                out.append(expand_tabs(source[at:end]))
            while end < size and source[end] in "\n\r":
                if source[end] == "\n" or (end + 1 < size and source[end + 1] != "\n"):
                    out.append("\n")
                end += 1
            at = end
        text = "".join(out)
        if text and text[-1] != "\n":
            text += "\n"
        return text

    def _ref_def(self, text: str, at: int) -> int | None:
        """``[id]: link "title"`` at `at`: stores it and returns the index of its line end."""
        end = len(text)
        head = _definition_head(text, at, "[")
        if head is None:
            return None
        name, i = head
        i = _skip_spaces(text, i)
        if i < end and text[i] in "\n\r":
            i += 1
            if i < end and text[i] == "\r" and text[i - 1] == "\n":
                i += 1
        i = _skip_spaces(text, i)
        if i >= end:
            return None
        if text[i] == "<":
            i += 1
        link_start = i
        while i < end and text[i] not in " \n\r":
            i += 1
        link_end = i - 1 if text[i - 1] == ">" else i
        i = _skip_spaces(text, i)
        if i < end and text[i] not in "\n\r'\"(":
            return None
        last = 0
        if i >= end or text[i] in "\r\n":
            last = i
        if i + 1 < end and text[i] == "\n" and text[i + 1] == "\r":
            last = i + 1
        if last:
            i = _skip_spaces(text, last + 1)
        title = None
        if i + 1 < end and text[i] in "'\"(":
            i += 1
            title_start = i
            while i < end and text[i] not in "\n\r":
                i += 1
            title_stop = i + 1 if i + 1 < end and text[i] == "\n" and text[i + 1] == "\r" else i
            i -= 1
            while i > title_start and text[i] == " ":
                i -= 1
            if i > title_start and text[i] in "'\")":
                last = title_stop
                title = text[title_start:i] or None
        if not last or link_end == link_start:
            return None
        self.refs[ascii_lower(name)] = LinkRef(text[link_start:link_end], title)  # last wins
        return last

    def _footnote_def(self, text: str, at: int) -> int | None:
        """``[^id]: text`` and its indented continuation: stores it, returns where it ends."""
        end = len(text)
        head = _definition_head(text, at, "[^")
        if head is None:
            return None
        name, i = head
        first = i
        parts: list[str] = []
        start = i
        in_empty = False
        while i < end:
            while i < end and text[i] not in "\n\r":
                i += 1
            if not text[start:i].strip(" "):
                in_empty = True
                i = _past_newline(text, i)
                start = i
                continue
            indent = _indent(text, start, 4)
            if indent == 0:
                if not (start == first and text[start] == "\t"):
                    break
            elif in_empty:
                parts.append("\n")
            in_empty = False
            parts.append(text[start + indent : i])
            if i < end:
                parts.append("\n")
                i = _past_newline(text, i)
            start = i
        self.footnotes.bodies.setdefault(ascii_lower(name), "".join(parts))  # first wins
        return start

    # -- second pass: blocks -------------------------------------------------------

    def blocks(self, text: str, out: list[Token], depth: int) -> None:
        """Print the blocks of `text`. `depth` counts the working buffers Hoedown would
        hold at this point: past its nesting limit, content is dropped as Publ drops it."""
        if depth > MAX_NESTING:
            return
        at = 0
        while at < len(text):
            # every block is at least a line long; the guard keeps odd input from looping
            at += self._block(text, at, out, depth) or line_end(text, at) - at

    def _block(self, text: str, at: int, out: list[Token], depth: int) -> int:
        """Print the block at `at`; returns its length (blank lines are blocks too)."""
        char = text[at]
        if char == "#":
            return self._atx_heading(text, at, out, depth)
        used = (char == "<" and self._html_block(text, at, out)) or blank_length(text, at)
        if used:
            return used
        if is_hrule(text, at):
            out.append(Token("hr"))
            return line_end(text, at) - at
        used = (self.fenced and self._fenced_code(text, at, out)) or (
            self.tables and self._table(text, at, out, depth)
        )
        if used:
            return used
        if quote_prefix(text, at):
            return self._blockquote(text, at, out, depth)
        if self.indented_code and text.startswith("    ", at):
            return self._indented_code(text, at, out)
        if bullet_prefix(text, at, len(text)):
            return self._list(text, at, out, False, depth)
        if number_prefix(text, at, len(text)):
            return self._list(text, at, out, True, depth)
        return self._paragraph(text, at, out, depth)

    def _inline(
        self, out: list[Token], text: str, depth: int, hidden: bool = False, kind: str = ""
    ) -> None:
        token = Token("inline", content=text)
        token.children = self.inline.parse(text, depth)
        if kind:
            out.append(token)
            return
        opening = Token("paragraph_open", "p")
        opening.hidden = hidden
        out.append(opening)
        out.append(token)
        out.append(Token("paragraph_close", "p"))

    def _heading(self, out: list[Token], level: int, text: str, depth: int) -> None:
        out.append(Token("heading_open", f"h{level}"))
        self._inline(out, text, depth, kind="heading")
        out.append(Token("heading_close", f"h{level}"))

    def _atx_heading(self, text: str, at: int, out: list[Token], depth: int) -> int:
        size = len(text)
        level = 0
        while at + level < size and level < 6 and text[at + level] == "#":
            level += 1
        start = _skip_spaces(text, at + level)
        stop = text.find("\n", start)
        if stop < 0:
            stop = size
        end = stop
        while end > at and text[end - 1] == "#":
            end -= 1
        while end > at and text[end - 1] == " ":
            end -= 1
        if end > start:
            self._heading(out, level, text[start:end], depth + 1)
        return stop - at

    def _paragraph(self, text: str, at: int, out: list[Token], depth: int) -> int:
        size = len(text)
        i = at
        end = at
        level = 0
        while i < size:
            end = line_end(text, i)
            if blank_length(text, i):
                break
            level = headerline_level(text, i)
            if level:
                break
            if text[i] == "#" or is_hrule(text, i) or quote_prefix(text, i):
                end = i
                break
            i = end
        work = text[at:i].rstrip("\n")
        if not level:
            self._inline(out, work, depth + 1)
            return end - at
        newline = work.rfind("\n")
        if newline > 0:
            before = work[:newline].rstrip("\n")
            if before:
                self._inline(out, before, depth + 1)
                work = work[newline + 1 :]
        self._heading(out, level, work, depth + 1)
        return end - at

    def _blockquote(self, text: str, at: int, out: list[Token], depth: int) -> int:
        size = len(text)
        work: list[str] = []
        i = at
        end = at
        while i < size:
            end = line_end(text, i)
            prefix = quote_prefix(text, i)
            if prefix:
                i += prefix
            elif blank_length(text, i) and (
                end >= size or (not quote_prefix(text, end) and not blank_length(text, end))
            ):
                break
            if i < end:
                work.append(text[i:end])
            i = end
        out.append(Token("blockquote_open"))
        self.blocks("".join(work), out, depth + 1)
        out.append(Token("blockquote_close"))
        return end - at

    def _indented_code(self, text: str, at: int, out: list[Token]) -> int:
        size = len(text)
        work: list[str] = []
        i = at
        while i < size:
            end = line_end(text, i)
            if text.startswith("    ", i):
                i += 4
            elif not blank_length(text, i):
                break
            if i < end:
                work.append("\n" if blank_length(text, i) else text[i:end])
            i = end
        out.append(Token("code_block", content="".join(work).rstrip("\n") + "\n"))
        return i - at

    def _fenced_code(self, text: str, at: int, out: list[Token]) -> int:
        size = len(text)
        opening = opening_fence(text, at)
        if opening is None:
            return 0
        fence, language, first_end = opening
        width_all = fence[0]
        i = first_end + 1
        body_start = i
        line_start = i
        while i < size:
            line_start = i
            stop = text.find("\n", line_start)
            if stop < 0:
                stop = size
            closing = fence_at(text, line_start, stop)
            if closing == fence and not text[line_start + width_all : stop].strip(" "):
                i = stop
                break
            i = stop + 1
        else:
            line_start = size
        token = Token("fence", content=text[body_start:line_start])
        token.info = language
        out.append(token)
        return i - at

    def _html_block(self, text: str, at: int, out: list[Token]) -> int:
        """Print the HTML block at `at`; returns its length (0: there is none)."""
        size = len(text)
        if size - at < 2 or text[at] != "<":
            return 0
        i = at + 1
        while i < size and text[i] not in "> ":
            i += 1
        tag = text[at + 1 : i].lower() if i < size else ""
        if tag not in BLOCK_TAGS:
            used = _special_html_block(text, at)
        else:
            used = _closing_strict(tag, text, at)
            if not used and tag not in ("ins", "del"):
                used = _closing_anywhere(tag, text, at, size)
        if used:
            out.append(Token("html_block", content=text[at : at + used].strip("\n") + "\n"))
        return used

    def _table(self, text: str, at: int, out: list[Token], depth: int) -> int:
        size = len(text)
        i = text.find("\n", at)
        if i < 0:
            return 0
        pipes = text.count("|", at, i)
        if not pipes:
            return 0
        header_end = i
        while header_end > at and text[header_end - 1] in " \n":
            header_end -= 1
        if text[at] == "|":
            pipes -= 1
        if header_end > at and text[header_end - 1] == "|":
            pipes -= 1
        if pipes < 0:
            return 0
        columns = pipes + 1
        aligns = [0] * columns
        i += 1
        if i < size and text[i] == "|":
            i += 1
        under_end = text.find("\n", i)
        if under_end < 0:
            under_end = size
        column = 0
        while column < columns and i < under_end:
            dashes = 0
            i = _skip_spaces(text, i, under_end)
            if i < under_end and text[i] == ":":
                i += 1
                aligns[column] |= _LEFT
                dashes += 1
            while i < under_end and text[i] == "-":
                i += 1
                dashes += 1
            if i < under_end and text[i] == ":":
                i += 1
                aligns[column] |= _RIGHT
                dashes += 1
            i = _skip_spaces(text, i, under_end)
            if i < under_end and text[i] not in "|+":
                break
            if dashes < 3:
                break
            i += 1
            column += 1
        if column < columns:
            return 0
        out.append(Token("table_open"))
        out.append(Token("thead_open"))
        self._table_row(text, at, header_end, aligns, "th", out, depth)
        out.append(Token("thead_close"))
        out.append(Token("tbody_open"))
        i = under_end + 1
        while i < size:
            stop = text.find("\n", i)
            if stop < 0 or text.count("|", i, stop) == 0:
                break
            self._table_row(text, i, stop, aligns, "td", out, depth)
            i = stop + 1
        out.append(Token("tbody_close"))
        out.append(Token("table_close"))
        return i - at

    def _table_row(
        self,
        text: str,
        start: int,
        end: int,
        aligns: list[int],
        cell: str,
        out: list[Token],
        depth: int,
    ) -> None:
        out.append(Token("tr_open"))
        i = start
        if i < end and text[i] == "|":
            i += 1
        for align in aligns:
            opening = Token(f"{cell}_open", cell)
            if align:
                opening.attrs["style"] = _ALIGN[align]
            content = ""
            if i < end:
                while i < end and text[i] in " \n":
                    i += 1
                cell_start = i
                step = find_emph_char(text, i, end, "|")
                if not step and i < end and text[i] != "|":
                    step = end - i
                i += step
                cell_end = i - 1
                while cell_end > cell_start and text[cell_end] in " \n":
                    cell_end -= 1
                content = text[cell_start : cell_end + 1]
                i += 1
            out.append(opening)
            self._inline(out, content, depth + 5, kind="cell")
            out.append(Token(f"{cell}_close", cell))
        out.append(Token("tr_close"))

    # -- lists ---------------------------------------------------------------------

    def _list(self, text: str, at: int, out: list[Token], ordered: bool, depth: int) -> int:
        kind = "ordered_list" if ordered else "bullet_list"
        out.append(Token(f"{kind}_open"))
        state = _ListState(ordered)
        i = at
        size = len(text)
        while i < size:
            used = self._list_item(text, i, out, state, depth + 1)
            i += used
            if not used or state.ended:
                break
        out.append(Token(f"{kind}_close"))
        return i - at

    def _list_item(
        self, text: str, at: int, out: list[Token], state: _ListState, depth: int
    ) -> int:
        size = len(text)
        own_indent = _indent(text, at, 3)
        prefix = bullet_prefix(text, at, size) or number_prefix(text, at, size)
        if not prefix:
            return 0
        end = line_end(text, at + prefix)
        work = [text[at + prefix : end]]
        length = end - at - prefix
        i = end
        in_empty = has_inside_empty = in_fence = False
        sublist = 0
        while i < size:
            end = line_end(text, i)
            if blank_length(text, i):
                in_empty = True
                i = end
                continue
            indent = _indent(text, i, 4)
            content = i + indent
            if self.fenced and fence_at(text, content, end):
                in_fence = not in_fence
            next_bullet = next_number = 0
            if not in_fence:
                next_bullet = bullet_prefix(text, content, end)
                next_number = number_prefix(text, content, end)
            if (next_bullet and not is_hrule(text, content, end)) or next_number:
                if in_empty:
                    has_inside_empty = True
                if indent <= own_indent:
                    other_kind = next_bullet if state.ordered else next_number
                    if in_empty and other_kind:
                        state.ended = True
                    break
                if not sublist:
                    sublist = length
            elif in_empty and indent == 0:
                state.ended = True
                break
            if in_empty:
                work.append("\n")
                length += 1
                has_inside_empty = True
                in_empty = False
            work.append(text[content:end])
            length += end - content
            i = end
        if has_inside_empty:
            state.loose = True
        body = "".join(work)
        opening = Token("list_item_open")
        opening.info = "ordered" if state.ordered else ""
        out.append(opening)
        depth += 2  # the item's text and its rendering
        head, tail = (body[:sublist], body[sublist:]) if 0 < sublist < len(body) else (body, "")
        if state.loose:
            self.blocks(head, out, depth)
        else:
            self._inline(out, head, depth, hidden=True)
        if tail:
            self.blocks(tail, out, depth)
        out.append(Token("list_item_close"))
        return i - at

    # -- footnotes -------------------------------------------------------------------

    def _footnote_tokens(self, out: list[Token]) -> None:
        out.append(Token("footnote_block_open"))
        done = 0
        while done < len(self.footnotes.used):
            name = self.footnotes.used[done]
            opening = Token("footnote_open")
            opening.meta = {"id": done}
            out.append(opening)
            body = self.footnotes.bodies[name]
            if body:
                self.blocks(body, out, 2)
            out.append(Token("footnote_close"))
            done += 1
        out.append(Token("footnote_block_close"))


class _ListState:
    """What carries from one item of a list to the next."""

    __slots__ = ("ended", "loose", "ordered")

    def __init__(self, ordered: bool) -> None:
        self.ordered = ordered
        self.loose = False
        self.ended = False


def _definition_head(text: str, at: int, opener: str) -> tuple[str, int] | None:
    """``[id]:`` (or ``[^id]:``) after up to three spaces: the id and the index after ``:``."""
    end = len(text)
    if at + 3 >= end:
        return None
    i = at + _indent(text, at, 3)
    if not text.startswith(opener, i):
        return None
    i += len(opener)
    id_start = i
    while i < end and text[i] not in "\n\r]":
        i += 1
    if i + 1 >= end or text[i] != "]" or text[i + 1] != ":":
        return None
    return text[id_start:i], i + 2


def _skip_spaces(text: str, at: int, end: int | None = None) -> int:
    stop = len(text) if end is None else end
    while at < stop and text[at] == " ":
        at += 1
    return at


def _past_newline(text: str, at: int) -> int:
    """Past one line end (``\\n``, ``\\r`` or ``\\r\\n``) at `at`."""
    if at < len(text) and text[at] in "\n\r":
        at += 1
        if at < len(text) and text[at] == "\n" and text[at - 1] == "\r":
            at += 1
    return at


def _special_html_block(text: str, at: int) -> int:
    """A comment or an ``<hr>`` alone on its line(s): its length, or 0."""
    size = len(text)
    if size - at > 5 and text.startswith("<!--", at):
        close = text.find("-->", at + 3)
        while close >= 0 and close + 2 < at + 5:
            close = text.find("-->", close + 1)
        if close >= 0 and close + 3 < size:
            rest = blank_length(text, close + 3)
            if rest:
                return close + 3 + rest - at
    if size - at > 4 and text[at + 1 : at + 3].lower() == "hr":
        close = text.find(">", at + 3)
        if close >= 0 and close + 1 < size:
            rest = blank_length(text, close + 1)
            if rest:
                return close + 1 + rest - at
    return 0


def _closing_tag(tag: str, text: str, at: int, end: int) -> int:
    """``</tag>`` at `at` with nothing but spaces after it on its line: the length of
    that (newline included), or 0."""
    width = len(tag) + 3
    if at + width > end or text[at + 1] != "/" or text[at + 2 : at + width - 1].lower() != tag:
        return 0
    if text[at + width - 1] != ">":
        return 0
    rest = blank_length(text, at + width, end)
    if not rest and at + width < end:
        return 0
    return width + rest


def _closing_anywhere(tag: str, text: str, at: int, end: int) -> int:
    """The end of the first ``</tag>`` that closes its line, relative to `at` (0: none)."""
    i = at
    while True:
        i = text.find("<", i, end)
        if i < 0:
            return 0
        used = _closing_tag(tag, text, i, end)
        if used:
            return i + used - at
        i += 1


def _closing_strict(tag: str, text: str, at: int) -> int:
    """Like `_closing_anywhere`, but the closing line must be followed by a blank line
    (or the end), and indented lines after the first are not looked at."""
    size = len(text)
    i = at
    while True:
        mark = i
        i = line_end(text, i)
        if i == mark:
            return 0
        if text[mark] == " " and mark > at:
            continue
        if mark + _closing_anywhere(tag, text, mark, i) == i and (
            i >= size or blank_length(text, i)
        ):
            return i - at
