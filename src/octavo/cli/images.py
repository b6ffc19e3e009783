"""``octavo prewarm`` and ``octavo renditions``: filling and inspecting the rendition store."""

from __future__ import annotations

import dataclasses

import click

from octavo.cli.progress import ProgressLine
from octavo.images.hygiene import expire, survey
from octavo.images.prewarm import collect, render_missing
from octavo.images.service import ImageService
from octavo.images.stores.base import StoreUnavailable
from octavo.web.renditions import FlaskUrls, site_image_settings


def register(group: click.Group) -> None:
    """Add the image commands to the ``octavo`` group."""
    group.add_command(prewarm)
    group.add_command(renditions)


def _service(ctx: click.Context, jobs: int | None = None) -> tuple[ImageService, str]:
    from octavo.cli import _site  # the group's loader; imported late, the group imports us

    app = _site(ctx)
    settings = site_image_settings(app)
    if jobs:
        settings = dataclasses.replace(settings, render_threads=jobs)
    return ImageService(settings, app.index, FlaskUrls()), app.site.template_folder


@click.command()
@click.option(
    "--jobs", "-j", type=click.IntRange(1), help="Renders at once (image_render_threads)."
)
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@click.pass_context
def prewarm(ctx: click.Context, jobs: int | None, quiet: bool) -> None:
    """Render every rendition the site's entries and templates refer to.

    Renditions already stored are skipped, so an interrupted run can simply be
    run again. Exits with status 1 when a rendition could not be rendered.
    """
    service, template_folder = _service(ctx, jobs)
    try:
        wanted = collect(service, template_folder)
        report = render_missing(service, wanted, ProgressLine("prewarming", enabled=not quiet))
    finally:
        service.close()
    for where, problem in report.failed:
        click.echo(f"{where}: {problem}", err=True)
    if not quiet:
        click.echo(
            f"{report.total} renditions: {report.rendered} rendered, "
            f"{report.present} already stored, {len(report.failed)} problems"
        )
    if len(report.failed) > len(wanted.problems):
        ctx.exit(1)


@click.command()
@click.option(
    "--expire",
    "expire_now",
    is_flag=True,
    help="First remove renditions older than image_cache_age, then the least recently "
    "used beyond image_cache_size.",
)
@click.pass_context
def renditions(ctx: click.Context, expire_now: bool) -> None:
    """Report how many renditions are stored and their total size."""
    service, _ = _service(ctx)
    settings = service.settings
    store = service.store.primary
    try:
        if expire_now:
            report = expire(store, settings.cache_age, settings.cache_size)
            click.echo(f"removed {report.removed} renditions ({_size(report.removed_size)})")
        else:
            report = survey(store)
    except StoreUnavailable as err:
        raise click.ClickException(f"the rendition store is unavailable: {err}") from None
    finally:
        service.close()
    click.echo(f"{report.count} renditions, {_size(report.size)}, in {store.where}")


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
