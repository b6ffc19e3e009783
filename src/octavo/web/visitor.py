"""Who is making the current request (Publ §9.2), resolved once per request.

A bearer token (``Authorization: Bearer``) comes first, then the session cookie;
a crawler that names itself in its User-Agent is a bot; anyone else is anonymous.
Responses that depend on the reader say so (``Vary``), and a page rendered for a
logged-in reader is never stored by a shared cache.
"""

from __future__ import annotations

import re
from typing import Any

import flask
from werkzeug.exceptions import BadRequest, Unauthorized
from werkzeug.wrappers import Response

from octavo.auth.authority import Authority
from octavo.auth.tokens import TokenInvalid
from octavo.auth.user import ANONYMOUS_USER, BotUser, User
from octavo.index.queries import ANONYMOUS, Viewer

#: A User-Agent naming a URL or an address belongs to a crawler (Publ's test).
_BOT_AGENT = re.compile(r"@|//|\+")
SESSION_KEY = "me"


def authority() -> Authority | None:
    """The site's login machinery, or None when login is off."""
    return getattr(flask.current_app, "authority", None)


def active_user() -> User:
    """The current reader; an invalid bearer token answers 401, another scheme 400."""
    found = flask.g.get("octavo_user")
    if found is None:
        found = _resolve()
        flask.g.octavo_user = found
    return found


def active_viewer() -> Viewer:
    """The reader as the index sees it (the principals the access rule matches)."""
    auth = authority()
    if auth is None:
        return ANONYMOUS
    found = flask.g.get("octavo_viewer")
    if found is None:
        found = auth.viewer(active_user())
        flask.g.octavo_viewer = found
    return found


def viewer_class() -> tuple[Any, ...]:
    """What a rendered page depends on about its reader: ``("anonymous",)`` for every
    visitor who is not logged in, else the identity, how it logged in, its scope and
    groups. A page cache keys on this."""
    user = active_user()
    if not user:
        return ("anonymous",)
    return (*user.key, tuple(sorted(user.groups)), user.is_admin)


def note_hidden(found: bool) -> bool:
    """Record that the page held back entries from a reader who is not logged in:
    Publ's ``g.needs_auth``, which a site's after-request hook may turn into, say, a
    ``WWW-Authenticate`` header. Returns `found`."""
    if found and not active_user():
        flask.g.needs_auth = True
    return found


def _resolve() -> User:
    auth = authority()
    if auth is not None:
        header = flask.request.headers.get("Authorization")
        if header is not None:
            return _token_user(auth, header)
        identity = flask.session.get(SESSION_KEY)
        if isinstance(identity, str) and identity:
            return auth.user(identity, "session")
    # a crawler is one with login off too (Publ): a site's hook may turn it away
    agent = flask.request.headers.get("User-Agent", "")
    if _BOT_AGENT.search(agent):
        return BotUser(agent)
    return ANONYMOUS_USER


def _token_user(auth: Authority, header: str) -> User:
    parts = header.split()
    flask.g.octavo_user = ANONYMOUS_USER  # the error page is rendered for nobody
    if len(parts) != 2:
        raise BadRequest("Malformed Authorization header")
    if parts[0].lower() != "bearer":
        raise BadRequest(f"Unknown authorization type '{parts[0]}'")
    try:
        grant = auth.signer.parse(parts[1])
    except TokenInvalid as err:
        flask.g.octavo_token_error = str(err)
        raise Unauthorized(str(err)) from None
    return auth.user(grant.identity, "token", grant.scope)


def check_credentials() -> None:
    """Before a request: a bad ``Authorization`` header fails it whatever it asks for
    (401 for a bad token, 400 for another scheme), except at the token endpoint, which
    reads the header itself."""
    if "Authorization" in flask.request.headers and flask.request.endpoint not in (
        "tokens",
        "static",
    ):
        active_user()


def mark_response(response: Response) -> Response:
    """After every request with login on: say the response depends on the reader, keep
    logged-in pages out of shared caches, advertise the token endpoint, note the visit."""
    response.vary.update(("Cookie", "Authorization"))
    user = flask.g.get("octavo_user")
    if user:
        response.headers["Cache-Control"] = "private, no-cache, no-store"
        if user.auth_type == "session":
            auth = authority()
            if auth is not None:
                auth.note_seen(user.identity)
    response.headers.add("Link", f'<{token_endpoint_url(absolute=True)}>; rel="token_endpoint"')
    return response


def token_endpoint_url(absolute: bool = False) -> str:
    return secure_url_for("tokens", _external=absolute)


def secure_url_for(endpoint: str, *args: Any, **kwargs: Any) -> str:
    """``url_for``, made https under ``AUTH_FORCE_HTTPS`` (Publ's ``secure_url``)."""
    auth = authority()
    if auth is not None and auth.settings.force_https and flask.request.scheme != "https":
        kwargs = {**kwargs, "_external": True, "_scheme": "https"}
    return flask.url_for(endpoint, *args, **kwargs)
