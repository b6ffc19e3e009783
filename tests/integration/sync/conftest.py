from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.sync.server import FeedServer


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()
