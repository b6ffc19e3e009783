"""Scale benchmark: does a page cost the same on a site of 1,000 entries and of 100,000?

For each corpus size (default 1,000, 10,000 and 100,000 entries) and each engine
configuration (Octavo on SQLite, Octavo on PostgreSQL, Publ 0.8.19 on SQLite up
to ``--publ-max`` entries), this

1. builds the index cold (Octavo: ``octavo reindex --fresh``; Publ: its database
   deleted, then ``flask publ reindex``) and records the wall time;
2. serves the site under gunicorn (2 sync workers, no page cache), one engine at
   a time, and loads each page type from a separate wrk process (2 threads, 4
   connections, a warm-up, then a bounded run): the entry page, the home page,
   a category page (``/blog/``, which lists its subcategories too), archive page
   2 and page 500 (found by following each engine's own "older" links; a site
   with fewer pages gives its last page, and the table says which), a tag page
   (``/?tag=python``) and the Atom feed (``/feed``);
3. reports requests per second per page type and size, and each size's
   throughput as a share of the same configuration's at the smallest size
   (issue 17's target: at least 80 % at 100,000 entries).

The machinery (servers, readiness, wrk, CPU accounting) is serve_bench.py's.
See README.md for the commands and the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from corpus import Corpus, ensure_corpus
from measure import run_measured
from octavo_env import OctavoEnv, find_octavo
from publ_env import PublEnv, ensure_publ_env
from serve_bench import (
    WRK_SCRIPT,
    BenchError,
    EngineSpec,
    Load,
    Server,
    Target,
    check,
    ensure_gunicorn,
    fetch,
    free_port,
    local_path,
    measure_target,
    parse_links,
    publ_spec,
    resolve_redirects,
    wait_ready,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PAGES = ("entry", "home", "category", "archive2", "archive500", "tag", "feed")
TARGET_SHARE = 0.8
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/octavo_scale_bench"


@dataclass
class Config:
    """One engine on one database, on one corpus."""

    label: str
    spec: EngineSpec
    cold_index_s: float | None = None
    targets: dict[str, Target] = field(default_factory=dict)
    rps: dict[str, float] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)  # server CPU per request
    error: str | None = None


def configs(args: argparse.Namespace, publ: PublEnv, octavo: OctavoEnv, corpus: Corpus) -> list:
    """The configurations measured at this size (Publ only up to --publ-max)."""
    n = int(corpus.manifest["n"])
    found = []
    for backend in args.backends:
        db = corpus.root / "octavo-index.db"
        extra = {"database_url": args.postgres_url} if backend == "postgresql" else {}
        app = corpus.write_app(f"octavo_{backend}_app", "octavo", "Octavo", db, **extra)
        spec = EngineSpec(
            "Octavo",
            octavo.gunicorn,
            f"{app.stem}:app",
            db,
            octavo.cli(app, "reindex", "--fresh", "--quiet"),
            octavo.env(),
            fresh=True,
        )
        found.append(Config(f"Octavo/{backend}", spec))
    if "publ" in args.engines and n <= args.publ_max:
        found.append(Config("Publ/sqlite", publ_spec(publ, corpus, fresh=True)))
    return found


def cold_index(config: Config, log_dir: Path, n: int) -> float:
    """Wall time of a full index from nothing (Publ's database file is deleted first)."""
    if config.spec.name == "Publ":
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{config.spec.db_path}{suffix}").unlink(missing_ok=True)
    tag = config.label.lower().replace("/", "-")
    run = run_measured(
        config.spec.reindex_cmd,
        env=config.spec.reindex_env,
        log_path=log_dir / f"{n}-{tag}-reindex.log",
        timeout_s=7200,
    )
    if not run.ok:
        raise BenchError(f"{config.label} cold index failed (rc={run.returncode}): {run.log}")
    return run.wall_s


def archive_page(server: Server, page: int) -> Target:
    """Page `page` of the archive from "/", or the last page when there are fewer."""
    path, reached = "/", 1
    while reached < page:
        got = fetch(server.port, path)
        older = parse_links(got.body).older if got.status == 200 else None
        if not older:
            break
        path, reached = local_path(older, path), reached + 1
    note = f"page {reached}" + ("" if reached == page else f" (the last; {page} asked)")
    return Target(f"archive{page}", path, note=note)


def discover(server: Server, corpus: Corpus) -> dict[str, Target]:
    targets = {
        "entry": resolve_redirects(server, corpus.manifest["sample_entry"]),
        "home": Target("home", "/"),
        "category": Target("category", "/blog/"),
        "archive2": archive_page(server, 2),
        "archive500": archive_page(server, 500),
        "tag": Target("tag", "/?tag=python"),
        "feed": Target("feed", "/feed"),
    }
    for target in targets.values():
        if target.status is None:
            check(server, target)
    return targets


def bench_config(
    config: Config, corpus: Corpus, args: argparse.Namespace, load: Load, log_dir: Path
) -> None:
    n = int(corpus.manifest["n"])
    tag = config.label.lower().replace("/", "-")
    try:
        config.cold_index_s = cold_index(config, log_dir, n)
        print(f"  [{n}] {config.label}: cold index {config.cold_index_s:.1f} s", file=sys.stderr)
    except BenchError as err:
        config.error = str(err)
        return
    server = Server(config.spec, free_port(), log_dir / f"{n}-{tag}-server.log")
    server.start(corpus.root, args.workers, "sync")
    try:
        wait_ready(server, corpus, args.ready_timeout)
        config.targets = discover(server, corpus)
        for page in args.pages:
            target = config.targets[page]
            if not target.ok:
                print(f"  ! [{n}] {config.label} {page}: {target.status}", file=sys.stderr)
                continue
            data = measure_target(server, target, load, log_dir, f"{n}-{tag}-{page}")
            target.runs.append(data)
            config.rps[page] = data["rps"]
            config.cpu_ms[page] = 1000 * data["server_cpu_s"] / max(1, data["requests"])
            print(
                f"  [{n}] {config.label:16} {page:10} {data['rps']:8.1f} req/s  "
                f"p50 {data['latency_us']['p50'] / 1000:.1f} ms  "
                f"cpu {config.cpu_ms[page]:.1f} ms/req  {target.path}  {target.note}",
                file=sys.stderr,
                flush=True,
            )
    except (BenchError, OSError, subprocess.TimeoutExpired) as err:
        config.error = f"{err}\n{server.log_since(0)[-3000:]}"
        print(f"  ! [{n}] {config.label}: {config.error}", file=sys.stderr)
    finally:
        server.stop()


def table(results: dict[int, list[Config]], pages: list[str], metric: str) -> str:
    """Per page and size: requests/s (metric "rps") or server CPU ms per request
    ("cpu_ms"), each beside its throughput share of the smallest size (for CPU: the
    smallest size's CPU per request ÷ this size's)."""
    sizes = sorted(results)
    labels = list(dict.fromkeys(c.label for size in sizes for c in results[size]))
    by = {(size, c.label): c for size in sizes for c in results[size]}
    head = "| page | engine | " + " | ".join(f"{n:,}" for n in sizes) + " |"
    lines = [head, "|---|---|" + "---:|" * len(sizes)]
    for page in pages:
        for label in labels:
            values = {s: getattr(by[s, label], metric).get(page) for s in sizes if (s, label) in by}
            base = values.get(sizes[0])
            cells = []
            for size in sizes:
                value = values.get(size)
                if value is None:
                    cells.append("—")
                    continue
                text = f"{value:.0f}" if metric == "rps" else f"{value:.1f}"
                if base and size != sizes[0]:
                    share = value / base if metric == "rps" else base / value
                    mark = "" if share >= TARGET_SHARE or label.startswith("Publ") else " ✗"
                    text += f" ({share:.0%}{mark})"
                cells.append(text)
            lines.append(f"| {page} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def index_table(results: dict[int, list[Config]]) -> str:
    sizes = sorted(results)
    labels = list(dict.fromkeys(c.label for size in sizes for c in results[size]))
    by = {(size, c.label): c for size in sizes for c in results[size]}
    lines = ["| engine | " + " | ".join(f"{n:,}" for n in sizes) + " |"]
    lines.append("|---|" + "---:|" * len(sizes))
    for label in labels:
        cells = []
        for size in sizes:
            config = by.get((size, label))
            cells.append(f"{config.cold_index_s:.1f}" if config and config.cold_index_s else "—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES))
    ap.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"],
                    default=["sqlite", "postgresql"])  # fmt: skip
    ap.add_argument("--engines", nargs="+", choices=["publ", "octavo"], default=["publ", "octavo"])
    ap.add_argument("--publ-max", type=int, default=10000, help="largest size Publ indexes")
    ap.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="Octavo's PostgreSQL index")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per URL")
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    ap.add_argument("--ready-timeout", type=float, default=1800.0)
    ap.add_argument("--seed", type=int, default=1, help="corpus seed")
    ap.add_argument("--corpus-gen", help="gen_corpus.py (default ../shared/bench/gen_corpus.py)")
    ap.add_argument("--publ-venv", type=Path, help="Publ virtualenv (default bench/.venv-publ)")
    ap.add_argument("--octavo-bin", help="octavo executable (default .venv/bin/octavo)")
    ap.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    return ap.parse_args(argv)


def ensure_postgres_database(octavo: OctavoEnv, url: str) -> None:
    """Create the benchmark's PostgreSQL database when it is missing."""
    code = (
        "import sys, sqlalchemy as sa\n"
        "url = sa.engine.make_url(sys.argv[1])\n"
        "admin = sa.create_engine(url.set(database='postgres'), isolation_level='AUTOCOMMIT')\n"
        "with admin.connect() as c:\n"
        "    if not c.exec_driver_sql('SELECT 1 FROM pg_database WHERE datname = %(n)s',"
        " {'n': url.database}).scalar():\n"
        "        c.exec_driver_sql(f'CREATE DATABASE \"{url.database}\"')\n"
    )
    subprocess.run([str(octavo.python), "-c", code, url], check=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("! wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_dir = args.results_dir / f"scale-{stamp}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    script = log_dir / "summary.lua"
    script.write_text(WRK_SCRIPT)
    load = Load(args.duration, args.warmup, args.connections, args.threads, 30.0, script)
    publ = ensure_publ_env(args.publ_venv)
    ensure_gunicorn(publ.gunicorn)
    octavo = find_octavo(args.octavo_bin)
    if octavo is None:
        print("! octavo CLI not found", file=sys.stderr)
        return 2
    ensure_gunicorn(octavo.gunicorn)
    if "postgresql" in args.backends:
        ensure_postgres_database(octavo, args.postgres_url)
    results: dict[int, list[Config]] = {}
    for n in args.sizes:
        corpus = ensure_corpus(n, args.seed, python=publ.python, generator=args.corpus_gen)
        print(f"corpus {corpus.root} ({corpus.visible_entries} visible)", file=sys.stderr)
        results[n] = configs(args, publ, octavo, corpus)
        for config in results[n]:
            bench_config(config, corpus, args, load, log_dir)
    text = (
        f"Scale benchmark {stamp}: gunicorn {args.workers} sync workers, wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration:g}s (warm-up {args.warmup:g}s); Octavo "
        f"{octavo.version()}, Publ {publ.version()}; requests/s, and in brackets the share "
        f"of the same engine's rate at {min(args.sizes):,} entries (target "
        f"≥ {TARGET_SHARE:.0%} for Octavo).\n\n{table(results, args.pages, 'rps')}\n\n"
        "Server CPU ms per request (user + system of the gunicorn tree ÷ requests; less "
        "sensitive to other processes), in brackets the smallest size's ÷ this size's:\n\n"
        f"{table(results, args.pages, 'cpu_ms')}\n\nCold index, wall seconds:\n\n"
        f"{index_table(results)}\n"
    )
    notes = {
        f"{n} {c.label} {p}": t.note
        for n, cs in results.items()
        for c in cs
        for p, t in c.targets.items()
        if t.note and p.startswith("archive")
    }
    text += "\nArchive pages measured: " + "; ".join(f"{k}: {v}" for k, v in notes.items()) + "\n"
    errors = [f"{n} {c.label}: {c.error}" for n, cs in results.items() for c in cs if c.error]
    if errors:
        text += "\nErrors: " + "; ".join(errors) + "\n"
    (args.results_dir / f"scale-{stamp}.md").write_text(text)
    doc = {
        str(n): {
            c.label: {
                "cold_index_s": c.cold_index_s,
                "rps": c.rps,
                "cpu_ms": c.cpu_ms,
                "error": c.error,
                "targets": {p: t.to_json() for p, t in c.targets.items()},
            }
            for c in cs
        }
        for n, cs in results.items()
    }
    (args.results_dir / f"scale-{stamp}.json").write_text(json.dumps(doc, indent=1, default=str))
    print(text)
    print(f"results: {args.results_dir / f'scale-{stamp}.md'}\nlogs: {log_dir}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
