"""``octavo import-feed``: feeds into entry files, optionally committed and pushed."""

from __future__ import annotations

import contextlib
import os

import click

from octavo.index.lock import LockBusy
from octavo.sync.importer import ImportReport
from octavo.sync.settings import IMPORT_STATUSES, FeedSpec, SettingsError, feed_spec
from octavo.web.app import Octavo

#: How long a command waits for another import, stamp or scan on this machine.
LOCK_WAIT = 600.0


def register(group: click.Group) -> None:
    group.add_command(import_feed)


@click.command("import-feed")
@click.argument("url", required=False)
@click.option("--category", "-c", help="Folder (under the content folder) to write entries to.")
@click.option(
    "--status",
    type=click.Choice(IMPORT_STATUSES, case_sensitive=False),
    default="PUBLISHED",
    show_default=True,
    help="Status of the imported entries.",
)
@click.option("--tag", "-t", "tags", multiple=True, help="Tag every imported entry (repeatable).")
@click.option(
    "--template-headers",
    type=click.Path(dir_okay=False),
    help="A file of extra headers to give every imported entry.",
)
@click.option("--download-images", is_flag=True, help="Save the entries' images beside them.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=20.0,
    show_default=True,
    help="Seconds, in all, before giving up on the feed.",
)
@click.option("--all", "all_feeds", is_flag=True, help="Import every feed in `syndicate`.")
@click.option("--dry-run", "-n", is_flag=True, help="Print what would be written; write nothing.")
@click.option("--commit", is_flag=True, help="Commit the written files to git.")
@click.option("--push", is_flag=True, help="Commit and push to the configured remote branch.")
@click.pass_context
def import_feed(
    ctx: click.Context,
    url: str | None,
    category: str | None,
    status: str,
    tags: tuple[str, ...],
    template_headers: str | None,
    download_images: bool,
    timeout: float,
    all_feeds: bool,
    dry_run: bool,
    commit: bool,
    push: bool,
) -> None:
    """Import a feed's items (RSS, Atom or JSON Feed) as entries in a category folder.

    Re-running imports new and changed items only; a file edited by a person after
    its import is never overwritten. Exits with status 1 when a feed failed.
    """
    from octavo.cli import _site  # the group's loader; imported late, the group imports us

    if all_feeds == bool(url):
        raise click.UsageError("give a feed URL (with --category), or --all")
    app = _site(ctx)
    if all_feeds:
        specs = list(app.sync.feeds)
        if not specs:
            raise click.UsageError("--all: the site's config has no 'syndicate' feeds")
    else:
        if category is None:
            raise click.UsageError("--category is required with a feed URL")
        given = {
            "url": url,
            "category": category,
            "status": status,
            "tags": tags,
            "template_headers": template_headers,
            "download_images": download_images,
            "timeout": timeout,
        }
        try:
            specs = [feed_spec(given, os.getcwd())]
        except SettingsError as err:
            raise click.UsageError(str(err)) from None
    failed = False
    written = False
    for spec in specs:
        report = _run(app, spec, dry_run, commit or spec.git_commit, push or spec.git_push)
        failed |= report.error is not None
        written |= bool(report.written)
        if all_feeds and not dry_run:
            with contextlib.suppress(LockBusy):  # the schedule then counts from its last run
                app.sync.record_run(spec, wait=LOCK_WAIT)
    if written:
        app.scanner.update(LOCK_WAIT)
    if failed:
        ctx.exit(1)


def _run(app: Octavo, spec: FeedSpec, dry_run: bool, commit: bool, push: bool) -> ImportReport:
    try:
        report = app.sync.import_feed(spec, dry_run, commit or push, push, wait=LOCK_WAIT)
    except LockBusy:
        raise click.ClickException("another import or stamp kept running; try again") from None
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if dry_run or report.written:
        for outcome in report.outcomes:
            if outcome.action in ("new", "update"):
                verb = "would write" if dry_run else "wrote"
                click.echo(f"{verb} {outcome.where} ({outcome.action})")
    if report.commit:
        for note in report.commit.notes:
            click.echo(f"note: {note}", err=True)
    click.echo(report.summary(), err=report.error is not None)
    return report
