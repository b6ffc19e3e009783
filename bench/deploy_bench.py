"""Cold start of a fresh instance (issue 12), Octavo and Publ 0.8.19 on PostgreSQL, same run.

A fresh instance is a new checkout of the site (every file with a new mtime and
inode, as a deploy gives them) started with ``gunicorn -w 1`` against a PostgreSQL
index that

* is empty: Octavo builds the index before its worker answers (the default
  ``INDEX_COLD_BUILD=wait``); Publ answers at once and indexes in a thread;
* already holds the site (the usual deploy: the release phase or another instance
  built it from the previous checkout, which is gone): Octavo serves at once and
  is ready when its start-up check has found its files byte-identical to the
  index; Publ re-indexes every file whose inode or mtime changed, which after a
  fresh checkout is all of them.

Reported per start: wall seconds from ``Popen`` to the first 200 of ``/`` and to
ready, and the CPU seconds of the gunicorn process tree until it was stopped (what a
loaded machine does not distort). Ready is the first 200 of ``/_ready`` for Octavo;
Publ has no such signal, so it is the moment every entry and category file of the
new checkout has its fingerprint row in Publ's index (Publ writes it when the file
is indexed). Publ's first page comes before its index is complete (it serves a
partial site while indexing); Octavo's never does. The same run also times
``octavo reindex --fresh`` from the CLI on the empty index, and the CPU seconds of
the steps of Octavo's start over the existing index in one process (import, app,
connect, start-up check).

    python3 bench/deploy_bench.py [--sizes 10000] [--repeat 3] [--postgres-url URL]
                                  [--publ-postgres-url URL] [--publ-venv DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from corpus import ensure_corpus
from octavo_env import find_octavo
from publ_env import PublEnv, default_venv
from scale_bench import ensure_postgres_database
from serve_bench import free_port

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/octavo_deploy_bench"
DEFAULT_PUBL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/octavo_deploy_bench_publ"
APP = (
    "import octavo\n"
    "app = octavo.Octavo(__name__, {'content_folder': 'content', 'template_folder':"
    " 'templates', 'static_folder': 'static', 'index_enable_watchdog': False})\n"
)
PUBL_APP = (
    "import os, publ\n"
    "here = os.path.dirname(os.path.abspath(__file__))\n"
    "app = publ.Publ(__name__, {{'database_config': {db!r},\n"
    "    'content_folder': os.path.join(here, 'content'),\n"
    "    'template_folder': os.path.join(here, 'templates'),\n"
    "    'static_folder': os.path.join(here, 'static'), 'index_enable_watchdog': False,\n"
    "    'index_rescan_interval': 0, 'cache': {{'CACHE_TYPE': 'NullCache'}}}})\n"
)
#: Exits once every scannable file under argv[2] has its fingerprint row in Publ's index.
PUBL_INDEXED = """
import sys, time, sqlalchemy as sa
engine = sa.create_engine(sys.argv[1])
prefix, expected = sys.argv[2] + "/", int(sys.argv[3])
query = sa.text("SELECT count(*) FROM filefingerprint WHERE file_path LIKE :p")
while True:
    try:
        with engine.connect() as c:
            if c.execute(query, {"p": prefix + "%"}).scalar() >= expected:
                break
    except sa.exc.DBAPIError:
        pass  # Publ has not made its tables yet
    time.sleep(0.1)
"""
STEPS = """
import sys, time
sys.path.insert(0, ".")
clock = time.process_time
t = clock()
from octavo.web.app import index_startup_deferred
imported = clock() - t; t = clock()
with index_startup_deferred():
    import app
built = clock() - t; t = clock()
app.app.index.connect_check()
connected = clock() - t; t = clock()
matches = app.app.scanner.verify().matches
checked = clock() - t
assert matches, "the index does not match the checkout"
print(f"{imported:.3f} {built:.3f} {connected:.3f} {checked:.3f}")
"""


@dataclass(frozen=True)
class Start:
    """One start of an instance: wall seconds to first page and to ready, CPU seconds."""

    page: float
    ready: float
    cpu: float


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return 0


def checkout(corpus_root: Path, target: Path, app_file: str, app: str) -> Path:
    """A fresh checkout: the corpus copied with new mtimes, plus the app file. The
    previous checkout is removed first, as a container deploy replaces its release (Publ
    would otherwise see each entry's ID claimed by a file that still exists)."""
    for previous in target.parent.iterdir():
        shutil.rmtree(previous)
    shutil.copytree(corpus_root, target, copy_function=shutil.copy)
    (target / app_file).write_text(app)
    return target


def clear(python: Path, url: str) -> None:
    """Empty the benchmark database (it holds nothing but this benchmark's index)."""
    code = (
        "import sys, sqlalchemy as sa\n"
        "e = sa.create_engine(sys.argv[1])\n"
        "with e.begin() as c:\n"
        "    c.exec_driver_sql('DROP SCHEMA public CASCADE')\n"
        "    c.exec_driver_sql('CREATE SCHEMA public')\n"
    )
    subprocess.run([str(python), "-c", code, url], check=True)


def stop(process: subprocess.Popen[bytes]) -> float:
    """Stop gunicorn and return the CPU seconds of its process tree (its reaped workers
    included)."""
    process.terminate()
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return usage.ru_utime + usage.ru_stime


def start(
    site: Path, env: dict[str, str], gunicorn: Path, app: str, ready_probe: list[str] | None
) -> Start:
    """Start gunicorn on site; ready is /_ready answering 200, or ready_probe exiting."""
    port = free_port()
    started = time.monotonic()
    with open(site / "gunicorn.log", "w") as log:
        process = subprocess.Popen(
            [str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "900", app],
            cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    probe = subprocess.Popen(ready_probe) if ready_probe else None
    page = ready = None
    try:
        while ready is None:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(site / 'gunicorn.log').read_text()}")
            if page is None and status(f"http://127.0.0.1:{port}/") == 200:
                page = time.monotonic() - started
            if probe is not None:
                ready = time.monotonic() - started if probe.poll() == 0 else None
            elif page is not None and status(f"http://127.0.0.1:{port}/_ready") == 200:
                ready = time.monotonic() - started
            time.sleep(0.02)
        while page is None:
            page = (
                time.monotonic() - started if status(f"http://127.0.0.1:{port}/") == 200 else None
            )
    finally:
        cpu = stop(process)
        if probe is not None and probe.poll() is None:
            probe.kill()
            probe.wait()
    return Start(page, ready, cpu)


def cli_build(octavo_bin: Path, site: Path, env: dict[str, str]) -> tuple[float, float]:
    """`octavo reindex --fresh` on site: wall and CPU seconds."""
    started = time.monotonic()
    process = subprocess.Popen(
        [str(octavo_bin), "--app", "app", "reindex", "--fresh", "--quiet"],
        cwd=site, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    _, code, usage = os.wait4(process.pid, 0)
    process.returncode = code
    if code:
        raise RuntimeError(f"octavo reindex --fresh failed ({code})")
    return time.monotonic() - started, usage.ru_utime + usage.ru_stime


def scannable(site: Path) -> int:
    """Files Publ indexes (entries and category files), which each get a fingerprint row."""
    kinds = {".md", ".htm", ".html", ".cat", ".meta"}
    return sum(1 for p in (site / "content").rglob("*") if p.suffix in kinds)


def row(n: int, engine: str, index: str, runs: list[Start]) -> Start:
    """Print the median of runs as a table row and return it."""
    median = Start(*(statistics.median(getattr(r, f) for r in runs) for f in Start.__annotations__))
    label = index if len(runs) == 1 else f"{index} (median of {len(runs)})"
    times = f"{median.page:.2f} | {median.ready:.2f} | {median.cpu:.1f}"
    print(f"| {n:,} | {engine} | {label} | {times} |", flush=True)
    return median


def publ_database_config(url: str) -> dict[str, object]:
    """PonyORM's postgres bind arguments for a SQLAlchemy URL."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    config: dict[str, object] = {
        "provider": "postgres",
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "database": parts.path.lstrip("/"),
    }
    if parts.password:
        config["password"] = parts.password
    return config


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000])
    ap.add_argument(
        "--repeat", type=int, default=3, help="starts of Octavo over the existing index"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    ap.add_argument("--publ-postgres-url", default=DEFAULT_PUBL_POSTGRES)
    ap.add_argument("--publ-venv", type=Path, default=default_venv())
    args = ap.parse_args()
    octavo = find_octavo()
    if octavo is None:
        raise SystemExit("no Octavo venv: pip install -e . into .venv")
    publ = PublEnv(args.publ_venv.resolve())
    if not publ.gunicorn.exists() or publ.version("psycopg2-binary") is None:
        raise SystemExit(f"{publ.venv}: pip install gunicorn psycopg2-binary into Publ's venv")
    for url in (args.postgres_url, args.publ_postgres_url):
        ensure_postgres_database(octavo, url)
    path = f"{octavo.python.parent}:{os.environ.get('PATH', '')}"
    env = {**os.environ, "DATABASE_URL": args.postgres_url, "SECRET_KEY": "bench", "PATH": path}
    publ_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VIRTUAL_ENV")}
    publ_app = PUBL_APP.format(db=publ_database_config(args.publ_postgres_url))
    print("| entries | engine | index | first page (s) | ready (s) | CPU (s) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="octavo-deploy-bench-") as scratch:
        for n in args.sizes:
            corpus = ensure_corpus(n, args.seed, python=octavo.python).root
            results: dict[tuple[str, str], Start] = {}

            def octavo_start(name: str, corpus: Path = corpus) -> Start:
                site = checkout(corpus, Path(scratch) / name, "app.py", APP)
                return start(site, env, octavo.gunicorn, "app:app", None)

            def publ_start(name: str, corpus: Path = corpus) -> Start:
                site = checkout(corpus, Path(scratch) / name, "publ_app.py", publ_app)
                probe = [str(octavo.python), "-c", PUBL_INDEXED, args.publ_postgres_url,
                         str(site / "content"), str(scannable(site))]  # fmt: skip
                return start(site, publ_env, publ.gunicorn, "publ_app:app", probe)

            clear(octavo.python, args.postgres_url)
            clear(octavo.python, args.publ_postgres_url)
            results["octavo", "empty"] = row(n, "Octavo", "empty", [octavo_start("o-empty")])
            runs = [octavo_start(f"o-existing-{i}") for i in range(args.repeat)]
            results["octavo", "existing"] = row(n, "Octavo", "existing", runs)
            site = checkout(corpus, Path(scratch) / "steps", "app.py", APP)
            steps = subprocess.run(
                [str(octavo.python), "-c", STEPS], cwd=site, env=env, check=True,
                capture_output=True, text=True,
            ).stdout.split()  # fmt: skip
            clear(octavo.python, args.postgres_url)
            site = checkout(corpus, Path(scratch) / "o-cli", "app.py", APP)
            wall, cpu = cli_build(octavo.executable, site, env)
            print(
                f"| {n:,} | Octavo CLI `reindex --fresh` | empty | - | {wall:.2f} | {cpu:.1f} |",
                flush=True,
            )
            results["publ", "empty"] = row(n, "Publ", "empty", [publ_start("p-empty")])
            results["publ", "existing"] = row(n, "Publ", "existing", [publ_start("p-existing")])
            print(
                f"\n{n:,} entries, existing index, Octavo CPU seconds in one process: import "
                f"{steps[0]}, app {steps[1]}, connect {steps[2]}, start-up check {steps[3]}"
            )
            for index in ("empty", "existing"):
                o, p = results["octavo", index], results["publ", index]
                ratios = (p.page / o.page, p.ready / o.ready, p.cpu / o.cpu)
                print(
                    f"{n:,} entries, {index} index, Publ/Octavo: first page {ratios[0]:.1f}x, "
                    f"ready {ratios[1]:.1f}x (wall), CPU {ratios[2]:.1f}x"
                )


if __name__ == "__main__":
    main()
