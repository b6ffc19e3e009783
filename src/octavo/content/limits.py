"""The sizes of the index's text columns, checked while a file is parsed.

PostgreSQL and MariaDB refuse a value longer than its column, and a value cut to fit
can collide with another (two long tags sharing their first 255 characters). Checked
here, such a value is a problem naming the file and line, and only that file is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable

from octavo.content.aliases import AliasKind, parse_alias
from octavo.content.message import Message
from octavo.content.problems import ContentError

#: Content paths, categories and alias paths. Short enough for a MySQL utf8mb4 key.
PATH = 512

#: Short names: Entry-Type, templates, Content-Type, tag names and keys, `Auth:` principals.
NAME = 255

#: Login identities (URLs, addresses), and the `Auth:` principals that name them.
IDENTITY = 512


def check_value(path: str, what: str, value: str | None, limit: int, line: int | None) -> None:
    """Refuse a value the index could not store as it is: too long, or with a NUL
    character (PostgreSQL stores none; one can come from ``%00`` in an alias)."""
    if value is None:
        return
    if len(value) > limit:
        raise ContentError(
            path, f"{what} is {len(value)} characters long; at most {limit} are allowed", line
        )
    if "\0" in value:
        raise ContentError(path, f"{what} contains a NUL character", line)


def check_headers(path: str, message: Message, limits: dict[str, int]) -> None:
    """The value of each named header (the first, which is the one read) fits its limit."""
    for name, limit in limits.items():
        found = message.find(name)
        if found is not None:
            check_value(path, name, found.value, limit, found.line)


def check_aliases(path: str, message: Message, names: Iterable[str]) -> None:
    """Each alias path (once %-decoded) and template of the named headers fits its column."""
    wanted = {name.lower() for name in names}
    for header in message.headers:
        if header.name.lower() not in wanted:
            continue
        alias = parse_alias(header.value, AliasKind.REDIRECT)
        if alias is not None:
            check_value(path, f"{header.name} path", alias.path, PATH, header.line)
            check_value(path, f"{header.name} template", alias.template, NAME, header.line)
