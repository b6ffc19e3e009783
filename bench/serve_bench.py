"""Page-serving benchmark: Publ 0.8.19 vs Octavo under gunicorn, loaded with wrk.

For each corpus size (default 1,000 and 10,000 entries) both engines index the
same site fully, then each is served by gunicorn (2 sync workers, bound to
127.0.0.1 on a free port, page cache off: the app files carry
``cache={'CACHE_TYPE': 'NullCache'}`` and Octavo has no page cache) and loaded
from a separate wrk process over loopback (2 threads, 8 connections, a short
warm-up, then a bounded run per URL). Measured per page type: requests per
second and p50/p99 latency, on

* an entry page (the manifest's sample entry, after following its redirects to
  the canonical URL of each engine),
* a category index (``/blog/``),
* the home page (page 1 of the archive) and page 50 of the archive (found by
  following each engine's own "older" links from ``/``, so URLs may differ),
* a tag-filtered page (``/?tag=python``),
* the Atom feed (``/feed``).

Every URL is fetched once before measuring: a non-200 answer is reported in the
table instead of a number, with the response body and the server log excerpt
in the JSON and on stderr. Servers are started and stopped by this script (the
whole process group, also on error or Ctrl-C). See README.md for the commands.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from corpus import BENCH_DIR, Corpus, ensure_corpus
from measure import run_measured
from octavo_env import APP_NAME as OCTAVO_APP
from octavo_env import OctavoEnv, find_octavo, write_octavo_app
from publ_env import APP_NAME as PUBL_APP
from publ_env import PublEnv, ensure_publ_env, write_publ_app
from report import result_document

RESULTS_DIR = BENCH_DIR / "results"
PAGE_TYPES = ("entry", "category", "home", "archive", "tag", "feed")
LABELS = {
    "entry": "entry page",
    "category": "category index `/blog/`",
    "home": "home `/` (archive page 1)",
    "archive": "archive page {page}",
    "tag": "tag filter `/?tag=python`",
    "feed": "Atom feed `/feed`",
}
MISSING_PATH = "/__serve_bench_probe__/missing"  # Publ answers 503 here while it scans
WRK_MARKER = "SERVE_BENCH_JSON "
NOISY_SHARE = 0.10  # other processes' share of the machine's CPU that flags a run as noisy
WRK_SCRIPT = """-- written by serve_bench.py: wrk's own summary as one JSON line
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "p50": %d, "p90": %d, "p99": %d, "max": %d, ' ..
    '"mean": %.1f, "stdev": %.1f}}\\n',
    "MARKER", summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, latency.stdev))
end
""".replace("MARKER", WRK_MARKER)


class BenchError(RuntimeError):
    """A server could not be started or made ready; its engine is skipped."""


# ---------------------------------------------------------------- HTTP


@dataclass
class Fetched:
    """One plain HTTP/1.1 answer (redirects are not followed)."""

    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


def fetch(port: int, path: str, timeout: float = 120.0) -> Fetched:
    """GET path from 127.0.0.1:port; connection errors surface as OSError."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "*/*", "User-Agent": "serve_bench"})
        resp = conn.getresponse()
        body = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return Fetched(resp.status, body, headers)
    except http.client.HTTPException as err:  # a garbled answer counts as a failed request
        raise OSError(f"bad HTTP answer: {err!r}") from err
    finally:
        conn.close()


def local_path(url: str, base: str = "/") -> str:
    """Path and query of a (possibly absolute or relative) link, resolved against base."""
    parts = urllib.parse.urlsplit(urllib.parse.urljoin(base, url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


class LinkParser(HTMLParser):
    """Collects the <a rel="next"> link and the first entry link (class u-url) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.older: str | None = None
        self.first_entry: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        a = {k: v or "" for k, v in attrs}
        if self.older is None and "next" in a.get("rel", "").split() and a.get("href"):
            self.older = a["href"]
        if self.first_entry is None and "u-url" in a.get("class", "").split():
            self.first_entry = a.get("href")


def parse_links(body: bytes) -> LinkParser:
    parser = LinkParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    return parser


# ---------------------------------------------------------------- processes


def free_port() -> int:
    """A loopback port that is free right now (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_pids(root: int) -> list[int]:
    """root and all its descendants, via /proc/PID/task/*/children."""
    pids, stack = [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/children") as fh:
                    stack.extend(int(x) for x in fh.read().split())
    return pids


def tree_cpu_s(root: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a tree."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in tree_pids(root):
        with contextlib.suppress(OSError, IndexError, ValueError):
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def tree_rss_mib(root: int) -> float:
    """Summed resident memory of a process tree, in MiB."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in tree_pids(root):
        with contextlib.suppress(OSError, IndexError, ValueError), open(f"/proc/{pid}/statm") as fh:
            total += int(fh.read().split()[1]) * page
    return total / 2**20


@functools.cache
def no_control_socket(gunicorn: Path) -> tuple[str, ...]:
    """gunicorn 27 opens a control socket at one fixed path per user; two masters
    would share it, so turn it off where the option exists."""
    proc = subprocess.run([str(gunicorn), "--help"], capture_output=True, text=True, check=False)
    return ("--no-control-socket",) if "--no-control-socket" in proc.stdout else ()


@dataclass
class EngineSpec:
    """How to index and serve one engine on one corpus."""

    name: str
    gunicorn: Path
    app: str  # module:attribute, relative to the corpus folder
    db_path: Path
    reindex_cmd: list[str]
    reindex_env: dict[str, str]
    fresh: bool = False


@dataclass
class Server:
    """A gunicorn master and its workers in their own process group."""

    spec: EngineSpec
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self, cwd: Path, workers: int, worker_class: str) -> None:
        cwd = cwd.resolve()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("FLASK_", "GUNICORN_")) and k != "VIRTUAL_ENV"
        }
        env["PYTHONUNBUFFERED"] = "1"
        cmd = [
            str(self.spec.gunicorn),
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--chdir",
            str(cwd),
            "--timeout",
            "300",
            "--log-level",
            "info",
            *no_control_socket(self.spec.gunicorn),
            self.spec.app,
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"$ {' '.join(cmd)}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                cmd,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """TERM the whole group (master and workers), KILL it if still there after 15 s."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # workers that outlived their master (should not happen) are still in the group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int, limit: int = 6000) -> str:
        """What the server logged after offset (the tail, if long)."""
        with contextlib.suppress(OSError), open(self.log_path, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", errors="replace")
            return text[-limit:]
        return ""


# ---------------------------------------------------------------- readiness


def wait_ready(
    server: Server, corpus: Corpus, timeout_s: float, scan_timeout_s: float = 120.0
) -> dict[str, Any]:
    """Wait until the server answers the ready probe with the expected count, has
    finished any start-up scan (Publ: no more 503 on a missing page) and is idle.

    Returns timings; raises BenchError if the server dies or never gets there.
    """
    start = time.monotonic()
    deadline = start + timeout_s
    ready_path = corpus.manifest.get("ready_path", "/stats.json")
    expect = re.compile(re.escape(corpus.manifest["ready_expect"]) + r"(?!\d)")
    info: dict[str, Any] = {"ready_path": ready_path, "statuses_seen": {}}

    def check_alive() -> None:
        if not server.alive():
            raise BenchError(f"{server.spec.name} server exited during start-up")
        if time.monotonic() > deadline:
            raise BenchError(f"{server.spec.name} not ready after {timeout_s:.0f} s ({info})")

    def probe(path: str) -> Fetched | None:
        try:
            got = fetch(server.port, path, timeout=60)
        except OSError:
            return None
        seen = info["statuses_seen"].setdefault(path, {})
        seen[str(got.status)] = seen.get(str(got.status), 0) + 1
        return got

    while True:  # 1. the index is there and complete
        check_alive()
        got = probe(ready_path)
        if got and got.status == 200 and expect.search(got.body.decode(errors="replace")):
            break
        time.sleep(0.25)
    info["ready_s"] = time.monotonic() - start
    # 2. no start-up scan in progress in any worker: Publ answers a missing page with
    # 503 while it scans (0.8.19 under Flask 3 turns that 503 into a 500: its handler
    # returns a nested tuple), so wait for a run of non-5xx answers; an engine that
    # always fails there gets a warning after scan_timeout_s and the idle check decides
    streak, scan_deadline = 0, time.monotonic() + scan_timeout_s
    while streak < 8:
        check_alive()
        got = probe(MISSING_PATH)
        streak = streak + 1 if got and got.status < 500 else 0
        if time.monotonic() > scan_deadline:
            info["missing_page_warning"] = f"{MISSING_PATH} still answers 5xx"
            break
        time.sleep(0.1 if streak else 0.5)
    info["missing_page_status"] = got.status if got else None
    info["scan_done_s"] = time.monotonic() - start
    quiet, last = 0, tree_cpu_s(server.pid)
    while quiet < 2:  # 3. the workers are idle: nothing left running in the background
        check_alive()
        time.sleep(1.0)
        now = tree_cpu_s(server.pid)
        quiet = quiet + 1 if now - last < 0.05 else 0
        last = now
    info["idle_s"] = time.monotonic() - start
    return info


# ---------------------------------------------------------------- URLs


@dataclass
class Target:
    """A URL to measure on one engine, with what the pre-check found."""

    page: str
    path: str | None
    status: int | None = None
    bytes: int | None = None
    content_type: str | None = None
    note: str = ""
    error_body: str | None = None
    error_log: str | None = None
    runs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == 200

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def record_failure(server: Server, target: Target, got: Fetched | None, offset: int) -> None:
    """Keep the body and the server's log lines for a page that did not answer 200."""
    time.sleep(0.3)  # let the worker's log line land
    if got is not None:
        target.error_body = got.body.decode("utf-8", errors="replace")[:4000]
    target.error_log = server.log_since(offset)


def check(server: Server, target: Target) -> Target:
    """Fetch the target once: status, size and content type; failures keep evidence."""
    if target.path is None:
        return target
    offset = server.log_size()
    try:
        got = fetch(server.port, target.path)
    except OSError as err:
        target.note = f"request failed: {err}"
        record_failure(server, target, None, offset)
        return target
    target.status, target.bytes = got.status, len(got.body)
    target.content_type = got.headers.get("content-type")
    if got.status != 200:
        if got.location:
            target.note = f"redirects to {got.location}"
        record_failure(server, target, got, offset)
    return target


def resolve_redirects(server: Server, path: str, hops: int = 5) -> Target:
    """Follow path's redirects to the page that answers (the canonical entry URL)."""
    target = Target("entry", path)
    offset = server.log_size()
    chain = [path]
    for _ in range(hops):
        got = fetch(server.port, target.path or path)
        if got.status in (301, 302, 303, 307, 308) and got.location:
            target.path = local_path(got.location, target.path or path)
            chain.append(target.path)
            continue
        if got.status != 200:
            target.status = got.status
            record_failure(server, target, got, offset)
        break
    target.note = " → ".join(chain) if len(chain) > 1 else ""
    return target


def find_archive_page(server: Server, start: str, page: int) -> tuple[Target, list[str]]:
    """Follow the "older" link (<a rel="next">) page-1 times from start."""
    path, trail = start, [start]
    first_entry: str | None = None
    offset = server.log_size()
    for n in range(1, page):
        got = fetch(server.port, path)
        if got.status != 200:
            target = Target("archive", None, status=got.status, note=f"page {n} at {path}")
            record_failure(server, target, got, offset)
            return target, trail
        older = parse_links(got.body).older
        if not older:
            target = Target("archive", None, note=f"page {n} at {path} has no older link")
            return target, trail
        path = local_path(older, path)
        trail.append(path)
    with contextlib.suppress(OSError):
        first_entry = parse_links(fetch(server.port, path).body).first_entry
    return Target("archive", path, note=f"first entry: {first_entry}"), trail


def discover(server: Server, corpus: Corpus, page: int) -> tuple[dict[str, Target], dict[str, Any]]:
    """Every page type's URL on this engine, each checked once."""
    m = corpus.manifest
    try:
        entry = resolve_redirects(server, m["sample_entry"])
    except OSError as err:
        entry = Target("entry", None, note=f"request failed: {err}")
    targets = {
        "entry": entry,
        "category": Target("category", m.get("category", "/blog/")),
        "home": Target("home", m.get("index", "/")),
        "tag": Target("tag", "/?tag=python"),
        "feed": Target("feed", m.get("feed", "/feed")),
    }
    try:
        archive, trail = find_archive_page(server, m.get("index", "/"), page)
    except OSError as err:
        archive, trail = Target("archive", None, note=f"request failed: {err}"), []
    targets["archive"] = archive
    for target in targets.values():
        if target.status is None:
            check(server, target)
    return {p: targets[p] for p in PAGE_TYPES}, {"archive_trail": trail}


# ---------------------------------------------------------------- load


@dataclass(frozen=True)
class Load:
    """wrk's parameters."""

    duration_s: float
    warmup_s: float
    connections: int
    threads: int
    timeout_s: float
    script: Path


@dataclass(frozen=True)
class CpuSnapshot:
    """Machine-wide busy CPU, the server tree's CPU and our waited children's (wrk)."""

    at: float
    busy_s: float
    server_s: float
    children_s: float


def busy_cpu_s() -> float:
    """CPU seconds the whole machine has spent busy (all but idle and iowait)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server_pid: int) -> CpuSnapshot:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuSnapshot(
        time.monotonic(), busy_cpu_s(), tree_cpu_s(server_pid), usage.ru_utime + usage.ru_stime
    )


def cpu_split(a: CpuSnapshot, b: CpuSnapshot) -> dict[str, float]:
    """Where the machine's CPU went during a run: the server, wrk, and everything else
    (other processes on a shared machine: the noise indicator in the report)."""
    capacity = (b.at - a.at) * (os.cpu_count() or 1)
    server, wrk = b.server_s - a.server_s, b.children_s - a.children_s
    other = max(0.0, (b.busy_s - a.busy_s) - server - wrk)
    return {
        "server_cpu_s": round(server, 3),
        "cpu_server_share": round(server / capacity, 3),
        "cpu_wrk_share": round(wrk / capacity, 3),
        "cpu_other_share": round(other / capacity, 3),
    }


def run_wrk(
    url: str,
    load: Load,
    seconds: float,
    log_path: Path,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One bounded wrk run; wrk's summary (requests, latency percentiles in µs)."""
    cmd = [
        "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{seconds:g}s",
        f"--timeout={load.timeout_s:g}s",
        "--latency",
        *[arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")],
        "-s",
        str(load.script),
        url,
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + load.timeout_s + 60, check=False
    )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a") as log:
        log.write(f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}\n")
    line = next((x for x in proc.stdout.splitlines() if x.startswith(WRK_MARKER)), None)
    if proc.returncode != 0 or line is None:
        raise BenchError(f"wrk failed (rc={proc.returncode}): {proc.stderr.strip()[-500:]}")
    data: dict[str, Any] = json.loads(line[len(WRK_MARKER) :])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6) if data["duration_us"] else 0.0
    return data


def measure_target(
    server: Server, target: Target, load: Load, log_dir: Path, tag: str
) -> dict[str, Any]:
    """Warm up, then one measured wrk run on one URL; also the server's RSS after it."""
    url = f"http://127.0.0.1:{server.port}{target.path}"
    log = log_dir / f"{tag}-wrk.log"
    if load.warmup_s > 0:
        run_wrk(url, load, load.warmup_s, log)
    offset = server.log_size()
    before = cpu_snapshot(server.pid)
    data = run_wrk(url, load, load.duration_s, log)
    data.update(cpu_split(before, cpu_snapshot(server.pid)))
    data["server_rss_mib"] = round(tree_rss_mib(server.pid), 1)
    errors = data["errors"]
    if any(errors.values()):
        data["server_log"] = server.log_since(offset, 3000)
    return data


# ---------------------------------------------------------------- engines


def ensure_gunicorn(gunicorn: Path) -> None:
    """pip install gunicorn into the venv that gunicorn should be in, if missing."""
    if gunicorn.exists():
        return
    python = gunicorn.parent / "python"
    print(f"installing gunicorn into {gunicorn.parent.parent}", file=sys.stderr)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "gunicorn"], check=True)


def publ_spec(publ: PublEnv, corpus: Corpus, fresh: bool) -> EngineSpec:
    """Publ on the corpus, its index in publ-index.db beside it."""
    db = corpus.root / "publ-index.db"
    app = write_publ_app(corpus, db)
    return EngineSpec(
        "Publ",
        publ.gunicorn,
        f"{PUBL_APP}:app",
        db,
        publ.cli("reindex", "--quietly"),
        publ.flask_env(app),
        fresh=fresh,
    )


def engine_specs(
    args: argparse.Namespace, publ: PublEnv, octavo: OctavoEnv | None, corpus: Corpus
) -> list[EngineSpec]:
    specs = []
    if "publ" in args.engines:
        specs.append(publ_spec(publ, corpus, fresh=args.fresh_index))
    if "octavo" in args.engines and octavo is not None:
        db = corpus.root / "octavo-index.db"
        app = write_octavo_app(corpus, db)
        fresh = ["--fresh"] if args.fresh_index else []
        specs.append(
            EngineSpec(
                "Octavo",
                octavo.gunicorn,
                f"{OCTAVO_APP}:app",
                db,
                octavo.cli(app, "reindex", "--quiet", *fresh),
                octavo.env(),
                fresh=args.fresh_index,
            )
        )
    return specs


def reindex(spec: EngineSpec, log_dir: Path, n: int) -> dict[str, Any]:
    """Bring the engine's index fully up to date before it serves."""
    if spec.fresh and spec.name == "Publ":
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{spec.db_path}{suffix}").unlink(missing_ok=True)
    run = run_measured(
        spec.reindex_cmd,
        env=spec.reindex_env,
        log_path=log_dir / f"{n}-{spec.name.lower()}-reindex.log",
        timeout_s=1800,
    )
    if not run.ok:
        tail = Path(run.log).read_text(errors="replace")[-2000:]
        raise BenchError(f"{spec.name} reindex failed (rc={run.returncode}):\n{tail}")
    return {"cmd": run.cmd, "wall_s": round(run.wall_s, 2), "log": run.log}


# ---------------------------------------------------------------- one size


@dataclass
class EngineRun:
    """One engine on one corpus: its server, its URLs and what happened."""

    spec: EngineSpec
    server: Server | None = None
    targets: dict[str, Target] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "error": self.error,
            "port": self.server.port if self.server else None,
            "server_log": str(self.server.log_path) if self.server else None,
            **self.info,
            "targets": {p: t.to_json() for p, t in self.targets.items()},
        }


def bench_size(
    corpus: Corpus, specs: list[EngineSpec], args: argparse.Namespace, load: Load, log_dir: Path
) -> dict[str, EngineRun]:
    """Index, serve, check and load every page type on both engines for one corpus."""
    n = int(corpus.manifest["n"])
    runs = {s.name: EngineRun(s) for s in specs}
    try:
        for run in runs.values():
            try:
                run.info["reindex"] = reindex(run.spec, log_dir, n)
                print(f"  [{n}] {run.spec.name}: reindexed", file=sys.stderr, flush=True)
            except BenchError as err:
                run.error = str(err)
        for run in runs.values():  # both servers start together: their start-up scans overlap
            if run.error:
                continue
            run.server = Server(
                run.spec, free_port(), log_dir / f"{n}-{run.spec.name.lower()}-server.log"
            )
            run.server.start(corpus.root, args.workers, args.worker_class)
        for run in runs.values():
            if run.error or run.server is None:
                continue
            try:
                run.info["startup"] = wait_ready(run.server, corpus, args.ready_timeout)
                targets, extra = discover(run.server, corpus, args.page)
                run.targets, run.info = targets, {**run.info, **extra}
            except (BenchError, OSError) as err:
                run.error = f"{err}\n{run.server.log_since(0)[-3000:]}"
            report_checks(n, run)
        live = [r for r in runs.values() if not r.error]
        for i, page in enumerate(args.pages):
            for rep in range(args.repeat):
                order = live if (i + rep) % 2 == 0 else live[::-1]
                for run in order:
                    target = run.targets[page]
                    if not target.ok or run.server is None:
                        continue
                    tag = f"{n}-{run.spec.name.lower()}-{page}"
                    try:
                        data = measure_target(run.server, target, load, log_dir, tag)
                    except (BenchError, subprocess.TimeoutExpired) as err:
                        data = {"error": str(err)}
                    target.runs.append(data)
                    report_run(n, run.spec.name, page, data)
    finally:
        for run in runs.values():
            if run.server is not None:
                run.server.stop()
    return runs


def report_checks(n: int, run: EngineRun) -> None:
    """One stderr line per URL, and the evidence for anything that is not a 200."""
    name = run.spec.name
    if run.error:
        print(f"  ! [{n}] {name}: {run.error}", file=sys.stderr, flush=True)
        return
    startup = run.info.get("startup", {})
    print(
        f"  [{n}] {name}: ready after {startup.get('ready_s', 0):.1f} s, "
        f"scan done {startup.get('scan_done_s', 0):.1f} s, idle {startup.get('idle_s', 0):.1f} s",
        file=sys.stderr,
    )
    for page, t in run.targets.items():
        print(
            f"  [{n}] {name:6} {page:8} {t.status} {t.bytes} B  {t.path}  {t.note}",
            file=sys.stderr,
            flush=True,
        )
        if not t.ok:
            print(
                f"    --- body ---\n{(t.error_body or '')[:1500]}\n"
                f"    --- server log ---\n{(t.error_log or '')[-2500:]}",
                file=sys.stderr,
                flush=True,
            )


def report_run(n: int, name: str, page: str, data: dict[str, Any]) -> None:
    if "error" in data:
        print(f"  ! [{n}] {name} {page}: {data['error']}", file=sys.stderr, flush=True)
        return
    lat = data["latency_us"]
    errors = {k: v for k, v in data["errors"].items() if v}
    print(
        f"  [{n}] {name:6} {page:8} {data['rps']:8.1f} req/s  p50 {lat['p50'] / 1000:7.1f} ms  "
        f"p99 {lat['p99'] / 1000:7.1f} ms  {data['requests']} requests  "
        f"cpu server {data['cpu_server_share']:.0%} wrk {data['cpu_wrk_share']:.0%} "
        f"other {data['cpu_other_share']:.0%}" + (f"  ERRORS {errors}" if errors else ""),
        file=sys.stderr,
        flush=True,
    )


# ---------------------------------------------------------------- summary


def cell(target: Target | None, run: EngineRun | None) -> dict[str, Any]:
    """Medians of a target's runs, or why there is no number."""
    if run is None:
        return {"status": "not run"}
    if run.error:
        return {"status": "server failed"}
    if target is None or (target.path is None and target.status is None):
        return {"status": f"no URL ({target.note if target else 'missing'})"}
    if not target.ok:
        return {"status": f"HTTP {target.status}" if target.status else "no answer"}
    good = [r for r in target.runs if "error" not in r]
    if not good:
        return {"status": "wrk failed" if target.runs else "not measured"}
    errors = sum(sum(r["errors"].values()) for r in good)
    return {
        "status": "ok" if not errors else f"{errors} errors",
        "rps": statistics.median(r["rps"] for r in good),
        "p50_ms": statistics.median(r["latency_us"]["p50"] for r in good) / 1000,
        "p99_ms": statistics.median(r["latency_us"]["p99"] for r in good) / 1000,
        "requests": sum(r["requests"] for r in good),
        "bytes": target.bytes,
        "runs": len(good),
        "cpu_other_share": max(r.get("cpu_other_share", 0.0) for r in good),
        # server CPU per request: what a page costs, much less sensitive to other load
        "cpu_ms_per_request": statistics.median(
            1000 * r["server_cpu_s"] / r["requests"] for r in good if r["requests"]
        )
        if any(r["requests"] for r in good)
        else None,
    }


def summarize(
    results: dict[int, dict[str, EngineRun]], pages: list[str], target_ratio: float
) -> list[dict[str, Any]]:
    rows = []
    for page in pages:
        for n, runs in results.items():
            publ_run, octavo_run = runs.get("Publ"), runs.get("Octavo")
            publ = cell(publ_run.targets.get(page) if publ_run else None, publ_run)
            octavo = cell(octavo_run.targets.get(page) if octavo_run else None, octavo_run)
            ratio = octavo["rps"] / publ["rps"] if publ.get("rps") and octavo.get("rps") else None
            target = "" if ratio is None else ("met" if ratio >= target_ratio else "MISSED")
            cpu_ratio = (
                publ["cpu_ms_per_request"] / octavo["cpu_ms_per_request"]
                if publ.get("cpu_ms_per_request") and octavo.get("cpu_ms_per_request")
                else None
            )
            rows.append(
                {
                    "page": page,
                    "size": n,
                    "publ": publ,
                    "octavo": octavo,
                    "ratio_octavo_over_publ": ratio,
                    "cpu_ratio_publ_over_octavo": cpu_ratio,
                    "target": target,
                }
            )
    return rows


def fmt_rate(c: dict[str, Any]) -> str:
    if "rps" not in c:
        return f"**{c['status']}**"
    flag = "" if c["status"] == "ok" else f" ({c['status']})"
    return f"{c['rps']:.1f}{flag}"


def fmt_ms(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def fmt_lat(c: dict[str, Any]) -> str:
    return f"{fmt_ms(c['p50_ms'])} / {fmt_ms(c['p99_ms'])}" if "p50_ms" in c else "—"


def fmt_bytes(c: dict[str, Any]) -> str:
    return f"{c['bytes']:,}" if c.get("bytes") is not None else "—"


def fmt_cpu(row: dict[str, Any]) -> str:
    publ, octavo = row["publ"].get("cpu_ms_per_request"), row["octavo"].get("cpu_ms_per_request")
    ratio = row["cpu_ratio_publ_over_octavo"]
    text = f"{fmt_ms(publ) if publ else '—'} / {fmt_ms(octavo) if octavo else '—'}"
    return text + (f" ({ratio:.1f}x)" if ratio else "")


def markdown_table(rows: list[dict[str, Any]], page: int, target_ratio: float) -> str:
    lines = [
        f"| page | entries | Publ req/s | Octavo req/s | Octavo ÷ Publ | ≥ {target_ratio:g}x "
        "| Publ p50 / p99 ms | Octavo p50 / p99 ms | server CPU ms/req Publ / Octavo "
        "| bytes Publ / Octavo |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        ratio = row["ratio_octavo_over_publ"]
        lines.append(
            f"| {LABELS[row['page']].format(page=page)} | {row['size']:,} "
            f"| {fmt_rate(row['publ'])} | {fmt_rate(row['octavo'])} "
            f"| {f'{ratio:.1f}x' if ratio else '—'} | {row['target']} "
            f"| {fmt_lat(row['publ'])} | {fmt_lat(row['octavo'])} "
            f"| {fmt_cpu(row)} | {fmt_bytes(row['publ'])} / {fmt_bytes(row['octavo'])} |"
        )
    return "\n".join(lines)


def scaling_table(rows: list[dict[str, Any]], page: int, tolerance: float) -> tuple[str, list]:
    """Does a page's latency grow with the page number (page N vs 1) or the site size?

    Judged on p50; the server CPU per request is shown beside it because on a busy
    machine p50 also moves with other processes' load, CPU per request much less so.
    """
    by = {(r["page"], r["size"]): r for r in rows}
    sizes = sorted({r["size"] for r in rows})
    checks: list[dict[str, Any]] = []

    def add(what: str, engine: str, a: dict[str, Any] | None, b: dict[str, Any] | None) -> None:
        if not a or not b or "p50_ms" not in a or "p50_ms" not in b:
            return
        growth = b["p50_ms"] / a["p50_ms"]
        cpu_a, cpu_b = a.get("cpu_ms_per_request"), b.get("cpu_ms_per_request")
        cpu_growth = cpu_b / cpu_a if cpu_a and cpu_b else None
        verdict = "flat" if growth <= tolerance else "GROWS"
        if verdict == "GROWS" and cpu_growth is not None and cpu_growth <= tolerance:
            verdict = "GROWS (p50 only: CPU/req flat, noise?)"
        checks.append(
            {
                "what": what,
                "engine": engine,
                "from_ms": a["p50_ms"],
                "to_ms": b["p50_ms"],
                "growth": growth,
                "cpu_from_ms": cpu_a,
                "cpu_to_ms": cpu_b,
                "cpu_growth": cpu_growth,
                "verdict": verdict,
            }
        )

    for engine in ("octavo", "publ"):
        label = "Octavo" if engine == "octavo" else "Publ"
        for n in sizes:
            home, archive = by.get(("home", n)), by.get(("archive", n))
            add(
                f"page {page} vs page 1 at {n:,}",
                label,
                home and home[engine],
                archive and archive[engine],
            )
        if len(sizes) > 1:
            lo, hi = sizes[0], sizes[-1]
            for p in PAGE_TYPES:
                a, b = by.get((p, lo)), by.get((p, hi))
                add(
                    f"{LABELS[p].format(page=page)}: {hi:,} vs {lo:,} entries",
                    label,
                    a and a[engine],
                    b and b[engine],
                )
    if not checks:
        return "(needs the home and archive pages, or two sizes)", checks
    lines = [
        "| comparison | engine | p50 ms from → to | p50 growth "
        f"| server CPU ms/req from → to | CPU growth | flat (p50 ≤ {tolerance:g}x) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for c in checks:
        cpu = (
            f"{fmt_ms(c['cpu_from_ms'])} → {fmt_ms(c['cpu_to_ms'])}"
            if c["cpu_growth"] is not None
            else "—"
        )
        cpu_growth = f"{c['cpu_growth']:.2f}x" if c["cpu_growth"] is not None else "—"
        lines.append(
            f"| {c['what']} | {c['engine']} | {fmt_ms(c['from_ms'])} → {fmt_ms(c['to_ms'])} "
            f"| {c['growth']:.2f}x | {cpu} | {cpu_growth} | {c['verdict']} |"
        )
    return "\n".join(lines), checks


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--pages", nargs="+", choices=PAGE_TYPES, default=list(PAGE_TYPES))
    ap.add_argument("--page", type=int, default=50, help="archive page to measure (default 50)")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per URL")
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--wrk-timeout", type=float, default=30.0, help="wrk's per-request timeout")
    ap.add_argument("--repeat", type=int, default=1, help="measured runs per URL (medians)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers per engine")
    ap.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    ap.add_argument("--target", type=float, default=5.0, help="required Octavo ÷ Publ rate")
    ap.add_argument(
        "--flat-tolerance",
        type=float,
        default=1.5,
        help="p50 growth still counted as flat (page N vs 1, largest vs smallest size)",
    )
    ap.add_argument("--ready-timeout", type=float, default=600.0)
    ap.add_argument(
        "--fresh-index",
        action="store_true",
        help="rebuild both indexes from scratch first (default: incremental reindex)",
    )
    ap.add_argument("--seed", type=int, default=1, help="corpus seed")
    ap.add_argument("--engines", nargs="+", choices=["publ", "octavo"], default=["publ", "octavo"])
    ap.add_argument("--corpus-gen", help="gen_corpus.py (default ../shared/bench/gen_corpus.py)")
    ap.add_argument("--publ-venv", type=Path, help="Publ virtualenv (default bench/.venv-publ)")
    ap.add_argument("--octavo-bin", help="octavo executable (default .venv/bin/octavo)")
    ap.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    return ap.parse_args(argv)


def environment(publ: PublEnv, octavo: OctavoEnv | None) -> dict[str, Any]:
    """What the numbers were measured on."""

    def version(cmd: list[str]) -> str | None:
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        except OSError:
            return None
        return (
            (proc.stdout or proc.stderr).strip().splitlines()[0] if proc.returncode == 0 else None
        )

    return {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
        "publ": {
            "version": publ.version("publ"),
            "venv": str(publ.venv),
            "gunicorn": publ.version("gunicorn"),
        },
        "octavo": {
            "version": octavo.version(),
            "executable": str(octavo.executable),
            "gunicorn": version([str(octavo.gunicorn), "--version"]),
        }
        if octavo
        else None,
        "wrk": version(["wrk", "--version"]) or "wrk (version unknown)",
    }


def headline(measured_on: dict[str, Any], args: argparse.Namespace) -> str:
    octavo = measured_on["octavo"]
    return (
        f"Serving: Publ {measured_on['publ']['version']} vs "
        f"Octavo {octavo['version'] if octavo else '(not run)'} on "
        f"{measured_on['machine']['cpus']} CPUs; gunicorn {args.workers} {args.worker_class} "
        f"workers each, page cache off; wrk -t{args.threads} -c{args.connections}, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s per URL"
        + (f", median of {args.repeat}" if args.repeat > 1 else "")
        + "; ratio = Octavo req/s ÷ Publ req/s"
    )


def _sigterm(_signo: int, _frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through bench_size's finally: servers are stopped


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("! wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _sigterm)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_dir = args.results_dir / f"serve-{stamp}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    script = log_dir / "summary.lua"
    script.write_text(WRK_SCRIPT)
    load = Load(
        args.duration, args.warmup, args.connections, args.threads, args.wrk_timeout, script
    )
    publ = ensure_publ_env(args.publ_venv)
    ensure_gunicorn(publ.gunicorn)
    octavo = find_octavo(args.octavo_bin) if "octavo" in args.engines else None
    if "octavo" in args.engines and octavo is None:
        print("! octavo CLI not found: running Publ only", file=sys.stderr)
    if octavo is not None:
        ensure_gunicorn(octavo.gunicorn)
    started = dt.datetime.now().isoformat(timespec="seconds")
    measured_on = environment(publ, octavo)
    print(headline(measured_on, args), file=sys.stderr)
    results: dict[int, dict[str, EngineRun]] = {}
    corpora: dict[str, Any] = {}
    for n in args.sizes:
        corpus = ensure_corpus(n, args.seed, python=publ.python, generator=args.corpus_gen)
        corpora[str(n)] = {"root": str(corpus.root), "visible_entries": corpus.visible_entries}
        print(f"corpus {corpus.root} ({corpus.visible_entries} visible)", file=sys.stderr)
        specs = engine_specs(args, publ, octavo, corpus)
        results[n] = bench_size(corpus, specs, args, load, log_dir)
    rows = summarize(results, args.pages, args.target)
    table = markdown_table(rows, args.page, args.target)
    scaling, scaling_checks = scaling_table(rows, args.page, args.flat_tolerance)
    failures = [
        f"{r['size']} {engine} {r['page']}: {r[engine.lower()]['status']}"
        for r in rows
        for engine in ("Publ", "Octavo")
        if r[engine.lower()]["status"] not in ("ok", "not run")
    ]
    doc = result_document(
        "serve",
        started,
        measured_on,
        args,
        corpora,
        rows,
        latency_scaling=scaling_checks,
        failures=failures,
        engines={
            str(n): {name: run.to_json() for name, run in runs.items()}
            for n, runs in results.items()
        },
    )
    args.results_dir.mkdir(parents=True, exist_ok=True)
    out = args.results_dir / f"serve-{stamp}.json"
    out.write_text(json.dumps(doc, indent=1, default=str))
    text = f"{headline(measured_on, args)}\n\n{table}\n\nLatency scaling (p50)\n\n{scaling}\n"
    noisy = [
        f"{r['size']} {engine} {r['page']} ({r[engine.lower()]['cpu_other_share']:.0%})"
        for r in rows
        for engine in ("Publ", "Octavo")
        if r[engine.lower()].get("cpu_other_share", 0.0) > NOISY_SHARE
    ]
    if noisy:
        text += (
            f"\nNoisy runs (other processes used > {NOISY_SHARE:.0%} of the machine's CPU): "
            + "; ".join(noisy)
            + "\n"
        )
    if failures:
        text += "\nFailed pages: " + "; ".join(failures) + "\n"
    (args.results_dir / f"serve-{stamp}.md").write_text(text)
    print(text)
    print(f"\nresults: {out}\nlogs: {log_dir}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers stopped, no results written", file=sys.stderr)
        sys.exit(130)
