"""Writing identity headers into entry files, explicitly and atomically.

Only headers are added or replaced; every other byte of the file (other
headers, their order, line endings, the body) is kept. A write is refused
when the file changed since it was read, and is never done to a draft.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from octavo.content.atomic import replace_atomically
from octavo.content.fingerprint import digest

_HEADER_START = re.compile(r"^([\x21-\x39\x3b-\x7e]+):")


class StampRefused(Exception):
    """The file cannot be stamped safely; the message says why."""


@dataclass(frozen=True)
class StampPlan:
    """Headers to set in one file, and the digest of the bytes they were computed from."""

    path: str
    headers: tuple[tuple[str, str], ...]
    expected_digest: str


def apply_headers(text: str, headers: tuple[tuple[str, str], ...]) -> str:
    """Return text with each header set: an existing one is replaced in place,
    a missing one is added at the end of the header block."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    end = _header_block_end(lines)
    block, rest = lines[:end], lines[end:]
    if end == 0:
        rest = [newline, *rest]  # the file had no headers: open a header block
    elif block and not block[-1].endswith(("\n", "\r")):
        block[-1] += newline
    for name, value in headers:
        block = _set_header(block, name, f"{name}: {value}{newline}")
    return "".join(block + rest)


def write_atomically(fullpath: str, plan: StampPlan) -> None:
    """Replace the file with its stamped version, or raise StampRefused.

    A symlinked entry is stamped where it really lives; the link stays a link.
    """
    fullpath = os.path.realpath(fullpath)
    with open(fullpath, "rb") as handle:
        original = handle.read()
    if digest(original) != plan.expected_digest:
        raise StampRefused("changed since it was indexed; run `octavo reindex` first")
    text = original.decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    stamped = (bom + apply_headers(text.removeprefix(bom), plan.headers)).encode("utf-8")

    def unchanged_meanwhile() -> None:
        with open(fullpath, "rb") as handle:
            if digest(handle.read()) != plan.expected_digest:
                raise StampRefused("changed while being stamped; nothing written")

    replace_atomically(fullpath, stamped, before_replace=unchanged_meanwhile)


def _header_block_end(lines: list[str]) -> int:
    """Index of the first line after the header block (0 when there are no headers)."""
    if not lines or not _HEADER_START.match(lines[0]):
        return 0
    for index, line in enumerate(lines):
        if not line.strip():
            return index
    return len(lines)


def _set_header(block: list[str], name: str, new_line: str) -> list[str]:
    wanted = name.lower()
    for index, line in enumerate(block):
        match = _HEADER_START.match(line)
        if match and match.group(1).lower() == wanted:
            stop = index + 1
            while stop < len(block) and block[stop][:1] in (" ", "\t"):
                stop += 1
            return [*block[:index], new_line, *block[stop:]]
    return [*block, new_line]
