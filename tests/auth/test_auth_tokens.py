"""Bearer tokens (Publ §9.5): reading private pages and feeds with a token, the token
endpoint's grants and introspection, the discovery header, the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import itsdangerous

from tests.auth.conftest import SECRET
from tests.web.conftest import Site

PICNIC = "/blog/2-secret-friends-picnic"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_feed_reader_with_a_token_reads_the_private_feed(site: Site):
    token = site.app.authority.signer.issue("test:alice", 600)
    anonymous = site.text("/feed.xml")
    assert "PICNIC-BODY-7731" not in anonymous
    response = site.get("/feed.xml", headers=bearer(token))
    assert response.status_code == 200
    feed = response.get_data(as_text=True)
    assert "PICNIC-BODY-7731" in feed and "FAMILY-BODY-6626" in feed
    assert "private" in response.headers["Cache-Control"]
    assert "Authorization" in response.headers["Vary"]


def test_token_user_in_templates(site: Site):
    token = site.app.authority.signer.issue("test:bob", 600, scope="read")
    response = site.get(
        "/" + _probe(site, "{{ user.identity }}|{{ user.auth_type }}|{{ user.scope }}"),
        headers=bearer(token),
    )
    assert response.get_data(as_text=True) == "test:bob|token|read"


def test_bad_tokens_are_refused(site: Site):
    signer = site.app.authority.signer
    good = signer.issue("test:alice", 600)
    expired = itsdangerous.URLSafeSerializer(SECRET).dumps(({"me": "test:alice"}, 1000))
    ticket = signer.issue("test:alice", 600, kind=_kind("ticket"))
    for token in (good[:-3] + "xyz", expired, ticket, "not-a-token"):
        response = site.get("/blog/", headers=bearer(token))
        assert response.status_code == 401, token
        assert "PICNIC" not in response.get_data(as_text=True)
    assert "Token expired" in site.get("/blog/", headers=bearer(expired)).get_data(as_text=True)
    assert site.get("/blog/", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 400
    assert site.get("/blog/", headers={"Authorization": "Bearer"}).status_code == 400


def test_token_from_another_secret_is_refused(site: Site):
    forged = itsdangerous.URLSafeSerializer("another-secret").dumps(
        ({"me": "test:admin"}, int(time.time()) + 600)
    )
    assert site.get("/blog/6-admin-ledger", headers=bearer(forged)).status_code == 401


def test_ticket_and_refresh_grants(site: Site):
    signer = site.app.authority.signer
    ticket = signer.issue("test:alice", 60, scope="read", kind=_kind("ticket"))
    reply = site.client.post("/_tokens", data={"grant_type": "ticket", "ticket": ticket})
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/json"
    body = json.loads(reply.get_data(as_text=True))
    assert body["token_type"] == "Bearer" and body["me"] == "test:alice"
    assert body["scope"] == "read" and body["expires_in"] == 2592000
    assert "PICNIC-BODY-7731" in site.text(PICNIC, headers=bearer(body["access_token"]))
    # The refresh token gives a new pair; it is no access token itself.
    assert site.get(PICNIC, headers=bearer(body["refresh_token"])).status_code == 401
    again = site.client.post(
        "/_tokens", data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    )
    assert json.loads(again.get_data(as_text=True))["me"] == "test:alice"
    # An access token is no ticket; unknown grants and missing fields are 400s.
    token = body["access_token"]
    assert (
        site.client.post("/_tokens", data={"grant_type": "ticket", "ticket": token}).status_code
        == 401
    )
    assert site.client.post("/_tokens", data={"grant_type": "password"}).status_code == 400
    assert site.client.post("/_tokens", data={"grant_type": "ticket"}).status_code == 400
    assert site.client.post("/_tokens", data={"action": "nothing"}).status_code == 400
    assert site.get("/_tokens").status_code == 400
    # The grant is recorded on the user.
    assert site.app.authority.accounts.user("test:alice").last_token is not None


def test_introspection(site: Site):
    token = site.app.authority.signer.issue("https://Alice.Example", 600, scope="read")
    reply = site.get("/_tokens", headers=bearer(token))
    assert json.loads(reply.get_data(as_text=True)) == {
        "me": "https://alice.example/",
        "scope": "read",
    }
    assert site.get("/_tokens", headers=bearer("garbage")).status_code == 401


def test_token_endpoint_is_advertised(site: Site):
    response = site.get("/blog/")
    assert '<http://localhost/_tokens>; rel="token_endpoint"' in response.headers["Link"]
    assert _render(site, "{{ token_endpoint }}") == "/_tokens"


def test_user_token_in_templates_works(site: Site):
    from tests.auth.conftest import login

    login(site, "test:alice")
    token = _render(site, "{{ user.token(600) }}")
    site.client.post("/_logout/")
    assert "PICNIC-BODY-7731" in site.text(PICNIC, headers=bearer(token))


def test_octavo_token_command(site: Site, tmp_path: Path):
    config = {
        "secret_key": SECRET,
        "auth": {"TEST_ENABLED": True},
        "database_url": f"sqlite:///{site.root / 'index.db'}",
        "index_scan_on_start": False,
    }
    (site.root / "app.py").write_text(f"import octavo\napp = octavo.Octavo(__name__, {config!r})\n")
    octavo = str(Path(sys.executable).parent / "octavo")
    result = subprocess.run(
        [
            octavo,
            "--app",
            str(site.root / "app.py"),
            "token",
            "test:alice",
            "-l",
            "600",
            "-s",
            "read",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    grant = site.app.authority.signer.parse(token)
    assert (grant.identity, grant.scope) == ("test:alice", "read")
    assert "PICNIC-BODY-7731" in site.text(PICNIC, headers=bearer(token))


def _kind(name: str):
    from octavo.auth.tokens import TokenKind

    return TokenKind(name)


def _probe(site: Site, template: str) -> str:
    name = f"probe-{abs(hash(template))}.txt"
    (site.root / "templates" / name).write_text(template)
    return name


def _render(site: Site, template: str) -> str:
    return site.text("/" + _probe(site, template))


def test_publ_api_for_site_code(site: Site):
    """What a site's app.py calls: publ.user.get_active, publ.utils.auth_link,
    publ.tokens.get_token / parse_token."""
    import octavo as publ

    with site.app.test_request_context("/blog/?x=1"):
        assert not publ.user.get_active()
        assert str(publ.utils.auth_link("login")) == "/_login/blog/%3Fx=1"
        assert publ.utils.auth_link("logout")(redir="notes/") == "/_logout/notes/"
        token = publ.tokens.get_token("https://Example.com", 60, "read")
        assert publ.tokens.parse_token(token) == {"me": "https://example.com/", "scope": "read"}
    with site.app.test_request_context("/", headers=bearer(token)):
        assert publ.user.get_active().identity == "https://example.com/"
