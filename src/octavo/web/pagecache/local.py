"""A small in-process copy of the pages this worker served last, in front of the shared
backend: a hot page then costs no round trip to memcached or Redis.

It needs no invalidation of its own: a page is served from here under exactly the
rules a page from the backend is (its content version, its tags, scheduled entries),
and it is dropped when it outlives the backend's timeout or is found stale. Bounded in
bytes; the least recently served page goes first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from octavo.web.pagecache.page import Page


class LocalPages:
    def __init__(self, max_bytes: int, timeout: int) -> None:
        self.max_bytes = max_bytes
        self.timeout = timeout
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if self.timeout and time.time() - page.stored_at > self.timeout:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: Page) -> None:
        size = len(page.body)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            self._drop(key)
            self._pages[key] = page
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def discard(self, key: str) -> None:
        with self._lock:
            self._drop(key)

    def _drop(self, key: str) -> None:
        page = self._pages.pop(key, None)
        if page is not None:
            self._bytes -= len(page.body)
