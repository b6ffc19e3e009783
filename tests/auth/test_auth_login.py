"""Logging in and out through Authl's test provider; sessions; the user object."""

from __future__ import annotations

import time
from unittest import mock

from tests.auth.conftest import SECRET, login, make_auth_site
from tests.web.conftest import Site, make_app


def test_login_returns_to_the_page_and_reads_private_entries(site: Site):
    assert site.get("/blog/2-secret-friends-picnic").status_code == 401
    response = login(site, "test:alice", "blog/2-secret-friends-picnic")
    assert response.headers["Location"] == "/blog/2-secret-friends-picnic"
    page = site.text("/blog/2-secret-friends-picnic")
    assert "PICNIC-BODY-7731" in page and "Hello test:alice" in page


def test_session_cookie_is_httponly_and_lax(site: Site):
    response = login(site, "test:alice")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Expires=" in cookie  # a permanent session: it outlives the browser window


def test_force_https_makes_the_cookie_secure_and_links_https(tmp_path):
    site = make_auth_site(tmp_path / "s", AUTH_FORCE_HTTPS=True)
    response = site.client.post("/_login/", data={"me": "test:alice"}, base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    page = site.text("/blog/")
    assert 'href="https://localhost/_logout/blog/"' in page
    # A 401 over plain http goes to https first.
    anon = make_auth_site(tmp_path / "t", AUTH_FORCE_HTTPS=True)
    reply = anon.get("/blog/2-secret-friends-picnic")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "https://localhost/blog/2-secret-friends-picnic"


def test_an_unchanged_session_cookie_is_resent_only_once_an_hour_old(site: Site):
    """Flask re-signs a permanent session's cookie on every response; Octavo does once
    the cookie is an hour old, so the expiry still slides for a returning reader."""
    login(site, "test:alice")
    assert "Set-Cookie" not in site.get("/blog/").headers
    serializer = site.app.session_interface.get_signing_serializer(site.app)
    assert serializer is not None
    with mock.patch("time.time", return_value=time.time() - 3700):  # the cookie's clock
        old = serializer.dumps({"me": "test:alice", "_permanent": True})
    site.client.set_cookie("session", old)
    response = site.get("/blog/2-secret-friends-picnic")
    assert response.status_code == 200
    fresh = site.client.get_cookie("session")
    assert "Expires=" in response.headers["Set-Cookie"] and fresh is not None
    assert fresh.value != old
    assert serializer.loads(fresh.value) == {"me": "test:alice", "_permanent": True}


def test_session_survives_a_restart_and_works_on_another_instance(site: Site, tmp_path):
    login(site, "test:alice")
    cookie = site.client.get_cookie("session")
    assert cookie is not None
    # Another app over the same site folder and database, sharing only the secret key.
    other = make_app(
        site.root, "other", secret_key=SECRET, auth={"TEST_ENABLED": True}
    ).test_client()
    other.set_cookie("session", cookie.value)
    assert "PICNIC-BODY-7731" in other.get("/blog/2-secret-friends-picnic").get_data(as_text=True)


def test_logout_asks_then_forgets(site: Site):
    login(site, "test:alice")
    confirm = site.get("/_logout/blog/")
    assert confirm.status_code == 200 and 'method="POST"' in confirm.get_data(as_text=True)
    response = site.client.post("/_logout/blog/")
    assert response.status_code == 302 and response.headers["Location"] == "/blog/"
    assert site.get("/blog/2-secret-friends-picnic").status_code == 401


def test_user_object_in_templates(site: Site):
    login(site, "test:alice")
    probe = site.probe(
        "/",
        "{{ user.identity }}|{{ user.name }}|{{ user.humanize }}|{{ user.groups|sort|join(',') }}|"
        "{{ user.auth_groups|sort|join(',') }}|{{ user.is_admin }}|{{ user.auth_type }}|"
        "{{ user.scope }}|{{ user.last_login is not none }}|{{ user.profile }}|{{ user.is_bot }}",
    )
    assert probe.get_data(as_text=True) == (
        "test:alice|test:alice|test:alice|family,friends|family,friends,test:alice|False|"
        "session|None|True|{}|False"
    )


def test_admin_through_users_cfg(site: Site):
    login(site, "test:admin")
    page = site.text("/blog/6-admin-ledger")
    assert "LEDGER-BODY-3141" in page
    assert site.probe("/", "{{ user.is_admin }}").get_data(as_text=True) == "True"


def test_users_cfg_edits_apply_without_restart(site: Site):
    login(site, "test:carol")
    assert site.get("/blog/2-secret-friends-picnic").status_code == 403
    users = site.root / "users.cfg"
    users.write_text(users.read_text() + "\n[friends]\ntest:carol\n".replace("[friends]", "[pals]"))
    (site.root / "users.cfg").write_text(
        users.read_text().replace("[friends]\n", "[friends]\ntest:carol\n", 1)
    )
    import time

    time.sleep(1.1)  # groups are re-read at most once a second
    assert site.get("/blog/2-secret-friends-picnic").status_code == 200


def test_anonymous_and_bots_are_falsy(site: Site):
    template = "{{ 'yes' if user else 'no' }}|{{ user.is_bot }}|{{ user.name }}"
    assert site.probe("/", template).get_data(as_text=True) == "no|False|"
    (site.root / "templates" / "botprobe.txt").write_text(template)
    agent = "Crawler/1.0 (+https://crawler.example/)"
    bot = site.get("/botprobe.txt", headers={"User-Agent": agent})
    assert bot.get_data(as_text=True) == f"no|True|{agent}"
    private = site.get("/blog/2-secret-friends-picnic", headers={"User-Agent": agent})
    assert private.status_code == 401


def test_a_logged_in_reader_without_access_gets_the_unauthorized_template(site: Site):
    login(site, "test:carol")
    response = site.get("/blog/2-secret-friends-picnic")
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "This entry is not for test:carol" in text
    assert 'title ""' in text and "link /2" in text  # limited fields; permalink collapses
    assert "PICNIC-BODY-7731" not in text and "Secret Friends Picnic" not in text
    assert "no-store" in response.headers["Cache-Control"]


def test_without_an_unauthorized_template_403_is_plain(site: Site):
    (site.root / "templates" / "unauthorized.html").unlink()
    login(site, "test:carol")
    response = site.get("/blog/2-secret-friends-picnic")
    assert response.status_code == 403
    assert "Secret Friends Picnic" not in response.get_data(as_text=True)


def test_login_page_uses_the_site_template_when_there_is_one(site: Site):
    (site.root / "templates" / "login.html").write_text(
        "SITE LOGIN {{ login_url }} {{ redir }} "
        "{{ auth.handlers|map(attribute='service_name')|join(',') }}"
    )
    text = site.get("/_login/blog/").get_data(as_text=True)
    assert text == "SITE LOGIN /_login/blog/ /blog/ Loopback"


def test_builtin_login_page_lists_providers(site: Site):
    response = site.get("/_login/blog/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'action="/_login/blog/"' in text and "Loopback" in text
    assert "no-store" in response.headers["Cache-Control"]


def test_already_logged_in_goes_straight_back(site: Site):
    login(site, "test:alice")
    response = site.get("/_login/blog/")
    assert response.status_code == 302 and response.headers["Location"] == "/blog/"


def test_provider_error_is_shown_on_the_login_page(site: Site):
    response = site.client.post("/_login/", data={"me": "test:error"})
    assert response.status_code == 400
    assert "Error identity requested" in response.get_data(as_text=True)


def test_responses_say_they_depend_on_the_reader(site: Site):
    anonymous = site.get("/blog/")
    assert {"Cookie", "Authorization"} <= set(anonymous.headers["Vary"].replace(" ", "").split(","))
    assert anonymous.headers["Cache-Control"].startswith("public")
    login(site, "test:alice")
    private = site.get("/blog/")
    assert "private" in private.headers["Cache-Control"]
    assert "public" not in private.headers["Cache-Control"]
    assert {"Cookie", "Authorization"} <= set(private.headers["Vary"].replace(" ", "").split(","))


def test_viewer_class_for_a_page_cache(site: Site):
    from octavo.web.visitor import viewer_class

    with site.app.test_request_context("/"):
        assert viewer_class() == ("anonymous",)
    token = site.app.authority.signer.issue("test:alice", 60)
    with site.app.test_request_context("/", headers={"Authorization": f"Bearer {token}"}):
        assert viewer_class() == ("test:alice", "token", None, ("family", "friends"), False)


def test_login_off_without_a_secret_key(tmp_path, caplog):
    from tests.auth.conftest import AUTH_SITE
    from tests.web.conftest import copy_site

    root = copy_site(AUTH_SITE, tmp_path / "nokey")
    app = make_app(root, "nokey", auth={"TEST_ENABLED": True})
    assert app.authority is None
    assert "no secret_key is set" in caplog.text
    client = app.test_client()
    assert client.get("/_login/").status_code == 404
    assert client.get("/blog/2-secret-friends-picnic").status_code == 401


def test_incomplete_provider_config_is_a_clear_start_up_error(tmp_path):
    import pytest

    from octavo.web.app import StartupError

    with pytest.raises(StartupError, match="'SMTP_HOST' is missing"):
        make_auth_site(tmp_path / "a", EMAIL_FROM="o@example.com")
    with pytest.raises(StartupError, match="AUTH_FORCE_SSL"):
        make_auth_site(tmp_path / "b", AUTH_FORCE_SSL=True)


def test_needs_auth_flag_for_site_hooks(site: Site):
    """Publ's g.needs_auth: set when a reader who is not logged in met a private entry."""
    import flask

    seen = []
    site.app.after_request(lambda response: seen.append(flask.g.get("needs_auth")) or response)
    site.get("/blog/")  # the fixture's listing asks for placeholders
    site.get("/notes/9-open-note")
    site.get("/blog/2-secret-friends-picnic")
    login(site, "test:admin")
    site.get("/blog/")
    assert seen[:3] == [True, None, True] and seen[-1] is None
