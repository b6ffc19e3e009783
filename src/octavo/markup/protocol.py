"""What the markup layer needs from its caller to resolve links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class LinkResolver(Protocol):
    """Resolves link targets the way Publ does (§5.7), for Markdown links, HTML
    ``href``/``src``/``$attr`` and ``Redirect-To``."""

    def resolve(self, target: str, search_path: Sequence[str], absolute: bool) -> str:
        """Entry IDs and entry/image/asset paths become URLs; ``@path`` becomes a static
        URL; anything else is returned unchanged (joined to the site URL if absolute)."""
        ...
