"""``users.cfg``: groups of identities, expanded transitively.

The format is INI-like: ``[group]`` followed by one member per line; a
member is an identity URI or another group; a section named after an
identity gives that identity's groups to the members listed under it.
"""

from __future__ import annotations

import configparser
from collections import deque
from collections.abc import Mapping


def parse_users(text: str) -> dict[str, frozenset[str]]:
    """Map each section name to its direct members, case preserved."""
    parser = configparser.ConfigParser(
        delimiters=("\0",), allow_no_value=True, interpolation=None, comment_prefixes=("#", ";")
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return {section: frozenset(parser[section]) for section in parser.sections()}


def groups_of(identity: str, sections: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """Every group an identity belongs to, directly or through other groups (cycles are safe)."""
    found: set[str] = set()
    queue = deque([identity])
    while queue:
        member = queue.popleft()
        for group, members in sections.items():
            if member in members and group not in found:
                found.add(group)
                queue.append(group)
    return frozenset(found)
