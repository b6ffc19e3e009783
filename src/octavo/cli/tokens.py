"""``octavo token IDENTITY``: a bearer token for a feed reader (Publ's ``publ token``)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    group.add_command(token)


@click.command()
@click.argument("identity")
@click.option("--scope", "-s", default=None, help="The token's scope.")
@click.option(
    "--lifetime",
    "-l",
    default=3600,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds until the token expires.",
)
@click.pass_context
def token(ctx: click.Context, identity: str, scope: str | None, lifetime: int) -> None:
    """Print a bearer token that reads the site as IDENTITY."""
    from octavo.cli import _site  # the group's loader; imported late, the group imports us

    app = _site(ctx, connect=False)
    if app.authority is None:
        raise click.ClickException(
            "login is not configured for this site (it needs an 'auth' config and a secret_key)"
        )
    click.echo(app.authority.signer.issue(identity, lifetime, scope))
