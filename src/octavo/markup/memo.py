"""A bounded, thread-safe LRU for rendered sections: render once, serve many times."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class RenderCache(Generic[V]):
    """Least-recently-used cache bounded by entry count and by total weight (characters).

    A value is computed outside the lock, so two threads asking for the same
    missing key may both compute it; the result is the same and the second
    store is harmless. That keeps one slow render from blocking every other.
    """

    def __init__(
        self, weigh: Callable[[V], int], max_items: int = 8192, max_weight: int = 64_000_000
    ) -> None:
        self.weigh = weigh
        self.max_items = max_items
        self.max_weight = max_weight
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found[0]
            self.misses += 1
        value = compute()
        weight = self.weigh(value)
        if weight > self.max_weight:
            return value
        with self._lock:
            previous = self._items.pop(key, None)
            if previous is not None:
                self._weight -= previous[1]
            self._items[key] = (value, weight)
            self._weight += weight
            while len(self._items) > self.max_items or self._weight > self.max_weight:
                _, (_, dropped) = self._items.popitem(last=False)
                self._weight -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._items)
