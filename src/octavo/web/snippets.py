"""A search result's excerpt: the stretch of its text where the query's words gather,
HTML-escaped, with each matching word inside ``<mark>``.

The same code serves every database (MariaDB has no snippet function, and each of the
others marks words its own way). A word matches a query word when their folded forms
are equal, when it starts with a prefix term, or, with stemming on, when the two share
all but a short ending (``publishing`` and ``published``): close to what the stemmers
match, and a near miss only changes which word is marked.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from octavo.index.search_query import Term, fold

_WORD = re.compile(r"[^\W_]+")
#: Words shown around the best match.
WINDOW = 30
_LEAD = 6
#: Matches this close together (in characters) count as one group.
_WINDOW_CHARS = 180
_ENDING = 3
_MIN_STEM = 4


def make_snippet(text: str, terms: tuple[Term, ...], stemming: bool = True) -> Markup:
    """The excerpt of `text` around the densest group of matching words."""
    matches = _Matcher(terms, stemming)
    hits = _hits(text, matches)
    first = _best_first_hit(sorted(hits))
    words: list[re.Match[str]] = []
    lead = 0
    for word in _WORD.finditer(text):
        words.append(word)
        if first is not None and word.start() < first:
            lead += 1
            if lead > _LEAD:
                words.pop(0)
        elif len(words) > WINDOW:
            break
    if not words:
        return Markup("")
    shown = words[:WINDOW]
    parts: list[str] = ["… " if shown[0].start() > _first_word_start(text) else ""]
    cursor = shown[0].start()
    for word in shown:
        parts.append(str(escape(text[cursor : word.start()])))
        inner = escape(word.group())
        parts.append(f"<mark>{inner}</mark>" if word.start() in hits else str(inner))
        cursor = word.end()
    parts.append(" …" if len(words) > WINDOW else str(escape(text[cursor:])))
    return Markup("".join(parts).strip())


def _hits(text: str, matches: _Matcher) -> set[int]:
    """Where the matching words start. ASCII text is lower-cased whole (positions stay)
    and only the words a regex picks out are checked; other text is folded word by word."""
    if text.isascii():
        folded = text.lower()
        return {m.start() for m in matches.candidates.finditer(folded) if matches(m.group())}
    return {w.start() for w in _WORD.finditer(text) if matches(fold(w.group()))}


def _best_first_hit(hits: list[int]) -> int | None:
    """The first match of the stretch holding the most matches (the earliest such)."""
    best, best_count = None, 0
    for i, position in enumerate(hits):
        count = sum(1 for p in hits[i:] if p < position + _WINDOW_CHARS)
        if count > best_count:
            best, best_count = position, count
    return best


def _first_word_start(text: str) -> int:
    found = _WORD.search(text)
    return found.start() if found else 0


class _Matcher:
    """Whether a folded word matches one of the query's words (see the module doc)."""

    def __init__(self, terms: tuple[Term, ...], stemming: bool) -> None:
        self.exact = {w for t in terms for w in t.words}
        self.prefixes = tuple(t.words[-1] for t in terms if t.prefix)
        stems: dict[str, list[str]] = {}
        for word in self.exact if stemming else ():
            if len(word) >= _MIN_STEM:
                stems.setdefault(word[:_MIN_STEM], []).append(word)
        self.stems = stems
        keys = sorted({*self.exact, *self.prefixes, *stems}, key=len, reverse=True)
        self.candidates = re.compile(
            r"(?<![^\W_])(?:" + "|".join(map(re.escape, keys)) + r")[^\W_]*" if keys else r"(?!)"
        )

    def __call__(self, word: str) -> bool:
        if word in self.exact or (self.prefixes and word.startswith(self.prefixes)):
            return True
        return any(_same_stem(word, wanted) for wanted in self.stems.get(word[:_MIN_STEM], ()))


def _same_stem(a: str, b: str) -> bool:
    shorter = min(len(a), len(b))
    if shorter < _MIN_STEM:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= max(_MIN_STEM, shorter - _ENDING) and max(len(a), len(b)) - common <= 4
