"""A reader of the site (Publ §4.6): anonymous, a bot, or a logged-in identity."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING, Any

from octavo.auth.identity import humanize

if TYPE_CHECKING:
    from octavo.auth.authority import Authority
    from octavo.index.accounts import UserRecord


class User:
    """Truthy when logged in (through a session or a bearer token)."""

    is_bot = False

    def __init__(
        self,
        identity: str = "",
        auth_type: str | None = None,
        scope: str | None = None,
        authority: Authority | None = None,
        record: UserRecord | None = None,
    ) -> None:
        self.identity = identity
        self.auth_type = auth_type
        self.scope = scope
        self._authority = authority
        if record is not None:  # already read (the admin page lists many users at once)
            self._record = record

    def __bool__(self) -> bool:
        return bool(self.identity)

    def __str__(self) -> str:
        return self.identity

    def __repr__(self) -> str:
        return f"<User {self.identity!r} {self.auth_type}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, User) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: User) -> bool:
        return self.identity < other.identity

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        """What a page rendered for this reader depends on (with the groups)."""
        return (self.identity, self.auth_type, self.scope)

    @cached_property
    def groups(self) -> frozenset[str]:
        """Groups the identity belongs to (users.cfg), without the identity itself."""
        if not self or self._authority is None:
            return frozenset()
        return self._authority.groups.groups(self.identity)

    @property
    def auth_groups(self) -> frozenset[str]:
        """Groups plus the identity: what `Auth:` tokens are matched against."""
        return self.groups | {self.identity} if self else frozenset()

    @cached_property
    def is_admin(self) -> bool:
        return (
            bool(self)
            and self._authority is not None
            and self._authority.groups.is_admin(self.identity)
        )

    @cached_property
    def _record(self) -> UserRecord | None:
        if not self or self._authority is None:
            return None
        return self._authority.accounts.user(self.identity)

    @property
    def profile(self) -> dict[str, Any]:
        return dict(self._record.profile) if self._record else {}

    @property
    def humanize(self) -> str:
        return humanize(self.identity, self.profile)

    @property
    def name(self) -> str:
        return str(self.profile.get("name") or self.humanize)

    @property
    def last_login(self) -> Any:
        return self._local(self._record.last_login if self._record else None)

    @property
    def last_seen(self) -> Any:
        return self._local(self._record.last_seen if self._record else None)

    @property
    def last_token(self) -> Any:
        return self._local(self._record.last_token if self._record else None)

    def _local(self, when: dt.datetime | None) -> Any:
        if when is None or self._authority is None:
            return None
        return self._authority.local_time(when)

    def token(self, lifetime: float, scope: str | None = None) -> str:
        """A bearer token for this identity (for a feed reader, say)."""
        if not self or self._authority is None:
            raise ValueError("only a logged-in user has tokens")
        return self._authority.signer.issue(self.identity, lifetime, scope)


class BotUser(User):
    """A crawler that names itself (a URL or an address in its User-Agent): never logged in."""

    is_bot = True

    def __init__(self, user_agent: str) -> None:
        super().__init__("bot:null")
        self.user_agent = user_agent

    def __bool__(self) -> bool:
        return False

    @property
    def profile(self) -> dict[str, Any]:
        return {"name": self.user_agent, "user_agent": self.user_agent}

    @property
    def auth_groups(self) -> frozenset[str]:
        return frozenset()


ANONYMOUS_USER = User()
