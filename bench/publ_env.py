"""Create and use the reference Publ installation (its own virtualenv).

Publ is the baseline every benchmark compares against, so it lives in an
isolated venv (bench/.venv-publ, or $OCTAVO_PUBL_VENV) pinned to one release:
its dependencies (PonyORM, Flask, ...) must not leak into Octavo's venv or the
other way round. The venv also carries Pillow, which the corpus generator
needs to write JPEGs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from corpus import BENCH_DIR, Corpus

PUBL_VERSION = "0.8.19"
DEFAULT_VENV = BENCH_DIR / ".venv-publ"
APP_NAME = "publ_app"  # not "publ": the app module must not shadow the package


@dataclass(frozen=True)
class PublEnv:
    """A virtualenv with Publ installed; builds command lines and environments."""

    venv: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def flask(self) -> Path:
        return self.venv / "bin" / "flask"

    @property
    def gunicorn(self) -> Path:
        """gunicorn in this venv (serve_bench.py installs it when missing)."""
        return self.venv / "bin" / "gunicorn"

    def version(self, package: str = "publ") -> str | None:
        """Installed version of a package in this venv, or None."""
        code = f"import importlib.metadata as m; print(m.version({package!r}))"
        proc = subprocess.run(
            [str(self.python), "-c", code], capture_output=True, text=True, check=False
        )
        return proc.stdout.strip() if proc.returncode == 0 else None

    def cli(self, *args: str) -> list[str]:
        """`flask publ ARGS...`: Publ's own CLI group, run against FLASK_APP."""
        return [str(self.flask), "publ", *args]

    def flask_env(self, app_file: Path) -> dict[str, str]:
        """Environment for running Flask commands on app_file, with nothing inherited
        that would change Publ's behaviour (debug mode, a different app)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        env["FLASK_APP"] = str(app_file)
        env.pop("VIRTUAL_ENV", None)
        return env


def default_venv() -> Path:
    return Path(os.environ.get("OCTAVO_PUBL_VENV") or DEFAULT_VENV)


def ensure_publ_env(venv: Path | None = None, *, quiet: bool = True) -> PublEnv:
    """Return the Publ venv, creating it or fixing its Publ version if needed."""
    env = PublEnv((venv or default_venv()).resolve())
    if not env.python.exists():
        print(f"creating Publ virtualenv at {env.venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(env.venv)], check=True)
    if env.version("publ") != PUBL_VERSION or env.version("pillow") is None:
        print(f"installing publ=={PUBL_VERSION} and Pillow into {env.venv}", file=sys.stderr)
        pip = [str(env.python), "-m", "pip", "install", *(["-q"] if quiet else [])]
        subprocess.run([*pip, f"publ=={PUBL_VERSION}", "Pillow"], check=True)
    return env


def write_publ_app(corpus: Corpus, db_path: Path) -> Path:
    """Write the corpus's Publ app file with a sqlite file at db_path: the index
    must outlive the process (re-scans reuse it), and Publ's in-memory default
    does not work from the CLI."""
    return corpus.write_app(APP_NAME, "publ", "Publ", db_path)


if __name__ == "__main__":
    e = ensure_publ_env(quiet=False)
    print(f"{e.venv}: publ {e.version('publ')}, Pillow {e.version('pillow')}")
