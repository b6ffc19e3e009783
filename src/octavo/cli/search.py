"""``octavo search QUERY``: what the site's search finds, for checking an index."""

from __future__ import annotations

import time

import click

from octavo.index.queries import ANONYMOUS, SITE
from octavo.index.search_query import parse_query
from octavo.index.views import EntryQuery


def register(group: click.Group) -> None:
    group.add_command(search)


@click.command()
@click.argument("query")
@click.option("--all", "as_admin", is_flag=True, help="Search as an admin (private entries too).")
@click.option("--future", is_flag=True, help="Also scheduled entries whose date has not come.")
@click.option("--count", "-n", default=20, show_default=True, type=click.IntRange(min=1, max=1000))
@click.pass_context
def search(ctx: click.Context, query: str, as_admin: bool, future: bool, count: int) -> None:
    """Print the entries QUERY finds (ID, path, title), best first, as an anonymous reader
    sees them (see docs/search.md for the query language)."""
    from octavo.cli import _site  # the group's loader; imported late, the group imports us

    app = _site(ctx)
    parsed = parse_query(query)
    filters = EntryQuery(future=future, now=time.time())
    with app.index.reading(SITE if as_admin else ANONYMOUS) as reader:
        if reader is None:
            raise click.ClickException("the index has not been built yet: run `octavo reindex`")
        rows = reader.search(parsed, filters, count)
        total = reader.search_count(parsed, filters)
    for row in rows:
        click.echo(f"{row.entry_id}\t{row.file_path}\t{row.title}")
    click.echo(f"{len(rows)} of {total} matching entries", err=True)
