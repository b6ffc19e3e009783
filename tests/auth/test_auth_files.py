"""Images and files of private entries (issue 10): served to the readers of an entry
that uses them and to nobody else, never kept by a shared cache; an image a public
entry also uses (or the same bytes under a public path) stays public. Runs on SQLite,
PostgreSQL and MariaDB.

The fixture (tests/sites/auth): blog/picnic.md (``Auth: friends``) shows picnic.png
(used by no other entry), shared.png (also shown by the public notes/open.md) and
twin.png (the same bytes as notes/twin-public.png, which sits beside a public entry),
and links picnic-menu.txt. notes/deep/family.png is used by no entry and sits beside
notes/deep/hidden.md (``Auth: family``) alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.auth.conftest import login, logout, make_auth_site
from tests.web.conftest import Site

PNG = b"\x89PNG\r\n\x1a\n"
MENU = "PICNICMENU-FILE-2718"
PICNIC = "/blog/2-secret-friends-picnic"


def sources(html: str) -> dict[str, str]:
    """alt text (or link text) → URL of the images and links of the picnic entry."""
    found = {alt: src for src, alt in re.findall(r'<img src="([^"]+)"[^>]* alt="([^"]+)"', html)}
    found.update({text: href for href, text in re.findall(r'<a href="([^"]+)">(menu)</a>', html)})
    return found


def fetch(site: Site, url: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return site.client.get(url, headers=headers or {})


def assert_refused(site: Site, url: str, secret: bytes, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    response = fetch(site, url, headers)
    assert response.status_code == 404, (url, response.status_code)
    assert secret not in response.get_data(), url
    assert "no-store" in response.headers.get("Cache-Control", ""), url


def assert_private(site: Site, url: str, secret: bytes, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    response = fetch(site, url, headers)
    assert response.status_code == 200, (url, response.status_code)
    assert secret in response.get_data(), url
    cache = response.headers["Cache-Control"]
    assert "private" in cache and "public" not in cache and "immutable" not in cache, cache
    assert {"Cookie", "Authorization"} <= set(response.vary), response.vary


@pytest.mark.backends
def test_private_images_and_files_reach_only_their_readers(db_url: str, tmp_path: Path):
    site = make_auth_site(tmp_path / "site", database_url=db_url)
    login(site, "test:alice")
    urls = sources(site.text(PICNIC))
    family_url = site.render("/notes/", "{{ image('/notes/deep/family.png')() }}")
    assert set(urls) == {"Picnic", "Shared", "Twin", "menu"}, urls
    # An image only private entries use is linked through /_img/, never at the store.
    assert urls["Picnic"].startswith("/_img/"), urls
    assert family_url.startswith("/_img/"), family_url
    assert urls["menu"].startswith("/_file/"), urls
    # Public images keep their direct static URL.
    assert urls["Shared"].startswith("/static/_img/"), urls
    assert urls["Twin"].startswith("/static/_img/"), urls
    # The stored copy of the private rendition, at the store's static URL.
    stored = "/static/_img/" + urls["Picnic"].removeprefix("/_img/")
    private = [
        (urls["Picnic"], PNG),
        (stored, PNG),
        (urls["menu"], MENU.encode()),
        (family_url, PNG),
    ]
    # alice is in friends and in family: she gets all of them, privately.
    for url, secret in private:
        assert_private(site, url, secret)
    token = site.app.authority.signer.issue("test:bob", 600)  # type: ignore[attr-defined]
    bob = {"Authorization": f"Bearer {token}"}
    for url, secret in private[:3]:
        assert_private(site, url, secret, bob)
    assert_refused(site, family_url, PNG, bob)  # bob is a friend, not family
    token = site.app.authority.signer.issue("test:carol", 600)  # type: ignore[attr-defined]
    for url, secret in private:  # a token of another identity
        assert_refused(site, url, secret, {"Authorization": f"Bearer {token}"})
    logout(site)

    for url, secret in private:
        assert_refused(site, url, secret)  # anonymous
    login(site, "test:carol")  # in no group
    for url, secret in private:
        assert_refused(site, url, secret)
    logout(site)

    # Used by a public entry too, or the same bytes at a public path: public.
    for name in ("Shared", "Twin"):
        response = fetch(site, urls[name])
        assert response.status_code == 200 and response.get_data().startswith(PNG), name
        assert "public" in response.headers["Cache-Control"], name


@pytest.mark.backends
def test_an_image_follows_the_entries_that_use_it(db_url: str, tmp_path: Path):
    """Making the only entry that uses an image public (or private again) changes who may
    fetch its renditions at the next scan."""
    site = make_auth_site(tmp_path / "site", database_url=db_url)
    login(site, "test:admin")
    url = sources(site.text(PICNIC))["Picnic"]
    logout(site)
    assert fetch(site, url).status_code == 404
    picnic = site.root / "content" / "blog" / "picnic.md"
    picnic.write_text(picnic.read_text().replace("Auth: friends\n", ""))
    site.rescan()
    response = site.client.get(url, follow_redirects=True)  # to the store's static URL
    assert response.status_code == 200 and response.get_data().startswith(PNG)
    assert "public" in response.headers["Cache-Control"]
