"""IndieAuth (with TicketAuth) and Fediverse logins against small local providers."""

from __future__ import annotations

import json
import time
import urllib.parse
from pathlib import Path

import requests

from tests.auth.conftest import make_auth_site
from tests.auth.providers import IndieAuthHandler, serving

LOUNGE = "/blog/3-members-lounge"  # `Auth: *`: any logged-in reader


def _follow_provider(location: str) -> str:
    """The browser's trip to the provider: its answer is a redirect back to the site."""
    reply = requests.get(location, allow_redirects=False, timeout=10)
    assert reply.status_code == 302, reply.text
    return str(reply.headers["Location"])


def test_indieauth_login_then_ticketauth(tmp_path: Path):
    site = make_auth_site(tmp_path / "site", INDIEAUTH_CLIENT_ID="http://localhost/")
    with serving(IndieAuthHandler) as provider:
        me = provider.base + "/alice"
        start = site.client.post("/_login/blog/3-members-lounge", data={"me": me})
        assert start.status_code == 302
        location = start.headers["Location"]
        assert location.startswith(provider.base + "/auth?")
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
        assert query["client_id"] == "http://localhost/" and query["me"] == me
        back = urllib.parse.urlsplit(_follow_provider(location))
        assert back.path == "/_cb/ia"
        done = site.get(f"{back.path}?{back.query}")
        assert done.status_code == 302 and done.headers["Location"] == LOUNGE
        assert "LOUNGE-BODY-4410" in site.text(LOUNGE)
        user = site.app.authority.accounts.user(me)
        assert user is not None and user.profile["name"] == "Alice Example"
        # Login sent a TicketAuth ticket to the profile's ticket endpoint.
        deadline = time.monotonic() + 10
        while not provider.tickets and time.monotonic() < deadline:
            time.sleep(0.05)
        assert provider.tickets and provider.tickets[0]["subject"] == me
        assert provider.tickets[0]["resource"] == "http://localhost/"
        ticket = provider.tickets[0]["ticket"]
        # A feed reader redeems it for a bearer token.
        grant = site.client.post("/_tokens", data={"grant_type": "ticket", "ticket": ticket})
        token = json.loads(grant.get_data(as_text=True))["access_token"]
        feed = site.get("/feed.xml", headers={"Authorization": f"Bearer {token}"})
        assert "LOUNGE-BODY-4410" in feed.get_data(as_text=True)
        # Asking for a ticket by identity (the ad-hoc flow) sends another one.
        asked = site.get("/_tokens?" + urllib.parse.urlencode({"me": me, "scope": "read"}))
        assert asked.status_code == 202
        deadline = time.monotonic() + 10
        while len(provider.tickets) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(provider.tickets) == 2


def test_indieauth_refused_code_is_a_clear_error(tmp_path: Path):
    site = make_auth_site(tmp_path / "site", INDIEAUTH_CLIENT_ID="http://localhost/")
    with serving(IndieAuthHandler) as provider:
        start = site.client.post("/_login/", data={"me": provider.base + "/alice"})
        back = urllib.parse.urlsplit(_follow_provider(start.headers["Location"]))
        query = dict(urllib.parse.parse_qsl(back.query))
        query["code"] = "forged"
        response = site.get(f"{back.path}?{urllib.parse.urlencode(query)}")
        assert response.status_code == 400
        assert "Authorization endpoint returned 400" in response.get_data(as_text=True)
        assert site.get(LOUNGE).status_code == 401


def test_identity_page_that_is_gone_is_a_clear_error(tmp_path: Path):
    site = make_auth_site(tmp_path / "site", INDIEAUTH_CLIENT_ID="http://localhost/")
    with serving(IndieAuthHandler) as provider:
        response = site.client.post("/_login/", data={"me": provider.base + "/nobody"})
        assert response.status_code == 400
        assert "No way to log in as" in response.get_data(as_text=True)


def test_fediverse_login(tmp_path: Path, monkeypatch):
    """Mastodon's API over https on loopback; the client trusts the test's own CA."""
    import ssl

    import trustme

    from tests.auth.providers import MastodonHandler

    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(tls)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    site = make_auth_site(tmp_path / "site", FEDIVERSE_NAME="Octavo test site")
    with serving(MastodonHandler, tls) as instance:
        me = instance.base + "/@carol"
        start = site.client.post("/_login/blog/3-members-lounge", data={"me": me})
        assert start.status_code == 302, start.get_data(as_text=True)
        location = start.headers["Location"]
        assert location.startswith(instance.base + "/oauth/authorize?")
        reply = requests.get(location, allow_redirects=False, timeout=10)
        back = urllib.parse.urlsplit(reply.headers["Location"])
        assert back.path == "/_cb/fv"
        done = site.get(f"{back.path}?{back.query}")
        assert done.status_code == 302, done.get_data(as_text=True)
        assert done.headers["Location"] == LOUNGE
        assert "LOUNGE-BODY-4410" in site.text(LOUNGE)
        user = site.app.authority.accounts.user(me)
        assert user is not None and user.profile["name"] == "Carol Fedi"
