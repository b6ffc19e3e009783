"""Dispatch a content file to the parser for its kind."""

from __future__ import annotations

import datetime as dt

from octavo.content.category import CategoryRecord, parse_category
from octavo.content.entry import EntryRecord, parse_entry
from octavo.content.image_info import ImageRecord, read_image_info

Record = EntryRecord | CategoryRecord | ImageRecord


def parse_file(kind: str, path: str, data: bytes, site_tz: dt.tzinfo, mtime: float) -> Record:
    """Parse bytes read from `path`; raises ContentError for a file that cannot be indexed."""
    if kind == "entry":
        return parse_entry(path, data, site_tz, mtime)
    if kind == "category":
        return parse_category(path, data)
    return read_image_info(path, data)
