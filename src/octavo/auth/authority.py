"""Everything login needs, for one site: settings, groups, tokens, the account tables,
and the Authl instance that runs the identity providers."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import arrow
import authl

from octavo.auth.groups import GroupDirectory
from octavo.auth.identity import canonical_identity
from octavo.auth.pending import PendingLogins
from octavo.auth.settings import AuthSettings
from octavo.auth.tokens import TokenSigner
from octavo.auth.user import User
from octavo.content.acl import principals
from octavo.index.accounts import Accounts, utcnow
from octavo.index.queries import ANONYMOUS, Viewer

#: Repeated writes of the same fact (a user seen, an entry read) are spared this long.
WRITE_INTERVAL = 60.0


class Authority:
    def __init__(
        self, settings: AuthSettings, accounts: Accounts, secret_key: str, timezone: dt.tzinfo
    ) -> None:
        self.settings = settings
        self.accounts = accounts
        self.timezone = timezone
        self.groups = GroupDirectory(settings.user_list, settings.admin_group)
        self.signer = TokenSigner(secret_key)
        store = settings.authl_config.get("AUTH_TOKEN_STORAGE") or PendingLogins(
            accounts, secret_key
        )
        try:
            self.authl: authl.Authl = authl.from_config(dict(settings.authl_config), None, store)
        except KeyError as err:  # e.g. EMAIL_FROM without SMTP_HOST
            raise ValueError(
                f"auth: the key {err.args[0]!r} is missing (a login provider needs it)"
            ) from None
        except (OSError, ValueError) as err:  # e.g. an EMAIL_TEMPLATE_FILE that is not there
            raise ValueError(f"auth: {err}") from None
        self._recent: dict[Any, float] = {}
        self._recent_lock = threading.Lock()
        self._pruned = 0.0

    # -- readers -------------------------------------------------------------------

    def user(self, identity: str, auth_type: str, scope: str | None = None) -> User:
        return User(canonical_identity(identity), auth_type, scope, self)

    def viewer(self, user: User) -> Viewer:
        """The index's view of a reader: what the access rule matches against."""
        if not user:
            return ANONYMOUS
        return Viewer(
            identity=user.identity,
            is_admin=user.is_admin,
            principals=principals(user.auth_groups, logged_in=True),
        )

    def local_time(self, when: dt.datetime) -> arrow.Arrow:
        return arrow.Arrow.fromdatetime(when, dt.UTC).to(self.timezone)

    # -- what visitors leave behind ------------------------------------------------

    def register_login(self, identity: str, profile: dict[str, Any]) -> str:
        """Record a verified login; returns the identity as the session keeps it."""
        identity = canonical_identity(identity)
        self.accounts.record_login(identity, profile, utcnow())
        return identity

    def note_seen(self, identity: str) -> None:
        if self._due(("seen", identity)):
            self.accounts.record_seen(identity, utcnow())

    def note_access(self, entry_id: int, user: User, authorized: bool) -> None:
        """Log a logged-in user's read of a private entry (anonymous readers are not logged)."""
        if user and self._due(("access", entry_id, user.identity, authorized)):
            self.accounts.log_access(
                entry_id, user.identity, sorted(user.groups), authorized, utcnow()
            )

    def prune_if_due(self) -> None:
        """Forget old log rows and users, at most every ``auth_log_prune_interval``."""
        interval, age = self.settings.log_prune_interval, self.settings.log_prune_age
        if not (interval and age) or time.monotonic() - self._pruned < interval:
            return
        self._pruned = time.monotonic()
        self.accounts.prune(utcnow() - dt.timedelta(seconds=age))

    def _due(self, key: Any) -> bool:
        now = time.monotonic()
        with self._recent_lock:
            if now - self._recent.get(key, -WRITE_INTERVAL) < WRITE_INTERVAL:
                return False
            if len(self._recent) > 10000:
                self._recent.clear()
            self._recent[key] = now
            return True
