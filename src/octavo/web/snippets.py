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
_ENDING = 3
_MIN_STEM = 4


def make_snippet(text: str, terms: tuple[Term, ...], stemming: bool = True) -> Markup:
    """The excerpt of `text` around the densest group of matching words."""
    words = list(_WORD.finditer(text))
    if not words:
        return Markup("")
    hits = [_matches(fold(w.group()), terms, stemming) for w in words]
    start = _best_start(hits)
    end = min(len(words), start + WINDOW)
    parts: list[str] = ["… " if start > 0 else ""]
    cursor = words[start].start()
    for index in range(start, end):
        word = words[index]
        parts.append(str(escape(text[cursor : word.start()])))
        inner = escape(word.group())
        parts.append(f"<mark>{inner}</mark>" if hits[index] else str(inner))
        cursor = word.end()
    if end < len(words):
        parts.append(" …")
    else:
        parts.append(str(escape(text[cursor:])))
    return Markup("".join(parts).strip())


def _best_start(hits: list[bool]) -> int:
    """The first word of the window holding the most matches (the earliest such)."""
    best, best_count = 0, 0
    positions = [i for i, hit in enumerate(hits) if hit]
    for i, position in enumerate(positions):
        count = sum(1 for p in positions[i:] if p < position + WINDOW - _LEAD)
        if count > best_count:
            best, best_count = max(0, position - _LEAD), count
    return best


def _matches(word: str, terms: tuple[Term, ...], stemming: bool) -> bool:
    for term in terms:
        for index, wanted in enumerate(term.words):
            if word == wanted:
                return True
            if term.prefix and index == len(term.words) - 1 and word.startswith(wanted):
                return True
            if stemming and _same_stem(word, wanted):
                return True
    return False


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
