"""``publ.view``: views built from a spec, as templates' ``get_view`` builds them."""

from __future__ import annotations

from octavo.web.objects.view import View, get_view

__all__ = ["View", "get_view"]
