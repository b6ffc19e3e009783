"""E-mail login (magic links) through a real SMTP server on loopback; a mail server that
is down gives a clear message on the login page, not a 500."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from tests.auth.conftest import make_auth_site
from tests.auth.smtp import smtp_server

PICNIC = "/blog/2-secret-friends-picnic"


def email_site(tmp_path: Path, port: int):
    return make_auth_site(
        tmp_path / "site",
        EMAIL_FROM="octavo@example.com",
        EMAIL_SUBJECT="Your login link",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
    )


def test_magic_link_logs_in(tmp_path: Path):
    with smtp_server() as mail:
        site = email_site(tmp_path, mail.port)
        sent = site.client.post(
            "/_login/blog/2-secret-friends-picnic", data={"me": "Friend@Example.com"}
        )
        assert sent.status_code == 200
        assert "Check your email" in sent.get_data(as_text=True)
        assert len(mail.messages) == 1
        message = mail.messages[0]
    assert message["To"] == "friend@example.com"
    assert message["Subject"] == "Your login link"
    assert message["From"] == "octavo@example.com"
    link = re.search(r"http://localhost(/_cb/e\?t=\S+)", message.get_payload(decode=True).decode())
    assert link is not None
    # Following the link asks for a POST (mail scanners that fetch links log nobody in).
    page = site.get(link.group(1))
    assert page.status_code == 200 and 'method="POST"' in page.get_data(as_text=True)
    assert site.get(PICNIC).status_code == 401
    token = re.search(r'name="t" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = site.client.post("/_cb/e", data={"t": token})
    assert done.status_code == 302 and done.headers["Location"] == PICNIC
    assert "PICNIC-BODY-7731" in site.text(PICNIC)
    assert site.app.authority.accounts.user("mailto:friend@example.com").profile["email"] == (
        "friend@example.com"
    )
    # A magic link works once.
    again = site.client.post("/_cb/e", data={"t": token})
    assert again.status_code == 400 and "Invalid token" in again.get_data(as_text=True)


def test_pending_login_survives_a_restart(tmp_path: Path):
    """The link's state is in the database, not in the process that sent it."""
    from tests.auth.conftest import SECRET
    from tests.web.conftest import make_app

    with smtp_server() as mail:
        site = email_site(tmp_path, mail.port)
        site.client.post("/_login/", data={"me": "friend@example.com"})
        body = mail.messages[0].get_payload(decode=True).decode()
    token = re.search(r"/_cb/e\?t=(\S+)", body).group(1)
    other = make_app(
        site.root,
        "restarted",
        secret_key=SECRET,
        auth={
            "EMAIL_FROM": "o@example.com",
            "EMAIL_SUBJECT": "x",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": 1,
            "TEST_ENABLED": True,
        },
    ).test_client()
    assert other.post("/_cb/e", data={"t": token}).status_code == 302


def test_smtp_server_down_is_a_clear_message(tmp_path: Path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site = email_site(tmp_path, port)
    response = site.client.post("/_login/", data={"me": "friend@example.com"})
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "Could not start the Email login" in text and "try again later" in text
    assert 'value="friend@example.com"' in text  # the address stays in the form
