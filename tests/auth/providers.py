"""Small identity providers on loopback, playing the other side of IndieAuth (with
TicketAuth) and of a Fediverse (Mastodon API) login, so Octavo's login runs for real."""

from __future__ import annotations

import base64
import hashlib
import json
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Provider(ThreadingHTTPServer):
    """A threaded HTTP server whose handler reads `self.server` for its state."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.codes: dict[str, dict[str, str]] = {}
        self.tickets: list[dict[str, str]] = []
        self.scheme = "http"

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Provider

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        return dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))

    def _query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))

    def _send(self, status: int, body: str = "", kind: str = "text/html", **headers: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, body: Any, status: int = 200) -> None:
        self._send(status, json.dumps(body), "application/json")


class IndieAuthHandler(_Handler):
    """``/alice``: a profile page naming its authorization and ticket endpoints;
    ``/auth``: approves everyone at once and checks PKCE; ``/ticket``: keeps tickets."""

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        base = self.server.base
        if path == "/alice":
            self._send(
                200,
                f'<html><head><link rel="authorization_endpoint" href="{base}/auth">'
                f'<link rel="ticket_endpoint" href="{base}/ticket"></head><body>'
                f'<div class="h-card"><a class="u-url p-name" href="{base}/alice">Alice Example'
                "</a><p class=p-note>Reads things.</p></div></body></html>",
            )
        elif path == "/auth":
            query = self._query()
            code = f"code-{len(self.server.codes)}"
            self.server.codes[code] = query
            target = (
                query["redirect_uri"]
                + "?"
                + urllib.parse.urlencode({"code": code, "state": query["state"], "me": query["me"]})
            )
            self._send(302, "", Location=target)
        else:
            self._send(404, "no such page")

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        form = self._form()
        if path == "/auth":
            asked = self.server.codes.pop(form.get("code", ""), None)
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
            if asked is None or asked["code_challenge"] != challenge:
                self._json({"error": "invalid_grant"}, 400)
                return
            self._json({"me": asked["me"], "profile": {"name": "Alice Example"}})
        elif path == "/ticket":
            self.server.tickets.append(form)
            self._send(202, "ok")
        else:
            self._send(404, "no such endpoint")


class MastodonHandler(_Handler):
    """Just enough of the Mastodon API for an OAuth login as ``@carol``."""

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path.rstrip("/")
        base = self.server.base
        if path in ("/api/v1/instance", "/api/v2/instance"):
            self._json({"uri": "127.0.0.1", "version": "4.2.0", "urls": {}, "title": "Local"})
        elif path == "/oauth/authorize":
            query = self._query()
            target = (
                query["redirect_uri"]
                + "?"
                + urllib.parse.urlencode({"code": "mastodon-code", "state": query["state"]})
            )
            self._send(302, "", Location=target)
        elif path == "/api/v1/accounts/verify_credentials":
            if self.headers.get("Authorization") != "Bearer mastodon-token":
                self._json({"error": "unauthorized"}, 401)
                return
            self._json(
                {
                    "id": "1",
                    "username": "carol",
                    "acct": "carol",
                    "url": f"{base}/@carol",
                    "display_name": "Carol Fedi",
                    "avatar": f"{base}/avatar.png",
                    "source": {"note": "Toots.", "fields": []},
                }
            )
        else:
            self._send(404, "no such page")

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path.rstrip("/")
        form = self._form()
        if path == "/api/v1/apps":
            self._json({"id": "1", "client_id": "cid", "client_secret": "csecret"})
        elif path == "/oauth/token":
            if form.get("code") != "mastodon-code":
                self._json({"error": "invalid_grant"}, 400)
                return
            self._json(
                {
                    "access_token": "mastodon-token",
                    "token_type": "Bearer",
                    "scope": form.get("scope", ""),
                    "created_at": 0,
                }
            )
        elif path == "/oauth/revoke":
            self._json({})
        else:
            self._send(404, "no such endpoint")


@contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None
) -> Iterator[Provider]:
    server = Provider(handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        server.scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
