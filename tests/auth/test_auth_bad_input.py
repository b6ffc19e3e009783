"""Bad input at the login door: tampered or expired session cookies, an open redirect in
`redir`, a `me` that names nobody. Each gets a clear answer and never a 500."""

from __future__ import annotations

import time
from unittest import mock

import pytest

from tests.auth.conftest import login
from tests.web.conftest import Site

PICNIC = "/blog/2-secret-friends-picnic"


def _session_cookie(site: Site, identity: str, signed_at: float | None = None) -> str:
    serializer = site.app.session_interface.get_signing_serializer(site.app)
    assert serializer is not None
    if signed_at is None:
        return serializer.dumps({"me": identity, "_permanent": True})
    with mock.patch("time.time", return_value=signed_at):  # the cookie's clock, not Octavo's
        return serializer.dumps({"me": identity, "_permanent": True})


def test_a_valid_cookie_made_here_is_accepted(site: Site):
    """The control for the two tests below: the same cookie, untampered and fresh."""
    site.client.set_cookie("session", _session_cookie(site, "test:alice"))
    assert site.get(PICNIC).status_code == 200


def test_tampered_session_cookie_is_anonymous(site: Site):
    login(site, "test:carol")
    cookie = site.client.get_cookie("session").value
    rest = cookie.partition(".")[2]
    forged = _session_cookie(site, "test:admin").partition(".")[0] + "." + rest
    site.client.set_cookie("session", forged)
    assert site.get("/blog/6-admin-ledger").status_code == 401
    site.client.set_cookie("session", "garbage")
    assert site.get(PICNIC).status_code == 401
    assert site.get("/blog/").status_code == 200


def test_expired_session_cookie_is_anonymous(site: Site):
    lifetime = site.app.permanent_session_lifetime.total_seconds()
    old = _session_cookie(site, "test:alice", signed_at=time.time() - lifetime - 60)
    site.client.set_cookie("session", old)
    assert site.get(PICNIC).status_code == 401


@pytest.mark.parametrize(
    ("redir", "expected"),
    [
        ("blog/", "/blog/"),
        ("/evil.example/", "/evil.example/"),
        ("%2F%2Fevil.example/", "/evil.example/"),
        ("%5C%5Cevil.example/", "/evil.example/"),
        ("%2F%5Cevil.example", "/evil.example"),
        ("https:%2F%2Fevil.example", "/https://evil.example"),
        ("%09%2Fevil.example", "/"),
    ],
)
def test_login_never_redirects_off_the_site(site: Site, redir: str, expected: str):
    response = _post(site, f"/_login/{redir}", {"me": "test:alice"})
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    logout = _post(site, f"/_logout/{redir}", {})
    assert logout.headers["Location"] == expected


def _post(site: Site, path: str, data: dict[str, str]):
    """POST, following the router's own 308s (it merges doubled slashes on this site)."""
    response = site.client.post(path, data=data)
    while response.status_code == 308:
        location = response.headers["Location"]
        assert location.startswith("http://localhost/"), location
        response = site.client.post(location.removeprefix("http://localhost"), data=data)
    return response


@pytest.mark.parametrize("me", ["not a url", "foo", "http://", "https://nohost", "a\tb", "x" * 600])
def test_me_that_names_nobody_is_a_clear_error(site: Site, me: str):
    response = site.client.post("/_login/", data={"me": me})
    assert response.status_code == 400
    assert "is not a web address or an e-mail address" in response.get_data(as_text=True)


def test_me_without_a_provider_is_a_clear_error(site: Site):
    response = site.client.post("/_login/", data={"me": "javascript:alert(1)"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "No way to log in as" in text and "<script" not in text


def test_unknown_provider_callback_is_404(site: Site):
    assert site.get("/_cb/nope").status_code == 404


def test_url_tester(site: Site):
    assert site.get("/_ct?url=test:alice").get_json() == {"name": "Loopback", "url": "test:alice"}
    assert site.get("/_ct?url=not%20a%20url").get_json() is None
    assert site.get("/_ct").get_json() is None


def test_admin_args_are_checked(site: Site):
    login(site, "test:admin")
    assert site.get("/_admin?days=many").status_code == 400
    assert site.get("/_admin/nonsense").status_code == 404
