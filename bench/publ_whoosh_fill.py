"""Runs in Publ's venv for search_bench.py --publ-build fill: fills the Whoosh index of a
Publ app whose entry database is already built, with the documents Publ's own indexer
writes (Publ 0.8.19, search.py: entry_id, title, content = the raw payload, published,
tag = the Tag headers comma-joined, category, status; published and scheduled entries),
through one writer instead of one commit per entry. Publ's own path commits once per
entry and needs about 150 ms an entry here (some 25 minutes more at 10,000 entries);
the index it makes holds the same documents.

    python publ_whoosh_fill.py APP_FILE
"""

from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path

from search_driver import load_app


def main() -> None:
    from pony import orm  # type: ignore[import-not-found]
    from publ import model  # type: ignore[import-not-found]
    from publ.entry import load_message  # type: ignore[import-not-found]

    app = load_app(Path(sys.argv[1]).resolve())
    started = time.perf_counter()
    wanted = (model.PublishStatus.PUBLISHED.value, model.PublishStatus.SCHEDULED.value)
    count = 0
    with app.app_context(), orm.db_session:
        writer = app.search_index.index.writer(limitmb=256)
        for record in model.Entry.select(lambda e: e.status in wanted):
            message = load_message(record.file_path)
            writer.update_document(
                entry_id=str(record.id),
                title=record.title,
                content=message.get_payload(),
                published=datetime.datetime.fromtimestamp(record.utc_timestamp),
                tag=",".join(message.get_all("tag") or []),
                category=record.category,
                status=record.status,
            )
            count += 1
        writer.commit()
    print(f"{count} documents in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
