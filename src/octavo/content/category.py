"""Category meta files (``.cat``, ``.meta``) parsed into plain records."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from octavo.content.aliases import Alias, AliasKind, parse_alias
from octavo.content.limits import NAME, PATH, check_aliases, check_headers
from octavo.content.message import parse_message
from octavo.content.paths import category_of, normalize_category
from octavo.content.reader import decode_text
from octavo.content.titles import plain_title


@dataclass
class CategoryRecord:
    """What a meta file says about its category."""

    path: str
    category: str
    name: str
    sort_name: str
    index_template: str | None
    entry_template: str | None
    description: str
    aliases: list[Alias] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)


def default_name(category: str) -> str:
    """The display name of a category without a ``Name:``: ``travel_notes`` is ``Travel Notes``."""
    base = posixpath.basename(category)
    return base.replace("_", " ").title() if base else ""


def parse_category(path: str, data: bytes) -> CategoryRecord:
    """Parse a meta file; an empty file just marks the category with defaults."""
    message = parse_message(path, decode_text(path, data, allow_empty=True))
    limits = {"Category": PATH, "Index-Template": NAME, "Entry-Template": NAME}
    check_headers(path, message, limits)
    check_aliases(path, message, ("Path-Alias", "Path-Mount"))
    get = message.get
    category = normalize_category(get("Category") or category_of(path))
    name = get("Name") or default_name(category)
    aliases = [
        alias
        for kind, header in ((AliasKind.REDIRECT, "Path-Alias"), (AliasKind.MOUNT, "Path-Mount"))
        for value in message.get_all(header)
        if (alias := parse_alias(value, kind))
    ]
    return CategoryRecord(
        path=path,
        category=category,
        name=name,
        sort_name=get("Sort-Name") or plain_title(name),
        index_template=get("Index-Template") or None,
        entry_template=get("Entry-Template") or None,
        description=message.payload.strip(),
        aliases=aliases,
        headers=[(h.name, h.value) for h in message.headers],
    )
