"""Finding the template for a request: the category walk, extension globbing and
``Accept`` negotiation (Publ §4.8), with directory listings cached by mtime."""

from __future__ import annotations

import fnmatch
import mimetypes
import os
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import werkzeug.exceptions

#: What ``*/*`` (or no Accept header) means, in priority order (Publ's list, with its
#: ``style/css`` typo corrected to ``text/css``).
DEFAULT_ACCEPT = (
    "text/html",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "application/json",
    "text/css",
    "text/plain",
)

BUILTIN_FOLDER = os.path.join(os.path.dirname(__file__), "builtin_templates")


class NotAcceptable(werkzeug.exceptions.NotAcceptable):
    """A template exists, but in no format the client accepts (406)."""


@dataclass(frozen=True)
class TemplateFile:
    """A template chosen for a request."""

    name: str
    filename: str  # relative to its template folder, '/'-separated: the Jinja name
    file_path: str
    mime_type: str
    builtin: bool = False
    #: Another Accept header could have chosen a template of another type (Vary: Accept).
    varies: bool = False
    #: The types of every template the lookup chose among (the page cache keys by them).
    types: frozenset[str] = frozenset()
    #: Found in the site's root folder for a root-category request: Publ's walk names the
    #: folder ``.`` there, so templates see ``template.filename`` as ``./index.html``.
    dotted: bool = False

    @property
    def shown_filename(self) -> str:
        """``template.filename`` as Publ gives it."""
        return f"./{self.filename}" if self.dotted else self.filename


@dataclass(frozen=True)
class Accept:
    """The client's acceptable MIME types in preference order; `everything` for ``*/*``."""

    types: tuple[str, ...]
    everything: bool

    @classmethod
    def parse(cls, accepted: Sequence[tuple[str, float]]) -> Accept:
        """From werkzeug's ``request.accept_mimetypes`` (already sorted by quality)."""
        types = tuple(mime for mime, quality in accepted if quality > 0)
        if not types or types == ("*/*",):
            return ALL
        expanded: list[str] = []
        for mime in types:
            expanded += DEFAULT_ACCEPT if mime == "*/*" else (mime,)
        return cls(tuple(expanded), "*/*" in types)

    def allows(self, mime: str) -> bool:
        return self.everything or any(fnmatch.fnmatch(mime, want) for want in self.types)


ALL = Accept(DEFAULT_ACCEPT, True)


class TemplateFinder:
    """Maps (category, names, Accept) to a template file."""

    def __init__(self, folder: str, mime_overrides: Mapping[str, str]) -> None:
        self.folder = folder
        self.mime_overrides = dict(mime_overrides)

    def find(
        self, category: str, names: str | Sequence[str], accept: Accept = ALL
    ) -> TemplateFile | None:
        """Walk from the category's folder up to the root, then the built-ins; raise
        NotAcceptable when a template exists only in formats the client refuses."""
        wanted = [names] if isinstance(names, str) else list(names)
        rejected = False
        folders = self._folders(category)
        for folder, reldir, builtin in folders:
            listing = _listing(folder, _mtime(folder))
            for name in wanted:
                found, refused = self._match(folder, reldir, listing, name, accept, builtin)
                if found:
                    types = frozenset(self._types(folders, wanted) | {found.mime_type})
                    return replace(
                        found,
                        varies=len(types) > 1,
                        types=types,
                        dotted=not category.strip("/") and not reldir and not builtin,
                    )
                rejected = rejected or refused
        if rejected:
            raise NotAcceptable(f"No acceptable format for {', '.join(wanted)}")
        return None

    def mime_type(self, relpath: str) -> str:
        """Configured overrides by path, then basename, then extension; else the mimetypes
        table; "" when nothing knows the extension (Publ then sends no type at all)."""
        base = posixpath.basename(relpath)
        ext = posixpath.splitext(relpath)[1]
        for key in (relpath, base, ext):
            if key in self.mime_overrides:
                return self.mime_overrides[key]
        return mimetypes.guess_type(base)[0] or ""

    def _types(self, folders: list[tuple[str, str, bool]], names: list[str]) -> set[str]:
        """The MIME types of every template the walk could choose for `names`: with one
        type, every Accept header gets the same template or a 406."""
        return {
            self.mime_type(f"{reldir}/{filename}" if reldir else filename)
            for folder, reldir, _builtin in folders
            for name in names
            for filename in _candidates(_listing(folder, _mtime(folder)), name)
        }

    def _folders(self, category: str) -> list[tuple[str, str, bool]]:
        parts = [p for p in category.split("/") if p]
        folders = []
        for depth in range(len(parts), -1, -1):
            reldir = "/".join(parts[:depth])
            folders.append((os.path.join(self.folder, *parts[:depth]), reldir, False))
        folders.append((BUILTIN_FOLDER, "", True))
        return folders

    def _match(
        self,
        folder: str,
        reldir: str,
        listing: frozenset[str],
        name: str,
        accept: Accept,
        builtin: bool,
    ) -> tuple[TemplateFile | None, bool]:
        def make(filename: str) -> TemplateFile:
            rel = f"{reldir}/{filename}" if reldir else filename
            return TemplateFile(
                name, rel, os.path.join(folder, filename), self.mime_type(rel), builtin
            )

        refused = False
        if name in listing:
            exact = make(name)
            if accept.allows(exact.mime_type):
                return exact, False
            refused = True
        by_mime: dict[str, TemplateFile] = {}
        for filename in _candidates(listing, name):
            if filename == name:
                continue
            candidate = make(filename)
            by_mime.setdefault(candidate.mime_type, candidate)
        if not by_mime:
            return None, refused
        for want in accept.types:
            if want in by_mime:
                return by_mime[want], False
            for mime, candidate in by_mime.items():
                if fnmatch.fnmatch(mime, want):
                    return candidate, False
        if accept.everything:
            return next(iter(by_mime.values())), False
        return None, True


def _candidates(listing: frozenset[str], name: str) -> list[str]:
    """Files that can be the template `name`: the exact name first, then the name with one
    extension (`feed.xml`, not `feed.x.y`) in sorted order."""
    exact = [name] if name in listing else []
    prefix = name + "."
    return exact + sorted(
        f for f in listing if f.startswith(prefix) and "." not in f[len(prefix) :]
    )


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


@lru_cache(maxsize=1024)
def _listing(folder: str, mtime_ns: int) -> frozenset[str]:
    """Files in a template folder; the mtime in the key drops stale listings."""
    if mtime_ns < 0:
        return frozenset()
    try:
        return frozenset(e.name for e in os.scandir(folder) if e.is_file())
    except OSError:
        return frozenset()
