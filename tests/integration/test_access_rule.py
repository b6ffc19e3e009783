"""The access rule in SQL, on SQLite, PostgreSQL and MariaDB, against the shared table of
cases that also checks the Python definition: one rule, two evaluations, equal answers."""

from __future__ import annotations

import hashlib
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from octavo.content.acl import principals
from octavo.index.queries import readable_clause, rule_allows
from octavo.index.scanner import Scanner
from tests.access_cases import CASES
from tests.integration.helpers import live


def _file(header: str | None) -> str:
    return "e" + hashlib.sha1(repr(header).encode()).hexdigest()[:10] + ".md"


def test_sql_answers_the_table_of_cases(index_db, content, write):
    for header in {h for h, _, _ in CASES}:
        auth = f"Auth: {header}\n" if header is not None else ""
        write(_file(header), f"Title: t\n{auth}\nbody\n")
    Scanner(index_db, str(content), ZoneInfo("UTC")).update()
    tables = live(index_db)
    e = tables.entries
    wrong = []
    with index_db.engine.connect() as conn:
        for header, reader, expected in CASES:
            held = principals(reader or (), logged_in=reader is not None)
            path = e.c.file_path == _file(header)
            found = conn.execute(select(e.c.pk).where(path, readable_clause(tables, held))).first()
            # The general form too, for the anonymous reader whose fast path is `public`.
            general = or_(e.c.auth.is_(None), rule_allows(tables, held))
            again = conn.execute(select(e.c.pk).where(path, general)).first()
            if (found is not None, again is not None) != (expected, expected):
                wrong.append((header, reader, expected, found is not None, again is not None))
            admin = readable_clause(tables, held, is_admin=True)
            assert conn.execute(select(e.c.pk).where(path, admin)).first() is not None
    assert wrong == []
