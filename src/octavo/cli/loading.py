"""Finding the site's app the way ``flask --app`` does."""

from __future__ import annotations

import os

import click
from flask.cli import locate_app, prepare_import

from octavo.web.app import Octavo, StartupError


def load_site(app_ref: str | None) -> Octavo:
    """Import ``path/to/app.py[:name]`` or ``package.module[:name]``; default ``./app.py``."""
    if not app_ref:
        if not os.path.exists("app.py"):
            raise click.UsageError("no app.py in this folder: pass --app path/to/app.py")
        app_ref = "app.py"
    path, _, name = app_ref.partition(":")
    try:
        module = prepare_import(path)
        app = locate_app(module, name or None)
    except StartupError as err:
        raise click.ClickException(str(err)) from None
    except Exception as err:  # flask raises NoAppException and import errors alike
        raise click.ClickException(f"cannot load the site app from {app_ref}: {err}") from None
    if not isinstance(app, Octavo):
        raise click.ClickException(f"{app_ref} defines a {type(app).__name__}, not an Octavo app")
    return app
