"""The rendition store under faults, against real S3-compatible servers (moto, SeaweedFS).

A site stores its renditions in a bucket reached through a TCP proxy, so each
test can empty the bucket, stop the server's S3 endpoint and start it again,
slow it down or cut an upload short. Pages are held the way a page cache would
hold them (the HTML from before the fault) and every image URL in them must
still answer 200 with the image: zero failed image requests, in every case.

With ``OCTAVO_FAULT_TABLE=<file>`` each test appends a row (server, fault,
outcome, latency of the first image request after the fault) to that file.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from octavo import Octavo
from octavo.images.hygiene import expire
from octavo.images.stores.base import IMMUTABLE
from octavo.web.renditions import images_for
from tests.integration.s3servers import S3Server, TcpProxy, client
from tests.integration.test_images_s3server import s3_bucket, s3_endpoint, s3_server  # noqa: F401
from tests.unit.images.synthetic import opened, quadrants, write

#: Short store timeouts and back-off, so the tests see degrade and recovery quickly.
FAST = {"image_store_timeout": 0.5, "image_store_retry": 1.0}
QUIET = {
    "index_enable_watchdog": False,
    "index_rescan_interval": 0,
    "secret_key": "s3cret",
    **FAST,
}
ENTRY = """Title: Photos
Entry-ID: 7
Site-Token: {token}

![](one.jpg{{160}}) ![](two.png{{120}}) ![](three.jpg{{200}})

![]({big}{{300}} "noise")
"""


def make_site(root: Path) -> Path:
    content = root / "content" / "blog"
    write(content / "one.jpg", quadrants(400, 300), "JPEG", quality=90)
    write(content / "two.png", quadrants(240, 180), "PNG")
    write(content / "three.jpg", quadrants(600, 400), "JPEG", quality=90)
    (content / "big.png").write_bytes(noise_png(600))
    # the token keeps the entry's bytes, and so its memoised render, to this one site
    (content / "photos.md").write_text(ENTRY.format(big="big.png", token=root.name))
    templates = root / "templates"
    templates.mkdir()
    (templates / "entry.html").write_text("<h1>{{ entry.title }}</h1>{{ entry.body }}")
    (root / "static").mkdir()
    return root


def noise_png(size: int) -> bytes:
    """A PNG that does not compress: its renditions are tens of kilobytes."""
    from PIL import Image

    image = Image.frombytes(
        "RGB", (size, size), hashlib.shake_256(b"noise").digest(size * size * 3)
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class Bench:
    """One site on one S3 server, behind a proxy, with the instances that serve it."""

    root: Path
    server: S3Server
    proxy: TcpProxy
    prefix: str
    apps: list[Octavo] = field(default_factory=list)

    def config(self, **extra: Any) -> dict[str, Any]:
        return {
            **QUIET,
            "image_store": "s3",
            "image_s3_bucket": self.server.bucket,
            "image_s3_endpoint": self.proxy.endpoint,
            "image_s3_prefix": self.prefix,
            **extra,
        }

    def instance(self, name: str, **extra: Any) -> Octavo:
        """Another instance of the site: its own index folder, the same bucket and key."""
        app = Octavo(
            "faults_site",
            self.config(index_folder=f".octavo-{name}", **extra),
            root_path=str(self.root),
        )
        self.apps.append(app)
        return app

    def stored_keys(self) -> list[str]:
        return self.server.keys(self.prefix)


@pytest.fixture
def bench(tmp_path: Path, s3_server: S3Server) -> Iterator[Bench]:  # noqa: F811
    proxy = TcpProxy(s3_server.port)
    bench = Bench(make_site(tmp_path), s3_server, proxy, s3_server.prefix())
    yield bench
    for app in bench.apps:
        images_for(app).close()
    proxy.close()
    if not s3_server_running(s3_server):
        s3_server.start()


def s3_server_running(server: S3Server) -> bool:
    try:
        client(server.endpoint, timeout=1).head_bucket(Bucket=server.bucket)
    except Exception:
        return False
    return True


def cached_page(app: Octavo) -> str:
    """The entry page as a page cache would have kept it."""
    response = app.test_client().get("/blog/7", follow_redirects=True)
    assert response.status_code == 200, response.data[:300]
    return response.get_data(as_text=True)


def image_urls(html: str) -> list[str]:
    found = re.findall(r'src="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        found += [part.split()[0] for part in srcset.split(", ")]
    urls = list(dict.fromkeys(found))
    assert len(urls) >= 8 and all(url.startswith("/_img/") for url in urls), urls
    return urls


@dataclass
class Load:
    """Image requests made and how they went."""

    failures: list[tuple[str, int]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    def get(self, test_client: Any, url: str) -> float:
        started = time.monotonic()
        response = test_client.get(url, follow_redirects=True)
        elapsed = time.monotonic() - started
        self.latencies.append(elapsed)
        ok = response.status_code == 200 and response.headers["Content-Type"].startswith("image/")
        if ok:
            try:
                opened(response.data)
            except Exception:
                ok = False
        if not ok:
            self.failures.append((url, response.status_code))
        return elapsed


def record(server: S3Server, fault: str, outcome: str, first: float) -> None:
    table = os.environ.get("OCTAVO_FAULT_TABLE")
    if table:
        with open(table, "a") as fh:
            row = {"server": server.kind, "fault": fault, "outcome": outcome, "first_s": first}
            fh.write(json.dumps(row) + "\n")


def ready(app: Octavo) -> dict[str, Any]:
    response = app.test_client().get("/_ready")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.status_code == 200
    return dict(response.get_json())


def test_emptied_bucket_under_a_cached_page(bench):
    first, second = bench.instance("a"), bench.instance("b")
    html = cached_page(first)
    urls = image_urls(html)
    load = Load()
    cold = load.get(first.test_client(), urls[0])
    for app in (first, second):  # both instances have served (and seen) every object
        for url in urls:
            load.get(app.test_client(), url)
    warm = load.get(second.test_client(), urls[0])
    assert not load.failures and len(bench.stored_keys()) == len(urls)
    record(bench.server, "none: first request (render, store)", "200", cold)
    record(bench.server, "none: object in the store", "200", warm)
    assert bench.server.wipe(bench.prefix) == len(urls)
    after = Load()
    first_latency = after.get(second.test_client(), urls[0])
    for index, url in enumerate(urls[1:]):
        after.get((first, second)[index % 2].test_client(), url)
    assert after.failures == []
    assert len(bench.stored_keys()) == len(urls)  # every missing object was rendered again
    assert cached_page(first) == html  # the cached page needed no flush
    record(bench.server, "bucket emptied", "200, rendered again", first_latency)


def test_store_stopped_mid_load_and_started_again(bench, caplog):
    app = bench.instance("a")
    urls = image_urls(cached_page(app))
    warm, cold = urls[: len(urls) // 2], urls[len(urls) // 2 :]
    load = Load()
    for url in warm:
        load.get(app.test_client(), url)
    stop = threading.Event()

    def visitor() -> None:
        test_client = app.test_client()
        while not stop.is_set():
            for url in urls:
                load.get(test_client, url)

    caplog.set_level(logging.WARNING, "octavo.images.stores.guarded")
    visitors = [threading.Thread(target=visitor) for _ in range(2)]
    for thread in visitors:
        thread.start()
    try:
        time.sleep(0.5)
        bench.server.stop()
        outage = Load()
        first_latency = outage.get(app.test_client(), cold[0])
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for url in urls:
                outage.get(app.test_client(), url)
        assert ready(app)["rendition_store"] == "degraded"
        bench.server.start()
        back = time.monotonic()
        deadline = back + 30
        while ready(app)["rendition_store"] != "ok":
            assert time.monotonic() < deadline, "the store was never used again"
            time.sleep(0.2)
        back = time.monotonic() - back
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in visitors:
            thread.join(60)
    for url in urls:  # asked again: renditions made during the outage are written back
        outage.get(app.test_client(), url)
    assert load.failures == [] and outage.failures == []
    assert sorted(bench.stored_keys()) == sorted(
        bench.prefix + url[len("/_img/") :] for url in urls
    )
    warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert 1 <= len(warnings) <= 3, [r.getMessage() for r in warnings]  # rate-limited
    record(bench.server, "S3 endpoint stopped", "200 from the request's own render", first_latency)
    record(bench.server, "S3 endpoint back (time until used again)", "store ok", back)


def test_slow_store_is_used_until_it_is_too_slow(bench):
    app = bench.instance("a")
    urls = image_urls(cached_page(app))
    load = Load()
    bench.proxy.delay = 0.05  # slow, within image_store_timeout
    slow = load.get(app.test_client(), urls[0])
    assert slow >= 0.05 and ready(app)["rendition_store"] == "ok"
    assert len(bench.stored_keys()) == 1
    bench.proxy.delay = 2.0  # past image_store_timeout (0.5 s)
    first_latency = load.get(app.test_client(), urls[1])
    for url in urls[2:]:
        load.get(app.test_client(), url)
    assert ready(app)["rendition_store"] == "degraded"
    assert first_latency < 5  # one timeout, then the render: never the slow store's pace
    assert max(load.latencies[2:]) < 5
    bench.proxy.delay = 0.0
    deadline = time.monotonic() + 20
    while ready(app)["rendition_store"] != "ok":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    for url in urls:
        load.get(app.test_client(), url)
    assert load.failures == []
    assert len(bench.stored_keys()) == len(urls)
    record(bench.server, "store 2 s slower than its timeout", "200, rendered here", first_latency)


def test_an_upload_cut_short_is_never_visible(bench):
    app = bench.instance("a")
    url = image_urls(cached_page(app))[-1]  # the noise image: tens of kilobytes
    key = bench.prefix + url[len("/_img/") :]
    bench.proxy.cut_upload_after = 6000  # past the PUT's headers, well before its end
    load = Load()
    first_latency = load.get(app.test_client(), url)
    assert load.failures == []
    bench.proxy.cut_upload_after = None
    assert key not in bench.stored_keys()
    s3 = bench.server.client()
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket=bench.server.bucket, Key=key)
    time.sleep(1.2)  # the back-off; then the spilled rendition is written back, whole
    served = app.test_client().get(url).data
    stored = s3.get_object(Bucket=bench.server.bucket, Key=key)["Body"].read()
    assert stored == served and len(stored) > 6000
    record(bench.server, "upload cut short", "200; no object until a whole one", first_latency)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("jpg", "image/jpeg"), ("png", "image/png"), ("gif", "image/gif"), ("webp", "image/webp")],
)
def test_objects_are_written_right(bench, fmt, content_type):
    app = bench.instance("a", image_s3_acl=None)
    with app.test_request_context("/blog/"):
        url, _ = images_for(app).image("one.jpg", ["blog"]).get_rendition(1, width=50, format=fmt)
    assert app.test_client().get(url).status_code == 200
    s3 = bench.server.client()
    key = bench.prefix + url[len("/_img/") :]
    head = s3.head_object(Bucket=bench.server.bucket, Key=key)
    assert head["ContentType"] == content_type
    assert head["CacheControl"] == IMMUTABLE
    grants = s3.get_object_acl(Bucket=bench.server.bucket, Key=key)["Grants"]
    assert grants and not [g for g in grants if _public(g)]


def test_public_read_only_when_configured(tmp_path, s3_endpoint, s3_bucket):  # noqa: F811
    """On moto only: SeaweedFS accepts canned ACLs but does not keep them."""
    config = {
        **QUIET,
        "image_store": "s3",
        "image_s3_bucket": s3_bucket,
        "image_s3_endpoint": s3_endpoint,
        "image_s3_acl": "public-read",
    }
    app = Octavo("faults_site", config, root_path=str(make_site(tmp_path)))
    url = image_urls(cached_page(app))[0]
    assert app.test_client().get(url).status_code == 200
    key = "_img/" + url[len("/_img/") :]
    grants = client(s3_endpoint).get_object_acl(Bucket=s3_bucket, Key=key)["Grants"]
    assert [g["Permission"] for g in grants if _public(g)] == ["READ"]
    images_for(app).close()


def _public(grant: dict[str, Any]) -> bool:
    return "AllUsers" in str(grant.get("Grantee", {}).get("URI", ""))


def test_expiry_in_the_bucket_then_rendered_again(bench):
    app = bench.instance("a", image_cache_age=3600, image_cache_size=None)
    urls = image_urls(cached_page(app))
    load = Load()
    for url in urls:
        load.get(app.test_client(), url)
    store = images_for(app).store.primary
    kept = expire(store, 3600, None)
    assert kept.removed == 0 and kept.count == len(urls)
    sizes = sorted(item.size for item in store.items())
    report = expire(store, None, sum(sizes) - sizes[-1])  # over the size cap by one object
    assert report.removed >= 1 and len(bench.stored_keys()) == len(urls) - report.removed
    report = expire(store, 3600, None, now=time.time() + 7200)  # all older than the age
    assert bench.stored_keys() == []
    first_latency = load.get(app.test_client(), urls[0])
    for url in urls[1:]:
        load.get(app.test_client(), url)
    assert load.failures == [] and len(bench.stored_keys()) == len(urls)
    record(bench.server, "objects expired", "200, rendered again", first_latency)


def race_instance(
    root: str, config: dict[str, Any], name: str, url: str, barrier: Any, results: Any
) -> None:
    """One instance of the race, in its own process (see the race test)."""
    app = Octavo("faults_site", {**config, "index_folder": f".octavo-{name}"}, root_path=root)
    service = images_for(app)
    renders = []
    plain = service.renderer.render_fn

    def slow_render(*args: Any) -> bytes:
        renders.append(1)
        time.sleep(0.3)  # both instances are rendering when the first one stores
        return plain(*args)

    service.renderer.render_fn = slow_render
    test_client = app.test_client()
    barrier.wait(60)
    response = test_client.get(url)
    results.put((name, response.status_code, hashlib.sha256(response.data).hexdigest(), renders))
    service.close()


def test_two_instances_render_the_same_missing_rendition_at_once(bench):
    app = bench.instance("parent")
    url = image_urls(cached_page(app))[-1]
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    config = bench.config()
    processes = [
        context.Process(
            target=race_instance,
            args=(str(bench.root), config, name, url, barrier, results),
        )
        for name in ("x", "y")
    ]
    for process in processes:
        process.start()
    answers = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert [status for _, status, _, _ in answers] == [200, 200]
    assert len({digest for _, _, digest, _ in answers}) == 1
    assert [renders for _, _, _, renders in answers] == [[1], [1]]  # both rendered
    assert bench.stored_keys() == [bench.prefix + url[len("/_img/") :]]  # one object
    stored = bench.server.client().get_object(
        Bucket=bench.server.bucket, Key=bench.stored_keys()[0]
    )
    assert hashlib.sha256(stored["Body"].read()).hexdigest() == answers[0][2]


def test_ready_reports_the_store(bench):
    app = bench.instance("a")
    assert ready(app) == {
        "ready": True,
        "index": "present",
        "rendition_store": "ok",
        "page_cache": "off",
    }
    bench.proxy.down = True
    bench.proxy.reset_all()
    images_for(app).store.breaker.last_ok -= 60  # due for a look
    assert ready(app)["rendition_store"] == "degraded"
    bench.proxy.down = False
