"""Typographic punctuation exactly as Publ prints it (Hoedown's SmartyPants).

Publ runs Hoedown's SmartyPants over rendered HTML, so sites carry its named
entities (``&ldquo;``, ``&rsquo;``, ``&ndash;``, ``&hellip;``…) and its quirks:
the open/closed state of quotes runs across the whole document, tags and the
contents of ``pre``/``code``/``kbd``/… are copied verbatim, and escaped quote
entities (``&#39;``, ``&quot;``) count as quotes. This is a character scanner
that reproduces that behaviour; the fixture tests compare it with Publ's.
"""

from __future__ import annotations

import re

# Characters that may start a replacement; everything else is copied in runs.
_TRIGGERS = re.compile(r"[\"&'(\-.13<\\`]")
_SKIP_TAGS = ("pre", "code", "var", "samp", "kbd", "math", "script", "style")
_SINGLE_QUOTES = ("'", "&#39;", "&#x27;", "&apos;")
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_SPACE = frozenset(" \t\n\v\f\r")
_PARENS = (("(c)", "&copy;"), ("(r)", "&reg;"), ("(tm)", "&trade;"))
_DASHES = (("---", "&mdash;"), ("--", "&ndash;"))
_ELLIPSES = (("...", "&hellip;"), (". . .", "&hellip;"))


def _boundary(char: str) -> bool:
    """Start/end of text, whitespace or ASCII punctuation, as C's isspace/ispunct see it."""
    return char == "" or char in _SPACE or char in _PUNCTUATION


def _squote_len(text: str, pos: int) -> int:
    for quote in _SINGLE_QUOTES:
        if text.startswith(quote, pos):
            return len(quote)
    return 0


def _tag_kind(text: str, pos: int, name: str) -> str | None:
    """'open' or 'close' if text[pos:] starts a ``<name>``/``</name>`` tag (case-sensitive)."""
    if not text.startswith("<", pos):
        return None
    i = pos + 1
    closed = text.startswith("/", i)
    if closed:
        i += 1
    if not text.startswith(name, i):
        return None
    i += len(name)
    if i >= len(text) or not (text[i] in _SPACE or text[i] == ">"):
        return None
    return "close" if closed else "open"


class _Pants:
    """One pass over one HTML string; quote state lives for the whole string."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.in_squote = False
        self.in_dquote = False

    def at(self, pos: int) -> str:
        return self.text[pos] if 0 <= pos < len(self.text) else ""

    def ends_after(self, pos: int, count: int) -> bool:
        """Whether exactly `count` bytes remain from pos (Hoedown counts UTF-8 bytes)."""
        rest = self.text[pos:]
        return len(rest) == count and rest.isascii()

    def quote(self, before: str, after: str, kind: str, double: bool) -> bool:
        """Emit an opening or closing curly quote when the neighbours allow it."""
        is_open = self.in_dquote if double else self.in_squote
        if is_open and not _boundary(after):
            return False
        if not is_open and not _boundary(before):
            return False
        self.out.append(f"&{'r' if is_open else 'l'}{kind}quo;")
        if double:
            self.in_dquote = not is_open
        else:
            self.in_squote = not is_open
        return True

    def run(self) -> str:
        text = self.text
        pos = 0
        size = len(text)
        while pos < size:
            match = _TRIGGERS.search(text, pos)
            if match is None:
                self.out.append(text[pos:])
                break
            start = match.start()
            if start > pos:
                self.out.append(text[pos:start])
            pos = start + 1 + self.dispatch(start)
        return "".join(self.out)

    def dispatch(self, pos: int) -> int:
        """Handle the trigger at pos; return how many extra characters it consumed."""
        char = self.text[pos]
        before = self.at(pos - 1)
        if char == "'":
            return self.squote(pos, pos, before, "'")
        handler = {
            '"': self.dquote,
            "&": self.amp,
            "(": self.parens,
            "-": self.dash,
            ".": self.period,
            "1": self.number,
            "3": self.number,
            "<": self.tag,
            "\\": self.escape,
            "`": self.backtick,
        }[char]
        return handler(pos, before)

    def squote(self, pos: int, quote_pos: int, before: str, original: str) -> int:
        """A single quote (or its entity, which ends at quote_pos)."""
        at = self.at
        t1 = at(quote_pos + 1).lower()
        remaining = len(self.text) - quote_pos
        if remaining >= 2:
            next_len = _squote_len(self.text, quote_pos + 1)
            if next_len and self.quote(before, at(quote_pos + 1 + next_len), "d", True):
                return quote_pos - pos + next_len
            if t1 in ("s", "t", "m", "d") and (
                self.ends_after(quote_pos, 3) or _boundary(at(quote_pos + 2))
            ):
                self.out.append("&rsquo;")
                return quote_pos - pos
            pair = t1 + at(quote_pos + 2).lower()
            if (
                remaining >= 3
                and pair in ("re", "ll", "ve")
                and (self.ends_after(quote_pos, 4) or _boundary(at(quote_pos + 3)))
            ):
                self.out.append("&rsquo;")
                return quote_pos - pos
        if not self.quote(before, at(quote_pos + 1), "s", False):
            self.out.append(original)
        return quote_pos - pos

    def dquote(self, pos: int, before: str) -> int:
        if not self.quote(before, self.at(pos + 1), "d", True):
            self.out.append("&quot;")
        return 0

    def amp(self, pos: int, before: str) -> int:
        text = self.text
        if text.startswith("&quot;", pos) and self.quote(before, self.at(pos + 6), "d", True):
            return 5
        length = _squote_len(text, pos)
        if length:
            return self.squote(pos, pos + length - 1, before, text[pos : pos + length])
        if text.startswith("&#0;", pos):
            return 3
        self.out.append("&")
        return 0

    def literal(self, pos: int, table: tuple[tuple[str, str], ...], fold: bool = False) -> int:
        """Replace the first sequence of `table` found at pos; else copy the character."""
        for sequence, entity in table:
            found = self.text[pos : pos + len(sequence)]
            if (found.lower() if fold else found) == sequence:
                self.out.append(entity)
                return len(sequence) - 1
        self.out.append(self.text[pos])
        return 0

    def parens(self, pos: int, before: str) -> int:
        return self.literal(pos, _PARENS, fold=True)

    def dash(self, pos: int, before: str) -> int:
        return self.literal(pos, _DASHES)

    def period(self, pos: int, before: str) -> int:
        return self.literal(pos, _ELLIPSES)

    def number(self, pos: int, before: str) -> int:
        text, at = self.text, self.at
        if _boundary(before) and len(text) - pos >= 3:
            end = self.ends_after(pos, 3) or _boundary(at(pos + 3))
            after = text[pos + 3 : pos + 6].lower()
            if text.startswith("1/2", pos) and end:
                self.out.append("&frac12;")
                return 2
            if text.startswith("1/4", pos) and (end or after[:2] == "th"):
                self.out.append("&frac14;")
                return 2
            if text.startswith("3/4", pos) and (end or after == "ths"):
                self.out.append("&frac34;")
                return 2
        self.out.append(text[pos])
        return 0

    def escape(self, pos: int, before: str) -> int:
        following = self.at(pos + 1)
        if not following:
            return 0
        if following in "\\\"'.-`":
            self.out.append(following)
            return 1
        self.out.append("\\")
        return 0

    def backtick(self, pos: int, before: str) -> int:
        if self.at(pos + 1) == "`" and self.quote(before, self.at(pos + 2), "d", True):
            return 1
        self.out.append("`")
        return 0

    def tag(self, pos: int, before: str) -> int:
        """Copy a tag (and a skipped element's whole content) verbatim."""
        text = self.text
        size = len(text)
        if pos + 4 < size and text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            # Hoedown copies one character past the comment's end.
            stop = size if end < 0 else end + 3
            self.out.append(text[pos : stop + 1])
            return stop - pos
        end = text.find(">", pos)
        i = size if end < 0 else end
        skipped = next((n for n in _SKIP_TAGS if _tag_kind(text, pos, n) == "open"), None)
        if skipped is not None:
            while True:
                lt = text.find("<", i)
                if lt < 0:
                    i = size
                    break
                i = lt
                if _tag_kind(text, i, skipped) == "close":
                    break
                i += 1
            gt = text.find(">", i)
            i = size if gt < 0 else gt
        self.out.append(text[pos : i + 1])
        return i - pos


def smartypants(html: str) -> str:
    """Curly quotes, dashes, ellipses, (c)/(r)/(tm) and ½ ¼ ¾ as named entities."""
    if not html:
        return html
    return _Pants(html).run()
