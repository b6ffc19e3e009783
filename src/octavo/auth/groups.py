"""``users.cfg``: the groups of an identity, re-read when the file changes."""

from __future__ import annotations

import configparser
import logging
import os
import threading
import time

from octavo.content.users import groups_of, parse_users

LOG = logging.getLogger(__name__)


class GroupDirectory:
    """Group membership from a users file; its mtime is checked at most once a second,
    so an edit takes effect without a restart and a request costs no stat call."""

    def __init__(self, path: str, admin_group: str | None, check_seconds: float = 1.0) -> None:
        self.path = path
        self.admin_group = admin_group
        self.check_seconds = check_seconds
        self._sections: dict[str, frozenset[str]] = {}
        self._stamp: tuple[int, int] | None = None
        self._checked = 0.0
        self._memo: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def groups(self, identity: str) -> frozenset[str]:
        """The groups an identity belongs to, directly or through other groups."""
        self._refresh()
        found = self._memo.get(identity)
        if found is None:
            found = groups_of(identity, self._sections) - {identity}
            self._memo[identity] = found
        return found

    def is_admin(self, identity: str) -> bool:
        if not identity or not self.admin_group:
            return False
        return self.admin_group == identity or self.admin_group in self.groups(identity)

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_seconds:
            return
        with self._lock:
            self._checked = now
            try:
                info = os.stat(self.path)
                stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
            except OSError:
                stamp = None
            if stamp == self._stamp:
                return
            self._stamp = stamp
            self._sections = self._read() if stamp else {}
            self._memo = {}

    def _read(self) -> dict[str, frozenset[str]]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                return parse_users(handle.read())
        except (OSError, UnicodeDecodeError, configparser.Error) as err:
            LOG.warning(
                "%s: cannot read the user list (%s); no one is in any group", self.path, err
            )
            return {}
