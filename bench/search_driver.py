"""Runs inside one engine's virtualenv for search_bench.py: search-page throughput
through the app's own WSGI stack (Flask test client, one process, one request at a
time), and recall against a plain scan of the files. Prints one JSON object.

    python search_driver.py qps APP_FILE --query Q [--query Q2 ...] [--requests N]
    python search_driver.py recall APP_FILE --word W [--word W2 ...]   (Octavo only)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

RESULT = re.compile(r'<li class="hit">')


def load_app(app_file: Path) -> Any:
    """Import the app file the way gunicorn would, from its own folder."""
    os.chdir(app_file.parent)
    sys.path.insert(0, str(app_file.parent))
    spec = importlib.util.spec_from_file_location(app_file.stem, app_file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app = module.app
    if type(app).__module__.startswith("publ."):  # Publ scans at start-up: wait till idle
        from publ import index  # type: ignore[import-not-found]

        with app.app_context():
            while index.in_progress():
                time.sleep(0.2)
    return app


def qps(app: Any, queries: list[str], requests: int, warmup: int) -> dict[str, Any]:
    client = app.test_client()
    out: dict[str, Any] = {}
    for query in queries:
        url = "/search?" + urllib.parse.urlencode({"q": query})
        first = client.get(url)
        body = first.get_data(as_text=True)
        for _ in range(warmup):
            client.get(url)
        started = time.perf_counter()
        for _ in range(requests):
            response = client.get(url)
            assert response.status_code == 200
        elapsed = time.perf_counter() - started
        out[query] = {
            "status": first.status_code,
            "results_on_page": len(RESULT.findall(body)),
            "qps": requests / elapsed,
            "ms_per_request": 1000 * elapsed / requests,
            "requests": requests,
        }
    return out


def recall(app: Any, words: list[str]) -> dict[str, Any]:
    """For each word: the public, listed entries whose plain text contains it (a regex
    over title, text, tags and summary, read from the files), against what search finds
    for an anonymous reader."""
    from octavo.content.parse import parse_file
    from octavo.content.plaintext import plain_text
    from octavo.content.status import Status
    from octavo.index.queries import ANONYMOUS
    from octavo.index.search_query import parse_query
    from octavo.index.views import EntryQuery

    content = Path(app.site.content_folder)
    texts: dict[int, str] = {}
    for path in sorted(content.rglob("*.md")):
        rel = path.relative_to(content).as_posix()
        record = parse_file("entry", rel, path.read_bytes(), app.site.timezone, 0.0)
        listed = record.status == Status.PUBLISHED or (
            record.status == Status.SCHEDULED and record.date.utc_timestamp <= time.time()
        )
        if not listed or record.auth or record.explicit_id is None:
            continue
        tags = " ".join(t.name for t in record.tags if not t.hidden)
        body = plain_text(f"{record.text.body}\n{record.text.more}")
        texts[record.explicit_id] = f"{record.title} {body} {tags} {record.summary or ''}"
    out: dict[str, Any] = {}
    with app.index.reading(ANONYMOUS) as reader:
        for word in words:
            pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
            expected = {i for i, text in texts.items() if pattern.search(text)}
            rows = reader.search(parse_query(word), EntryQuery(), limit=len(texts) + 1)
            found = {row.entry_id for row in rows}
            out[word] = {
                "expected": len(expected),
                "found": len(found),
                "missed": len(expected - found),
                "extra_by_stemming": len(found - expected),
                "recall": len(expected & found) / len(expected) if expected else 1.0,
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["qps", "recall"])
    parser.add_argument("app_file", type=Path)
    parser.add_argument("--query", action="append", default=[])
    parser.add_argument("--word", action="append", default=[])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    app = load_app(args.app_file.resolve())
    if args.mode == "qps":
        result = qps(app, args.query, args.requests, args.warmup)
    else:
        result = recall(app, args.word)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
