"""Locate and use the Octavo installation under test (the repo's own venv).

The counterpart of publ_env.py: benchmarks ask this module for the `octavo`
executable, its version and an app file, so that they all measure the same
build. The executable is /work/main/.venv/bin/octavo by default (the repo's
.venv), or $OCTAVO_BIN, or an explicit path.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from corpus import REPO_ROOT, Corpus

DEFAULT_BIN = REPO_ROOT / ".venv" / "bin" / "octavo"
APP_NAME = "octavo_app"  # not "octavo": the app module must not shadow the package


@dataclass(frozen=True)
class OctavoEnv:
    """The `octavo` console script and the interpreter beside it."""

    executable: Path

    @property
    def python(self) -> Path:
        return self.executable.parent / "python"

    @property
    def gunicorn(self) -> Path:
        """gunicorn beside the octavo script (serve_bench.py installs it when missing)."""
        return self.executable.parent / "gunicorn"

    def version(self) -> str | None:
        """Installed octavo version plus the repo's git revision, best effort."""
        code = "import importlib.metadata as m; print(m.version('octavo'))"
        try:
            proc = subprocess.run(
                [str(self.python), "-c", code], capture_output=True, text=True, check=False
            )
            version = proc.stdout.strip() if proc.returncode == 0 else "unknown"
        except OSError:  # no interpreter beside the script (not a venv install)
            version = "unknown"
        rev = git_revision()
        return f"{version} ({rev})" if rev else version

    def cli(self, app_file: Path, *args: str) -> list[str]:
        """`octavo --app APP ARGS...`"""
        return [str(self.executable), "--app", str(app_file), *args]

    def env(self) -> dict[str, str]:
        """Environment for octavo commands: the caller's, minus Flask overrides."""
        return {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}


def git_revision() -> str | None:
    """Short HEAD of the repo, with '+dirty' when the work tree has changes."""
    try:
        rev = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return rev + ("+dirty" if dirty else "")


def find_octavo(override: str | Path | None = None) -> OctavoEnv | None:
    """The Octavo CLI if it is installed, else None (benchmarks then run Publ only)."""
    path = Path(override or os.environ.get("OCTAVO_BIN") or DEFAULT_BIN)
    if not (path.is_file() and os.access(path, os.X_OK)):
        return None
    return OctavoEnv(path.absolute())


def write_octavo_app(corpus: Corpus, db_path: Path) -> Path:
    """Write the corpus's Octavo app file; Octavo takes Publ's database_config as is."""
    return corpus.write_app(APP_NAME, "octavo", "Octavo", db_path)
