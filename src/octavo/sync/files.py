"""Writing a set of files so that the whole set can be taken back.

Each file is replaced atomically; what it held before is kept, so a write-back
that fails afterwards (a conflict, a rejected push) leaves the folder as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from octavo.content.atomic import replace_atomically


@dataclass(frozen=True)
class WrittenFile:
    """A file written by Octavo: its bytes before (None: it was new) and after, and the
    outermost folder made for it (None: its folder was there)."""

    fullpath: str
    before: bytes | None
    after: bytes
    made_folder: str | None = None


def read_or_none(fullpath: str) -> bytes | None:
    try:
        with open(fullpath, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write_all(changes: Iterable[tuple[str, bytes]]) -> list[WrittenFile]:
    """Write each (path, bytes) atomically, creating folders; on any failure, take back
    what was already written and raise."""
    written: list[WrittenFile] = []
    try:
        for fullpath, data in changes:
            made = _make_folder(os.path.dirname(fullpath))
            before = read_or_none(fullpath)
            replace_atomically(fullpath, data)
            written.append(WrittenFile(fullpath, before, data, made))
    except BaseException:
        take_back(written)
        raise
    return written


def take_back(written: Iterable[WrittenFile]) -> list[str]:
    """Put each file back as it was, unless someone changed it since: those are listed."""
    left = []
    for item in reversed(list(written)):
        if read_or_none(item.fullpath) != item.after:
            left.append(f"{item.fullpath}: changed since Octavo wrote it; left as it is")
            continue
        if item.before is None:
            os.unlink(item.fullpath)
        else:
            replace_atomically(item.fullpath, item.before)
    for item in written:
        if item.made_folder:
            _remove_empty(os.path.dirname(item.fullpath), item.made_folder)
    return left


def _make_folder(folder: str) -> str | None:
    """Make `folder` and its missing parents; the outermost one made, or None."""
    outermost = None
    probe = folder
    while probe and not os.path.isdir(probe):
        outermost = probe
        probe = os.path.dirname(probe)
    os.makedirs(folder, exist_ok=True)
    return outermost


def _remove_empty(folder: str, stop: str) -> None:
    """Remove `folder` and its parents up to `stop` while they are empty."""
    while True:
        try:
            os.rmdir(folder)
        except OSError:  # not empty (or already gone): leave it
            return
        if folder == stop:
            return
        folder = os.path.dirname(folder)
