"""Logging in, reading a private entry, logging out and the admin page, in headless
Chromium (the system browser, driven through Playwright) against a real HTTP server."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from tests.auth.conftest import make_auth_site

CHROMIUM = os.environ.get("OCTAVO_TEST_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: Screenshots of the admin page land here when set (to look at them).
SHOTS = os.environ.get("OCTAVO_TEST_SCREENSHOTS")


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    site = make_auth_site(tmp_path / "site")
    server = make_server("127.0.0.1", 0, site.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM} (scripts/services installs it)")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def log_in(page: Page, base_url: str, path: str, identity: str) -> None:
    reply = page.goto(base_url + path)
    assert reply is not None and reply.status == 200, (path, reply and reply.status)
    assert page.locator("input[name=me]").count() == 1, page.content()
    page.fill("input[name=me]", identity)
    page.click("button[type=submit]")


def test_login_read_private_entry_and_log_out(browser: Browser, base_url: str):
    page = browser.new_page()
    page.goto(base_url + "/blog/")
    assert "Secret Friends Picnic" not in page.content()
    # The private entry asks for a login, and comes back to it afterwards.
    reply = page.goto(base_url + "/blog/2-secret-friends-picnic")
    assert reply is not None and reply.status == 401
    page.fill("input[name=me]", "test:alice")
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/blog/2-secret-friends-picnic")
    assert page.locator("h1").inner_text() == "Secret Friends Picnic"
    assert "PICNIC-BODY-7731" in page.locator(".body").inner_text()
    # The listing shows it now, with a logout link that confirms first.
    page.goto(base_url + "/blog/")
    assert "Secret Friends Picnic" in page.content()
    page.click("#who a")
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/blog/")
    assert "Secret Friends Picnic" not in page.content()
    assert page.goto(base_url + "/blog/2-secret-friends-picnic").status == 401
    page.close()


def test_admin_page_on_a_phone_and_a_desk(browser: Browser, base_url: str):
    reader = browser.new_page()  # a reader's visit, for the access log
    log_in(reader, base_url, "/_login/blog/2-secret-friends-picnic", "test:alice")
    reader.wait_for_url(base_url + "/blog/2-secret-friends-picnic")
    reader.close()
    page = browser.new_page()  # another browser context: no cookie of the reader's
    log_in(page, base_url, "/_login/_admin", "test:admin")
    page.wait_for_url(base_url + "/_admin")
    for name, size in (("phone", (390, 844)), ("desk", (1280, 800))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.reload()
        assert page.locator("h1").inner_text() == "Site admin"
        assert page.locator("text=Secret Friends Picnic").count() >= 1
        assert page.locator("text=✓ allowed").count() == 1
        # Nothing runs off the side of the screen.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (name, overflow)
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / f"admin-{name}.png"), full_page=True)
    page.click("text=By user")
    assert page.url.startswith(base_url + "/_admin/user")
    page.click("a.name >> nth=0")
    assert page.locator("[aria-label=Profile]").count() == 1
    page.close()
