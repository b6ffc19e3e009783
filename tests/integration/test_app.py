"""Constructing the Octavo app: configuration, environment, start-up indexing."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from octavo import Octavo
from octavo.web.app import StartupError
from tests.integration.helpers import entries_by_path

QUIET = {"index_enable_watchdog": False, "index_rescan_interval": 0}


@pytest.fixture
def site(tmp_path: Path, write) -> Path:
    write("hello.md", "Title: Hello\nDate: 2020-01-01\nEntry-ID: 1\n\nHi.\n")
    (tmp_path / "templates").mkdir()
    return tmp_path


def make_app(site: Path, **config: object) -> Octavo:
    return Octavo("site_app", {**QUIET, **config}, root_path=str(site))


def test_relative_folders_resolve_against_the_site_root(site, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = make_app(site)
    assert app.site.content_folder == str(site / "content")
    assert app.site.template_folder == str(site / "templates")
    assert app.index.url.database == str(site / ".octavo" / "index.db")
    assert set(entries_by_path(app.index)) == {"hello.md"}  # built at start-up


def test_database_url_precedence(site, monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    app = make_app(site, database_config={"provider": "sqlite", "filename": "publ.db"})
    assert not (site / "publ.db").exists()  # the environment beat Publ's database_config
    assert set(entries_by_path(app.index)) == {"hello.md"}


def test_publ_database_config_is_translated(site, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = make_app(site, database_config={"provider": "sqlite", "filename": "publ.db"})
    assert app.index.url.database == str(site / "publ.db")
    app = make_app(
        site,
        database_config={
            "provider": "postgres",
            "user": "postgres",
            "host": "127.0.0.1",
            "database": "test",
        },
    )
    assert str(app.index.url) == "postgresql+psycopg://postgres@127.0.0.1/test"


def test_heroku_style_postgres_url_is_accepted(site, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    app = make_app(site)
    assert app.index.url.drivername == "postgresql+psycopg"


def test_unknown_config_keys_are_named_in_a_warning(site, caplog):
    with caplog.at_level(logging.WARNING):
        make_app(site, databse_config={}, cache={})
    assert "databse_config" in caplog.text and "cache" not in caplog.text.split("keys:")[-1]


def test_secret_key_from_environment(site, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert make_app(site).secret_key == "from-env"
    assert make_app(site, secret_key="from-config").secret_key == "from-config"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"database_url": "postgresql://nobody:pw@127.0.0.1:1/none"}, "cannot use the index"),
        ({"database_url": "sqlite:///:memory:"}, "in-memory SQLite"),
        ({"content_folder": "missing"}, "content folder"),
        ({"template_folder": "missing"}, "template folder"),
        ({"image_store": "s3"}, "image_s3_bucket"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_startup_errors_are_clear(site, monkeypatch, capsys, config, message):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(StartupError) as err:
        make_app(site, **config)
    assert message in str(err.value)
    assert err.value.code == 3  # gunicorn's "worker failed to boot": no restart loop
    assert message in capsys.readouterr().err
    assert "pw@" not in str(err.value)


def test_the_watcher_picks_up_changes(site, write, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = make_app(site, index_enable_watchdog=True, index_wait_time=0.05)
    try:
        write("new.md", "Title: New\nDate: 2020-01-02\nEntry-ID: 2\n\nx\n")
        deadline = time.monotonic() + 10
        while "new.md" not in entries_by_path(app.index) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "new.md" in entries_by_path(app.index)
    finally:
        app.keeper.stop()


def test_an_existing_index_is_served_while_it_is_rescanned(site, write, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    make_app(site)
    write("later.md", "Title: Later\nDate: 2020-01-02\nEntry-ID: 2\n\nx\n")
    app = make_app(site)  # the start-up scan now runs in the background
    deadline = time.monotonic() + 10
    while "later.md" not in entries_by_path(app.index) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(entries_by_path(app.index)) == {"hello.md", "later.md"}


def test_without_a_configured_key_workers_on_one_machine_share_one(site, monkeypatch):
    for name in ("SECRET_KEY", "OCTAVO_SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    first, second = make_app(site), make_app(site)
    assert first.secret_key == second.secret_key
    assert len(first.secret_key) == 64
    key_file = site / ".octavo" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key_file.unlink()
    assert make_app(site).secret_key != first.secret_key  # a new machine gets a new key
