"""Every SQL statement lives in ``octavo/index/`` (design.md): a module above the index
that builds or runs SQL could forget the viewer's access clause, so it fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import octavo

SOURCE = Path(octavo.__file__).parent
#: What a module outside the index may take from SQLAlchemy: error types, the URL type and
#: the connection types it hands back to the index; nothing that builds a statement.
ALLOWED_SQLALCHEMY = {"Connection", "Engine", "URL", "make_url"}
#: Methods that run SQL (`conn.execute(...)`, `result.scalars()`…).
RUNNING = {"execute", "exec_driver_sql", "scalar", "scalars"}


def sql_outside_index(source: str) -> list[str]:
    """What in this module's source builds or runs SQL."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            module = node.module
            if module == "sqlalchemy.exc" or module.startswith("sqlalchemy.exc."):
                continue
            if module == "sqlalchemy" or module.startswith("sqlalchemy."):
                found += [
                    f"line {node.lineno}: from {module} import {alias.name}"
                    for alias in node.names
                    if alias.name not in ALLOWED_SQLALCHEMY
                ]
            elif module == "octavo.index.views":
                # The spec types (EntryQuery, Bound…) are for everyone; the clause
                # builders are executed only by octavo.index.queries.Reader.
                found += [
                    f"line {node.lineno}: from {module} import {alias.name}"
                    for alias in node.names
                    if not alias.name[:1].isupper()
                ]
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] == "sqlalchemy" or alias.name == "octavo.index.views"
            ]
        elif isinstance(node, ast.Attribute) and node.attr in RUNNING:
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def test_no_module_outside_the_index_builds_or_runs_sql() -> None:
    problems = {
        str(path.relative_to(SOURCE)): found
        for path in sorted(SOURCE.rglob("*.py"))
        if path.relative_to(SOURCE).parts[0] != "index"
        and (found := sql_outside_index(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


def test_the_check_sees_statements_built_or_run() -> None:
    """The check itself must catch each way a module could query by hand."""
    assert sql_outside_index("from sqlalchemy import select, Connection") == [
        "line 1: from sqlalchemy import select"
    ]
    assert sql_outside_index("from sqlalchemy.sql import text") == [
        "line 1: from sqlalchemy.sql import text"
    ]
    assert sql_outside_index("import sqlalchemy as sa") == ["line 1: import sqlalchemy"]
    assert sql_outside_index("from octavo.index.views import filter_clause, EntryQuery") == [
        "line 1: from octavo.index.views import filter_clause"
    ]
    assert sql_outside_index("x = 1\nconn.execute(query)") == ["line 2: .execute"]
    assert sql_outside_index("from sqlalchemy.exc import SQLAlchemyError") == []
