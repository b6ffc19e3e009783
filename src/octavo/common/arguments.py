"""Publ's image and HTML-processing arguments as both markup and images read them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def as_list(value: Any) -> list[Any]:
    """A string is one item; other iterables are lists of items; None is no items."""
    if value is None:
        return []
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def prefix_normalize(args: Mapping[str, Any]) -> dict[str, Any]:
    """With ``prefix`` set, ``{prefix}{key}`` overrides ``key`` (the last prefix wins)."""
    if "prefix" not in args:
        return dict(args)
    prefixed: dict[str, Any] = {}
    removed: set[str] = set()
    for prefix in as_list(args["prefix"]):
        if not isinstance(prefix, str) or not prefix:
            continue
        for key, value in args.items():
            if key.startswith(prefix):
                prefixed[key[len(prefix) :]] = value
                removed.add(key)
    merged = {**args, **prefixed}
    for key in removed - prefixed.keys():
        merged.pop(key, None)
    return merged
