"""Tags are matched by key but shown as the entries write them (Publ §3.8): ``?tag=c``
lists the entries tagged ``C++`` and prints ``C++``."""

from __future__ import annotations

from collections.abc import Iterable

from octavo.content.slugs import tag_key
from octavo.index import changes
from octavo.web.context import request_index
from octavo.web.objects.tagset import TagSet
from octavo.web.pagecache import deps
from octavo.web.site_cache import shared


def display_names(keys: Iterable[str]) -> dict[str, str]:
    """The name the viewer's readable entries give each key, for the keys some entry
    carries; remembered per index version, so each key costs one indexed lookup."""
    reader = request_index().reader
    known: dict[str, str] = shared(("tag-names", reader.viewer), dict)
    wanted = list(dict.fromkeys(keys))
    deps.depend(changes.tag_tag(key) for key in wanted)  # names remembered across renders
    missing = [key for key in wanted if key not in known]
    if missing:
        # Only names found are remembered: a visitor's made-up tags cannot grow the cache.
        known.update(reader.tag_names(missing))
    return {key: known[key] for key in wanted if key in known}


def as_written(tags: Iterable[str]) -> TagSet:
    """A TagSet of these tags under the names their entries use (the text given for a
    tag no entry carries)."""
    given = list(tags)
    names = display_names(tag_key(tag) for tag in given)
    return TagSet(names.get(tag_key(tag), tag) for tag in given)
