"""Which release of the content a folder holds: a number that grows with each release.

Instances of two releases may share one index during a deploy; the index keeps the
content version of the release that wrote it, and an older release does not write
over a newer one (octavo.index.release). The version is, in this order:

1. configured: ``content_version`` in the site config or ``$OCTAVO_CONTENT_VERSION``
   (any number that grows with each release: a build number, a Unix time);
2. the commit time of the git HEAD of the repository holding the content folder,
   read from the ``.git`` files (loose or packed objects; no git command needed);
3. the newest modification time of the content files and folders (a deleted file
   changes its folder's time).
"""

from __future__ import annotations

import os
import re
import socket
import zlib
from dataclasses import dataclass
from pathlib import Path

_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_COMMIT_TYPE = 1  # a pack entry's type: 1 commit; 6 and 7 are deltas (not read: fall back)


@dataclass(frozen=True)
class ContentVersion:
    """The version, and where it came from (for the logs)."""

    value: float
    source: str


def parse_configured(value: object) -> float | None:
    """A configured content version as a number; ValueError naming the key if it is not."""
    if value is None or value == "":
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(
            f"content_version must be a number that grows with each release, not {value!r} "
            "(config key 'content_version' or $OCTAVO_CONTENT_VERSION)"
        )
    return number


def content_version(root: str, configured: float | None, newest_mtime_ns: int) -> ContentVersion:
    """The content version by the rule of this module's docstring."""
    if configured is not None:
        return ContentVersion(configured, "configured content_version")
    found = git_head_time(root)
    if found is not None:
        sha, seconds = found
        return ContentVersion(float(seconds), f"git commit {sha[:12]}")
    return ContentVersion(newest_mtime_ns / 1e9, "newest file time")


def origin(root: str) -> str:
    """This instance's copy of the content: host and folder. A copy may always rewrite
    what it wrote itself (a revert on the one box that writes is deliberate)."""
    return f"{socket.gethostname()}:{os.path.realpath(root)}"[:255]  # fits the index meta


# -- git, read directly ------------------------------------------------------------------


def git_head_time(folder: str) -> tuple[str, int] | None:
    """(HEAD commit, its committer time) of the repository holding `folder`; None when
    there is none or it cannot be read (a delta-compressed commit: rare)."""
    found = _git_dirs(Path(os.path.realpath(folder)))
    if found is None:
        return None
    gitdir, common = found
    try:
        sha = _head_commit(gitdir, common)
        data = _loose_object(common, sha) if sha else None
        if sha and data is None:
            data = _packed_object(common, sha)
    except (OSError, ValueError, zlib.error):
        return None
    if sha is None or data is None:
        return None
    seconds = _committer_time(data)
    return (sha, seconds) if seconds is not None else None


def _git_dirs(folder: Path) -> tuple[Path, Path] | None:
    """The git folder (HEAD) and the common folder (objects, refs) above `folder`."""
    for candidate in (folder, *folder.parents):
        dot = candidate / ".git"
        if dot.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                return None
            gitdir = (candidate / text[len("gitdir:") :].strip()).resolve()
        elif dot.is_dir():
            gitdir = dot
        else:
            continue
        common_file = gitdir / "commondir"
        common = gitdir
        if common_file.is_file():
            common = (gitdir / common_file.read_text(encoding="utf-8").strip()).resolve()
        return gitdir, common
    return None


def _head_commit(gitdir: Path, common: Path) -> str | None:
    head = (gitdir / "HEAD").read_text(encoding="utf-8").strip()
    for _ in range(5):  # symbolic refs may chain
        if _SHA.match(head):
            return head
        if not head.startswith("ref:"):
            return None
        ref = head[len("ref:") :].strip()
        for base in (gitdir, common):
            path = base / ref
            if path.is_file():
                head = path.read_text(encoding="utf-8").strip()
                break
        else:
            return _packed_ref(common, ref)
    return None


def _packed_ref(common: Path, ref: str) -> str | None:
    packed = common / "packed-refs"
    if not packed.is_file():
        return None
    for line in packed.read_text(encoding="utf-8").splitlines():
        sha, _, name = line.partition(" ")
        if name == ref and _SHA.match(sha):
            return sha
    return None


def _loose_object(common: Path, sha: str) -> bytes | None:
    path = common / "objects" / sha[:2] / sha[2:]
    if not path.is_file():
        return None
    raw = zlib.decompress(path.read_bytes())
    kind, _, rest = raw.partition(b" ")
    return rest.partition(b"\0")[2] if kind == b"commit" else None


def _packed_object(common: Path, sha: str) -> bytes | None:
    """A commit from a pack: found through the pack's version 2 index."""
    wanted = bytes.fromhex(sha)
    for idx in sorted((common / "objects" / "pack").glob("*.idx")):
        offset = _pack_offset(idx.read_bytes(), wanted)
        if offset is not None:
            return _pack_entry(idx.with_suffix(".pack"), offset)
    return None


def _pack_offset(idx: bytes, wanted: bytes) -> int | None:
    if idx[:8] != b"\377tOc\0\0\0\2":
        return None
    size = len(wanted)

    def fanout(i: int) -> int:
        return int.from_bytes(idx[8 + 4 * i : 12 + 4 * i], "big")

    count = fanout(255)
    low, high = (fanout(wanted[0] - 1) if wanted[0] else 0), fanout(wanted[0])
    names = 8 + 1024
    while low < high:  # binary search among the names with this first byte
        mid = (low + high) // 2
        name = idx[names + mid * size : names + (mid + 1) * size]
        if name == wanted:
            break
        low, high = (mid + 1, high) if name < wanted else (low, mid)
    else:
        return None
    offsets = names + count * size + count * 4
    offset = int.from_bytes(idx[offsets + 4 * mid : offsets + 4 * mid + 4], "big")
    if offset & 0x8000_0000:  # in the table of large offsets
        large = offsets + count * 4 + 8 * (offset & 0x7FFF_FFFF)
        offset = int.from_bytes(idx[large : large + 8], "big")
    return offset


def _pack_entry(pack: Path, offset: int) -> bytes | None:
    with open(pack, "rb") as handle:
        handle.seek(offset)
        byte = handle.read(1)[0]
        kind = (byte >> 4) & 7
        while byte & 0x80:  # the rest of the size: not needed
            byte = handle.read(1)[0]
        if kind != _COMMIT_TYPE:
            return None
        inflate = zlib.decompressobj()
        out = b""
        while not inflate.eof:
            chunk = handle.read(65536)
            if not chunk:
                return None
            out += inflate.decompress(chunk)
        return out


def _committer_time(commit: bytes) -> int | None:
    for line in commit.split(b"\n"):
        if not line:  # the headers end: the message follows
            break
        if line.startswith(b"committer "):
            parts = line.rsplit(b" ", 2)
            return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None
    return None
