"""The page cache on every backend against its real server: hits, precise invalidation,
scheduled entries going live, instances sharing a cache, conditional requests,
damaged values and long URLs (issue 11)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.web import cache_servers
from tests.web.pagecache_site import (
    BACKENDS,
    BLOG_PAGES,
    OTHER_PAGES,
    SHARED_BACKENDS,
    CachedSite,
    cache_config,
    cache_state,
    new_prefix,
    write_site,
)

MakeSite = Callable[..., CachedSite]


@pytest.fixture(scope="session")
def memcached_port() -> Iterator[int]:
    with cache_servers.running(cache_servers.memcached(cache_servers.free_port())) as server:
        yield server.port


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_site(tmp_path: Path, memcached_port: int) -> MakeSite:
    """make_site(backend, root=None, prefix=None, **config): the test site served with
    that backend; two calls with one root and prefix are two instances of one site."""
    prefix = new_prefix()

    def build(backend: str, root: Path | None = None, **config: object) -> CachedSite:
        if root is None:
            root = write_site(tmp_path / "site")
        cache = cache_config(backend, tmp_path, memcached_port, prefix)
        return CachedSite(root, cache, **config)

    return build


def test_second_request_is_a_hit_with_the_same_page(make_site: MakeSite, backend: str) -> None:
    site = make_site(backend)
    for path in [*BLOG_PAGES, *OTHER_PAGES]:
        first = site.get(path)
        assert first.status_code == 200, path
        assert cache_state(first) == "miss", path
        second = site.get(path)
        assert cache_state(second) == "hit", path
        assert second.get_data() == first.get_data()
        assert second.headers["ETag"] == first.headers["ETag"]
        assert second.headers["Content-Type"] == first.headers["Content-Type"]
        assert second.headers["Last-Modified"] == first.headers["Last-Modified"]
    counts = site.app.page_cache.counts
    assert counts[("index", "hit")] == 4  # /blog/, /, ?tag=blue, /other/
    assert counts[("entry", "store")] == 4


def test_an_entry_change_refreshes_what_it_affects_only(make_site: MakeSite, backend: str) -> None:
    site = make_site(backend)
    for path in [*BLOG_PAGES, *OTHER_PAGES]:
        site.get(path)
    site.edit("blog/two.md", "Title: Two", "Title: Two Revised")
    site.rescan()
    for path in BLOG_PAGES:
        response = site.get(path)
        assert cache_state(response) == "miss", path
        if path != "/":  # the root lists only its own entries (none)
            assert "Two Revised" in response.get_data(as_text=True), path
    assert "=Two Revised" in site.text("/blog/103-Three")  # neighbours' prev/next
    assert "=Two Revised" in site.text("/blog/101-One")
    for path in OTHER_PAGES:
        assert cache_state(site.get(path)) == "hit", path


def test_a_new_entry_refreshes_its_category_and_ancestors(make_site: MakeSite) -> None:
    site = make_site("simple")
    for path in ["/blog/", "/blog/sub/", "/", "/other/"]:
        site.get(path)
    site.add("blog/sub/more.md", "Title: More\nEntry-ID: 105\nDate: 2024-01-05 10:00:00\n\nM")
    site.rescan()
    assert "[More]" in site.text("/blog/sub/")
    assert cache_state(site.get("/blog/")) == "miss"  # an ancestor (its subcategories)
    assert "<t>More</t>" in site.text("/feed.xml")
    assert cache_state(site.get("/other/")) == "hit"


def test_a_removed_entry_leaves_every_page_that_showed_it(make_site: MakeSite) -> None:
    site = make_site("simple")
    for path in BLOG_PAGES:
        site.get(path)
    (site.root / "content" / "blog" / "two.md").unlink()
    site.rescan()
    assert site.get("/blog/102-two").status_code == 404
    for path in ["/blog/", "/", "/feed.xml", "/blog/?tag=blue"]:
        assert "Two" not in site.text(path), path
    assert "=Three" in site.text("/blog/101-One")


def test_a_category_file_change_refreshes_pages_that_name_it(make_site: MakeSite) -> None:
    site = make_site("simple")
    assert not site.text("/other/").startswith("Elsewhere:")
    site.add("other/other.cat", "Name: Elsewhere\n")
    site.rescan()
    assert site.text("/other/").startswith("Elsewhere:")


def test_a_template_change_refreshes_the_pages(make_site: MakeSite, backend: str) -> None:
    site = make_site(backend)
    site.get("/other/")
    assert cache_state(site.get("/other/")) == "hit"
    (site.root / "templates" / "index.html").write_text("NEW {{ category.name }}")
    response = site.get("/other/")
    assert cache_state(response) == "miss"
    assert response.get_data(as_text=True).startswith("NEW")


def test_a_scheduled_entry_going_live_refreshes_its_listings(
    make_site: MakeSite, backend: str
) -> None:
    site = make_site(backend)
    live = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)
    site.add(
        "blog/soon.md",
        f"Title: Soon\nEntry-ID: 106\nDate: {live:%Y-%m-%d %H:%M:%S}+00:00\n\nSOON",
    )
    site.rescan()
    for path in ["/blog/", "/feed.xml", "/other/"]:
        assert "Soon" not in site.text(path)
        assert cache_state(site.get(path)) == "hit"
    time.sleep(max(0.0, (live - dt.datetime.now(dt.UTC)).total_seconds()) + 1.1)
    assert "[Soon]" in site.text("/blog/")  # no file changed, no scan ran
    assert "<t>Soon</t>" in site.text("/feed.xml")
    assert cache_state(site.get("/other/")) == "hit"


@pytest.mark.parametrize("backend_name", SHARED_BACKENDS)
def test_instances_share_pages_and_invalidations(make_site: MakeSite, backend_name: str) -> None:
    first = make_site(backend_name, index_scan_on_start=True)
    second = make_site(backend_name, root=first.root, index_scan_on_start=False)
    assert cache_state(first.get("/blog/102-two")) == "miss"
    assert cache_state(second.get("/blog/102-two")) == "hit"  # stored by the other
    second.get("/other/")
    first.edit("blog/two.md", "BODY-TWO", "BODY-TWO-EDITED")
    first.rescan()  # only the first instance scans
    response = second.get("/blog/102-two")
    assert cache_state(response) == "miss"
    assert "BODY-TWO-EDITED" in response.get_data(as_text=True)
    assert cache_state(first.get("/blog/102-two")) == "hit"  # the second one stored it
    assert cache_state(first.get("/other/")) == "hit"


def test_conditional_requests_on_a_hit(make_site: MakeSite, backend: str) -> None:
    site = make_site(backend)
    first = site.get("/blog/")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    response = site.get("/blog/", headers={"If-None-Match": etag})
    assert (response.status_code, cache_state(response)) == (304, "hit")
    assert response.headers["ETag"] == etag and response.get_data() == b""
    response = site.get("/blog/", headers={"If-Modified-Since": modified})
    assert response.status_code == 304
    response = site.get("/blog/", headers={"If-None-Match": '"00000000000000000000000000000000"'})
    assert response.status_code == 200 and response.get_data() == first.get_data()
    assert response.headers["Cache-Control"] == "public, max-age=600"
    feed = site.get("/feed.xml")
    revalidated = site.get("/feed.xml", headers={"If-None-Match": feed.headers["ETag"]})
    assert revalidated.status_code == 304 and cache_state(revalidated) == "hit"
    assert revalidated.headers["ETag"] == feed.headers["ETag"]
    assert revalidated.headers["Cache-Control"] == "public, max-age=600"
    site.edit("blog/two.md", "Title: Two", "Title: Two Again")
    site.rescan()
    changed = site.get("/blog/", headers={"If-None-Match": etag})  # stale: never a 304
    assert changed.status_code == 200 and "[Two Again]" in changed.get_data(as_text=True)


def test_cache_control_takes_max_age_and_stale_while_revalidate(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site")
    cache = {
        "CACHE_TYPE": "SimpleCache",
        "CACHE_DEFAULT_TIMEOUT": 600,
        "CACHE_HTTP_MAX_AGE": 60,
        "CACHE_STALE_WHILE_REVALIDATE": 30,
    }
    site = CachedSite(root, cache)
    for _ in range(2):
        response = site.get("/blog/")
        assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=30"


def test_a_damaged_value_is_a_miss(make_site: MakeSite, backend: str) -> None:
    site = make_site(backend)
    site.app.page_cache.local = None  # every request reads the backend's value
    good = site.text("/other/")
    backend_object = site.app.page_cache.store.backend
    key = _only_page_key(site, "/other/")
    for damaged in (b"\x80\x05garbage", site_value(site, key)[:-7], "text", 12):
        backend_object.set(key, damaged)
        response = site.get("/other/")
        assert response.status_code == 200 and response.get_data(as_text=True) == good
        assert cache_state(response) == "miss"
    assert site.app.page_cache.store.failures == 0


def site_value(site: CachedSite, key: str) -> bytes:
    value = site.app.page_cache.store.backend.get(key)
    assert isinstance(value, bytes)
    return value


def _only_page_key(site: CachedSite, path: str) -> str:
    """The key the page at `path` (requested once already) is stored under."""
    from octavo.web.pagecache.page import base_key, page_key
    from octavo.web.visitor import viewer_class

    cache = site.app.page_cache
    with site.app.test_request_context(path):
        base = base_key(viewer_class(), cache.templates.value())
        return page_key(base, cache.variants[base])


def test_keys_are_bounded_whatever_the_url(make_site: MakeSite, backend: str) -> None:
    site = make_site(backend)
    path = "/blog/?tag=blue&x=" + "a" * 5000
    first = site.get(path)
    assert first.status_code == 200
    assert cache_state(site.get(path)) == "hit"
    assert len(_only_page_key(site, path)) < 100


def test_query_arguments_the_page_does_not_read_share_its_entry(
    make_site: MakeSite, backend: str
) -> None:
    site = make_site(backend)
    assert "[Two]" in site.text("/blog/?tag=blue")
    tagged = site.get("/blog/?utm_source=x&tag=blue&junk=1")
    assert cache_state(tagged) == "hit" and "[One]" not in tagged.get_data(as_text=True)
    red = site.get("/blog/?tag=red")  # an argument the view reads: its own entry
    assert cache_state(red) == "miss"
    assert "[One]" in red.get_data(as_text=True) and "[Two]" not in red.get_data(as_text=True)
    assert cache_state(site.get("/blog/?tag=blue&tag=red")) == "miss"
    assert cache_state(site.get("/blog/?tag=")) == "miss"  # given empty is not absent
    everything = site.text("/blog/")
    assert "[One]" in everything and "[Two]" in everything
    assert cache_state(site.get("/blog/?utm_source=x")) == "hit"
    assert cache_state(site.get("/other/201-Ex?junk=1&page=3")) == "miss"
    assert cache_state(site.get("/other/201-Ex?utm_campaign=y")) == "hit"


def test_a_query_argument_a_template_reads_is_part_of_the_key(make_site: MakeSite) -> None:
    site = make_site("redis")
    (site.root / "templates/other/index.html").parent.mkdir()
    (site.root / "templates/other/index.html").write_text(
        "hl={{ request.args.get('hl', 'none') }}", encoding="utf-8"
    )
    assert site.text("/other/?hl=a") == "hl=a"
    second = site.get("/other/?hl=b")
    assert cache_state(second) == "miss" and second.get_data(as_text=True) == "hl=b"
    again = site.get("/other/?junk=1&hl=a")
    assert cache_state(again) == "hit" and again.get_data(as_text=True) == "hl=a"
    assert site.text("/other/") == "hl=none"


def test_a_template_that_reads_the_whole_query_is_keyed_by_all_of_it(
    make_site: MakeSite,
) -> None:
    site = make_site("simple")
    (site.root / "templates/other/index.html").parent.mkdir()
    (site.root / "templates/other/index.html").write_text("{{ login() }}", encoding="utf-8")
    (site.root / "templates/blog/sub/index.html").parent.mkdir(parents=True)
    (site.root / "templates/blog/sub/index.html").write_text(
        "{% for k in request.args %}{{ k }};{% endfor %}", encoding="utf-8"
    )
    assert site.text("/other/?a=1") == "/_login/other/%3Fa=1"  # login() links back here
    assert site.text("/other/?b=2") == "/_login/other/%3Fb=2"
    assert cache_state(site.get("/other/?a=1")) == "hit"
    assert site.text("/blog/sub/?a=1") == "a;"
    assert site.text("/blog/sub/?b=2") == "b;"
    assert cache_state(site.get("/blog/sub/?b=2")) == "hit"


def test_the_negotiated_template_type_is_the_key_not_the_accept_header(
    make_site: MakeSite,
) -> None:
    site = make_site("simple")
    site.get("/blog/", accept="text/html")
    assert cache_state(site.get("/blog/", accept="text/html, application/xhtml+xml")) == "hit"
    assert site.get("/blog/", accept="application/json").status_code == 406
    (site.root / "templates/other/index.html").parent.mkdir()
    (site.root / "templates/other/index.html").write_text("html", encoding="utf-8")
    (site.root / "templates/other/index.json").write_text('"json"', encoding="utf-8")
    assert site.text("/other/", accept="text/html") == "html"
    as_json = site.get("/other/", accept="application/json")
    assert cache_state(as_json) == "miss" and as_json.get_data(as_text=True) == '"json"'
    again = site.get("/other/", accept="application/json, image/png")
    assert cache_state(again) == "hit" and again.get_data(as_text=True) == '"json"'
    assert again.headers["Vary"] == "Accept"
    assert site.text("/other/", accept="text/html;q=0.9, text/plain") == "html"


def test_error_pages_and_redirects_are_not_stored(make_site: MakeSite) -> None:
    site = make_site("simple")
    for _ in range(2):
        assert site.get("/blog/999").status_code == 404
        assert site.get("/102").status_code == 301
    assert cache_state(site.get("/blog/999")) == "none"


def test_the_local_copy_follows_the_shared_rules(make_site: MakeSite) -> None:
    first = make_site("redis")
    second = make_site("redis", root=first.root, index_scan_on_start=False)
    for site in (first, second):
        site.get("/blog/")
        site.get("/blog/")  # now in each process's local copy
    assert first.app.page_cache.local.get(_only_page_key(first, "/blog/")) is not None
    first.edit("blog/two.md", "Title: Two", "Title: Two Again")
    first.rescan()
    response = second.get("/blog/")  # its local copy is stale by the change log
    assert cache_state(response) == "miss" and "[Two Again]" in response.get_data(as_text=True)
    assert cache_state(first.get("/blog/")) == "hit"  # the second one stored the new page
    assert "[Two Again]" in first.text("/blog/")


def test_pages_are_served_while_a_scan_holds_the_index(make_site: MakeSite) -> None:
    site = make_site("simple")
    site.get("/blog/")
    site.edit("blog/one.md", "BODY-ONE", "BODY-ONE-EDITED")
    with site.app.index.writing(wait=5), site.app.index.engine.begin() as conn:
        # a scan's open write transaction: the cache still answers, reading past it
        conn.exec_driver_sql("UPDATE octavo_meta SET value = value")
        response = site.get("/blog/")
        assert (response.status_code, cache_state(response)) == (200, "hit")
    site.rescan()
    assert "BODY-ONE-EDITED" in site.text("/blog/101-One")


def test_a_read_nobody_named_depends_on_every_change(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    from octavo.index import changes
    from octavo.web.pagecache import deps

    monkeypatch.setattr(deps, "_tags", lambda *_args: [changes.ANY])
    site = make_site("simple")
    site.get("/other/")
    assert cache_state(site.get("/other/")) == "hit"
    site.edit("blog/two.md", "BODY-TWO", "BODY-TWO-EDITED")  # another category
    site.rescan()
    assert cache_state(site.get("/other/")) == "miss"


@pytest.mark.backends
def test_instances_on_one_index_database_share_invalidations(
    make_site: MakeSite, db_url: str
) -> None:
    first = make_site("memcached", database_url=db_url)
    second = make_site("memcached", root=first.root, database_url=db_url, index_scan_on_start=False)
    for path in ("/blog/", "/other/"):
        first.get(path)
        assert cache_state(second.get(path)) == "hit"
    first.edit("blog/one.md", "Title: One", "Title: One Edited")
    first.rescan()
    response = second.get("/blog/")
    assert cache_state(response) == "miss"
    assert "[One Edited]" in response.get_data(as_text=True)
    assert cache_state(second.get("/other/")) == "hit"
    first.app.keeper.stop()


def test_a_deep_category_page_is_refreshed(make_site: MakeSite) -> None:
    """A category path longer than the change log's column: its tag was cut to fit,
    and the page, looking up the whole tag, never saw a change (stale for good)."""
    deep = "blog/" + "d" * 130 + "/" + "e" * 130
    site = make_site("simple")
    site.add(f"{deep}/a.md", "Title: First\nEntry-ID: 301\nDate: 2024-01-01\n\nA")
    site.rescan()
    assert site.get(f"/{deep}/").get_data(as_text=True).endswith("[First]")
    assert cache_state(site.get(f"/{deep}/")) == "hit"
    site.add(f"{deep}/b.md", "Title: Second\nEntry-ID: 302\nDate: 2024-01-02\n\nB")
    site.rescan()
    assert site.get(f"/{deep}/").get_data(as_text=True).endswith("[Second][First]")
