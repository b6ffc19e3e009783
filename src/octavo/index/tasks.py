"""When periodic tasks (scheduled feed imports) last ran, shared by every instance.

Kept in the index's meta table, so instances sharing a database (or workers
sharing a SQLite file) agree on who runs a task and when: the first to claim
it while holding the writer lock runs it, the others wait for its next turn.
"""

from __future__ import annotations

import hashlib

from octavo.index.database import IndexDatabase, _read_meta, _write_meta


def _key(task: str) -> str:
    return "task:" + hashlib.sha256(task.encode()).hexdigest()[:40]


def claim_run(
    db: IndexDatabase, task: str, interval: float, now: float, wait: float
) -> float | None:
    """Claim the task if it last ran `interval` seconds ago or more: record `now` and return
    None. Otherwise return when it is next due. Raises LockBusy when the writer lock is
    not had within `wait` seconds."""
    with db.writing(wait), db.engine.begin() as conn:
        last = _read_meta(conn, _key(task))
        if last is not None and float(last) + interval > now:
            return float(last) + interval
        _write_meta(conn, _key(task), repr(now))
        return None


def record_run(db: IndexDatabase, task: str, now: float, wait: float) -> None:
    """Record that the task ran (``import-feed --all``), so the schedule starts from now."""
    with db.writing(wait), db.engine.begin() as conn:
        _write_meta(conn, _key(task), repr(now))
