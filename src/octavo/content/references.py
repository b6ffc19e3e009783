"""The local files an entry refers to: its images and linked attachments, as written.

The index keeps them so that an image or file used only by private entries is
served only to readers of one of those entries. The reader is deliberately
broad and cheap (it runs at every scan, and reading one link too many only ties
a file to one more entry): Markdown images and image sets, Markdown links and
link definitions, ``src``/``href`` attributes of raw HTML, and header values
that look like a file name (``Card-Image: cover.jpg``). Paths are returned as
written (resolved against the entry's folders by the index); URLs, ``@static``
paths, anchors and entry IDs are left out.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator, Sequence

from octavo.common.imagespec import closing_paren
from octavo.content.message import Header

#: ``src="…"``/``href='…'``/``src=…`` in raw HTML.
_ATTRIBUTE = re.compile(
    r"""\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE
)
#: ``[label]: target "title"`` link definitions.
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)", re.MULTILINE)
#: A trailing link or image title: ``"…"``, ``'…'`` or ``(…)`` after a space.
_TITLE = re.compile(r"""\s+(?:"[^"]*"|'[^']*'|\([^)]*\))\s*$""", re.DOTALL)
#: A header value that names a file: no spaces, an extension, optional ``{args}``.
_FILE_VALUE = re.compile(r"^[^\s{}]+\.[A-Za-z0-9]{1,8}(?:\{.*\})?$")
#: A URL scheme (``http:``, ``mailto:``, ``test:``…): not a local path.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def file_references(text: str, headers: Sequence[Header] = ()) -> list[str]:
    """The distinct local paths `text` and `headers` refer to, in order of appearance."""
    found: dict[str, None] = {}
    for raw in _candidates(text, headers):
        for path in _local_paths(raw):
            found.setdefault(path)
    return list(found)


def _candidates(text: str, headers: Sequence[Header]) -> Iterator[str]:
    start = text.find("](")
    while start != -1:
        end = closing_paren(text, start + 2)
        if end is not None:  # an image set has one spec per item
            yield from text[start + 2 : end].split("|")
        start = text.find("](", start + 2)
    yield from _DEFINITION.findall(text)
    for match in _ATTRIBUTE.finditer(text):
        yield match.group(1) or match.group(2) or match.group(3) or ""
    for header in headers:
        value = header.value.strip()
        if _FILE_VALUE.match(value):
            yield value


def _local_paths(raw: str) -> Iterator[str]:
    """The path a link target or image spec names, and its %-decoded form if different."""
    spec = _TITLE.sub("", raw.strip())
    path = spec.split("{", 1)[0].strip().strip("<>").split("#", 1)[0].split("?", 1)[0]
    if not path or path.startswith(("@", "//")) or _SCHEME.match(path) or path.isdigit():
        return
    yield path
    decoded = urllib.parse.unquote(path)
    if decoded != path:
        yield decoded
