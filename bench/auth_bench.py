"""Private entries: Publ 0.8.19 vs Octavo serving a site where 10% of entries are private.

On the generated corpus (default 10,000 entries) a copy is made in which every
tenth entry file (in sorted path order) gets ``Auth: friends``, with a
``users.cfg`` putting ``test:reader`` in ``friends``. Both engines get the same
login configuration (Authl's test provider, one secret key) on the private copy
and on the untouched corpus. Each engine is served by gunicorn (2 sync workers,
page cache off) and loaded with wrk over loopback, one URL at a time:

* a private entry's page, logged in (session cookie from a real login through
  ``/_login``) and anonymous (401, the login page);
* the home page listing (page 1 of the recursive archive), logged in and
  anonymous;
* the same listing, anonymous and logged in, on the site without private entries.

Targets (issue 10): logged-in pages at least 5x Publ's throughput; Octavo's
anonymous listing on the private site within 10% of its speed on the site
without private entries. The report is Markdown on stdout (and under
bench/results/); ratios are Octavo / Publ.

    python3 bench/auth_bench.py                       # 10,000 entries, 10 s per URL
    python3 bench/auth_bench.py --size 1000 --duration 3 --warmup 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import signal
import sys
import time
import urllib.parse
from dataclasses import dataclass
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
    ensure_gunicorn,
    fetch,
    free_port,
    local_path,
    run_wrk,
    tree_cpu_s,
)

RESULTS_DIR = BENCH_DIR / "results"
SECRET = "auth-bench-secret"
READER = "test:reader"
PRIVATE_EVERY = 10


def private_copy(corpus: Corpus) -> Path:
    """The corpus with `Auth: friends` on every tenth entry (hard links for the rest)."""
    root = corpus.root.parent / f"{corpus.root.name}-auth"
    marker = root / ".auth-copy.json"
    if marker.exists() and json.loads(marker.read_text()).get("digest") == corpus.pristine_digest:
        return root
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(corpus.root, root, copy_function=os.link, ignore=_ignore_indexes)
    for number, path in enumerate(sorted((root / "content").rglob("*.md"))):
        if number % PRIVATE_EVERY:
            continue
        text = path.read_text(encoding="utf-8")
        path.unlink()  # a hard link: never write through to the original corpus
        path.write_text("Auth: friends\n" + text, encoding="utf-8")
    (root / "users.cfg").write_text(f"[friends]\n{READER}\n")
    marker.write_text(json.dumps({"digest": corpus.pristine_digest}))
    return root


def _ignore_indexes(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n.endswith((".db", ".db-wal", ".db-shm", ".py", ".lock"))]


def write_app(root: Path, module: str, factory: str, name: str) -> Path:
    """An app file with login on (Authl's test provider) and the corpus's settings."""
    config: dict[str, Any] = {
        "database_config": {"provider": "sqlite", "filename": str(root / f"{name}.db")},
        "content_folder": str(root / "content"),
        "template_folder": str(root / "templates"),
        "static_folder": str(root / "static"),
        "index_enable_watchdog": False,
        "index_rescan_interval": 0,
        "cache": {"CACHE_TYPE": "NullCache"},
        "secret_key": SECRET,
        "auth": {"TEST_ENABLED": True},
        "user_list": str(root / "users.cfg"),
        "auth_log_prune_interval": 0,
    }
    path = root / f"{name}.py"
    path.write_text(f"import {module}\n\napp = {module}.{factory}(__name__, {config!r})\n")
    return path


@dataclass
class Site:
    label: str
    root: Path


def engine_spec(engine: str, site: Site, publ: Any, octavo: Any) -> EngineSpec:
    """How to index and serve one engine on one site, with login on."""
    module = engine.lower()
    name = f"{module}_auth_app"
    app = write_app(site.root, module, engine, name)
    if engine == "Publ":
        env, command, variables = publ, publ.cli("reindex", "--quietly"), publ.flask_env(app)
    else:
        env, command, variables = octavo, octavo.cli(app, "reindex", "--quiet"), octavo.env()
    return EngineSpec(
        engine, env.gunicorn, f"{name}:app", site.root / f"{name}.db", command, variables
    )


def reindex(spec: EngineSpec, log: Path) -> float:
    import subprocess

    started = time.perf_counter()
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
    return time.perf_counter() - started


def wait_ready(server: Server, timeout_s: float = 600) -> None:
    """Until `/` answers 200 three times in a row and the workers are idle."""
    deadline = time.monotonic() + timeout_s
    streak = 0
    while streak < 3:
        if not server.alive() or time.monotonic() > deadline:
            raise BenchError(f"{server.spec.name} did not become ready (see {server.log_path})")
        try:
            streak = streak + 1 if fetch(server.port, "/", timeout=60).status == 200 else 0
        except OSError:
            streak = 0
        time.sleep(0.3)
    quiet, last = 0, tree_cpu_s(server.pid)
    while quiet < 2:
        time.sleep(1.0)
        now = tree_cpu_s(server.pid)
        quiet = quiet + 1 if now - last < 0.05 else 0
        last = now


def log_in(server: Server) -> str:
    """A real login through the test provider; the session cookie it sets."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        body = urllib.parse.urlencode({"me": READER})
        conn.request(
            "POST",
            "/_login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        reply = conn.getresponse()
        reply.read()
        cookies = [v for k, v in reply.getheaders() if k.lower() == "set-cookie"]
    finally:
        conn.close()
    session = next((c.split(";")[0] for c in cookies if c.startswith("session=")), None)
    if reply.status not in (302, 303) or session is None:
        raise BenchError(f"{server.spec.name}: login failed ({reply.status}, {cookies})")
    return session


def canonical(server: Server, path: str, cookie: str | None) -> tuple[str, int]:
    """Follow redirects (with the cookie) to the answering page; its path and status."""
    for _ in range(5):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            reply = conn.getresponse()
            reply.read()
            location = reply.getheader("Location")
        finally:
            conn.close()
        if reply.status in (301, 302, 308) and location:
            path = local_path(location, path)
            continue
        return path, reply.status
    return path, 0


def private_entry_id(root: Path) -> int:
    """The Entry-ID of the first private entry that is published (not a draft etc.)."""
    for number, path in enumerate(sorted((root / "content").rglob("*.md"))):
        if number % PRIVATE_EVERY:
            continue
        headers = path.read_text(encoding="utf-8").split("\n\n", 1)[0].lower()
        if "status:" not in headers and "entry-id:" in headers:
            for line in headers.splitlines():
                if line.startswith("entry-id:"):
                    return int(line.split(":", 1)[1])
    raise BenchError("no published private entry in the copy")


def measure(
    server: Server, path: str, cookie: str | None, load: Load, log: Path, expect: int
) -> dict[str, Any]:
    resolved, status = canonical(server, path, cookie)
    if status != expect:
        return {"path": resolved, "status": status, "rps": None}
    url = f"http://127.0.0.1:{server.port}{resolved}"
    headers = {"Cookie": cookie} if cookie else None
    if load.warmup_s:
        run_wrk(url, load, load.warmup_s, log, headers)
    data = run_wrk(url, load, load.duration_s, log, headers)
    return {
        "path": resolved,
        "status": status,
        "rps": round(data["rps"], 1),
        "p50_ms": data["latency_us"]["p50"] / 1000,
        "errors": data["errors"],
    }


def bench_engine(engine: str, sites: list[Site], entry_id: int, args: Any, env: Any) -> dict:
    publ, octavo, load, log_dir = env
    results: dict[str, Any] = {}
    for site in sites:
        spec = engine_spec(engine, site, publ, octavo)
        tag = f"{engine.lower()}-{site.label}"
        results[f"reindex {site.label}"] = round(reindex(spec, log_dir / f"{tag}-reindex.log"), 1)
        server = Server(spec, free_port(), log_dir / f"{tag}-server.log")
        server.start(site.root, args.workers, "sync")
        try:
            wait_ready(server)
            cookie = log_in(server)
            log = log_dir / f"{tag}-wrk.log"
            pages: list[tuple[str, str, str | None, int]] = [
                ("listing", "/", cookie, 200),
                ("listing", "/", None, 200),
            ]
            if site.label == "private":
                pages += [
                    ("private entry", f"/{entry_id}", cookie, 200),
                    ("private entry", f"/{entry_id}", None, 401),
                ]
            for page, path, who, expect in pages:
                key = f"{page} | {site.label} | {'logged in' if who else 'anonymous'}"
                results[key] = measure(server, path, who, load, log, expect)
                print(f"  {engine:6} {key}: {results[key]}", file=sys.stderr)
        finally:
            server.stop()
    return results


def report(results: dict[str, dict[str, Any]], args: Any) -> str:
    publ, octavo = results.get("Publ", {}), results.get("Octavo", {})
    keys = [k for k in octavo or publ if " | " in k]
    lines = [
        f"## Private entries, {args.size} entries ({100 // PRIVATE_EVERY}% private), "
        f"{args.workers} gunicorn workers, wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s",
        "",
        "| page | site | reader | Publ req/s | Octavo req/s | Octavo ÷ Publ |",
        "|---|---|---|---:|---:|---:|",
    ]
    for key in keys:
        page, site, who = key.split(" | ")
        a, b = publ.get(key, {}).get("rps"), octavo.get(key, {}).get("rps")
        ratio = f"{b / a:.1f}x" if a and b else "—"
        lines.append(
            f"| {page} | {site} | {who} | {_cell(publ.get(key))} | "
            f"{_cell(octavo.get(key))} | {ratio} |"
        )
    lines.append("")
    for engine, data in results.items():
        base = data.get("listing | plain | anonymous", {}).get("rps")
        private = data.get("listing | private | anonymous", {}).get("rps")
        if base and private:
            lines.append(
                f"* {engine}: anonymous listing with 10% private entries runs at "
                f"{100 * private / base:.0f}% of its speed on the site without private entries."
            )
    return "\n".join(lines) + "\n"


def _cell(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "—"
    if entry.get("rps") is None:
        return f"HTTP {entry.get('status')}"
    return f"{entry['rps']:.0f}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engines", default="publ,octavo")
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
    log_dir = RESULTS_DIR / f"auth-{stamp}-logs"
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
    (corpus.root / "users.cfg").write_text(f"[friends]\n{READER}\n")
    private = private_copy(corpus)
    sites = [Site("private", private), Site("plain", corpus.root)]
    entry_id = private_entry_id(private)
    results: dict[str, dict[str, Any]] = {}
    engines = [e for e in ("Publ", "Octavo") if e.lower() in args.engines.split(",")]
    for engine in engines:
        results[engine] = bench_engine(engine, sites, entry_id, args, (publ, octavo, load, log_dir))
    text = report(results, args)
    print(text)
    (RESULTS_DIR / f"auth-{stamp}.md").write_text(text)
    (RESULTS_DIR / f"auth-{stamp}.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
