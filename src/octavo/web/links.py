"""Link targets resolved as Publ resolves them (§5.7): entry IDs and paths become
permalinks, ``@path`` becomes a static URL, anything else is left alone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

import flask

from octavo.common.imagespec import parse_config
from octavo.common.literals import ArgSyntaxError
from octavo.common.protocols import ImageArgError, ImageNotFound
from octavo.content.paths import search_candidates
from octavo.web import urls
from octavo.web.context import request_index
from octavo.web.objects.entry import Entry, load_entry
from octavo.web.renditions import images_for

_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


class SiteLinks:
    """The web layer's LinkResolver (octavo.common.protocols)."""

    def resolve(self, target: str, search_path: Sequence[str], absolute: bool) -> str:
        if _EXTERNAL.match(target):
            return target
        if target.startswith("@"):
            return urls.static_url(target[1:], absolute)
        path, hash_mark, anchor = target.partition("#")
        suffix = hash_mark + anchor
        if not path:
            return target
        entry = self._entry_for(path, search_path)
        if entry is not None:
            return entry.permalink(absolute=absolute) + suffix
        image_url = _image_url(path, search_path, absolute)
        if image_url is not None:
            return image_url + suffix
        return urls.absolutize(target) if absolute else target

    def _entry_for(self, path: str, search_path: Sequence[str]) -> Entry | None:
        """The entry a link names: an ID, or a file path tried in search-path order."""
        ix = request_index()
        if path.isdecimal():  # an ID (too large a number names no entry)
            found = ix.reader.entry(entry_id=int(path))
            return load_entry(ix, found.row) if found and found.authorized else None
        candidates = search_candidates(unquote(path), search_path)
        by_path = {row.file_path: row for row in ix.reader.entries_at(candidates)}
        row = next((by_path[c] for c in candidates if c in by_path), None)
        return load_entry(ix, row) if row is not None else None


def _image_url(path: str, search_path: Sequence[str], absolute: bool) -> str | None:
    """A content image's rendition URL (``path{args}`` allowed) or an asset's URL."""
    try:
        file_path, args = parse_config(unquote(path))
        image = images_for(flask.current_app).finder.find(file_path, search_path)
        return image.get_rendition(**{**args, "absolute": absolute})[0]
    except (ArgSyntaxError, ImageNotFound, ImageArgError):
        return None
