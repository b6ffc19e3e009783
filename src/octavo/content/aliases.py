"""``Path-Alias``/``Path-Mount``/``Path-Canonical`` values: a path and an optional template."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from urllib.parse import unquote


class AliasKind(IntEnum):
    """What requesting an alias path does."""

    REDIRECT = 0  # 301 to the target's URL
    MOUNT = 1  # render the target in place


@dataclass(frozen=True)
class Alias:
    """One alternate URL for an entry or category."""

    path: str
    kind: AliasKind
    template: str | None = None


def parse_alias(value: str, kind: AliasKind) -> Alias | None:
    """Parse ``path [template]``: the path is %-decoded and gets a leading slash."""
    parts = value.split()
    if not parts:
        return None
    path = unquote(parts[0])
    if not path.startswith("/"):
        path = "/" + path
    return Alias(path, kind, parts[1] if len(parts) > 1 else None)
