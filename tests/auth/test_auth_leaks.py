"""The leak test: no private entry's title, slug or body reaches a reader who may not
read it — in listings, feeds, sitemaps, search results, attachments, previous/next
links, error pages — whether they are anonymous, logged in outside its groups, or
holding a bearer token of another identity. Runs on SQLite, PostgreSQL and MariaDB.

Who may read what is written out by hand here (from tests/sites/auth/users.cfg), not
computed by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.auth.conftest import login, make_auth_site
from tests.web.conftest import Site

#: entry id → (title, slug, body marker, identities that may read it; "anonymous" for
#: a visitor who is not logged in). Admins read everything and are not listed.
PRIVATE = {
    2: (
        "Secret Friends Picnic",
        "secret-friends-picnic",
        "PICNIC-BODY-7731",
        {"test:alice", "test:bob"},
    ),
    3: (
        "Members Lounge",
        "members-lounge",
        "LOUNGE-BODY-4410",
        {"test:alice", "test:bob", "test:carol"},
    ),
    4: ("Not For Bob", "not-for-bob", "NOTBOB-BODY-9912", {"test:alice"}),
    5: ("Visitors Only Notice", "visitors-only-notice", "ANON-BODY-5520", {"anonymous"}),
    6: ("Admin Ledger", "admin-ledger", "LEDGER-BODY-3141", set()),
    8: ("Deep Family Note", "deep-family-note", "FAMILY-BODY-6626", {"test:alice"}),
    10: ("Picnic Photo Album", "picnic-photo-album", "ALBUM-BODY-8080", {"test:alice", "test:bob"}),
}
PUBLIC_ENTRIES = {1: "blog/1-hello-world", 7: "blog/7-goodbye-world", 9: "notes/9-open-note"}
CANONICAL = {
    2: "blog/2-secret-friends-picnic",
    3: "blog/3-members-lounge",
    4: "blog/4-not-for-bob",
    5: "blog/5-visitors-only-notice",
    6: "blog/6-admin-ledger",
    8: "notes/deep/8-deep-family-note",
    10: "blog/10-picnic-photo-album",
}
#: Words of the private entries' titles and bodies, searched for (templates/search.html
#: lists matches, with placeholders for unreadable ones, and their snippets).
SEARCHES = ["secret", "picnic", "lounge", "members", "bob", "visitors", "ledger", "family", "album"]
#: Pages every reader crawls.
PAGES = [
    *[f"/search?q={word}" for word in SEARCHES],
    "/search?q=body",
    "/",
    "/blog/",
    "/notes/",
    "/notes/deep/",
    "/feed.xml",
    "/blog/feed.xml",
    "/sitemap.xml",
    "/blog/?tag=common",
    "/blog/?date=2024-01",
    "/blog/?date=2024",
    "/blog/?id=2",
    "/no-such-page",
    "/blog/no-such-view",
    "/_login/blog/",
    "/_logout/",
    *[f"/{path}" for path in PUBLIC_ENTRIES.values()],
    *[f"/{path}" for path in CANONICAL.values()],
    *[f"/{entry_id}" for entry_id in (*PRIVATE, *PUBLIC_ENTRIES)],
    "/blog/2-wrong-slug",
    "/blog/2",
]
#: (label, identity, how): the readers, other than admins, who must not see what they
#: may not read. "token" readers send a bearer token and no cookie.
READERS = [
    ("anonymous", None, None),
    ("carol", "test:carol", "session"),
    ("bob", "test:bob", "session"),
    ("carol-token", "test:carol", "token"),
    ("bob-token", "test:bob", "token"),
]


def crawl(site: Site, headers: dict[str, str]) -> dict[str, str]:
    pages = {}
    for path in PAGES:
        response = site.client.get(path, headers=headers)
        assert response.status_code < 500, (path, response.status_code)
        text = response.get_data(as_text=True) + str(response.headers)
        text = text.replace("<mark>", "").replace("</mark>", "")  # search snippets
        # The path the reader asked for may come back (a login link returns there): that
        # is what they sent, not something they were told.
        pages[path] = text.replace(path.lstrip("/"), "")
    return pages


@pytest.mark.backends
def test_private_entries_never_leak(db_url: str, tmp_path: Path):
    site = make_auth_site(tmp_path / "site", database_url=db_url)
    for label, identity, how in READERS:
        site.client.delete_cookie("session")
        headers: dict[str, str] = {}
        if how == "session":
            login(site, identity)
        elif how == "token":
            headers["Authorization"] = "Bearer " + site.app.authority.signer.issue(identity, 600)
        pages = crawl(site, headers)
        who = identity or "anonymous"
        for entry_id, (title, slug, body, readers) in PRIVATE.items():
            if who in readers:
                # Positive control: a reader who may read the entry finds it on its page.
                assert body in pages[f"/{CANONICAL[entry_id]}"], (label, entry_id)
                continue
            for path, text in pages.items():
                for secret in (title, slug, body):
                    assert secret not in text, f"{label} sees {secret!r} at {path}"
        site.client.post("/_logout/")


@pytest.mark.backends
def test_admins_see_everything(db_url: str, tmp_path: Path):
    site = make_auth_site(tmp_path / "site", database_url=db_url)
    login(site, "test:admin")
    found = crawl(site, {})["/search?q=picnic"]  # the control for the searches above
    assert "Secret Friends Picnic" in found and "PICNIC-BODY-7731" in found
    listing = site.text("/feed.xml")
    for title, _, body, _ in PRIVATE.values():
        if "Album" not in title:  # an attachment is not listed
            assert title in listing and body in listing
