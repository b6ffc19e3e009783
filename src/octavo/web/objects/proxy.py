"""Values that work bare, called, truth-tested and iterated, as Publ templates expect:
``{{ entry.body }}``, ``{{ entry.body(width=320) }}``, ``{% if entry.more %}``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from markupsafe import Markup, escape

_UNSET = object()


class CallableProxy:
    """Calls `func` with the template's arguments, or with none when used bare.

    The bare value is computed once per object (objects live for one request,
    so this is per URL and per viewer, like Publ's memoisation).
    """

    __slots__ = ("_func", "_value")

    def __init__(self, func: Callable[..., Any]) -> None:
        self._func = func
        self._value: Any = _UNSET

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:
            return self._default()
        return self._func(*args, **kwargs)

    def _default(self) -> Any:
        if self._value is _UNSET:
            self._value = self._func()
        return self._value

    def __getattr__(self, name: str) -> Any:
        # Jinja probes callables for `jinja_pass_arg`; answering must not compute the value.
        if name.startswith("_") or name.startswith("jinja_"):
            raise AttributeError(name)
        return getattr(self._default(), name)

    def __html__(self) -> Markup:
        return escape(self._default())

    def __str__(self) -> str:
        return str(self._default())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._default()!r}>"

    def __bool__(self) -> bool:
        return bool(self._default())

    def __len__(self) -> int:
        return len(self._default())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._default())

    def __getitem__(self, key: Any) -> Any:
        return self._default()[key]

    def __contains__(self, item: Any) -> bool:
        return item in self._default()

    def __eq__(self, other: object) -> bool:
        return bool(self._default() == other)

    def __hash__(self) -> int:
        return hash(self._default())

    def __lt__(self, other: Any) -> bool:
        return bool(self._default() < other)

    def __add__(self, other: Any) -> Any:
        return self._default() + other

    def __radd__(self, other: Any) -> Any:
        return other + self._default()


class TrueCallableProxy(CallableProxy):
    """A proxy known to have content: always truthy, without computing it."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True


class LiveProxy(CallableProxy):
    """A proxy that outlives requests (a template global): its bare value is computed at
    each use, never kept from one request for the next."""

    __slots__ = ()

    def _default(self) -> Any:
        return self._func()


def constant(value: Any) -> CallableProxy:
    """A proxy whose value never depends on arguments (Publ's CallableValue)."""
    return CallableProxy(lambda *_args, **_kwargs: value)
