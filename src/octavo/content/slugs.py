"""Slugs for URLs and folded keys for tags, with Publ's character rules."""

from __future__ import annotations

import re
from functools import lru_cache

# Runs of whitespace and URL-unfriendly punctuation collapse to one dash.
_SEPARATORS = re.compile(r"""[\s\-/~!@#$%^&*()+`\[\]\\|{}:";'<>?,]+""")


def slugify(text: str, to_lower: bool = False, max_length: int | None = None) -> str:
    """Make text URL-safe while keeping case, periods and Unicode (emoji included)."""
    slug = _SEPARATORS.sub("-", text).lstrip("-")
    if max_length is not None:
        slug = slug[:max_length]
    slug = slug.rstrip(".-")
    return slug.casefold() if to_lower else slug


@lru_cache(maxsize=4096)
def tag_key(name: str) -> str:
    """The key under which a tag is matched: case-folded slug, so `Foo` and `foo` meet."""
    return slugify(name, to_lower=True)
