"""Two Octavo builds compared on one corpus: what storing entry text in the index costs
(cold index time, memory, database size) and what it buys (uncached entry pages).

Made for issue 16 (entry text in the index): BEFORE is an older build, AFTER the
current one. For the corpus (default 10,000 entries) this

1. builds each build's SQLite index cold (its database file deleted, then
   ``octavo reindex --fresh``), interleaved, ``--repeat`` times: wall time, CPU, peak RSS, and the
   database's size on disk after the build;
2. serves each build under gunicorn (2 sync workers, no page cache) and loads it
   with wrk (2 threads, 4 connections) over *every visible entry page, shuffled*,
   each wrk thread starting at another offset: a run requests far fewer pages than
   there are entries, so no page repeats and the in-process render memo never hits.
   Runs alternate between the builds; the report gives medians.

Publ is not run here: ``index_bench.py`` compares cold indexing with Publ 0.8.19.

    python3 bench/entry_text_bench.py --before-bin /path/to/old/bin/octavo
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus import BENCH_DIR, Corpus, ensure_corpus
from measure import run_measured
from octavo_env import OctavoEnv, find_octavo
from publ_env import ensure_publ_env
from serve_bench import (
    WRK_SCRIPT,
    EngineSpec,
    Load,
    Server,
    cpu_snapshot,
    cpu_split,
    fetch,
    free_port,
    run_wrk,
    wait_ready,
)

RESULTS_DIR = BENCH_DIR / "results"
VISIBLE = "status IN (2, 3)"  # published and scheduled (the corpus dates are past)


def app_file(env: OctavoEnv, corpus: Corpus, name: str) -> tuple[Path, Path]:
    """An app file (and its database) per build, so the two never share an index."""
    db = corpus.root / f"octavo-{name}.db"
    return corpus.write_app(f"octavo_{name}", "octavo", "Octavo", db), db


def build_env(env: OctavoEnv, src: Path | None) -> dict[str, str]:
    """The build's environment: BEFORE runs its source tree with AFTER's packages."""
    out = env.env()
    if src is not None:
        out["PYTHONPATH"] = str(src)
    return out


def entry_paths(db: Path) -> list[str]:
    """The canonical URL path of every visible entry, from the live index."""
    con = sqlite3.connect(db)
    try:
        (prefix,) = con.execute(
            "SELECT value FROM octavo_meta WHERE key = 'last_activated'"
        ).fetchone()
        rows = con.execute(
            f'SELECT category, entry_id, slug_text FROM "{prefix}entries" WHERE {VISIBLE}'
        ).fetchall()
    finally:
        con.close()
    return [f"/{c}/{i}-{s}" if c else f"/{i}-{s}" for c, i, s in rows]


def db_size(db: Path) -> int:
    return sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())


def wrk_script(paths: list[str], target: Path) -> Path:
    """Each wrk thread walks the shuffled list from its own offset."""
    listing = ",\n".join(f"'{urllib.parse.quote(p)}'" for p in paths)  # ASCII only
    target.write_text(
        "local counter = 0\nlocal threads = 0\n"
        f"paths = {{\n{listing}\n}}\n"
        "function setup(thread)\n  thread:set('offset', threads * 4099)\n"
        "  threads = threads + 1\nend\n"
        "function request()\n  counter = counter + 1\n"
        "  return wrk.format(nil, paths[((counter + offset) % #paths) + 1])\nend\n" + WRK_SCRIPT
    )
    return target


@contextlib.contextmanager
def serving(
    spec: EngineSpec, corpus: Corpus, pythonpath: Path | None, log: Path
) -> Iterator[Server]:
    server = Server(spec, free_port(), log)
    saved = dict(os.environ)  # Server.start passes os.environ on
    if pythonpath is not None:
        os.environ["PYTHONPATH"] = str(pythonpath)
    try:
        server.start(corpus.root, 2, "sync")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        wait_ready(server, corpus, 300)
        yield server
    finally:
        server.stop()


def interleaved(names: list[str], rounds: int) -> Iterator[tuple[int, str]]:
    """(round, name) for each round, the order alternating so drift hits both alike."""
    for round_no in range(rounds):
        for name in names if round_no % 2 == 0 else reversed(names):
            yield round_no, name


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before-bin", required=True, help="the BEFORE build's octavo script")
    ap.add_argument("--before-src", type=Path, help="its src folder, put first on PYTHONPATH")
    ap.add_argument("--octavo-bin", help="the AFTER build's octavo (default .venv/bin/octavo)")
    ap.add_argument("--after-src", type=Path, help="its src folder, when not this repo's")
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--repeat", type=int, default=2, help="cold builds per build (0: serve the last ones)"
    )
    ap.add_argument("--rounds", type=int, default=3, help="wrk runs per build")
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--publ-venv", type=Path, help="only for its Python (with Pillow)")
    args = ap.parse_args(argv)

    after = find_octavo(args.octavo_bin)
    before = find_octavo(args.before_bin)
    assert after and before, "octavo builds not found"
    publ = ensure_publ_env(args.publ_venv)
    corpus = ensure_corpus(args.size, args.seed, python=publ.python)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_dir = RESULTS_DIR / f"{stamp}-entry-text-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    builds = {"before": (before, args.before_src), "after": (after, args.after_src)}
    apps = {name: app_file(env, corpus, name) for name, (env, _src) in builds.items()}

    cold: dict[str, list[dict[str, Any]]] = {name: [] for name in builds}
    for round_no, name in interleaved(list(builds), args.repeat):
        env, src = builds[name]
        app, db = apps[name]
        for suffix in ("", "-wal", "-shm"):  # cold: no database at all
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        run = run_measured(
            env.cli(app, "reindex", "--fresh", "--quiet"),
            env=build_env(env, src),
            log_path=log_dir / f"{name}-cold-{round_no}.log",
        )
        assert run.ok, Path(run.log).read_text()[-2000:]
        cold[name].append(
            {
                "wall_s": run.wall_s,
                "cpu_s": run.cpu_s,
                "peak_rss_mib": run.peak_rss_kib / 1024,
                "db_mib": db_size(db) / 2**20,
            }
        )
        print(f"cold {name}: {cold[name][-1]}", file=sys.stderr)

    paths = entry_paths(apps["after"][1])
    random.Random(args.seed).shuffle(paths)
    script = wrk_script(paths, log_dir / "entries.lua")
    load = Load(args.duration, 0, 4, 2, 30, script)
    pages: dict[str, list[dict[str, Any]]] = {name: [] for name in builds}
    for _round, name in interleaved(list(builds), args.rounds):
        env, src = builds[name]
        app, db = apps[name]
        spec = EngineSpec(name, env.gunicorn, f"{app.stem}:app", db, [], {})
        with serving(spec, corpus, src, log_dir / f"{name}-gunicorn.log") as server:
            for path in paths[:3]:
                got = fetch(server.port, path)
                assert got.status == 200, (name, path, got.status, got.body[:500])
            before_cpu = cpu_snapshot(server.pid)
            url = f"http://127.0.0.1:{server.port}/"
            data = run_wrk(url, load, args.duration, log_dir / f"{name}-wrk.log")
            data.update(cpu_split(before_cpu, cpu_snapshot(server.pid)))
            data["server_cpu_ms_per_request"] = 1000 * data["server_cpu_s"] / data["requests"]
        assert not any(data["errors"].values()), (name, data["errors"])
        assert data["requests"] < len(paths), "a page repeated: lengthen the list"
        pages[name].append(data)
        print(
            f"entries {name}: {data['rps']:.1f} req/s, "
            f"{data['server_cpu_ms_per_request']:.1f} ms server CPU each",
            file=sys.stderr,
        )

    def med(values: list[float]) -> float:
        return statistics.median(values)

    rows = [
        ("cold index, wall (s)", "wall_s", cold),
        ("cold index, CPU (s)", "cpu_s", cold),
        ("cold index, peak RSS (MiB)", "peak_rss_mib", cold),
        ("index database size (MiB)", "db_mib", cold),
        ("uncached entry pages, all different (req/s)", "rps", pages),
        ("entry page, server CPU per request (ms)", "server_cpu_ms_per_request", pages),
    ]
    lines = [
        f"Entry text in the index, {args.size:,} entries ({len(paths):,} visible), "
        f"medians of {args.repeat} cold builds and {args.rounds} wrk runs of "
        f"{args.duration:g} s",
        "",
        "| measure | before | after | after ÷ before |",
        "|---|---:|---:|---:|",
    ]
    for label, key, data in rows:
        if not data["before"]:  # --repeat 0: no cold builds this run
            continue
        b, a = med([r[key] for r in data["before"]]), med([r[key] for r in data["after"]])
        lines.append(f"| {label} | {b:.2f} | {a:.2f} | {a / b:.2f}x |")
    for key in ("p50", "p99"):
        b = med([r["latency_us"][key] / 1000 for r in pages["before"]])
        a = med([r["latency_us"][key] / 1000 for r in pages["after"]])
        lines.append(f"| entry page latency {key} (ms) | {b:.1f} | {a:.1f} | {a / b:.2f}x |")
    table = "\n".join(lines)
    print(table)
    (RESULTS_DIR / f"{stamp}-entry-text.md").write_text(table + "\n")
    (RESULTS_DIR / f"{stamp}-entry-text.json").write_text(
        json.dumps({"cold": cold, "pages": pages, "corpus": str(corpus.root)}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
