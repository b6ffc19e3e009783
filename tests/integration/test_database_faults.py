"""The index database going away: at start-up (tried again with back-off, then a clear
exit) and while serving (503 with Retry-After, then recovery without a restart), on
PostgreSQL and MariaDB reached through a loopback proxy that can drop them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from octavo import Octavo
from octavo.web.app import StartupError
from tests.conftest import SERVER_URLS, clear_server_database
from tests.integration.s3servers import TcpProxy, free_port

QUIET = {"index_enable_watchdog": False, "index_rescan_interval": 0}


@pytest.fixture(params=["postgresql", "mariadb"])
def proxied(request: pytest.FixtureRequest) -> Iterator[tuple[TcpProxy, str]]:
    """A proxy in front of a clean test database, and the URL that goes through it."""
    url = make_url(SERVER_URLS[request.param])
    clear_server_database(SERVER_URLS[request.param])
    proxy = TcpProxy(url.port or 0)
    yield proxy, url.set(port=proxy.port).render_as_string(hide_password=False)
    proxy.close()


@pytest.fixture
def site(tmp_path: Path, write) -> Path:
    write("hello.md", "Title: Hello\nDate: 2020-01-01\nEntry-ID: 1\n\nHi.\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "entry.html").write_text("<h1>{{ entry.title }}</h1>")
    return tmp_path


def make_app(site: Path, url: str, **config: object) -> Octavo:
    return Octavo("faulty_site", {**QUIET, "database_url": url, **config}, root_path=str(site))


def test_a_database_that_comes_up_late_is_waited_for(proxied, site, caplog):
    proxy, url = proxied
    proxy.down = True
    threading.Timer(1.5, lambda: setattr(proxy, "down", False)).start()
    app = make_app(site, url, database_start_wait=20)
    assert app.test_client().get("/1-Hello").status_code == 200
    tries = [r.getMessage() for r in caplog.records if "trying again" in r.getMessage()]
    assert tries and all("cannot use the index database" in t for t in tries)


def test_a_database_that_never_comes_is_a_clear_start_up_error(proxied, site):
    proxy, url = proxied
    proxy.down = True
    started = time.monotonic()
    with pytest.raises(StartupError, match="cannot use the index database"):
        make_app(site, url, database_start_wait=1)
    assert time.monotonic() - started < 15  # bounded: the platform sees the exit


def test_a_lost_database_answers_503_then_recovers_without_a_restart(proxied, site):
    proxy, url = proxied
    app = make_app(site, url)
    client = app.test_client()
    assert client.get("/1-Hello").status_code == 200
    proxy.down = True
    proxy.reset_all()
    time.sleep(1.1)  # past the index pointer's one-second cache
    lost = client.get("/1-Hello")
    assert lost.status_code == 503 and lost.headers["Retry-After"] == "5"
    assert "database is unavailable" in lost.get_data(as_text=True)
    assert "no-store" in lost.headers["Cache-Control"]
    ready = client.get("/_ready")
    assert ready.status_code == 503 and ready.get_json()["index"] == "unavailable"
    assert client.get("/_health").status_code == 200  # alive: no restart wanted
    proxy.down = False
    assert client.get("/1-Hello").status_code == 200
    assert client.get("/_ready").status_code == 200
    app.keeper.stop()


def test_an_unreachable_page_cache_leaves_the_instance_ready(site, proxied):
    _proxy, url = proxied
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = make_app(site, url, cache={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": dead})
    client = app.test_client()
    assert client.get("/1-Hello").status_code == 200  # rendered without the cache
    ready = client.get("/_ready")
    assert ready.status_code == 200 and ready.get_json()["page_cache"] == "degraded"
    app.keeper.stop()
