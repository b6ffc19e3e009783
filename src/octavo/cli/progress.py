"""Progress lines on stderr for long work, quiet when asked."""

from __future__ import annotations

import sys

import click


class ProgressLine:
    """Rewrites one line on a terminal; prints occasional lines into a log."""

    def __init__(self, label: str, enabled: bool = True) -> None:
        self.label = label
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self._last_percent = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        percent = done * 100 // total
        if self.tty:
            click.echo(f"\r{self.label}: {done}/{total} files ({percent}%)", nl=False, err=True)
            if done == total:
                click.echo(err=True)
        elif percent // 25 != self._last_percent // 25 or done == total:
            click.echo(f"{self.label}: {done}/{total} files ({percent}%)", err=True)
        self._last_percent = percent
