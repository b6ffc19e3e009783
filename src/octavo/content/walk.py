"""Finding the content files under the content folder, following symlinks safely."""

from __future__ import annotations

import os
from dataclasses import dataclass

from octavo.content.limits import PATH
from octavo.content.paths import file_kind, normalize_relpath
from octavo.content.problems import Problem, Severity


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A content file and the stat values its fingerprint starts from.

    `relpath` is normalised (the file's identity); `diskpath` is the name as stored on
    disk, the same string object unless normalising changed it, so a large site's
    listing holds each path once.
    """

    root: str
    diskpath: str
    relpath: str
    kind: str
    size: int
    mtime_ns: int

    @property
    def fullpath(self) -> str:
        return os.path.join(self.root, self.diskpath)


@dataclass
class WalkResult:
    files: list[FoundFile]
    problems: list[Problem]
    #: The newest modification time of the files and folders listed (a deletion or a
    #: rename changes its folder's): the content version when nothing better is known.
    newest_mtime_ns: int = 0


def walk_content(root: str) -> WalkResult:
    """List every indexable file under root, in a stable order.

    Symlinked folders are followed (as Publ does); a folder reached a second
    time (a symlink loop, or two links to one folder) is reported and skipped,
    as is anything that cannot be stat'ed (a dangling link, a vanished file), and
    anything the index cannot name: a name that is not UTF-8, a path longer than
    its column, a second file whose path normalises to one already found.
    """
    result = WalkResult([], [])
    seen: dict[tuple[int, int], str] = {}
    paths: dict[str, str] = {}
    stack = [""]
    while stack:
        reldir = stack.pop()
        fulldir = os.path.join(root, reldir) if reldir else root
        try:
            info = os.stat(fulldir)
            entries = sorted(os.scandir(fulldir), key=lambda e: e.name)
        except OSError as err:
            result.problems.append(Problem(reldir or ".", f"cannot read folder: {err.strerror}"))
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            message = f"same folder as {seen[key] or 'the content root'} (symlink loop?); skipped"
            result.problems.append(Problem(reldir, message, severity=Severity.WARNING))
            continue
        seen[key] = reldir
        result.newest_mtime_ns = max(result.newest_mtime_ns, info.st_mtime_ns)
        subdirs = []
        for entry in entries:
            relpath = f"{reldir}/{entry.name}" if reldir else entry.name
            if not _utf8(entry.name):
                shown = relpath.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                result.problems.append(Problem(shown, "name is not valid UTF-8; skipped"))
                continue
            try:
                if entry.is_dir():
                    subdirs.append(relpath)
                    continue
                kind = file_kind(entry.name)
                if kind is None:
                    continue
                stat = entry.stat()
            except OSError as err:
                result.problems.append(Problem(relpath, f"cannot read: {err.strerror}"))
                continue
            normal = normalize_relpath(relpath)
            problem = _unnameable(relpath, normal, paths)
            if problem is not None:
                result.problems.append(problem)
                continue
            paths[normal] = relpath
            result.newest_mtime_ns = max(result.newest_mtime_ns, stat.st_mtime_ns)
            result.files.append(
                FoundFile(root, relpath, normal, kind, stat.st_size, stat.st_mtime_ns)
            )
        stack.extend(reversed(subdirs))
    return result


def _utf8(name: str) -> bool:
    """Whether a name read from disk is UTF-8 (other bytes arrive as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unnameable(relpath: str, normal: str, paths: dict[str, str]) -> Problem | None:
    """Why the index cannot hold this file under its normalised path, if it cannot."""
    if len(normal) > PATH:
        return Problem(
            relpath, f"path is {len(normal)} characters long; at most {PATH} are allowed"
        )
    if normal in paths:
        return Problem(relpath, f"same path as {paths[normal]} once normalised; skipped")
    return None
