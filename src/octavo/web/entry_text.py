"""Reading an entry's text from its file (the index keeps headers, not bodies)."""

from __future__ import annotations

import os
from functools import lru_cache

from octavo.content.entry import EntryText, split_payload
from octavo.content.message import parse_message
from octavo.content.problems import ContentError
from octavo.content.reader import decode_text


@lru_cache(maxsize=512)
def load_entry_text(content_root: str, relpath: str, digest: str) -> EntryText:
    """The body and more of an entry; keyed by digest so an edited file is read again.

    A file that vanished or broke since it was indexed renders as empty text
    (its next scan reports it) rather than failing the page.
    """
    del digest  # only part of the cache key
    try:
        with open(os.path.join(content_root, relpath), "rb") as handle:
            data = handle.read()
        message = parse_message(relpath, decode_text(relpath, data))
    except (OSError, ContentError):
        return EntryText("", "")
    return split_payload(message.payload)
