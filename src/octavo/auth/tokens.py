"""Bearer tokens, tickets and refresh tokens (Publ §9.5): signed, stateless, expiring.

Each kind is signed with its own key derived from the site's secret, so a ticket
is no access token and an access token no refresh token.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import itsdangerous

from octavo.auth.identity import canonical_identity


class TokenKind(StrEnum):
    ACCESS = ""
    TICKET = "ticket"
    REFRESH = "refresh_token"


class TokenInvalid(Exception):
    """A token that is malformed, tampered with, of another kind, or expired."""


@dataclass(frozen=True)
class Grant:
    identity: str
    scope: str | None


class TokenSigner:
    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key

    def _serializer(self, kind: TokenKind) -> itsdangerous.URLSafeSerializer:
        return itsdangerous.URLSafeSerializer(self.secret_key + kind.value)

    def issue(
        self,
        identity: str,
        lifetime: float,
        scope: str | None = None,
        kind: TokenKind = TokenKind.ACCESS,
    ) -> str:
        claims: dict[str, str] = {"me": canonical_identity(identity)}
        if scope:
            claims["scope"] = scope
        return str(self._serializer(kind).dumps((claims, int(time.time() + lifetime))))

    def parse(self, token: str, kind: TokenKind = TokenKind.ACCESS) -> Grant:
        try:
            claims, expires = self._serializer(kind).loads(token)
            identity = claims["me"]
        except (itsdangerous.BadData, ValueError, TypeError, KeyError) as err:
            raise TokenInvalid("Invalid token") from err
        if not isinstance(identity, str) or not isinstance(expires, int | float):
            raise TokenInvalid("Invalid token")
        if expires < time.time():
            raise TokenInvalid("Token expired")
        scope = claims.get("scope")
        return Grant(identity, scope if isinstance(scope, str) and scope else None)
