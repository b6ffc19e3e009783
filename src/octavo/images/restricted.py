"""Which source images a visitor who is not logged in may not fetch (only private
entries use them, octavo.index.files), known once per index version.

Their renditions are linked through ``/_img/``, which checks the reader, and never
at the store's public URL (a bucket or a static folder serves anyone who has the
link). When the index cannot say, every image counts as restricted: a page then
links ``/_img/`` for everything, which still works.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from octavo.index.database import IndexDatabase
from octavo.index.queries import ANONYMOUS

LOG = logging.getLogger(__name__)


class RestrictedImages:
    def __init__(self, index: IndexDatabase | None) -> None:
        self.index = index
        self._known: tuple[object, frozenset[str]] = (None, frozenset())

    def __contains__(self, digest: object) -> bool:
        if self.index is None:
            return False
        try:
            return digest in self._current(self.index)
        except SQLAlchemyError as err:
            LOG.warning("index unavailable, treating image %s as private: %s", digest, err)
            return True

    def _current(self, index: IndexDatabase) -> frozenset[str]:
        state = index.state()
        if state is None:
            return frozenset()
        key = (state.tables.prefix, state.version)
        known_key, digests = self._known
        if known_key != key:
            with index.reading(ANONYMOUS) as reader:
                digests = reader.unreadable_digests() if reader else frozenset()
            self._known = (key, digests)
        return digests
