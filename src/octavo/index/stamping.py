"""Which files lack identity headers, and writing them in (``octavo stamp``, write-back).

The values written are the ones the index already serves, so stamping a
file never changes its URL, its feed ID or its date.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sqlalchemy import Connection, or_, select

from octavo.content.dates import stamp_text
from octavo.content.stamp import StampPlan, StampRefused, write_atomically
from octavo.content.status import Status
from octavo.index.schema import Tables


@dataclass
class StampResult:
    written: list[StampPlan] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def plan_stamps(conn: Connection, tables: Tables) -> list[StampPlan]:
    """Every non-draft entry whose file does not carry the ID, UUID or date it is served with."""
    e, f = tables.entries, tables.files
    query = (
        select(
            e.c.file_path,
            e.c.entry_id,
            e.c.explicit_id,
            e.c.uuid,
            e.c.explicit_uuid,
            e.c.date_is_fallback,
            e.c.display_date,
            f.c.digest,
        )
        .join(f, f.c.path == e.c.file_path)
        .where(
            e.c.status != int(Status.DRAFT),
            or_(
                e.c.explicit_id.is_(None),
                e.c.explicit_id != e.c.entry_id,
                e.c.explicit_uuid.is_(None),
                e.c.explicit_uuid != e.c.uuid,
                e.c.date_is_fallback,
            ),
        )
        .order_by(e.c.file_path)
    )
    plans = []
    for row in conn.execute(query):
        headers: list[tuple[str, str]] = []
        if row.explicit_id != row.entry_id:
            headers.append(("Entry-ID", str(row.entry_id)))
        if row.explicit_uuid != row.uuid:
            headers.append(("UUID", row.uuid))
        if row.date_is_fallback:
            headers.append(("Date", stamp_text(row.display_date)))
        plans.append(StampPlan(row.file_path, tuple(headers), row.digest))
    return plans


def apply_stamps(content_root: str, plans: list[StampPlan]) -> StampResult:
    """Write each plan atomically; a file that changed meanwhile is refused, not touched."""
    result = StampResult()
    for plan in plans:
        try:
            write_atomically(os.path.join(content_root, plan.path), plan)
        except (StampRefused, OSError) as err:
            result.refused.append((plan.path, str(err)))
        else:
            result.written.append(plan)
    return result
