"""Cold start of a fresh instance (issue 12): process start to first page and to ready.

A fresh instance is a new checkout of the site (every file with a new mtime, as a
deploy gives them) started with ``gunicorn app:app`` (one worker) against a
PostgreSQL index that

* already holds the site (the usual deploy: the release phase or another instance
  built it): the instance serves at once and is ready when its start-up check has
  found its files byte-identical to the index;
* is empty: the instance builds the index at full speed and serves nothing before.

It reports wall seconds from ``Popen`` to the first 200 of ``/`` and to the first
200 of ``/_ready``, and, for the existing index, the CPU seconds of the steps in
one process (import, app, connect, start-up check), which do not depend on how
loaded the machine is. Publ 0.8.19 has no such start: it indexes in its own
process at every launch (bench/index_bench.py measures its full index time).

    python3 bench/deploy_bench.py [--sizes 10000] [--repeat 3] [--postgres-url URL]
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
from pathlib import Path

from corpus import ensure_corpus
from octavo_env import find_octavo
from scale_bench import ensure_postgres_database
from serve_bench import free_port

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/octavo_deploy_bench"
APP = (
    "import octavo\n"
    "app = octavo.Octavo(__name__, {'content_folder': 'content', 'template_folder':"
    " 'templates', 'static_folder': 'static', 'index_enable_watchdog': False})\n"
)
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


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return 0


def checkout(corpus_root: Path, target: Path) -> Path:
    """A fresh checkout: the corpus copied with new mtimes, plus the app file."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(corpus_root, target, copy_function=shutil.copy)
    (target / "app.py").write_text(APP)
    return target


def clear(python: Path, url: str) -> None:
    code = (
        "import sys, re, sqlalchemy as sa\n"
        "e = sa.create_engine(sys.argv[1])\n"
        "names = [n for n in sa.inspect(e).get_table_names()\n"
        "         if re.match(r'o\\d+g\\d+_|octavo_', n)]\n"
        "with e.begin() as c:\n"
        "    [c.exec_driver_sql(f'DROP TABLE \"{n}\" CASCADE') for n in names]\n"
    )
    subprocess.run([str(python), "-c", code, url], check=True)


def start(site: Path, env: dict[str, str], gunicorn: Path) -> tuple[float, float]:
    port = free_port()
    started = time.monotonic()
    with open(site / "gunicorn.log", "w") as log:
        process = subprocess.Popen(
            [str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "900", "app:app"],
            cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    page = ready = None
    try:
        while ready is None:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(site / 'gunicorn.log').read_text()}")
            if page is None and status(f"http://127.0.0.1:{port}/") == 200:
                page = time.monotonic() - started
            if page is not None and status(f"http://127.0.0.1:{port}/_ready") == 200:
                ready = time.monotonic() - started
            time.sleep(0.02)
    finally:
        process.terminate()
        process.wait()
    return page, ready


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = ap.parse_args()
    octavo = find_octavo()
    if octavo is None:
        raise SystemExit("no Octavo venv: pip install -e . into .venv")
    ensure_postgres_database(octavo, args.postgres_url)
    env = {
        **os.environ,
        "DATABASE_URL": args.postgres_url,
        "SECRET_KEY": "bench",
        "PATH": f"{octavo.python.parent}:{os.environ.get('PATH', '')}",
    }
    print("| entries | index | first page (s) | ready (s) |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="octavo-deploy-bench-") as scratch:
        for n in args.sizes:
            corpus = ensure_corpus(n, args.seed, python=octavo.python)
            clear(octavo.python, args.postgres_url)
            site = checkout(corpus.root, Path(scratch) / "empty")
            page, ready = start(site, env, octavo.gunicorn)
            print(f"| {n:,} | empty | {page:.2f} | {ready:.2f} |")
            runs = []
            for attempt in range(args.repeat):
                site = checkout(corpus.root, Path(scratch) / f"existing-{attempt}")
                runs.append(start(site, env, octavo.gunicorn))
            page = statistics.median(r[0] for r in runs)
            ready = statistics.median(r[1] for r in runs)
            print(f"| {n:,} | existing (median of {args.repeat}) | {page:.2f} | {ready:.2f} |")
            site = checkout(corpus.root, Path(scratch) / "steps")
            steps = subprocess.run(
                [str(octavo.python), "-c", STEPS], cwd=site, env=env, check=True,
                capture_output=True, text=True,
            ).stdout.split()  # fmt: skip
            print(
                f"\n{n:,} entries, existing index, CPU seconds in one process: import "
                f"{steps[0]}, app {steps[1]}, connect {steps[2]}, start-up check {steps[3]}\n"
            )


if __name__ == "__main__":
    main()
