"""Case-insensitive sets of tags (Publ's TagSet): keys are folded, names kept for display."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from octavo.content.slugs import tag_key


class TagSet:
    """Tags compared by key; iterates (and prints) display names."""

    __slots__ = ("_names",)

    def __init__(self, tags: Iterable[str] = ()) -> None:
        self._names: dict[str, str] = {}
        for tag in tags:
            self._names.setdefault(tag_key(tag), tag)

    def keys(self) -> list[str]:
        return list(self._names)

    def values(self) -> list[str]:
        return list(self._names.values())

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, tag: object) -> bool:
        return isinstance(tag, str) and tag_key(tag) in self._names

    def _combine(self, keys: Iterable[str], other: TagSet) -> TagSet:
        result = TagSet()
        result._names = {k: self._names.get(k) or other._names[k] for k in keys}
        return result

    def __or__(self, other: Iterable[str]) -> TagSet:
        other = _as_set(other)
        return self._combine(
            [*self._names, *(k for k in other._names if k not in self._names)], other
        )

    def __and__(self, other: Iterable[str]) -> TagSet:
        other = _as_set(other)
        return self._combine([k for k in self._names if k in other._names], other)

    def __sub__(self, other: Iterable[str]) -> TagSet:
        other = _as_set(other)
        return self._combine([k for k in self._names if k not in other._names], other)

    def __xor__(self, other: Iterable[str]) -> TagSet:
        other = _as_set(other)
        return (self - other) | (other - self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str) or not isinstance(other, Iterable):
            return NotImplemented
        return set(self._names) == set(_as_set(other)._names)

    def __le__(self, other: Iterable[str]) -> bool:
        return set(self._names) <= set(_as_set(other)._names)

    def __lt__(self, other: Iterable[str]) -> bool:
        return set(self._names) < set(_as_set(other)._names)

    def __hash__(self) -> int:
        return hash(frozenset(self._names))

    def __str__(self) -> str:
        """Printed as Publ prints its tag sets: a Python set of the names."""
        return "{" + ", ".join(map(repr, self._names.values())) + "}" if self._names else "set()"

    def __repr__(self) -> str:
        return f"TagSet({list(self._names.values())!r})"


def _as_set(tags: Iterable[str]) -> TagSet:
    return tags if isinstance(tags, TagSet) else TagSet(tags)
