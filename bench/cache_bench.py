"""Warm page cache: Octavo (Redis, memcached) vs Publ 0.8.19 with its cache on, and a
Flask "hello world" as the ceiling, all in one run under the same gunicorn settings
(2 sync workers, loopback, wrk -t2 -c8), on the generated corpus (default 1,000
entries).

Page types: an entry page, a category index (``/blog/``), archive page 50, a tag page
(``/?tag=python``) and the Atom feed, each fetched twice before it is measured, so
every measured request is a cache hit; plus a 304 revalidation of the entry page
(``If-None-Match`` with its ETag). Octavo runs with each process's local copy of hot
pages (the default) and without it (``no-local``: every hit is a round trip to the
server). Hello world is measured before and after, and the mean is the ceiling.
Publ's cache is Flask-Caching's in-process
SimpleCache (its fastest; its venv has no Redis or memcached client). Octavo's Redis
is the machine's server (``--redis-url``, a fresh key prefix per run); memcached is a
private server this script starts (``memcached`` must be installed) and stops.

Targets (issue 11): warm throughput at least 70% of hello world on every page type
with every backend; a 304 at least as fast. Uncached figures come from
``serve_bench.py`` (page cache off on both engines).

    python3 bench/cache_bench.py                          # 1,000 entries, 5 s per URL
    python3 bench/cache_bench.py --duration 10 --warmup 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from corpus import BENCH_DIR, Corpus, ensure_corpus
from octavo_env import find_octavo
from publ_env import ensure_publ_env
from serve_bench import (
    WRK_SCRIPT,
    BenchError,
    EngineSpec,
    Load,
    Server,
    discover,
    ensure_gunicorn,
    fetch,
    free_port,
    run_wrk,
    wait_ready,
)

RESULTS_DIR = BENCH_DIR / "results"
PAGES = ("entry", "category", "archive", "tag", "feed")
HELLO = '''"""Flask "hello world": the ceiling of a WSGI page under gunicorn (generated)."""
import flask

app = flask.Flask(__name__)


@app.route("/")
def hello():
    return "Hello, world!"
'''


def start_memcached(port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("memcached")
    if binary is None:
        raise BenchError("memcached not found: apt-get install -y memcached")
    proc = subprocess.Popen(
        [binary, "-p", str(port), "-l", "127.0.0.1", "-U", "0", "-u", "nobody", "-m", "256"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.05)
    proc.terminate()
    raise BenchError(f"memcached did not start on port {port}")


def engines(corpus: Corpus, publ: Any, octavo: Any, args: Any, mc_port: int) -> list[EngineSpec]:
    """Publ with its cache, then Octavo with each backend (one index file for both)."""
    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    publ_db = corpus.root / "publ-cache-index.db"
    publ_app = corpus.write_app(
        "publ_cache_app",
        "publ",
        "Publ",
        publ_db,
        cache={
            "CACHE_TYPE": "SimpleCache",
            "CACHE_DEFAULT_TIMEOUT": 3600,
            "CACHE_THRESHOLD": 10000,
        },
    )
    specs = [
        EngineSpec(
            "Publ",
            publ.gunicorn,
            "publ_cache_app:app",
            publ_db,
            publ.cli("reindex", "--quietly"),
            publ.flask_env(publ_app),
        )
    ]
    backends = {
        "redis": {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": args.redis_url},
        "memcached": {
            "CACHE_TYPE": "MemcachedCache",
            "CACHE_MEMCACHED_SERVERS": [f"127.0.0.1:{mc_port}"],
        },
    }
    db = corpus.root / "octavo-cache-index.db"
    variants = [(name, cache, "") for name, cache in backends.items()]
    variants += [
        (name, {**cache, "CACHE_LOCAL_SIZE": 0}, " no-local") for name, cache in backends.items()
    ]
    for name, cache, suffix in variants:
        module = f"octavo_{name}{suffix.replace(' ', '_').replace('-', '_')}_app"
        config = {**cache, "CACHE_KEY_PREFIX": prefix, "CACHE_DEFAULT_TIMEOUT": 3600}
        app = corpus.write_app(module, "octavo", "Octavo", db, cache=config)
        specs.append(
            EngineSpec(
                f"Octavo {name}{suffix}",
                octavo.gunicorn,
                f"{module}:app",
                db,
                octavo.cli(app, "reindex", "--quiet"),
                octavo.env(),
            )
        )
    return specs


def selected(name: str, wanted: list[str]) -> bool:
    """``Publ``, ``Octavo redis``, ``Octavo redis no-local``… against --engines."""
    parts = name.lower().split()
    return all(part in wanted for part in (parts[1:] if parts[0] == "octavo" else parts))


def reindex(spec: EngineSpec, log: Path) -> None:
    with open(log, "ab") as out:
        done = subprocess.run(
            spec.reindex_cmd,
            env={**os.environ, **spec.reindex_env},
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=3600,
            check=False,
        )
    if done.returncode:
        raise BenchError(f"{spec.name} reindex failed: see {log}")


def rate(url: str, load: Load, log: Path, headers: dict[str, str] | None = None) -> dict:
    if load.warmup_s:
        run_wrk(url, load, load.warmup_s, log, headers)
    data = run_wrk(url, load, load.duration_s, log, headers)
    errors = {k: v for k, v in data["errors"].items() if v}
    return {"rps": round(data["rps"], 1), "p50_ms": data["latency_us"]["p50"] / 1000, **errors}


def bench_engine(spec: EngineSpec, corpus: Corpus, args: Any, load: Load, log_dir: Path) -> dict:
    tag = spec.name.lower().replace(" ", "-")
    reindex(spec, log_dir / f"{tag}-reindex.log")
    server = Server(spec, free_port(), log_dir / f"{tag}-server.log")
    server.start(corpus.root, args.workers, "sync")
    results: dict[str, Any] = {}
    try:
        wait_ready(server, corpus, 600)
        targets, _ = discover(server, corpus, args.page)
        log = log_dir / f"{tag}-wrk.log"
        for page in PAGES:
            target = targets[page]
            if not target.ok or target.path is None:
                results[page] = {"status": target.status, "note": target.note}
                continue
            for _ in range(2 * args.workers):  # every worker's cache (Publ's is per worker)
                fetch(server.port, target.path)
            url = f"http://127.0.0.1:{server.port}{target.path}"
            results[page] = {"path": target.path, **rate(url, load, log)}
            print(f"  {spec.name:16} {page:9} {results[page]}", file=sys.stderr, flush=True)
        entry = targets["entry"]
        if entry.ok and entry.path:
            etag = fetch(server.port, entry.path).headers.get("etag")
            url = f"http://127.0.0.1:{server.port}{entry.path}"
            got = fetch(server.port, entry.path)
            if etag:
                conditional = {"If-None-Match": etag}
                results["304"] = {"path": entry.path, **rate(url, load, log, conditional)}
            results["entry"]["x-octavo-cache"] = got.headers.get("x-octavo-cache")
            print(f"  {spec.name:16} 304       {results.get('304')}", file=sys.stderr)
    finally:
        server.stop()
    return results


def bench_hello(octavo: Any, args: Any, load: Load, log_dir: Path) -> dict:
    folder = log_dir / "hello"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hello_app.py").write_text(HELLO)
    spec = EngineSpec("hello", octavo.gunicorn, "hello_app:app", folder / "none", [], {})
    server = Server(spec, free_port(), log_dir / "hello-server.log")
    server.start(folder, args.workers, "sync")
    try:
        for _ in range(100):
            try:
                if fetch(server.port, "/").status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        result = rate(f"http://127.0.0.1:{server.port}/", load, log_dir / "hello-wrk.log")
        print(f"  hello world      {result}", file=sys.stderr)
        return result
    finally:
        server.stop()


def report(results: dict[str, dict], hello: dict, args: Any) -> str:
    names = list(results)
    octavos = [n for n in names if n.startswith("Octavo")]
    head = ["page", "Publ (cache) req/s", *[f"{n} req/s" for n in octavos]]
    head += [f"{n} ÷ hello" for n in octavos] + [f"{n} ÷ Publ" for n in octavos]
    lines = [
        f"## Warm page cache, {args.size} entries, {args.workers} gunicorn sync workers, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s; "
        f"hello world ceiling {hello['rps']:.0f} req/s (mean of {hello['before']:.0f} before "
        f"and {hello['after']:.0f} after)",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for page in (*PAGES, "304"):
        publ = results.get("Publ", {}).get(page, {}).get("rps")
        row = [page if page != "304" else "304 (entry, If-None-Match)", _fmt(publ)]
        rates = [results[n].get(page, {}).get("rps") for n in octavos]
        row += [_fmt(r) for r in rates]
        row += [f"{100 * r / hello['rps']:.0f}%" if r else "—" for r in rates]
        row += [f"{r / publ:.1f}x" if r and publ else "—" for r in rates]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    return f"{value:.0f}" if value else "—"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--page", type=int, default=50, help="archive page to measure")
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--redis-url", default=os.environ.get("OCTAVO_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    ap.add_argument("--engines", default="publ,redis,memcached,no-local")
    ap.add_argument("--corpus-gen", default=os.environ.get("OCTAVO_CORPUS_GEN"))
    ap.add_argument("--publ-venv", type=Path, default=None)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("! wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_dir = RESULTS_DIR / f"cache-{stamp}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    script = log_dir / "summary.lua"
    script.write_text(WRK_SCRIPT)
    load = Load(args.duration, args.warmup, args.connections, args.threads, 60.0, script)
    publ = ensure_publ_env(args.publ_venv)
    ensure_gunicorn(publ.gunicorn)
    octavo = find_octavo()
    if octavo is None:
        print("! octavo CLI not found", file=sys.stderr)
        return 2
    ensure_gunicorn(octavo.gunicorn)
    corpus = ensure_corpus(args.size, args.seed, python=publ.python, generator=args.corpus_gen)
    mc_port = free_port()
    memcached = start_memcached(mc_port)
    try:
        hello = bench_hello(octavo, args, load, log_dir)
        wanted = args.engines.split(",")
        results = {
            spec.name: bench_engine(spec, corpus, args, load, log_dir)
            for spec in engines(corpus, publ, octavo, args, mc_port)
            if selected(spec.name, wanted)
        }
        after = bench_hello(octavo, args, load, log_dir)
        hello = {
            "rps": round((hello["rps"] + after["rps"]) / 2, 1),
            "before": hello["rps"],
            "after": after["rps"],
        }
    finally:
        memcached.terminate()
        memcached.wait(10)
    text = report(results, hello, args)
    print(text)
    (RESULTS_DIR / f"cache-{stamp}.md").write_text(text)
    (RESULTS_DIR / f"cache-{stamp}.json").write_text(
        json.dumps({"hello": hello, "engines": results}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
