"""The render memo keeps recent renders within both of its bounds."""

from __future__ import annotations

from octavo.markup.memo import RenderCache


def test_least_recently_used_goes_first() -> None:
    cache: RenderCache[str] = RenderCache(len, max_items=2)
    cache.get("a", lambda: "A")
    cache.get("b", lambda: "B")
    cache.get("a", lambda: "never")
    cache.get("c", lambda: "C")
    assert len(cache) == 2
    assert cache.get("a", lambda: "again") == "A"
    assert cache.get("b", lambda: "recomputed") == "recomputed"


def test_weight_bound_and_oversized_values() -> None:
    cache: RenderCache[str] = RenderCache(len, max_weight=10)
    cache.get("a", lambda: "x" * 6)
    cache.get("b", lambda: "y" * 6)
    assert len(cache) == 1
    assert cache.get("big", lambda: "z" * 11) == "z" * 11
    assert cache.get("big", lambda: "computed again") == "computed again"
    cache.clear()
    assert len(cache) == 0
