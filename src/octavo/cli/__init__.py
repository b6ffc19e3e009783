"""The ``octavo`` command: reindex, stamp, check, search, import feeds and serve a site."""

from __future__ import annotations

import os
import tempfile

import click

from octavo.cli.cache import register as register_cache_commands
from octavo.cli.images import register as register_image_commands
from octavo.cli.loading import load_site
from octavo.cli.progress import ProgressLine
from octavo.cli.search import register as register_search_commands
from octavo.cli.sync import register as register_sync_commands
from octavo.cli.tokens import register as register_token_commands
from octavo.content.problems import Problem
from octavo.content.stamp import StampPlan
from octavo.index.database import IndexDatabase, IndexUnavailable
from octavo.index.lock import LockBusy
from octavo.index.scanner import Scanner, ScanReport
from octavo.index.stamping import StampResult, apply_stamps, plan_stamps
from octavo.index.urls import database_url
from octavo.sync.writeback import WriteBackError
from octavo.web.app import Octavo, index_startup_deferred

#: How long reindex and stamp wait for another process that is updating the index.
LOCK_WAIT = 600.0


@click.group()
@click.option(
    "--app",
    "app_ref",
    envvar=["OCTAVO_APP", "FLASK_APP"],
    metavar="PATH[:NAME]",
    help="The site's app file or module (default: ./app.py).",
)
@click.pass_context
def main(ctx: click.Context, app_ref: str | None) -> None:
    """Octavo: serve a Publ-format site from an index of its files."""
    ctx.obj = app_ref


def _site(ctx: click.Context, connect: bool = True) -> Octavo:
    """Load the site without its start-up scan; connect to its index unless told not to."""
    with index_startup_deferred():
        app = load_site(ctx.obj)
    if connect:
        try:
            app.index.connect_check(wait=app.site.start_wait)
        except IndexUnavailable as err:
            raise click.ClickException(str(err)) from None
    return app


def _report(report: ScanReport, quiet: bool) -> None:
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if not quiet:
        click.echo(report.summary())


@main.command()
@click.option(
    "--fresh",
    "-F",
    is_flag=True,
    help="Build a new index from scratch beside the live one, then switch to it.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when the index does not match the files (a release gate).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write the index even when it holds newer content (an older release's rollback).",
)
@click.option("--quiet", "--quietly", "-q", is_flag=True, help="Print only problems.")
@click.pass_context
def reindex(ctx: click.Context, fresh: bool, check: bool, force: bool, quiet: bool) -> None:
    """Bring the index up to date with the content folder (incrementally by default)."""
    if fresh and check:
        raise click.UsageError("--check and --fresh exclude each other")
    app = _site(ctx)
    if check:
        _check_index(ctx, app, quiet)
        return
    app.scanner.progress = ProgressLine("indexing", enabled=not quiet)
    scan = app.scanner.rebuild if fresh else app.scanner.update
    try:
        report = scan(LOCK_WAIT, force=force)
    except LockBusy as err:
        raise click.ClickException(str(err)) from None
    if report.refused:
        raise click.ClickException(report.refused)
    _report(report, quiet)


def _check_index(ctx: click.Context, app: Octavo, quiet: bool) -> None:
    """Compare the index with the files; exit 1 when `octavo reindex` would change it."""
    difference = app.scanner.verify()
    for problem in difference.problems:
        click.echo(str(problem), err=True)
    for line in difference.lines():
        click.echo(line)
    if not difference.matches:
        click.echo("the index does not match the files: run `octavo reindex`", err=True)
        ctx.exit(1)
    if not quiet:
        click.echo(f"the index matches the files ({difference.checked} files)")


@main.command()
@click.option("--dry-run", "-n", is_flag=True, help="List what would change; write nothing.")
@click.option("--commit", is_flag=True, help="Commit exactly the stamped files to git.")
@click.option("--push", is_flag=True, help="Commit, then push to the configured remote branch.")
@click.pass_context
def stamp(ctx: click.Context, dry_run: bool, commit: bool, push: bool) -> None:
    """Write missing Entry-ID, UUID and Date headers into entry files (never drafts)."""
    app = _site(ctx)
    try:
        app.scanner.update(LOCK_WAIT)
    except LockBusy as err:
        raise click.ClickException(str(err)) from None
    tables = app.index.tables()
    assert tables is not None
    with app.index.engine.connect() as conn:
        plans = plan_stamps(conn, tables)
    for plan in plans:
        headers = ", ".join(f"{name}: {value}" for name, value in plan.headers)
        click.echo(f"{'would stamp' if dry_run else 'stamping'} {plan.path}: {headers}")
    if dry_run or not plans:
        click.echo(f"{len(plans)} files {'would be' if dry_run else ''} stamped".replace("  ", " "))
        return
    if commit or push:
        result = _stamp_and_commit(app, plans, push)
    else:
        result = apply_stamps(app.site.content_folder, plans)
    for path, reason in result.refused:
        click.echo(f"refused {path}: {reason}", err=True)
    app.scanner.update(LOCK_WAIT)
    click.echo(f"{len(result.written)} files stamped, {len(result.refused)} refused")
    if result.refused:
        ctx.exit(1)


def _stamp_and_commit(app: Octavo, plans: list[StampPlan], push: bool) -> StampResult:
    try:
        result, committed = app.sync.commit_stamps(plans, push, LOCK_WAIT)
    except (WriteBackError, LockBusy) as err:
        raise click.ClickException(f"nothing stamped: {err}") from None
    for note in committed.notes:
        click.echo(f"note: {note}", err=True)
    if committed.commit:
        pushed = f" and pushed to {app.sync.settings.git.remote}" if committed.pushed else ""
        click.echo(f"committed {committed.commit[:12]}{pushed}")
    return result


@main.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Parse every file and report problems; the site's index is not touched.

    Exits with status 1 when there is any problem.
    """
    app = _site(ctx, connect=False)
    with tempfile.TemporaryDirectory(prefix="octavo-check-") as scratch:
        url = database_url(None, None, os.path.join(scratch, "check.db"), scratch)
        db = IndexDatabase(url, lock_file=os.path.join(scratch, "lock"))
        db.connect_check()
        scanner = Scanner(
            db, app.site.content_folder, app.site.timezone, progress=ProgressLine("checking")
        )
        report = scanner.rebuild()
        db.dispose()
    problems: list[Problem] = report.problems
    for problem in problems:
        click.echo(str(problem))
    files = report.added
    click.echo(f"checked {files} files: {len(problems)} problems")
    if problems:
        ctx.exit(1)


@main.command()
@click.option("--host", "-h", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    "-p",
    type=int,
    default=lambda: int(os.environ.get("PORT", "5000")),
    help="Port (default: $PORT or 5000).",
)
@click.option("--debug/--no-debug", default=False, help="Flask debug mode with reloader.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, debug: bool) -> None:
    """Serve the site with the development server (use gunicorn in production)."""
    app = load_site(ctx.obj)
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


register_image_commands(main)
register_sync_commands(main)
register_token_commands(main)
register_search_commands(main)
register_cache_commands(main)
