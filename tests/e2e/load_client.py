"""A bounded load on a site, in a process of its own, for the deployment topology test.

    python load_client.py BASE_URL OUT.json STOP_FILE PATH [PATH ...]

Two threads request the paths in turn (each waits 20 ms between requests) until
STOP_FILE exists, then OUT.json receives one record per request: start time,
path, status, seconds, the backend that served it, and for a sitemap the number
of pages it lists (a half-built index would list fewer).
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

THREADS = 2
PAUSE = 0.02


def run(base: str, out: str, stop_file: str, paths: list[str]) -> None:
    where = urllib.parse.urlsplit(base)
    records: list[list[object]] = []
    guard = threading.Lock()

    def worker(offset: int) -> None:
        turn = offset
        while not os.path.exists(stop_file):
            path = paths[turn % len(paths)]
            turn += 1
            started = time.time()
            status, backend, listed = 0, "", None
            try:
                connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                connection.close()
                status, backend = response.status, response.getheader("X-Backend", "")
                if path.startswith("/sitemap"):
                    listed = body.count(b"<loc>")
            except (OSError, http.client.HTTPException):
                status = -1
            with guard:
                records.append([started, path, status, time.time() - started, backend, listed])
            time.sleep(PAUSE)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(records, handle)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
