"""``publ.entry``: entries by ID, and the class templates' ``entry`` objects belong to."""

from __future__ import annotations

from octavo.web.objects.entry import Entry
from octavo.web.template_api import get_entry as get_entry_by_id

__all__ = ["Entry", "get_entry_by_id"]
