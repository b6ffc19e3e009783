"""The search query language, parsed into terms every backend can run.

| You write         | It finds                                                     |
|-------------------|--------------------------------------------------------------|
| `word other`      | entries containing every word (in any of title, text, tags)  |
| `"two words"`     | the words next to each other, in this order                  |
| `pub*`            | words starting with `pub`                                    |
| `-word`, `-"a b"` | leaves out entries containing the word or phrase             |
| `tag:foo`         | only entries tagged `foo` (`tag:"two words"` for spaces)     |
| `category:bar`    | only entries in category `bar` or below it                   |

Words are compared without case or accents, and stemmed where the database can
(see :mod:`octavo.index.search_language`). Everything else is a word: operators of
other search engines (``AND``, ``NEAR``, ``:``, ``(``) are matched as text or
ignored, never interpreted. A query is cut to :data:`MAX_QUERY_LENGTH` characters and
:data:`MAX_TERMS` terms, so its cost is bounded whatever a visitor types.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from octavo.content.paths import normalize_category
from octavo.content.slugs import tag_key

MAX_QUERY_LENGTH = 500
MAX_TERMS = 16
MAX_PHRASE_WORDS = 16
#: Shorter prefixes (``a*``) would match most of the index: they count as whole words.
MIN_PREFIX = 2

#: The combining marks NFKD splits off accented letters (a regex is much faster than
#: testing each character, and this runs over every entry's text at scan time).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+")
_PIECE = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))')
_FILTERS = ("tag", "category")


@dataclass(frozen=True)
class Term:
    """Words that must appear together (a phrase when several); the last one may be a
    prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: terms every result has, terms no result has, and filters."""

    required: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def runnable(self) -> bool:
        """A query needs at least one word to look for."""
        return bool(self.required)

    @property
    def words(self) -> tuple[Term, ...]:
        """The terms a snippet highlights."""
        return self.required


def fold(text: str) -> str:
    """Lower case without accents: what every backend compares."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def words_of(text: str) -> list[str]:
    """The folded words of a text, as the query language splits them."""
    return _WORD.findall(fold(text))


def parse_query(query: str | bytes | None) -> SearchQuery:
    """Parse what a visitor typed; never fails (bad input gives fewer terms)."""
    if isinstance(query, bytes):
        query = query.decode("utf-8", errors="replace")
    text = str(query or "")[:MAX_QUERY_LENGTH]
    required: list[Term] = []
    excluded: list[Term] = []
    tags: list[str] = []
    categories: list[str] = []
    for match in _PIECE.finditer(text):
        minus, field, quoted, bare = match.groups()
        value = quoted if quoted is not None else bare
        if field and field.lower() in _FILTERS and value and not minus:
            if field.lower() == "tag" and tag_key(value):
                tags.append(tag_key(value))
            elif field.lower() == "category":
                categories.append(normalize_category(value))
            continue
        if field and quoted is None:  # `title:foo`, `http://x`: all of it is text
            value = f"{field}:{value}"
        elif field:
            value = f"{field} {value}"
        term = _term(value, phrase=quoted is not None)
        if term is not None and len(required) + len(excluded) < MAX_TERMS:
            (excluded if minus else required).append(term)
    return SearchQuery(
        tuple(dict.fromkeys(required)),
        tuple(dict.fromkeys(excluded)),
        tuple(dict.fromkeys(tags)),
        tuple(dict.fromkeys(categories)),
    )


def _term(value: str, phrase: bool) -> Term | None:
    words = tuple(words_of(value))[:MAX_PHRASE_WORDS]
    if not words:
        return None
    prefix = not phrase and value.endswith("*") and len(words[-1]) >= MIN_PREFIX
    return Term(words, prefix)
