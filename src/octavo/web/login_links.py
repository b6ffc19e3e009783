"""Login and logout URLs for templates (``login``, ``logout``, ``entry.login``).

Sign-in itself belongs to the auth layer; until a site configures it the URLs
exist and answer 404 "Login is not configured", as in Publ — but templates that
print them render (Publ raised on ``logout`` without auth: B13).
"""

from __future__ import annotations

from typing import Any

import flask
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from octavo.web.objects.proxy import CallableProxy, LiveProxy
from octavo.web.visitor import secure_url_for, token_endpoint_url


def auth_link(endpoint: str) -> CallableProxy:
    """A login or logout URL builder (Publ's ``utils.auth_link``): `redir` defaults to the
    current page, extra arguments become query arguments."""

    def build(redir: str | None = None, absolute: bool = False, **query: Any) -> str:
        if redir is None:
            redir = flask.request.full_path.lstrip("/").rstrip("?")
        # an empty redir still builds `/_login/` (the root page), as Publ's links do
        return secure_url_for(endpoint, redir=redir.lstrip("/"), _external=absolute, **query)

    return LiveProxy(build)


def login_globals() -> dict[str, Any]:
    return {
        "login": auth_link("login"),
        "logout": auth_link("logout"),
        "token_endpoint": CallableProxy(lambda absolute=False: token_endpoint_url(absolute)),
        "secure_url": secure_url_for,
    }


def not_configured(redir: str | None = None) -> Response:
    raise NotFound("Login is not configured")


def register_unconfigured_login_routes(app: flask.Flask) -> None:
    for endpoint in ("login", "logout"):
        for rule in (f"/_{endpoint}", f"/_{endpoint}/", f"/_{endpoint}/<path:redir>"):
            app.add_url_rule(rule, endpoint, not_configured, methods=["GET", "POST"])
