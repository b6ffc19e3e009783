"""``publ.tokens``: signed bearer tokens for an identity, as Publ's functions make
and read them (a clear error while the site has no login configured)."""

from __future__ import annotations

from typing import Any

import flask
from werkzeug.exceptions import Unauthorized

from octavo.auth.tokens import TokenInvalid, TokenKind
from octavo.web.visitor import authority

__all__ = ["get_token", "parse_token"]


def get_token(id_url: str, lifetime: float, scope: str | None = None, context: str = "") -> str:
    """A signed token for an identity (``context`` is Publ's token kind: '' for access)."""
    auth = authority()
    if auth is None:
        raise RuntimeError("login is not configured for this site (config key 'auth')")
    return auth.signer.issue(id_url, lifetime, scope, TokenKind(context))


def parse_token(token: str, context: str = "") -> dict[str, Any]:
    """The claims of a token (``{'me': …, 'scope': …}``); 401 when it is not valid."""
    auth = authority()
    if auth is None:
        raise RuntimeError("login is not configured for this site (config key 'auth')")
    try:
        grant = auth.signer.parse(token, TokenKind(context))
    except TokenInvalid as err:
        flask.g.octavo_token_error = str(err)
        raise Unauthorized(str(err)) from None
    claims: dict[str, Any] = {"me": grant.identity}
    if grant.scope:
        claims["scope"] = grant.scope
    return claims
