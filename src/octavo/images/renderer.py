"""Rendering missing renditions: once, in a bounded pool, atomically.

Concurrent requests for one name share one render in a process (single flight)
and are serialised across the processes of a machine by a lock file; a render
re-reads the store under the lock, so the loser of a race gets the stored bytes
and renders nothing. Instances on other machines may render the same name at
the same time: the store keeps the first write (the bytes are the same anyway).
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
from dataclasses import dataclass

from octavo.images.naming import Namer
from octavo.images.pipeline import content_type, render
from octavo.images.plan import RenditionPlan
from octavo.images.sources import Source
from octavo.images.stores.guarded import GuardedStore

#: Lock files are shared by names that hash alike, so their number stays bounded.
LOCK_SLOTS = 64


class RenderBusy(Exception):
    """The rendition was not ready in time (the pool is saturated)."""


@dataclass(frozen=True)
class Produced:
    """A rendition's bytes, and how they were had."""

    data: bytes
    rendered: bool  # False: another render (here or elsewhere) stored them first
    stored: bool  # False: the store could not take them (kept in the spill)


class Renderer:
    def __init__(
        self,
        store: GuardedStore,
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
        self._flights: dict[str, concurrent.futures.Future[Produced]] = {}
        self._guard = threading.Lock()

    def submit(self, source: Source, plan: RenditionPlan) -> concurrent.futures.Future[Produced]:
        """Start producing `plan` unless that is already under way."""
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

    def produce(self, source: Source, plan: RenditionPlan, timeout: float) -> Produced:
        """The rendition, read from the store or rendered (and stored); raises RenderError,
        or RenderBusy when it is not ready within `timeout` seconds."""
        try:
            return self.submit(source, plan).result(timeout)
        except concurrent.futures.TimeoutError:
            raise RenderBusy(f"rendition of {source.relpath} not ready in {timeout:g}s") from None

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _land(self, name: str, done: concurrent.futures.Future[Produced]) -> None:
        with self._guard:
            if self._flights.get(name) is done:
                del self._flights[name]

    def _render(self, name: str, source: Source, plan: RenditionPlan) -> Produced:
        with self._locked(name):
            found = self.store.lookup(name)
            if found is not None:
                return Produced(found[0], rendered=False, stored=found[1])
            data = self.render_fn(source, plan, self.max_pixels, self.draft_tolerance)
            stored = self.store.put(name, data, content_type(plan.ext))
            return Produced(data, rendered=True, stored=stored)

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
