"""SIGTERM to a serving instance in the middle of a rescan, on PostgreSQL: the request in
flight completes in full, the instance exits 0, and the writer lock it held is free the
moment it is gone, so another instance takes over the scan at once.

The in-flight request is a large page (a template of the test site) read by a client
that stops reading after the first bytes: gunicorn's worker is then blocked writing it,
however fast or loaded the machine, until the client reads on after the SIGTERM. The
client talks to gunicorn directly: no balancer retries anything.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from octavo.index.database import IndexDatabase
from octavo.index.scanner import Scanner
from tests.conftest import SERVER_URLS, clear_server_database
from tests.e2e.test_deploy_recipes import Server, copy_site, environment, free_port
from tests.e2e.test_index_instances import OCTAVO, lock_held
from tests.integration.helpers import entries_by_path

BULK = 4000  # new entries the instance's start-up scan is indexing when it is stopped
BIG = 30_000_000  # bytes of the slow page: far more than the socket buffers hold
END = "<!-- end of the big page -->"


def add_bulk(site: Path) -> None:
    for number in range(BULK):
        path = site / "content" / "bulk" / f"entry-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Title: Bulk {number}\nDate: 2020-01-01\n\n" + "Text.\n\n" * 20)


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def start_slow_read(port: int, path: str) -> tuple[socket.socket, bytes]:
    """Send a GET and read only its first bytes; the server blocks writing the rest."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.settimeout(60)
    client.connect(("127.0.0.1", port))
    client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    first = client.recv(4096)
    assert first.startswith(b"HTTP/1.1 200"), first[:200]
    return client, first


def read_rest(client: socket.socket, first: bytes) -> bytes:
    chunks = [first]
    while chunk := client.recv(1 << 16):
        chunks.append(chunk)
    client.close()
    return b"".join(chunks)


def test_sigterm_finishes_the_request_in_flight_and_frees_the_writer_lock(tmp_path):
    url = SERVER_URLS["postgresql"]
    clear_server_database(url)
    site = copy_site(tmp_path)
    (site / "templates" / "big.html").write_text(f'{{{{ "0123456789" * {BIG // 10} }}}}{END}')
    env = environment(DATABASE_URL=url, SECRET_KEY="k", WEB_CONCURRENCY="1")
    subprocess.run([OCTAVO, "reindex", "--quiet"], cwd=site, env=env, check=True, timeout=120)
    db = IndexDatabase(make_url(url))
    before = set(entries_by_path(db))
    add_bulk(site)  # the next release: the instance's start-up check finds it new
    port = free_port()
    web = Server(["gunicorn", "app:app"], site, {**env, "PORT": str(port)}, tmp_path / "web.log")
    try:
        wait_until(lambda: lock_held(db), 60, "the instance never started its scan")
        web.wait_for(f"http://127.0.0.1:{port}/")  # serving the index as it is meanwhile
        client, first = start_slow_read(port, "/big")
        assert lock_held(db)  # the scan is still running: the lock is held at SIGTERM
        web.process.terminate()
        wait_until(lambda: "Handling signal: term" in web.log.read_text(), 20, "no SIGTERM")
        response = read_rest(client, first)
        assert web.process.wait(timeout=40) == 0
    finally:
        web.stop()
    headers, body = response.split(b"\r\n\r\n", 1)
    length = next(
        int(line.split(b":")[1]) for line in headers.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )  # fmt: skip
    assert len(body) == length and body.endswith(END.encode()) and len(body) > BIG
    assert not lock_held(db)  # free the moment the instance is gone
    assert set(entries_by_path(db)) == before  # its scan was cut short and left no trace
    took_over = subprocess.run(
        [OCTAVO, "reindex", "--quiet"], cwd=site, env=env, timeout=300, capture_output=True
    )
    assert took_over.returncode == 0, took_over.stderr
    assert len(entries_by_path(db)) == len(before) + BULK
    assert Scanner(db, str(site / "content"), ZoneInfo("UTC")).verify().matches
    db.dispose()
