"""``octavo cache stats`` and ``octavo cache clear``: the page cache from the shell."""

from __future__ import annotations

import click

from octavo.index import changes


def register(group: click.Group) -> None:
    group.add_command(cache)


@click.group()
def cache() -> None:
    """The page cache: counts, and clearing it."""


@cache.command()
@click.pass_context
def stats(ctx: click.Context) -> None:
    """Hits, misses and stores per page type, from every process sharing the backend."""
    from octavo.cli import _site  # the group's loader; imported late, the group imports us
    from octavo.web.pagecache.stats import shared_counts

    app = _site(ctx, connect=False)
    click.echo(f"backend: {app.cache_settings.description}")
    if app.page_cache is None:
        click.echo("the page cache is off (configure 'cache' or CACHE_URL)")
        return
    if app.cache_settings.kind == "SimpleCache":
        click.echo("an in-process cache keeps its counts in the serving process: see /_cache")
    counts = shared_counts(app.page_cache.store)
    if counts is None:
        raise click.ClickException(f"cannot reach {app.cache_settings.description}")
    click.echo(f"{'page type':<16}{'hits':>10}{'misses':>10}{'stores':>10}{'hit ratio':>11}")
    for kind, row in sorted(counts.items()):
        served = row["hit"] + row["miss"]
        ratio = f"{100 * row['hit'] / served:.1f}%" if served else "—"
        click.echo(f"{kind:<16}{row['hit']:>10}{row['miss']:>10}{row['store']:>10}{ratio:>11}")


@cache.command()
@click.option("--flush", is_flag=True, help="Also delete the stored pages from the backend.")
@click.pass_context
def clear(ctx: click.Context, flush: bool) -> None:
    """Make every cached page stale on every instance (and free the backend with --flush)."""
    from octavo.cli import _site
    from octavo.web.pagecache.stats import reset

    app = _site(ctx)
    with app.index.engine.begin() as conn:
        version = changes.record(conn, [changes.SITE])
    click.echo(f"every cached page is stale from content version {version}")
    if flush and app.page_cache is not None:
        reset(app.page_cache.store)
        if not app.page_cache.store.call(lambda backend: backend.clear(), False):
            raise click.ClickException(f"cannot clear {app.cache_settings.description}")
        click.echo(f"cleared {app.cache_settings.description}")
