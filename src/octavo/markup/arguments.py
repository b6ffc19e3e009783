"""Publ's HTML-processing arguments (§5.2): merging, prefixes, and keys for memoising."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

#: Arguments whose default is the entry's own link (``True`` also means "the default").
LINK_ARGS = ("footnotes_link", "toc_link", "code_number_links")


def smartquotes_on(args: Mapping[str, Any]) -> bool:
    """``smartquotes`` wins over ``no_smartquotes``; both default to curly quotes."""
    if "smartquotes" in args:
        return bool(args["smartquotes"])
    return not args.get("no_smartquotes", False)


def with_link_defaults(args: Mapping[str, Any], own_link: str) -> dict[str, Any]:
    """Fill footnote/heading/code-line anchor bases that are unset or ``True``."""
    out = dict(args)
    for key in LINK_ARGS:
        if key not in out or out[key] is True:
            out[key] = own_link
    return out


def freeze(value: Any) -> Any:
    """A hashable, order-independent form of an argument value, for cache keys."""
    if isinstance(value, Mapping):
        return ("{", tuple(sorted((str(k), freeze(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("[", tuple(freeze(v) for v in value))
    if isinstance(value, set | frozenset):
        return ("(", tuple(sorted(repr(freeze(v)) for v in value)))
    try:
        hash(value)
    except TypeError:
        return ("?", repr(value))
    return (type(value).__name__, value)


def safe_format(template: str, **values: Any) -> str:
    """``str.format`` limited to plain ``{name}`` fields of `values`.

    Templates come from site authors (``heading_template``, ``more_text``);
    attribute or index lookups and unknown names are left as written instead of
    raising or reaching into objects.
    """
    out: list[str] = []
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return template
    for literal, name, spec, conversion in fields:
        out.append(literal)
        if name is None:
            continue
        if name in values and not spec and not conversion:
            out.append(str(values[name]))
        else:
            out.append(
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
    return "".join(out)
