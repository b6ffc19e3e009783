"""The whole multi-instance deployment on this machine, deployed the way docs/deploying.md
says: two gunicorn instances of the example site on two loopback ports, sharing one
PostgreSQL index, one Redis page cache and one S3-compatible store (moto's server),
behind a round-robin balancer, while a second process keeps a bounded load on the balancer.

A deploy is a new release folder with a new entry, the Procfile's release command
run from it, then each instance restarted in turn from the new folder; then a full
rebuild of the index under load. Asserted: no request fails, both instances list
the new entry within the documented time (before they restart: the index is
shared), no page ever shows a half-built index (the sitemap lists the old pages or
the new ones, nothing in between), and images in pages still resolve after the
bucket is emptied.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import SERVER_URLS, clear_server_database
from tests.e2e.balancer import Balancer
from tests.e2e.test_deploy_recipes import (
    Server,
    copy_site,
    environment,
    fetch,
    free_port,
    platform_url,
    procfile,
    run_ok,
)
from tests.integration.s3servers import CREDENTIALS, MotoServer, ServerFailed

#: The suite's Redis (a database of its own per checkout); keys get a prefix per run.
REDIS_URL = os.environ.get("OCTAVO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

#: docs/deploying.md: every instance follows a change to the shared index within this.
DOCUMENTED_FOLLOW = 3.0
NEW_TITLE = "Shipped with the second release"
ENTRY = "/blog/travel/301-The-river-at-dawn"


@pytest.fixture
def s3(tmp_path: Path):
    server = MotoServer(tmp_path)
    try:
        server.start()
    except ServerFailed as err:
        pytest.fail(str(err))
    yield server
    server.close()


@pytest.fixture
def instances():
    running: dict[int, Server] = {}
    yield running
    for server in running.values():
        server.stop()


def release(site: Path, env: dict[str, str]) -> None:
    run_ok(["bash", "-c", procfile()["release"]], site, env)


def start(site: Path, port: int, env: dict[str, str], log: Path) -> Server:
    server = Server(["bash", "-c", procfile()["web"]], site, {**env, "PORT": str(port)}, log)
    server.wait_for(f"http://127.0.0.1:{port}/_ready")
    return server


def wait_until(check, timeout: float) -> float:
    """Seconds until check() is true; fails after `timeout`."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            pytest.fail(f"not true within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - started


def test_rolling_deploy_of_two_instances_behind_a_balancer(tmp_path, s3, instances):
    clear_server_database(SERVER_URLS["postgresql"])
    prefix = s3.prefix()
    env = environment(
        DATABASE_URL=platform_url("postgresql"),
        SECRET_KEY="one-key-for-every-instance",
        IMAGE_STORE="s3",
        IMAGE_S3_BUCKET=s3.bucket,
        IMAGE_S3_ENDPOINT=s3.endpoint,
        IMAGE_S3_PREFIX=prefix,
        CACHE_URL=f"{REDIS_URL}?prefix=topology-{uuid.uuid4().hex[:8]}:",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="info",
        **CREDENTIALS,
    )
    first = copy_site(tmp_path)
    release(first, env)
    ports = [free_port(), free_port()]
    for number, port in enumerate(ports):
        instances[port] = start(first, port, env, tmp_path / f"web-{number}-r1.log")
    balancer = Balancer(ports)
    wait_until(lambda: balancer.ready == set(ports), 10)
    for port in ports:
        state = json.loads(fetch(f"http://127.0.0.1:{port}/_ready")[1])
        assert state == {
            "ready": True,
            "index": "present",
            "rendition_store": "ok",
            "page_cache": "ok",
        }

    status, page, _ = fetch(balancer.url + ENTRY)
    assert status == 200
    image = re.search(rb'<img src="(/_img/[^"]+)"', page).group(1).decode()
    status, data, _ = fetch(balancer.url + image)
    assert status == 200 and data[:3] == b"\xff\xd8\xff"
    assert s3.keys(prefix)  # the rendition went to the bucket
    old_pages = fetch(balancer.url + "/sitemap")[1].count(b"<loc>")

    out, stop = tmp_path / "load.json", tmp_path / "load.stop"
    load = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).parent / "load_client.py"),
            balancer.url,
            str(out),
            str(stop),
            "/",
            "/blog/",
            "/sitemap",
            "/feed",
            ENTRY,
            image,
        ]
    )
    time.sleep(2)

    second = tmp_path / "release-2"
    shutil.copytree(first, second, ignore=shutil.ignore_patterns(".octavo", "_img"))
    (second / "content" / "blog" / "shipped.md").write_text(
        f"Title: {NEW_TITLE}\nDate: 2026-11-30 12:00:00+01:00\nEntry-ID: 777\n\n"
        "This entry arrived with the second release.\n"
    )
    release(second, env)
    released = time.monotonic()
    follow = [
        wait_until(
            lambda port=port: NEW_TITLE.encode() in fetch(f"http://127.0.0.1:{port}/")[1],
            DOCUMENTED_FOLLOW,
        )
        for port in ports
    ]
    follow_all = time.monotonic() - released

    restart_started = time.time()
    for number, port in enumerate(ports):
        assert instances.pop(port).stop() == 0  # SIGTERM: graceful
        instances[port] = start(second, port, env, tmp_path / f"web-{number}-r2.log")
        wait_until(lambda port=port: port in balancer.ready, 10)
    restart_ended = time.time()

    run_ok(["octavo", "reindex", "--fresh", "--quiet"], second, env)
    time.sleep(2)
    stop.touch()
    assert load.wait(timeout=120) == 0
    records = json.loads(out.read_text())
    balancer.close()

    failed = [r for r in records if r[2] != 200]
    assert not failed, failed[:10]
    assert {r[4] for r in records} == {str(p) for p in ports}  # both instances served
    listed = {r[5] for r in records if r[5] is not None}
    new_pages = old_pages + 1
    assert listed <= {old_pages, new_pages}, listed  # never a half-built index
    assert [r[5] for r in records if r[5] is not None][-1] == new_pages

    for port in ports:  # the new entry's own page, from the new files, on both
        status, body, _ = fetch(f"http://127.0.0.1:{port}/blog/777")
        assert status == 200 and NEW_TITLE.encode() in body

    assert s3.wipe(prefix)  # an operator empties the bucket
    for port in ports:
        status, page, _ = fetch(f"http://127.0.0.1:{port}{ENTRY}")
        assert status == 200 and image.encode() in page  # the same signed name
        status, data, _ = fetch(f"http://127.0.0.1:{port}{image}")
        assert status == 200 and data[:3] == b"\xff\xd8\xff"

    during = sorted(r[3] for r in records if restart_started <= r[0] <= restart_ended)
    p99 = during[int(len(during) * 0.99) - 1] if during else 0.0
    print(
        f"\nrolling deploy: {len(records)} requests, {len(failed)} failed; "
        f"{len(during)} during the restarts ({restart_ended - restart_started:.1f} s), "
        f"p99 {p99 * 1000:.0f} ms; the balancer retried {balancer.retried}; "
        f"instances followed the release in "
        f"{max(follow):.2f} s ({follow_all:.2f} s for both)"
    )
