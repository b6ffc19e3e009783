"""The page cache and the rendition store agree: a page served from the cache (Redis)
keeps working image URLs after the store was wiped, on each store (local, S3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from octavo.web.renditions import images_for
from tests.integration.test_images_routes import fetch, make_app, s3_config, urls_in
from tests.integration.test_images_s3server import s3_bucket, s3_endpoint  # noqa: F401
from tests.unit.images.synthetic import encode, opened, quadrants
from tests.web.pagecache_site import REDIS_URL, new_prefix


@pytest.mark.parametrize("store", ["local", "s3"])
def test_a_cached_page_keeps_working_images_after_a_wipe(
    store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    content = tmp_path / "content"
    (content / "blog").mkdir(parents=True)
    (content / "blog" / "photo.jpg").write_bytes(encode(quadrants(400, 300), "JPEG"))
    (content / "blog" / "hello.md").write_text("Title: Hello\nEntry-ID: 1\n\n![](photo.jpg{100})\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "entry.html").write_text("{{ entry.body }}")
    (tmp_path / "static").mkdir()
    cache = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL, "CACHE_SERVER_TIMEOUT": 5}
    extra = s3_config(request) if store == "s3" else {}
    app = make_app(tmp_path, cache={**cache, "CACHE_KEY_PREFIX": new_prefix()}, **extra)
    client = app.test_client()
    first = client.get("/blog/1-Hello")
    assert (first.status_code, first.headers["X-Octavo-Cache"]) == (200, "miss")
    urls = urls_in(first.get_data(as_text=True))
    assert len(urls) == 2  # 1x and 2x
    for url in urls:
        fetch(client, url)
    service = images_for(app)
    if store == "local":
        shutil.rmtree(tmp_path / "static" / "_img")
    else:
        for item in list(service.store.items()):
            service.store.delete(item.name)
    again = client.get("/blog/1-Hello")
    assert again.headers["X-Octavo-Cache"] == "hit"
    assert again.get_data() == first.get_data()
    assert {opened(fetch(client, url).data).size for url in urls} == {(100, 75), (200, 150)}
    service.close()
