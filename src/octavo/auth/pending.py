"""Authl's token store over the index database: logins in progress (magic links, OAuth
state) survive a restart and are seen by every instance that shares the database."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import authl.tokens
import itsdangerous

from octavo.index.accounts import Accounts, utcnow

#: A pending login older than this is gone (Authl's own handlers expire sooner).
PENDING_LIFETIME = dt.timedelta(hours=1)


class PendingLogins(authl.tokens.TokenStore):
    """Values are signed with the site's secret: a row altered in the database is refused."""

    def __init__(self, accounts: Accounts, secret_key: str) -> None:
        self.accounts = accounts
        self._serializer = itsdangerous.URLSafeSerializer(secret_key + "pending-login")

    def put(self, value: Any) -> str:
        key = uuid.uuid4().hex
        self.accounts.put_pending(key, self._serializer.dumps(value), utcnow())
        return key

    def get(self, key: str, to_type: Any = tuple) -> Any:
        stored = self.accounts.get_pending(str(key), utcnow() - PENDING_LIFETIME)
        if stored is None:
            raise KeyError("Invalid token")
        try:
            return to_type(self._serializer.loads(stored))
        except itsdangerous.BadData as err:
            raise KeyError("Invalid token") from err

    def remove(self, key: str) -> None:
        self.accounts.remove_pending(str(key), before=utcnow() - PENDING_LIFETIME)
