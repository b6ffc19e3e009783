"""The ``user`` template object (Publ §4.6). Login arrives with the auth layer; until
then every visitor is the anonymous user, which is falsy like Publ's ``User('')``."""

from __future__ import annotations

from typing import Any


class User:
    """A visitor; anonymous when `identity` is empty."""

    def __init__(
        self,
        identity: str = "",
        groups: frozenset[str] = frozenset(),
        is_admin: bool = False,
        auth_type: str | None = None,
    ) -> None:
        self.identity = identity
        self.groups = groups
        self.is_admin = is_admin
        self.auth_type = auth_type
        self.profile: dict[str, Any] = {}
        self.scope: str | None = None
        self.last_login = None
        self.last_seen = None
        self.is_bot = False

    @property
    def auth_groups(self) -> frozenset[str]:
        return self.groups | {self.identity} if self.identity else self.groups

    @property
    def humanize(self) -> str:
        for scheme in ("https://", "http://"):
            if self.identity.startswith(scheme):
                return self.identity[len(scheme) :]
        return self.identity

    @property
    def name(self) -> str:
        return str(self.profile.get("name") or self.humanize)

    def __bool__(self) -> bool:
        return bool(self.identity)

    def __str__(self) -> str:
        return self.identity


ANONYMOUS_USER = User()
