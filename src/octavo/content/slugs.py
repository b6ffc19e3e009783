"""Slugs for URLs and folded keys for tags, as Publ 0.8.19 computes them.

URLs are what users rely on, so this follows Publ's code exactly: punctuation runs
and then runs of spaces and dashes become one dash (other whitespace is kept),
and the result is NFKC-normalised (``µ`` becomes ``μ``, half-width kana become
full-width, ``ﬁ`` becomes ``fi``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCTUATION = re.compile(r"""[\-/~!@#$%^&*()+`\[\]\\|{}:";'<>?,]+""")
_DASHES_AND_SPACES = re.compile(r"[\- ]+")


def slugify(text: str, to_lower: bool = False, max_length: int | None = None) -> str:
    """Make text URL-safe while keeping case, periods and Unicode (emoji included)."""
    slug = _DASHES_AND_SPACES.sub("-", _PUNCTUATION.sub("-", text)).lstrip("-")
    if max_length is not None:
        slug = slug[:max_length]
    slug = slug.rstrip(".-")
    if to_lower:
        slug = slug.casefold()
    return unicodedata.normalize("NFKC", slug)


@lru_cache(maxsize=4096)
def tag_key(name: str) -> str:
    """The key under which a tag is matched: case-folded slug, so `Foo` and `foo` meet."""
    return slugify(name, to_lower=True)
