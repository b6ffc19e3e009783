"""The auth fixture site (tests/sites/auth): private entries of every kind, users.cfg
groups, an attachment and files beside a private entry; served with login on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import TestResponse

from tests.web.conftest import Site, copy_site, make_app

AUTH_SITE = Path(__file__).resolve().parents[1] / "sites" / "auth"
SECRET = "auth-fixture-secret"


def make_auth_site(
    target: Path,
    database_url: str | None = None,
    config: dict[str, Any] | None = None,
    **auth: Any,
) -> Site:
    """The auth site served with the test provider on; `auth` adds keys of its ``auth``
    settings, `config` other site settings (a ``cache``, say)."""
    root = copy_site(AUTH_SITE, target)
    config = {
        "secret_key": SECRET,
        "auth": {"TEST_ENABLED": True, **auth},
        "search_index": True,
        **(config or {}),
    }
    if database_url:
        config["database_url"] = database_url
    return Site(root, make_app(root, "authsite", **config))


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return make_auth_site(tmp_path / "site")


def login(site: Site, identity: str, redir: str = "") -> TestResponse:
    """Log in through Authl's test provider, as a browser would (the form's POST)."""
    response = site.client.post(f"/_login/{redir}", data={"me": identity})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def logout(site: Site) -> None:
    assert site.client.post("/_logout/").status_code == 302
