"""What visitors leave behind: known users, the access log and pending logins.

These tables live beside ``octavo_meta`` (schema.META), not in an index
generation, so a rebuild never loses them. Writes are upserts that tolerate a
concurrent writer (another worker inserting the same key first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, select
from sqlalchemy.exc import IntegrityError

from octavo.index.schema import (
    IDENTITY_LENGTH,
    access_log_table,
    pending_logins_table,
    users_table,
)


@dataclass(frozen=True)
class UserRecord:
    identity: str
    profile: dict[str, Any]
    last_login: dt.datetime | None
    last_seen: dt.datetime
    last_token: dt.datetime | None


@dataclass(frozen=True)
class AccessRecord:
    entry_id: int
    identity: str
    date: dt.datetime
    user_groups: str
    authorized: bool


def utcnow() -> dt.datetime:
    """Now, as these tables store it (UTC without an offset, which every backend keeps)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


#: How an access log page may be ordered (Publ's grouping of the admin page).
LOG_ORDERS = ("date", "entry", "user", "authorized")


class Accounts:
    """Reads and writes of the tables that outlive index generations (UTC, naive)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- users ---------------------------------------------------------------------

    def record_login(self, identity: str, profile: Mapping[str, Any], now: dt.datetime) -> None:
        values = {"profile": dict(profile), "last_login": now, "last_seen": now}
        self._upsert(users_table, {"identity": _key(identity)}, values, values)

    def record_seen(self, identity: str, now: dt.datetime) -> None:
        insert = {"profile": {}, "last_seen": now}
        self._upsert(users_table, {"identity": _key(identity)}, {"last_seen": now}, insert)

    def record_token(
        self, identity: str, profile: Mapping[str, Any] | None, now: dt.datetime
    ) -> None:
        update: dict[str, Any] = {"last_token": now}
        if profile:
            update["profile"] = dict(profile)
        insert = {"profile": dict(profile or {}), "last_seen": now, "last_token": now}
        self._upsert(users_table, {"identity": _key(identity)}, update, insert)

    def user(self, identity: str) -> UserRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(users_table).where(users_table.c.identity == _key(identity))
            ).first()
        return _user(row) if row else None

    def users(self, since: dt.datetime | None) -> list[UserRecord]:
        """Users seen since `since` (all of them for None), most recently seen first."""
        u = users_table
        query = select(u).order_by(u.c.last_seen.desc(), u.c.identity)
        if since is not None:
            query = query.where(u.c.last_seen >= since)
        with self.engine.connect() as conn:
            return [_user(row) for row in conn.execute(query)]

    # -- access log ----------------------------------------------------------------

    def log_access(
        self,
        entry_id: int,
        identity: str,
        user_groups: Sequence[str],
        authorized: bool,
        now: dt.datetime,
    ) -> None:
        """Keep the latest read of an entry by a user (Publ keeps one row per pair)."""
        values = {
            "date": now,
            "user_groups": ",".join(sorted(user_groups)),
            "authorized": authorized,
        }
        key = {"entry_id": entry_id, "identity": _key(identity)}
        self._upsert(access_log_table, key, values, values)

    def access_log(
        self, offset: int, count: int, order: str = "date"
    ) -> tuple[list[AccessRecord], int]:
        """One page of the log and how many rows follow it (entries are named by their
        stable ID: the reader of the live index finds them)."""
        log = access_log_table
        keys = {
            "date": [],
            "entry": [log.c.entry_id],
            "user": [log.c.identity],
            "authorized": [log.c.authorized],
        }[order]
        query = select(log).order_by(*keys, log.c.date.desc(), log.c.identity, log.c.entry_id)
        with self.engine.connect() as conn:
            total = int(conn.execute(select(func.count()).select_from(log)).scalar() or 0)
            rows = list(conn.execute(query.offset(offset).limit(count)))
        records = [
            AccessRecord(
                row.entry_id, row.identity, row.date, row.user_groups, bool(row.authorized)
            )
            for row in rows
        ]
        return records, max(0, total - offset - len(records))

    def prune(self, before: dt.datetime) -> None:
        """Forget log rows older than `before` and users not seen since (Publ's prune_log)."""
        with self.engine.begin() as conn:
            conn.execute(delete(access_log_table).where(access_log_table.c.date < before))
            conn.execute(delete(users_table).where(users_table.c.last_seen < before))

    # -- pending logins (Authl's token store) ---------------------------------------

    def put_pending(self, key: str, value: str, now: dt.datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(pending_logins_table.insert().values(key=key, value=value, created=now))

    def get_pending(self, key: str, since: dt.datetime) -> str | None:
        p = pending_logins_table
        with self.engine.connect() as conn:
            return conn.execute(
                select(p.c.value).where(p.c.key == key[:64], p.c.created >= since)
            ).scalar()

    def remove_pending(self, key: str, before: dt.datetime | None = None) -> None:
        """Remove one pending login, and every one created before `before`."""
        p = pending_logins_table
        with self.engine.begin() as conn:
            conn.execute(delete(p).where(p.c.key == key[:64]))
            if before is not None:
                conn.execute(delete(p).where(p.c.created < before))

    # -- helpers -------------------------------------------------------------------

    def _upsert(
        self,
        table: Table,
        key: Mapping[str, Any],
        update: Mapping[str, Any],
        insert: Mapping[str, Any],
    ) -> None:
        where = [table.c[name] == value for name, value in key.items()]

        def attempt(conn: Connection) -> bool:
            if conn.execute(table.update().where(*where).values(**update)).rowcount:
                return True
            conn.execute(table.insert().values(**key, **insert))
            return True

        _retry_once(self.engine, attempt)


def _retry_once(engine: Engine, work: Callable[[Connection], bool]) -> None:
    """Run `work` in a transaction; if another writer inserted the same key meanwhile,
    run it again (its update then finds the row)."""
    try:
        with engine.begin() as conn:
            work(conn)
    except IntegrityError:
        with engine.begin() as conn:
            work(conn)


def _key(identity: str) -> str:
    return identity[:IDENTITY_LENGTH]


def _user(row: Any) -> UserRecord:
    return UserRecord(
        row.identity, dict(row.profile or {}), row.last_login, row.last_seen, row.last_token
    )
