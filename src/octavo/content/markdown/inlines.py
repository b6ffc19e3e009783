"""Inline Markdown as Hoedown (Publ's Markdown engine) reads it.

The text is scanned for the characters that can start markup; plain text between
them is passed through. A construct that does not complete leaves its opening
character as text. The rules that differ from CommonMark, and that authors of
Publ sites rely on:

* emphasis pairs the nearest closing delimiter not preceded by a space, also
  inside words (``snake_case_word`` → ``snake<em>case</em>word``); ``***x***``
  is ``<strong><em>``;
* a code span ends at the first run of as many backticks as opened it, and
  loses its outer spaces;
* only ``\\`*_{}[]()#+-.!:|&<>^~="$`` can be backslash-escaped;
* ``&word;`` is an entity whether or not HTML defines it;
* ``<x…>`` (a letter or digit after ``<``) up to the next ``>`` is raw HTML;
* space (even a line break) may separate ``[text]`` from ``(target)`` or ``[ref]``;
* ``^word`` / ``^(words)`` superscript, ``==mark==``, ``~~del~~``, ``$$math$$``;
* a footnote reference whose note is missing stays as text.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from octavo.content.markdown.tokens import Token

SPACE = " \n"
#: Characters a backslash escapes.
ESCAPABLE = frozenset('\\`*_{}[]()#+-.!:|&<>^~="$')
#: Spans nested deeper than this render nothing (Hoedown's limit, as Publ configures it).
MAX_NESTING = 16

_ENTITY = re.compile(r"&#?[A-Za-z0-9]*;")
_SCHEME = re.compile(r"[A-Za-z0-9.+-]*")
_MAIL = re.compile(r"[A-Za-z0-9._@-]*>")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_WHITE = re.compile("[ \n]")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass
class LinkRef:
    """A reference definition, ``[id]: link "title"``."""

    link: str
    title: str | None


@dataclass
class Footnotes:
    """Footnote definitions of a document and the order their references used them."""

    bodies: dict[str, str] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)
    uses: dict[str, int] = field(default_factory=dict)

    def reference(self, name: str) -> tuple[int, int] | None:
        """(index of the note, how many times it was referenced before) or None."""
        key = ascii_lower(name)
        if key not in self.bodies:
            return None
        if key not in self.uses:
            self.used.append(key)
            self.uses[key] = 0
        else:
            self.uses[key] += 1
        return self.used.index(key), self.uses[key]


def ascii_lower(name: str) -> str:
    """Reference and footnote names match regardless of ASCII case (only ASCII)."""
    return name.translate(_ASCII_LOWER)


def is_escaped(text: str, start: int, at: int) -> bool:
    """Whether text[at] follows an odd number of backslashes (counted from `start`)."""
    count = 0
    while at - count - 1 >= start and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


_STOPS: dict[str, re.Pattern[str]] = {}


def find_emph_char(text: str, start: int, end: int, char: str) -> int:
    """Offset from `start` of the next unescaped `char` outside code spans and links;
    0 means none (a match right at `start` counts as none, as in Hoedown).

    An unclosed code span or link gives the first `char` inside it instead.
    """
    stop = _STOPS.get(char)
    if stop is None:
        stop = _STOPS[char] = re.compile("[" + re.escape(char) + r"\[`]")
    i = start
    while i < end:
        found = stop.search(text, i, end)
        if found is None:
            return 0
        i = found.start()
        if is_escaped(text, start, i):
            i += 1
            continue
        current = text[i]
        if current == char:
            return i - start
        if current == "`":
            run = i
            while i < end and text[i] == "`":
                i += 1
            if i >= end:
                return 0
            close = text.find("`" * (i - run), i, end)
            if close < 0:
                return _first(text, char, i, end, start)
            i = close + i - run
            continue
        close = text.find("]", i + 1, end)
        candidate = _first(text, char, i + 1, end if close < 0 else close, start)
        i = end if close < 0 else close + 1
        while i < end and text[i] in SPACE:
            i += 1
        if i >= end:
            return candidate
        closer = {"[": "]", "(": ")"}.get(text[i])
        if closer is None:
            if candidate:
                return candidate
            continue
        close = text.find(closer, i + 1, end)
        if not candidate:
            candidate = _first(text, char, i + 1, end if close < 0 else close, start)
        if close < 0:
            return candidate
        i = close + 1
    return 0


def _first(text: str, char: str, begin: int, end: int, start: int) -> int:
    """Offset from `start` of the first `char` in text[begin:end] (0: none)."""
    found = text.find(char, begin, end)
    return found - start if found >= 0 else 0


Handler = Callable[[str, int, int, list[Token], int], int]


class InlineParser:
    """Parses inline Markdown into tokens; one instance per document (it carries the
    document's reference definitions and footnotes)."""

    def __init__(
        self, extensions: frozenset[str], refs: dict[str, LinkRef], footnotes: Footnotes
    ) -> None:
        self.refs = refs
        self.footnotes = footnotes
        self.math = "math" in extensions
        handlers: dict[str, Handler] = {
            "*": self.emphasis,
            "_": self.emphasis,
            "`": self.code_span,
            "\n": self.line_break,
            "[": self.link,
            "<": self.angle,
            "\\": self.escape,
            "&": self.entity,
        }
        if "strikethrough" in extensions:
            handlers["~"] = self.emphasis
        if "highlight" in extensions:
            handlers["="] = self.emphasis
        if "superscript" in extensions:
            handlers["^"] = self.superscript
        if self.math:
            handlers["$"] = self.dollar
        self.footnotes_on = "footnotes" in extensions
        self.handlers = handlers
        self.active = re.compile("[" + re.escape("".join(handlers)) + "]")

    # -- the scanning loop -------------------------------------------------------------

    def parse(self, text: str, depth: int = 0) -> list[Token]:
        out: list[Token] = []
        if depth > MAX_NESTING:
            return out
        start = consumed = 0
        scan = 0
        size = len(text)
        handlers = self.handlers
        search = self.active.search
        while True:
            found = search(text, scan)
            if found is None:
                _text(out, text[start:])
                return out
            at = found.start()
            if at > start:
                _text(out, text[start:at])
                start = at
            used = handlers[text[at]](text, at, at - consumed, out, depth)
            if used:
                start = scan = consumed = at + used
                if scan >= size:
                    return out
            else:
                scan = at + 1
                if scan >= size:
                    _text(out, text[start:])
                    return out

    # -- handlers: each returns how many characters it consumed (0: not markup) --------

    def emphasis(self, text: str, at: int, offset: int, out: list[Token], depth: int) -> int:
        char = text[at]
        size = len(text) - at
        nxt = text[at + 1] if size > 1 else ""
        if size > 2 and nxt != char:
            if char in "~=" or nxt in SPACE:
                return 0
            used = self._emph1(text, at + 1, char, out, depth)
            return used + 1 if used else 0
        if size > 3 and nxt == char and text[at + 2] != char:
            if text[at + 2] in SPACE:
                return 0
            used = self._emph2(text, at + 2, char, out, depth)
            return used + 2 if used else 0
        if size > 4 and nxt == char and text[at + 2] == char and text[at + 3] != char:
            if char in "~=" or text[at + 3] in SPACE:
                return 0
            used = self._emph3(text, at + 3, char, out, depth)
            return used + 3 if used else 0
        return 0

    def _wrap(
        self, name: str, inner: str, out: list[Token], depth: int, outer: str | None = None
    ) -> bool:
        children = self.parse(inner, depth + 1)
        if not children:
            return False
        if outer:
            out.append(Token(f"{outer}_open"))
        out.append(Token(f"{name}_open"))
        out.extend(children)
        out.append(Token(f"{name}_close"))
        if outer:
            out.append(Token(f"{outer}_close"))
        return True

    def _emph1(self, text: str, start: int, char: str, out: list[Token], depth: int) -> int:
        end = len(text)
        size = end - start
        i = 1 if size > 1 and text[start] == char and text[start + 1] == char else 0
        while i < size:
            step = find_emph_char(text, start + i, end, char)
            if not step:
                return 0
            i += step
            if i >= size:
                return 0
            if text[start + i] == char and text[start + i - 1] not in SPACE:
                inner = text[start : start + i]
                return i + 1 if self._wrap("em", inner, out, depth) else 0
        return 0

    def _emph2(self, text: str, start: int, char: str, out: list[Token], depth: int) -> int:
        size = len(text) - start
        for i in _candidates(text, start, char, 1):
            at = start + i
            if (
                i + 1 < size
                and text[at] == char
                and text[at + 1] == char
                and text[at - 1] not in SPACE
            ):
                name = {"~": "s", "=": "mark"}.get(char, "strong")
                return i + 2 if self._wrap(name, text[start:at], out, depth) else 0
        return 0

    def _emph3(self, text: str, start: int, char: str, out: list[Token], depth: int) -> int:
        size = len(text) - start
        for i in _candidates(text, start, char, 0):
            at = start + i
            if text[at] != char or text[at - 1] in SPACE:
                continue
            if i + 2 < size and text[at + 1] == char and text[at + 2] == char:
                inner = text[start:at]
                return i + 3 if self._wrap("em", inner, out, depth, outer="strong") else 0
            if i + 1 < size and text[at + 1] == char:
                used = self._emph1(text, start - 2, char, out, depth)
                return used - 2 if used else 0
            used = self._emph2(text, start - 1, char, out, depth)
            return used - 1 if used else 0
        return 0

    def code_span(self, text: str, at: int, offset: int, out: list[Token], depth: int) -> int:
        end = len(text)
        ticks = at
        while ticks < end and text[ticks] == "`":
            ticks += 1
        width = ticks - at
        closer = text.find("`" * width, ticks)
        if closer < 0:
            return 0
        content = text[ticks:closer].strip(" ")
        i = closer + width
        token = Token("code_inline", content=content)
        out.append(token)
        return i - at

    def line_break(self, text: str, at: int, offset: int, out: list[Token], depth: int) -> int:
        if offset < 2 or text[at - 1] != " " or text[at - 2] != " ":
            return 0
        if out and out[-1].type == "text":
            out[-1].content = out[-1].content.rstrip(" ")
        out.append(Token("hardbreak"))
        return 1

    def escape(self, text: str, at: int, offset: int, out: list[Token], depth: int) -> int:
        size = len(text) - at
        if size == 1:
            _text(out, "\\")
            return 2
        nxt = text[at + 1]
        if nxt == "\\" and self.math and size > 2 and text[at + 2] in "([":
            closer = "\\\\)" if text[at + 2] == "(" else "\\\\]"
            used = self._math(text, at, closer, text[at + 2] == "[", out, offset)
            if used:
                return used
        if nxt not in ESCAPABLE:
            return 0
        _text(out, nxt)
        return 2

    def entity(self, text: str, at: int, offset: int, out: list[Token], depth: int) -> int:
        found = _ENTITY.match(text, at)
        if found is None:
            return 0
        token = Token("text_special", content=found.group(0))
        token.info = "entity"
        token.markup = found.group(0)
        out.append(token)
        return found.end() - at

    def angle(self, text: str, at: int, offset: int, out: list[Token], depth: int) -> int:
        end, kind = _tag_length(text, at)
        if end <= 2:
            return 0
        if kind:
            link = _unescape(text[at + 1 : at + end - 1])
            opening = Token("link_open")
            opening.markup = "autolink"
            opening.attrs["href"] = ("mailto:" if kind == "email" else "") + link
            out.append(opening)
            out.append(Token("text", content=link))
            out.append(Token("link_close"))
        else:
            out.append(Token("html_inline", content=text[at : at + end]))
        return end

    def superscript(self, text: str, at: int, offset: int, out: list[Token], depth: int) -> int:
        size = len(text) - at
        if size < 2:
            return 0
        if text[at + 1] == "(":
            first = 2
            last = find_emph_char(text, at + 2, len(text), ")") + 2
            if last == size:
                return 0
        else:
            first = 1
            space = _WHITE.search(text, at + 1)
            last = size if space is None else space.start() - at
        if last == first:
            return 3 if first == 2 else 0
        children = self.parse(text[at + first : at + last], depth + 1)
        if children:  # Hoedown prints no <sup> around nothing (nested past the limit)
            out.append(Token("sup_open"))
            out.extend(children)
            out.append(Token("sup_close"))
        return last + 1 if first == 2 else last

    def dollar(self, text: str, at: int, offset: int, out: list[Token], depth: int) -> int:
        if len(text) - at > 1 and text[at + 1] == "$":
            return self._math(text, at, "$$", None, out, offset)
        return 0

    def _math(
        self, text: str, at: int, closer: str, display: bool | None, out: list[Token], offset: int
    ) -> int:
        width = len(closer)
        i = at + width
        end = len(text)
        while True:
            i = text.find(closer[0], i)
            if i < 0:
                return 0
            if not is_escaped(text, at, i) and text.startswith(closer, i):
                break
            i += 1
        content = text[at + width : i]
        i += width
        if display is None:
            display = not text[at - offset : at].strip(SPACE) and not text[i:end].strip(SPACE)
        token = Token("math", content=content)
        token.meta = {"display": display}
        out.append(token)
        return i - at

    # -- links, images, footnote references ----------------------------------------------

    def link(self, text: str, at: int, offset: int, out: list[Token], depth: int) -> int:
        end = len(text)
        is_image = offset > 0 and text[at - 1] == "!"
        label_end = at + 1 + find_emph_char(text, at + 1, end, "]")
        if label_end >= end or text[label_end] != "]":
            return 0
        has_newline = "\n" in text[at:label_end]
        i = label_end
        i += 1
        if self.footnotes_on and text[at + 1 : at + 2] == "^":
            return self._footnote_ref(text, at, label_end, is_image, out)
        while i < end and text[i] in SPACE:
            i += 1
        title: str | None = None
        buffers = 2  # Hoedown's working buffers for the label and the reference id
        if i < end and text[i] == "(":
            target = _inline_target(text, i + 1)
            if target is None:
                return 0
            link, title, i = target
            buffers = 1 + bool(link) + bool(title)
        elif i < end and text[i] == "[":
            close = text.find("]", i + 1)
            if close < 0:
                return 0
            name = text[i + 1 : close] or _label_id(text, at, label_end, has_newline)
            ref = self.refs.get(ascii_lower(name))
            if ref is None:
                return 0
            link, title, i = _unescape(ref.link), ref.title, close + 1
        else:
            ref = self.refs.get(ascii_lower(_label_id(text, at, label_end, has_newline)))
            if ref is None:
                return 0
            link, title, i = _unescape(ref.link), ref.title, label_end + 1
        label = text[at + 1 : label_end]
        if is_image:
            _drop_bang(out)
            token = Token("publ_image", "img")
            token.meta = {"alt": label, "link": link, "title": title}
            out.append(token)
            return i - at
        opening = Token("link_open", "a")
        opening.meta = {"href": link, "title": title}
        out.append(opening)
        if label:
            out.extend(self.parse(label, depth + buffers))
        out.append(Token("link_close", "a"))
        return i - at

    def _footnote_ref(
        self, text: str, at: int, label_end: int, is_image: bool, out: list[Token]
    ) -> int:
        if label_end - at < 3:
            return 0
        found = self.footnotes.reference(text[at + 2 : label_end])
        if found is None:
            return 0
        if is_image:
            _drop_bang(out)
        token = Token("footnote_ref")
        token.meta = {"id": found[0], "subId": found[1]}
        out.append(token)
        return label_end + 1 - at


def _candidates(text: str, start: int, char: str, advance: int) -> Iterator[int]:
    """Offsets from `start` of successive closing candidates for `char`; after each,
    the search goes on `advance` characters further (Hoedown's loops differ there)."""
    end = len(text)
    i = 0
    while i < end - start:
        step = find_emph_char(text, start + i, end, char)
        if not step:
            return
        i += step
        yield i
        i += advance


def _text(out: list[Token], content: str) -> None:
    if not content:
        return
    if out and out[-1].type == "text":
        out[-1].content += content
    else:
        out.append(Token("text", content=content))


def _drop_bang(out: list[Token]) -> None:
    """An image's ``!`` was printed as text before its ``[`` was seen: take it back."""
    if out and out[-1].type == "text" and out[-1].content.endswith("!"):
        out[-1].content = out[-1].content[:-1]
        if not out[-1].content:
            out.pop()


def _unescape(text: str) -> str:
    """Every backslash makes the next character literal (Hoedown's link unescaping)."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        slash = text.find("\\", i)
        if slash < 0:
            out.append(text[i:])
            break
        out.append(text[i:slash])
        if slash + 1 >= len(text):
            break
        out.append(text[slash + 1])
        i = slash + 2
    return "".join(out)


def _label_id(text: str, at: int, label_end: int, has_newline: bool) -> str:
    """The reference id of ``[label]``: its text, line breaks read as spaces."""
    label = text[at + 1 : label_end]
    if not has_newline:
        return label
    out: list[str] = []
    for i, char in enumerate(label):
        if char != "\n":
            out.append(char)
        elif (text[at + i] if i else text[at]) != " ":
            out.append(" ")
    return "".join(out)


def _inline_target(text: str, start: int) -> tuple[str, str | None, int] | None:
    """``(link "title")`` from just after the ``(``: link, title and the index after ``)``.

    The link runs to the first quote that follows a space (or the balancing ``)``),
    so it may contain spaces; the title runs to the last quote before ``)``.
    """
    end = len(text)
    if text.find(")", start) < 0:
        return None
    i = start
    while i < end and text[i] in SPACE:
        i += 1
    link_start = i
    depth = 0
    while i < end:
        char = text[i]
        if char == "\\":
            i += 2
        elif char == "(" and i != 0:
            depth += 1
            i += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
            i += 1
        elif i >= 1 and text[i - 1] in SPACE and char in "'\"":
            break
        else:
            i += 1
    if i >= end:
        return None
    link_end = i
    title = None
    if text[i] in "'\"":
        quote = text[i]
        in_title = True
        i += 1
        title_start = i
        while i < end:
            char = text[i]
            if char == "\\":
                i += 2
            elif char == quote:
                in_title = False
                i += 1
            elif char == ")" and not in_title:
                break
            else:
                i += 1
        if i >= end:
            return None
        title_end = i - 1
        while title_end > title_start and text[title_end] in SPACE:
            title_end -= 1
        if text[title_end] in "'\"":
            title = text[title_start:title_end] or None
        else:
            link_end = i
    while link_end > link_start and text[link_end - 1] in SPACE:
        link_end -= 1
    if link_end > link_start and text[link_start] == "<" and text[link_end - 1] == ">":
        link_start += 1
        link_end -= 1
    return _unescape(text[link_start:link_end]), title, i + 1


def _tag_length(text: str, at: int) -> tuple[int, str]:
    """Length of the raw tag or autolink at `at` (0: none) and the autolink kind."""
    end = len(text)
    if end - at < 3:
        return 0, ""
    if text.startswith("<!--", at) and end - at > 5:
        close = text.find("-->", at + 3)
        # the comment may not close before its fifth character (``<!--->`` is open)
        while close >= 0 and close + 2 < at + 5:
            close = text.find("-->", close + 1)
        if close >= 0:
            return close + 3 - at, ""
    i = at + 2 if text[at + 1] == "/" else at + 1
    if i >= end or text[i] not in _ASCII_ALNUM:
        return 0, ""
    scheme_end = _SCHEME.match(text, i).end()  # type: ignore[union-attr]
    kind = ""
    if scheme_end - at > 1 and scheme_end < end and text[scheme_end] == "@":
        mail = _MAIL.match(text, scheme_end)
        if mail and mail.group(0).count("@") == 1:
            return mail.end() - at, "email"
    i = scheme_end
    if i - at > 2 and i < end and text[i] == ":":
        kind = "normal"
        i += 1
    if kind:
        if i >= end:
            kind = ""
        else:
            link_start = i
            while i < end:
                char = text[i]
                if char == "\\":
                    i += 2
                elif char in ">'\" \n":
                    break
                else:
                    i += 1
            if i >= end:
                return 0, ""
            if i > link_start and text[i] == ">":
                return i + 1 - at, kind
            kind = ""
    close = text.find(">", i)
    if close < 0:
        return 0, ""
    return close + 1 - at, ""
