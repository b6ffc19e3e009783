"""The default store: a folder under the site's static folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator

from octavo.images.stores.base import StoredRendition, StoreUnavailable

#: A rendition's mtime is refreshed on use at most this often (it drives expiry).
TOUCH_INTERVAL = 3600.0


class LocalStore:
    """Renditions as files: ``<folder>/<name>``, written to a temporary file and renamed."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.abspath(folder)
        self.where = self.folder

    def file_path(self, name: str) -> str | None:
        path = os.path.normpath(os.path.join(self.folder, name))
        return path if path.startswith(self.folder + os.sep) else None

    def exists(self, name: str) -> bool:
        path = self.file_path(name)
        return path is not None and os.path.isfile(path)

    def put(self, name: str, data: bytes, content_type: str) -> None:
        path = self.file_path(name)
        if path is None:
            raise ValueError(f"bad rendition name {name!r}")
        folder = os.path.dirname(path)
        try:
            os.makedirs(folder, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        except OSError as err:
            raise StoreUnavailable(f"cannot write in {folder}: {err}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except OSError as err:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise StoreUnavailable(f"cannot write {path}: {err}") from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def read(self, name: str) -> bytes | None:
        path = self.file_path(name)
        if path is None:
            return None
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as err:
            raise StoreUnavailable(f"cannot read {path}: {err}") from None

    def touch(self, name: str) -> None:
        path = self.file_path(name)
        with contextlib.suppress(OSError):
            if path and time.time() - os.stat(path).st_mtime > TOUCH_INTERVAL:
                os.utime(path)

    def delete(self, name: str) -> None:
        path = self.file_path(name)
        with contextlib.suppress(OSError):
            os.unlink(path or "")

    def items(self) -> Iterator[StoredRendition]:
        """Every stored rendition (temporary files of renders in progress excluded)."""
        for folder, dirs, files in os.walk(self.folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for filename in files:
                if filename.startswith("."):
                    continue
                path = os.path.join(folder, filename)
                with contextlib.suppress(OSError):
                    stat = os.stat(path)
                    name = os.path.relpath(path, self.folder).replace(os.sep, "/")
                    yield StoredRendition(name, stat.st_size, stat.st_mtime)

    def misconfiguration(self) -> str | None:
        return None  # an unwritable folder is a fault: requests render without it

    def probe(self) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
        except OSError as err:
            raise StoreUnavailable(f"cannot create {self.folder}: {err}") from None
        if not os.access(self.folder, os.W_OK | os.X_OK):
            raise StoreUnavailable(f"{self.folder} is not writable")
