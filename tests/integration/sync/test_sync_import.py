"""octavo.sync's feed import against feeds served over HTTP on loopback."""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path

import pytest

from octavo.sync.importer import FeedImport, ImportReport
from octavo.sync.ledger import LEDGER_NAME
from octavo.sync.settings import GitSettings, feed_spec
from octavo.sync.state import FetchState
from tests.integration.sync.feeds import atom, json_feed, rss
from tests.integration.sync.server import FeedServer

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)

ITEM_1 = {
    "id": "urn:test:item-1",
    "link": "http://example.com/posts/1",
    "title": "First post",
    "date": "Sat, 04 May 2024 09:30:00 +0200",
    "tags": ["photos", "Paris"],
    "html": "<p>Hello <em>world</em>.</p>",
}
ITEM_2 = {
    "id": "urn:test:item-2",
    "link": "http://example.com/posts/2",
    "title": "Second post",
    "date": "Sun, 05 May 2024 18:00:00 -0500",
    "html": "<p>Again.</p>",
}

FIRST_POST = """\
Title: First post
Date: 2024-05-04 09:30:00+02:00
UUID: f49c5b51-0961-5fef-addc-9c2fcd9f81f6
Syndication: http://example.com/posts/1
Tag: photos
Tag: Paris

<p>Hello <em>world</em>.</p>
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


def run_import(
    content: Path, url: str, *, dry_run: bool = False, now: dt.datetime = NOW, **options: object
) -> ImportReport:
    spec = feed_spec({"url": url, "category": "feed", **options}, str(content.parent))
    state = FetchState(str(content.parent / ".octavo"))
    return FeedImport(str(content), spec, state, GitSettings(), now=now).run(dry_run=dry_run)


def files(content: Path) -> dict[str, str]:
    """Every entry file written under the category folder, by name."""
    folder = content / "feed"
    return {p.name: p.read_text() for p in sorted(folder.iterdir()) if p.suffix in (".md", ".html")}


def test_rss_items_become_entry_files_with_stable_uuids(feeds: FeedServer, content: Path):
    url = feeds.set("/rss", rss([ITEM_1, ITEM_2]))
    report = run_import(content, url)
    assert report.error is None and report.count("new") == 2
    written = files(content)
    assert set(written) == {"20240504-first-post.html", "20240505-second-post.html"}
    assert written["20240504-first-post.html"] == FIRST_POST
    assert "UUID: d0e8d5bd-1d44-5f89-96a0-1a1fd4f74b1c\n" in written["20240505-second-post.html"]
    assert "Date: 2024-05-05 18:00:00-05:00\n" in written["20240505-second-post.html"]
    ledger = json.loads((content / "feed" / LEDGER_NAME).read_text())
    assert set(ledger["items"]) == {"urn:test:item-1", "urn:test:item-2"}


def test_atom_and_json_feed_items_read_the_same(feeds: FeedServer, content: Path):
    atom_item = {**ITEM_1, "date": "2024-05-04T09:30:00+02:00"}
    json_item = {**atom_item, "id": "j-1", "link": "http://example.com/j/1"}
    json_item["text"] = "Plain *text* & <b>more</b>"
    del json_item["html"]
    run_import(content, feeds.set("/atom", atom([atom_item]), content_type="application/atom+xml"))
    assert files(content) == {"20240504-first-post.html": FIRST_POST}
    run_import(
        content, feeds.set("/json", json_feed([json_item]), content_type="application/feed+json")
    )
    text = files(content)["20240504-first-post-2.md"]
    assert text.startswith("Title: First post\nDate: 2024-05-04 09:30:00+02:00\n")
    assert "UUID: b8ec96a5-b468-597c-9ad6-f03e1a21685d\n" in text
    assert text.endswith("\n\nPlain \\*text\\* \\& \\<b\\>more\\</b\\>\n")


def test_a_rerun_asks_conditionally_and_writes_nothing(feeds: FeedServer, content: Path):
    url = feeds.set(
        "/rss", rss([ITEM_1]), etag='"v1"', last_modified="Sat, 01 Jun 2024 10:00:00 GMT"
    )
    run_import(content, url)
    before = {p: p.stat().st_mtime_ns for p in (content / "feed").iterdir()}
    again = run_import(content, url)
    assert again.not_modified and again.written == []
    sent = feeds.requests_to("/rss")[-1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Sat, 01 Jun 2024 10:00:00 GMT"
    assert {p: p.stat().st_mtime_ns for p in (content / "feed").iterdir()} == before
    # A server without validators: the items are fetched again, found unchanged, not written.
    plain = feeds.set("/plain", rss([ITEM_1]))
    run_import(content, plain)
    report = run_import(content, plain)
    assert report.count("unchanged") == 1 and report.written == []


def test_a_changed_item_updates_its_file_in_place(feeds: FeedServer, content: Path):
    url = feeds.set("/rss", rss([ITEM_1, ITEM_2]))
    run_import(content, url)
    changed = {**ITEM_1, "title": "First post (edited)", "html": "<p>Corrected.</p>"}
    feeds.set("/rss", rss([changed, ITEM_2]))
    report = run_import(content, url)
    assert [(o.action, o.where) for o in report.outcomes] == [
        ("update", "feed/20240504-first-post.html"),
        ("unchanged", "feed/20240505-second-post.html"),
    ]
    written = files(content)
    assert set(written) == {"20240504-first-post.html", "20240505-second-post.html"}
    text = written["20240504-first-post.html"]
    assert "Title: First post (edited)\n" in text and text.endswith("<p>Corrected.</p>\n")
    assert "UUID: f49c5b51-0961-5fef-addc-9c2fcd9f81f6\n" in text


def test_a_file_edited_by_a_person_is_never_overwritten(feeds: FeedServer, content: Path):
    url = feeds.set("/rss", rss([ITEM_1]))
    run_import(content, url)
    entry = content / "feed" / "20240504-first-post.html"
    entry.write_text(entry.read_text().replace("Hello", "Hello, edited by hand,"))
    edited = entry.read_bytes()
    feeds.set("/rss", rss([{**ITEM_1, "html": "<p>The feed changed too.</p>"}]))
    report = run_import(content, url)
    assert entry.read_bytes() == edited
    assert report.written == []
    assert any("feed/20240504-first-post.html: edited after import" in w for w in report.warnings)


def test_deletions_by_a_person_or_by_the_feed_are_respected(feeds: FeedServer, content: Path):
    url = feeds.set("/rss", rss([ITEM_1, ITEM_2]))
    run_import(content, url)
    (content / "feed" / "20240504-first-post.html").unlink()  # a person did not want it
    feeds.set("/rss", rss([ITEM_1]))  # and the feed dropped item 2
    report = run_import(content, url)
    assert report.written == []
    assert set(files(content)) == {"20240505-second-post.html"}  # kept though out of the feed
    assert [(o.action, o.reason) for o in report.outcomes] == [
        ("skip", "deleted or moved after import; not imported again")
    ]


def test_hostile_content_is_sanitised(feeds: FeedServer, content: Path):
    hostile = {
        "id": "urn:test:evil",
        "link": "http://example.com/evil",
        "title": "Evil\nAuth: nobody\r\nRedirect-To: http://attacker.example/",
        "date": "Sat, 04 May 2024 09:30:00 +0000",
        "tags": ["ok\nStatus: DRAFT"],
        "html": (
            '<p onclick="steal()">Hi<script>alert(1)</script>'
            '<a href="javascript:alert(2)">click</a> <a href="/relative">rel</a>'
            '<img src="x.png" onerror="alert(3)"><iframe src="http://x/"></iframe>'
            "<style>body{display:none}</style></p>\n.....\nafter the cut"
        ),
    }
    url = feeds.set("/feeds/rss", rss([hostile]))
    run_import(content, url)
    ((name, text),) = files(content).items()
    headers, _, body = text.partition("\n\n")
    assert headers.splitlines() == [
        "Title: Evil Auth: nobody Redirect-To: http://attacker.example/",
        "Date: 2024-05-04 09:30:00+00:00",
        "UUID: aaf76b39-91e5-50c8-ab30-f17098500488",
        "Syndication: http://example.com/evil",
        "Tag: ok Status: DRAFT",
    ]
    for bad in ("<script", "alert(1)", "javascript:", "onclick", "onerror", "<iframe", "<style"):
        assert bad not in body
    # Relative links are made absolute against the feed document (xml:base rules).
    base = url.removesuffix("/feeds/rss")
    assert f'<a href="{base}/relative" rel="noopener noreferrer">rel</a>' in body
    assert f'<img src="{base}/feeds/x.png">' in body
    assert "\n.....\n" not in body  # no line that would cut the entry in two
    assert name == "20240504-evil-auth-nobody-redirect-to-http-attacker.example.html"


def test_file_names_never_leave_the_category_folder(feeds: FeedServer, content: Path, tmp_path):
    titles = ["../../../etc/passwd", "/absolute/path", "..", "a\\..\\..\\b", ".hidden", "\x00"]
    items = [
        {"id": f"urn:test:name-{n}", "title": title, "date": "2024-05-04T09:30:00Z"}
        for n, title in enumerate(titles)
    ]
    report = run_import(content, feeds.set("/json", json_feed(items)))
    assert report.error is None
    assert sorted(files(content)) == sorted(
        [
            "20240504-absolute-path.md",
            "20240504-a-..-..-b.md",
            "20240504-etc-passwd.md",
            "20240504-hidden.md",
            "20240504-item-d1bbdd92.md",  # ".." makes no slug: named by its UUID
            "20240504-item-e9492006.md",
        ]
    )
    every = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert all(path.startswith(("content/feed/", ".octavo/")) for path in every), every
    # A ledger made to point outside its folder stops the import with a clear error.
    ledger = content / "feed" / LEDGER_NAME
    document = json.loads(ledger.read_text())
    next(iter(document["items"].values()))["file"] = "../../outside.md"
    ledger.write_text(json.dumps(document))
    refused = run_import(content, feeds.set("/json2", json_feed(items)))
    assert refused.error and "names a file outside its folder" in refused.error
    assert not (tmp_path / "outside.md").exists()


def test_an_oversized_item_is_skipped_and_an_oversized_feed_refused(feeds, content):
    huge = {**ITEM_2, "html": "<p>" + "x" * (10 * 1024 * 1024) + "</p>"}
    report = run_import(content, feeds.set("/rss", rss([ITEM_1, huge])))
    assert set(files(content)) == {"20240504-first-post.html"}
    assert any("urn:test:item-2: 10485767 bytes of content is over" in w for w in report.warnings)
    capped = run_import(content, feeds.set("/big", rss([huge])), max_bytes=1024 * 1024)
    assert capped.error and "is over the 1048576-byte limit" in capped.error


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"body": rss([ITEM_1])[:-40]}, "broken XML"),
        ({"body": b"<html><body><p>Hello</p></body></html>", "content_type": "text/html"},
         "not an RSS, Atom or JSON feed"),
        ({"body": b'{"items": []}', "content_type": "application/json"},
         "JSON without a JSON Feed 'version'"),
        ({"body": b"{not json", "content_type": "application/feed+json"}, "broken JSON"),
        ({"body": b"gone", "status": 404}, "the server answered 404"),
        ({"body": b"", "status": 302, "headers": {"Location": "file:///etc/passwd"}},
         "Redirection to url 'file:///etc/passwd' is not allowed"),
        ({"body": b"", "status": 302, "headers": {"Location": "ftp://files.example/f"}},
         "redirected to a non-HTTP URL 'ftp://files.example/f'"),
        ({"body": rss([ITEM_1]), "delay": 3.0}, "timed out after 0.5s"),
        ({"body": rss([ITEM_1]), "trickle": 0.05}, "timed out after 0.5s"),
    ],
)  # fmt: skip
def test_bad_feeds_are_clear_errors_that_damage_nothing(feeds, content, route, message):
    url = feeds.set("/good", rss([ITEM_1]))
    run_import(content, url)
    before = {p.name: p.read_bytes() for p in (content / "feed").iterdir()}
    feeds.set("/good", **route)
    report = run_import(content, url, timeout=0.5)
    assert report.error is not None and message in report.error, report.error
    assert report.error.startswith(url)
    assert {p.name: p.read_bytes() for p in (content / "feed").iterdir()} == before


def test_an_unreachable_feed_is_a_clear_error(content):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    report = run_import(content, f"http://127.0.0.1:{port}/feed", timeout=2)
    assert report.error and "cannot connect" in report.error
    assert not (content / "feed").exists()


def test_items_whose_ids_change_on_every_fetch_are_not_duplicated(feeds, content):
    url = feeds.set("/rss", rss([{**ITEM_1, "id": "random-1"}]))
    run_import(content, url)
    feeds.set("/rss", rss([{**ITEM_1, "id": "random-2"}]))
    report = run_import(content, url)
    assert set(files(content)) == {"20240504-first-post.html"}
    assert any(
        "item id changed from 'random-1' to 'random-2' (same link)" in w for w in report.warnings
    )
    no_link = {k: v for k, v in ITEM_2.items() if k != "link"}
    feeds.set("/rss", rss([{**no_link, "id": "random-3"}]))
    run_import(content, url)
    feeds.set("/rss", rss([{**no_link, "id": "random-4"}]))
    report = run_import(content, url)
    assert len(files(content)) == 2
    assert any("(same title and date)" in w for w in report.warnings)


def test_an_item_dated_in_the_future_is_dated_when_first_imported(feeds, content):
    url = feeds.set("/rss", rss([{**ITEM_1, "date": "Mon, 01 Jan 2099 00:00:00 +0000"}]))
    report = run_import(content, url)
    assert any("is dated in the future (2099-01-01T00:00:00+00:00)" in w for w in report.warnings)
    (text,) = files(content).values()
    assert "Date: 2024-06-01 12:00:00+00:00\n" in text
    later = run_import(content, url, now=NOW + dt.timedelta(days=3))  # the date stays put
    assert later.count("unchanged") == 1


def test_duplicate_guids_import_the_first_item_only(feeds, content):
    twin = {**ITEM_2, "id": ITEM_1["id"]}
    report = run_import(content, feeds.set("/rss", rss([ITEM_1, twin])))
    assert set(files(content)) == {"20240504-first-post.html"}
    assert any("duplicate GUID in the feed" in w for w in report.warnings)


def test_dry_run_writes_nothing_and_keeps_no_validators(feeds, content):
    url = feeds.set("/rss", rss([ITEM_1, ITEM_2]), etag='"v1"')
    report = run_import(content, url, dry_run=True)
    assert [(o.action, o.where) for o in report.outcomes] == [
        ("new", "feed/20240504-first-post.html"),
        ("new", "feed/20240505-second-post.html"),
    ]
    assert not (content / "feed").exists()
    real = run_import(content, url)  # not a 304: the dry run saved no ETag
    assert "If-None-Match" not in feeds.requests_to("/rss")[-1].headers
    assert real.count("new") == 2


def test_status_tags_and_template_headers(feeds, content, tmp_path):
    template = tmp_path / "headers.txt"
    template.write_text("Entry-Type: photo\nAuth: friends\n")
    url = feeds.set("/rss", rss([ITEM_1]))
    run_import(content, url, status="draft", tags=["imported"], template_headers=str(template))
    (text,) = files(content).values()
    assert text.split("\n\n")[0].splitlines()[3:] == [
        "Status: DRAFT",
        "Syndication: http://example.com/posts/1",
        "Tag: photos",
        "Tag: Paris",
        "Tag: imported",
        "Entry-Type: photo",
        "Auth: friends",
    ]
    template.write_text("UUID: 123\n")
    refused = run_import(content, feeds.set("/rss2", rss([ITEM_2])), template_headers=str(template))
    assert refused.error == f"{template}:1: UUID is written by the importer itself"


def test_an_entry_already_carrying_the_items_uuid_is_not_duplicated(feeds, content):
    (content / "feed").mkdir()
    (content / "feed" / "mine.md").write_text(
        "Title: Mine\nUUID: F49C5B51-0961-5FEF-ADDC-9C2FCD9F81F6\n\nBy hand.\n"
    )
    report = run_import(content, feeds.set("/rss", rss([ITEM_1])))
    assert set(files(content)) == {"mine.md"}
    assert any("feed/mine.md already has this item's UUID" in w for w in report.warnings)


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def test_images_are_downloaded_beside_the_entry_within_limits(feeds, content):
    feeds.set("/img/ok.png", PNG, content_type="image/png")
    feeds.set("/img/big.png", PNG + b"\0" * 4096, content_type="image/png")
    feeds.set("/img/fake.png", b"<html>not an image</html>", content_type="image/png")
    other_host = feeds.url("/img/ok.png", host="localhost")  # same server, another host name
    html = (
        f'<p><img src="{feeds.url("/img/ok.png")}"><img src="{feeds.url("/img/big.png")}">'
        f'<img src="{feeds.url("/img/fake.png")}"><img src="{other_host}"></p>'
    )
    url = feeds.set("/rss", rss([{**ITEM_1, "html": html}]))
    report = run_import(content, url, download_images=True, image_max_bytes=1024)
    names = sorted(p.name for p in (content / "feed").iterdir())
    (image,) = [n for n in names if n.endswith(".png")]
    assert image.startswith("20240504-first-post-")
    assert (content / "feed" / image).read_bytes() == PNG
    (text,) = files(content).values()
    assert f'<img src="{image}">' in text
    assert f'<img src="{feeds.url("/img/big.png")}">' in text  # left remote
    warnings = "\n".join(report.warnings)
    assert "is over the 1024-byte limit" in warnings
    assert "fake.png: not a JPEG, PNG, GIF or WebP" in warnings
    assert "its host localhost has a non-public address" in warnings
    assert [s.path for s in feeds.seen].count("/img/ok.png") == 1
    feeds.set("/rss", rss([{**ITEM_1, "title": "Retitled", "html": html}]))
    run_import(content, url, download_images=True, image_max_bytes=1024)
    assert [s.path for s in feeds.seen].count("/img/ok.png") == 1  # kept, not fetched again
