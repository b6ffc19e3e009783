"""Publ's image specs: ``path{args} "title"``, ``alt{container args}``, ``a | b | c`` sets."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from octavo.common.literals import ArgSyntaxError, split_spec

_TITLED = re.compile(r'(.+)\s+"(.*)"\s*$', re.DOTALL)
_SIZE_NAMES = ("width", "height")


def parse_config(text: str) -> tuple[str, dict[str, Any]]:
    """``text{w, h, key=value}`` → text and arguments; up to two positional sizes.

    A positional ``None`` leaves that size unset, so ``{None,240}`` means "height 240"
    (Publ raised on it).
    """
    rest, positional, keywords = split_spec(text, max_positional=2)
    for name, value in zip(_SIZE_NAMES, positional, strict=False):
        if name in keywords:
            raise ArgSyntaxError(f"got multiple values for {name}")
        if value is None:
            continue
        try:
            keywords[name] = int(value)
        except (TypeError, ValueError):
            raise ArgSyntaxError(f"{name} must be a number, not {value!r}") from None
    return rest, keywords


@dataclass(frozen=True)
class ImageSpec:
    """One image of a set as written: path, its own arguments and its title."""

    path: str
    args: dict[str, Any]
    title: str | None


def parse_image_spec(spec: str) -> ImageSpec:
    """``path{args} "title"``; the title is HTML-unescaped as Publ does."""
    title = None
    match = _TITLED.match(spec)
    if match:
        spec, title = match.group(1), match.group(2)
    path, args = parse_config(spec)
    return ImageSpec(path, args, html.unescape(title) if title else title)


def split_set(specs: str, container: dict[str, Any]) -> list[tuple[str, bool]]:
    """The ``|``-separated specs of a set, each with whether it is shown (``count``)."""
    items = [spec.strip() for spec in specs.split("|")]
    if "count" not in container:
        return [(item, True) for item in items]
    first = _as_int(container.get("count_offset", 0))
    last = first + _as_int(container["count"])
    return [(item, first <= index < last) for index, item in enumerate(items)]


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ArgSyntaxError(f"expected a whole number, not {value!r}") from None


def closing_paren(text: str, index: int) -> int | None:
    """The index of the ``)`` that closes a parenthesis opened just before `index`;
    parentheses and quotes nest. None when it is never closed."""
    depth, quote = 1, ""
    for position in range(index, len(text)):
        char = text[position]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
    return None
