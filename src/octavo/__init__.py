"""Octavo: serve a Publ-format site from a SQL index of its files.

A Publ site's ``app.py`` runs with ``import octavo as publ``: ``publ.Publ`` is the
app, and ``publ.user``, ``publ.entry``, ``publ.view``, ``publ.image``, ``publ.utils``,
``publ.tokens`` and ``publ.config`` are Publ's Python API (``octavo.web.publ_api``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from octavo import config
from octavo.web.app import Octavo
from octavo.web.publ_api import entry, image, tokens, user, utils, view

__all__ = [
    "Octavo",
    "Publ",
    "config",
    "entry",
    "image",
    "publ",
    "tokens",
    "user",
    "utils",
    "view",
]
__version__ = "0.1.0"

#: Publ's name for the application class.
Publ = Octavo

#: Parts of Publ's Python API that have no counterpart, and what to use instead.
UNSUPPORTED = {
    "model": "Publ's PonyORM models do not exist in Octavo (its index is SQL tables "
    "behind octavo.index); use publ.entry.get_entry_by_id or publ.view.get_view",
    "orm": "Octavo does not use PonyORM; use publ.entry.get_entry_by_id or publ.view.get_view",
    "caching": "Publ's caching module is not part of Octavo's API; configure the page cache "
    "with the 'cache' key",
    "rendering": "Publ's rendering module is not part of Octavo's API; add routes with "
    "@app.route and render with flask.render_template",
}


def publ(name: str, cfg: Mapping[str, Any]) -> Octavo:
    """Publ's deprecated app factory: use ``publ.Publ(name, config)``."""
    logging.getLogger(__name__).warning("publ.publ() is deprecated; use publ.Publ instead")
    return Octavo(name, cfg)


def __getattr__(name: str) -> Any:
    """A part of Publ's API Octavo does not have fails with what to use instead."""
    if name in UNSUPPORTED:
        raise AttributeError(f"publ.{name} is not supported by Octavo: {UNSUPPORTED[name]}")
    raise AttributeError(f"module 'octavo' has no attribute {name!r}")
