"""Replacing a file's bytes atomically: readers see the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable


def replace_atomically(
    fullpath: str, data: bytes, before_replace: Callable[[], None] | None = None
) -> None:
    """Write `data` to a temporary file beside `fullpath`, then rename it into place.

    An existing file keeps its permission bits; a new one gets the umask's. Running
    `before_replace` just before the rename lets a caller abandon the write by raising
    (the temporary file is removed).
    """
    folder = os.path.dirname(fullpath) or "."
    temp = os.path.join(folder, f".octavo-{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):  # a new file keeps the umask's bits
            os.chmod(temp, os.stat(fullpath).st_mode & 0o7777)
        if before_replace is not None:
            before_replace()
        os.replace(temp, fullpath)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
