"""Rendering missing renditions: once, in a bounded pool, atomically.

Concurrent requests for one name share one render in a process (single flight)
and are serialised across processes by a lock file; a render re-checks the
store under the lock, so the loser of a race finds the file and does nothing.
The pool's size bounds how many sources are decoded at once, and so memory.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import hashlib
import os
import threading
from collections.abc import Callable, Iterator

from octavo.images.naming import Namer
from octavo.images.pipeline import content_type, render
from octavo.images.plan import RenditionPlan
from octavo.images.sources import Source
from octavo.images.stores.base import RenditionStore

#: Lock files are shared by names that hash alike, so their number stays bounded.
LOCK_SLOTS = 64


class RenderBusy(Exception):
    """The rendition was not ready in time (the pool is saturated)."""


class Renderer:
    def __init__(
        self,
        store: RenditionStore,
        namer: Namer,
        lock_folder: str,
        threads: int,
        max_pixels: int,
        draft_tolerance: float = 1.0,
        render_fn: Callable[[Source, RenditionPlan, int, float], bytes] = render,
    ) -> None:
        self.store = store
        self.namer = namer
        self.lock_folder = lock_folder
        self.max_pixels = max_pixels
        self.draft_tolerance = draft_tolerance
        self.render_fn = render_fn
        self.pool = concurrent.futures.ThreadPoolExecutor(threads, "octavo-render")
        self._flights: dict[str, concurrent.futures.Future[bool]] = {}
        self._guard = threading.Lock()

    def submit(self, source: Source, plan: RenditionPlan) -> concurrent.futures.Future[bool]:
        """Start rendering `plan` unless that is already under way; the future's result
        is True when this call rendered it, False when it was already stored."""
        name = self.namer.name(plan)
        with self._guard:
            flight = self._flights.get(name)
            started = flight is None
            if flight is None:
                flight = self.pool.submit(self._render, name, source, plan)
                self._flights[name] = flight
        if started:  # outside the guard: a finished future calls back at once
            flight.add_done_callback(lambda done: self._land(name, done))
        return flight

    def ensure(self, source: Source, plan: RenditionPlan, timeout: float) -> None:
        """Make sure the rendition is stored; raises RenderError or RenderBusy."""
        if self.store.exists(self.namer.name(plan)):
            return
        try:
            self.submit(source, plan).result(timeout)
        except concurrent.futures.TimeoutError:
            raise RenderBusy(f"rendition of {source.relpath} not ready in {timeout:g}s") from None

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _land(self, name: str, done: concurrent.futures.Future[bool]) -> None:
        with self._guard:
            if self._flights.get(name) is done:
                del self._flights[name]

    def _render(self, name: str, source: Source, plan: RenditionPlan) -> bool:
        with self._locked(name):
            if self.store.exists(name):
                return False
            data = self.render_fn(source, plan, self.max_pixels, self.draft_tolerance)
            self.store.put(name, data, content_type(plan.ext))
            return True

    @contextlib.contextmanager
    def _locked(self, name: str) -> Iterator[None]:
        os.makedirs(self.lock_folder, exist_ok=True)
        slot = int(hashlib.blake2b(name.encode(), digest_size=2).hexdigest(), 16) % LOCK_SLOTS
        with open(os.path.join(self.lock_folder, f"{slot:02d}.lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
