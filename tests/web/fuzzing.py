"""Shared pieces of the property-based tests: the run's seed and example count, and the
crawl that finds every URL a fixture site links to (the fuzzers' starting points).

``OCTAVO_FUZZ_EXAMPLES`` raises the example count (``bench/fuzz`` does, for long
runs); ``OCTAVO_FUZZ_SEED`` replays a run. Each run draws a fresh seed otherwise,
and a failure names it.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import hypothesis
from flask.testing import FlaskClient

SEED = int(os.environ.get("OCTAVO_FUZZ_SEED") or random.randrange(2**32))

T = TypeVar("T")


def fuzz_settings(examples: int) -> Callable[[T], T]:
    """A fixed example count (scaled by OCTAVO_FUZZ_EXAMPLES), the run's seed, no example
    database (CI starts clean), no deadline (the first render of a page is slow)."""
    count = int(os.environ.get("OCTAVO_FUZZ_EXAMPLES") or examples)

    def apply(test: T) -> T:
        test = hypothesis.settings(
            max_examples=count,
            deadline=None,
            database=None,
            print_blob=True,
            suppress_health_check=[
                hypothesis.HealthCheck.function_scoped_fixture,
                hypothesis.HealthCheck.too_slow,
                hypothesis.HealthCheck.data_too_large,
            ],
        )(test)
        return hypothesis.seed(SEED)(test)  # type: ignore[no-any-return]

    return apply


def seed_note() -> str:
    return f"replay with OCTAVO_FUZZ_SEED={SEED}"


_LINK = re.compile(r"""(?:href|src|srcset)=["']([^"']+)["']|<(?:id|link|loc)>([^<]+)<""")


def crawl(client: FlaskClient, start: list[str], limit: int = 400) -> list[str]:
    """Every same-site URL reachable from `start` (links, images, feed and sitemap
    entries), in the order found; each page is fetched once."""
    seen: dict[str, None] = dict.fromkeys(start)
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code in (301, 302, 307, 308):
            _add(response.headers.get("Location", ""), seen, queue)
            continue
        kind = response.headers.get("Content-Type", "")
        if response.status_code != 200 or not kind.startswith(("text/", "application/")):
            continue
        for match in _LINK.finditer(response.get_data(as_text=True)):
            for candidate in (match[1] or match[2] or "").split(","):
                _add(candidate.strip().split(" ")[0], seen, queue)
    return list(seen)


def _add(url: str, seen: dict[str, Any], queue: list[str]) -> None:
    parts = urlsplit(url.replace("&amp;", "&"))
    if parts.scheme and parts.hostname not in ("localhost", None):
        return
    local = parts.path + (f"?{parts.query}" if parts.query else "")
    if local.startswith("/") and local not in seen:
        seen[local] = None
        queue.append(local)
