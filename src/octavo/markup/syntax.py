"""The Markdown dialect Publ accepts: Hoedown's, with the extensions Publ enables.

``tables``, ``fenced-code``, ``footnotes``, ``strikethrough``, ``highlight``
(``==mark==``), ``superscript`` (``^word``, ``^(a few words)``) and ``math``
(``$$…$$``) are on by default; ``disable-indented-code`` turns indented code
off. The grammar itself is ``octavo.content.markdown``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

from octavo.content.markdown import DEFAULT_EXTENSIONS
from octavo.content.markdown.blocks import Document
from octavo.content.markdown.tokens import Token

LOG = logging.getLogger(__name__)

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


@lru_cache(maxsize=32)
def _known(chosen: frozenset[str]) -> frozenset[str]:
    unknown = chosen - KNOWN_EXTENSIONS
    if unknown:
        LOG.warning("ignoring unknown markdown extensions: %s", ", ".join(sorted(unknown)))
    return chosen & KNOWN_EXTENSIONS


def parse(text: str, extensions: Iterable[str] | None) -> list[Token]:
    """Tokens of `text` with these Hoedown extension names (None: Publ's defaults)."""
    chosen = frozenset(DEFAULT_EXTENSIONS if extensions is None else extensions)
    return Document(_known(chosen)).tokens(text)
