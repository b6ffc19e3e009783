"""Indexing benchmark: Publ 0.8.19 vs Octavo on the same generated site, same run.

Measured per corpus size (default 1,000 and 10,000 entries):

* cold full index: empty database, then `flask publ reindex` (Publ) and
  `octavo --app APP reindex --fresh` (Octavo): wall time, CPU time, peak RSS;
* re-scan with nothing changed, and re-scan after N entry files (default 10)
  had their body text edited: `flask publ reindex` vs `octavo --app APP reindex`.

Both engines read the same content folder; the content tree is hashed before
and after every cold run so an engine that rewrites files is caught (the
generated entries carry Entry-ID and UUID so Publ should not). Edited files
are restored afterwards, so the corpus stays reusable.

Runs of the two engines are interleaved (and the order alternates) so that a
noisy 2-core machine disturbs both alike; the report gives medians and the
Publ/Octavo ratio. See README.md for the exact commands.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus import BENCH_DIR, Corpus, ensure_corpus, tree_digest
from measure import RunResult, log_tail, run_measured
from octavo_env import OctavoEnv, find_octavo, write_octavo_app
from publ_env import PublEnv, ensure_publ_env, write_publ_app
from report import result_document

RESULTS_DIR = BENCH_DIR / "results"
PUBL_VISIBLE_STATUSES = (2, 3)  # Publ's PublishStatus PUBLISHED and SCHEDULED (past dates)
ERROR_MARKERS = ("Traceback", "ERROR", "Got error", "Exception")


# ---------------------------------------------------------------- engines


@dataclass(frozen=True)
class Counts:
    """Entries an engine indexed, all and visible; None where it can't be read."""

    total: int | None = None
    visible: int | None = None


@dataclass
class Engine:
    """One engine's commands and its way of checking what it indexed."""

    name: str
    db_path: Path
    cold_cmd: list[str]
    rescan_cmd: list[str]
    import_cmd: list[str]  # start-up floor: the interpreter importing the engine's CLI code
    env: dict[str, str]
    count_entries: Callable[[Path], Counts]
    # (db, content folder, edited files) -> did the index take in the edits? None: can't tell
    check_rescanned: Callable[[Path, Path, list[Path]], bool | None]
    broken: bool = False  # cold index failed: later re-scans would be meaningless


def sqlite_query(db: Path, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    """Read-only query, so checking an index can never alter it."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, tuple(params)).fetchall()


def table_names(db: Path) -> set[str]:
    rows = sqlite_query(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0] for r in rows}


def count_rows(db: Path, table: str, where: str = "") -> int:
    return int(sqlite_query(db, f'SELECT COUNT(*) FROM "{table}" {where}')[0][0])


VISIBLE_SQL = f"WHERE status IN {PUBL_VISIBLE_STATUSES}"


def publ_counts(db: Path) -> Counts:
    if not db.exists():
        return Counts()
    return Counts(count_rows(db, "Entry"), count_rows(db, "Entry", VISIBLE_SQL))


def publ_rescanned(db: Path, _content: Path, files: list[Path]) -> bool:
    """Publ re-fingerprints every file it re-indexes; the stored mtime must be current."""
    for path in files:
        rows = sqlite_query(
            db, "SELECT file_mtime FROM FileFingerprint WHERE file_path = ?", [str(path)]
        )
        if not rows or abs(float(rows[0][0]) - path.stat().st_mtime) > 1e-3:
            return False
    return True


def octavo_live_prefix(db: Path) -> str | None:
    """Octavo keeps generations of tables (o<schema>g<N>_*); octavo_meta names the
    live one. Read loosely: a schema change should make checks 'unverified', not fail."""
    tables = table_names(db) if db.exists() else set()
    if "octavo_meta" not in tables:
        return None
    values = [str(r[0]) for r in sqlite_query(db, "SELECT value FROM octavo_meta")]
    live = [v for v in values if f"{v}entries" in tables]
    return live[0] if len(live) == 1 else None


def octavo_counts(db: Path) -> Counts:
    prefix = octavo_live_prefix(db)
    if prefix is None:
        return Counts()
    table = f"{prefix}entries"
    # Octavo's status integers are Publ's, so the same visibility rule applies
    return Counts(count_rows(db, table), count_rows(db, table, VISIBLE_SQL))


def octavo_rescanned(db: Path, content: Path, files: list[Path]) -> bool | None:
    """Octavo records size and mtime_ns of each file it indexed (path relative to
    the content folder); after a re-scan they must match the edited files."""
    prefix = octavo_live_prefix(db)
    if prefix is None:
        return None
    sql = f'SELECT size, mtime_ns FROM "{prefix}files" WHERE path = ?'
    try:
        for path in files:
            rows = sqlite_query(db, sql, [path.relative_to(content).as_posix()])
            stat = path.stat()
            if not rows or tuple(rows[0]) != (stat.st_size, stat.st_mtime_ns):
                return False
    except sqlite3.OperationalError:  # columns renamed: can't tell
        return None
    return True


def publ_engine(env: PublEnv, corpus: Corpus) -> Engine:
    db = corpus.root / "publ-index.db"
    app = write_publ_app(corpus, db)
    # cold = no database file at all (removed before each run), so plain reindex
    return Engine(
        name="Publ",
        db_path=db,
        cold_cmd=env.cli("reindex", "--quietly"),
        rescan_cmd=env.cli("reindex", "--quietly"),
        import_cmd=[str(env.python), "-c", "import publ.cli"],
        env=env.flask_env(app),
        count_entries=publ_counts,
        check_rescanned=publ_rescanned,
    )


def octavo_engine(env: OctavoEnv, corpus: Corpus) -> Engine:
    db = corpus.root / "octavo-index.db"
    app = write_octavo_app(corpus, db)
    return Engine(
        name="Octavo",
        db_path=db,
        cold_cmd=env.cli(app, "reindex", "--fresh"),
        rescan_cmd=env.cli(app, "reindex"),
        import_cmd=[str(env.python), "-c", "import octavo.cli"],
        env=env.env(),
        count_entries=octavo_counts,
        check_rescanned=octavo_rescanned,
    )


# ---------------------------------------------------------------- one run


@dataclass
class Sample:
    """A measured run plus what we verified about it."""

    phase: str
    run: RunResult
    checks: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.run.ok and all(v is not False for v in self.checks.values())

    def to_json(self) -> dict[str, Any]:
        return {"phase": self.phase, "ok": self.ok, "checks": self.checks, **self.run.to_json()}


def remove_db(db: Path) -> None:
    """Delete an sqlite database with its journal files: a truly empty start."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def log_errors(run: RunResult) -> int:
    """Lines in the run's output that look like errors (Publ logs and carries on)."""
    text = Path(run.log).read_text(errors="replace")
    return sum(1 for line in text.splitlines() if any(m in line for m in ERROR_MARKERS))


def measure(engine: Engine, phase: str, cmd: list[str], log_dir: Path, n: int) -> Sample:
    tag = f"{n}-{engine.name.lower()}-{phase}"
    index = len(list(log_dir.glob(f"{tag}-*.log")))
    run = run_measured(cmd, env=engine.env, log_path=log_dir / f"{tag}-{index}.log")
    sample = Sample(phase, run, {"log_error_lines": log_errors(run)})
    if not run.ok:
        sample.checks["exit_ok"] = False
        print(
            f"  ! {engine.name} {phase} failed (rc={run.returncode}):\n{log_tail(run)}",
            file=sys.stderr,
        )
    return sample


def report(n: int, engine: Engine, sample: Sample) -> None:
    run = sample.run
    checks = ", ".join(f"{k}={v}" for k, v in sample.checks.items())
    print(
        f"  [{n}] {engine.name:6} {sample.phase:15} {run.wall_s:7.2f} s  "
        f"cpu {run.cpu_s:6.2f} s  peak {run.peak_rss_kib / 1024:6.1f} MiB  {checks}",
        file=sys.stderr,
        flush=True,
    )


# ---------------------------------------------------------------- phases


def expect(found: int | None, wanted: int, ran_ok: bool) -> bool | None:
    """True/False when the number could be read; None (unverified) when it couldn't."""
    if found is None:
        return None if ran_ok else False
    return found == wanted


def cold_index(engine: Engine, corpus: Corpus, expected: int, log_dir: Path, n: int) -> Sample:
    remove_db(engine.db_path)
    sample = measure(engine, "cold", engine.cold_cmd, log_dir, n)
    counts = engine.count_entries(engine.db_path) if sample.run.ok else Counts()
    sample.checks["entries"] = counts.total
    sample.checks["entries_ok"] = expect(counts.total, expected, sample.run.ok)
    sample.checks["visible"] = counts.visible
    sample.checks["visible_ok"] = expect(counts.visible, corpus.visible_entries, sample.run.ok)
    sample.checks["content_unchanged"] = tree_digest(corpus.content) == corpus.pristine_digest
    engine.broken = not sample.ok
    report(n, engine, sample)
    return sample


def rescan(
    engine: Engine, corpus: Corpus, phase: str, changed: list[Path], log_dir: Path, n: int
) -> Sample:
    sample = measure(engine, phase, engine.rescan_cmd, log_dir, n)
    if sample.run.ok and changed:
        sample.checks["rescanned_ok"] = engine.check_rescanned(
            engine.db_path, corpus.content, changed
        )
    report(n, engine, sample)
    return sample


def edit_entries(files: list[Path], round_no: int, originals: dict[Path, bytes]) -> None:
    """Change body text only (append a paragraph): headers stay valid, size and
    mtime change, so any change detector must notice."""
    for i, path in enumerate(files):
        data = path.read_bytes()
        originals.setdefault(path, data)
        path.write_bytes(data + f"\nBench edit {round_no}.{i}: the body changed.\n".encode())


def restore(originals: dict[Path, bytes]) -> None:
    for path, data in originals.items():
        path.write_bytes(data)


def interleave(engines: list[Engine], round_no: int) -> list[Engine]:
    """Alternate which engine goes first so neither always runs on a warmer machine."""
    live = [e for e in engines if not e.broken]
    return live if round_no % 2 == 0 else live[::-1]


def bench_size(
    corpus: Corpus, engines: list[Engine], args: argparse.Namespace, log_dir: Path
) -> dict[str, list[Sample]]:
    """All phases for one corpus; returns samples keyed by engine name."""
    n = int(corpus.manifest["n"])
    files = corpus.entry_files()
    samples: dict[str, list[Sample]] = {e.name: [] for e in engines}
    repeat = args.repeat or (3 if n < 5000 else 2)
    for r in range(args.rescan_repeat):
        for engine in interleave(engines, r):
            sample = measure(engine, "import", engine.import_cmd, log_dir, n)
            report(n, engine, sample)
            samples[engine.name].append(sample)
    for r in range(repeat):
        for engine in interleave(engines, r):
            samples[engine.name].append(cold_index(engine, corpus, len(files), log_dir, n))
    for r in range(args.rescan_repeat):
        for engine in interleave(engines, r):
            samples[engine.name].append(rescan(engine, corpus, "rescan_none", [], log_dir, n))
    picks = random.Random(args.seed).sample(files, args.changed * args.rescan_repeat)
    originals: dict[Path, bytes] = {}
    try:
        for r in range(args.rescan_repeat):
            batch = picks[r * args.changed : (r + 1) * args.changed]
            edit_entries(batch, r, originals)
            for engine in interleave(engines, r):
                sample = rescan(engine, corpus, "rescan_changed", batch, log_dir, n)
                samples[engine.name].append(sample)
    finally:
        restore(originals)
    return samples


# ---------------------------------------------------------------- summary


@dataclass(frozen=True)
class Measure:
    """A row of the report: which phase, which number, and the target if any."""

    key: str
    label: str
    phase: str
    value: Callable[[RunResult], float]
    unit: str
    target: Callable[[int, float | None, float | None], str] | None = None


def speed_target(n: int, publ: float | None, octavo: float | None) -> str:
    if n < 10_000 or not publ or not octavo:
        return ""
    return f"≥ 20x: {'met' if publ / octavo >= 20 else 'MISSED'}"


def memory_target(_n: int, publ: float | None, octavo: float | None) -> str:
    if not publ or not octavo:
        return ""
    return f"Octavo ≤ Publ: {'met' if octavo <= publ else 'MISSED'}"


def rescan_target(n: int, _publ: float | None, octavo: float | None) -> str:
    if n < 10_000 or octavo is None:
        return ""
    return f"Octavo < 0.5 s: {'met' if octavo < 0.5 else 'MISSED'}"


MEASURES = [
    Measure("cold_wall", "cold index, wall", "cold", lambda r: r.wall_s, "s", speed_target),
    Measure("cold_cpu", "cold index, CPU user+sys", "cold", lambda r: r.cpu_s, "s"),
    Measure(
        "cold_rss",
        "cold index, peak RSS",
        "cold",
        lambda r: r.peak_rss_kib / 1024,
        "MiB",
        memory_target,
    ),
    Measure(
        "import_wall", "start-up floor: import the CLI code", "import", lambda r: r.wall_s, "s"
    ),
    Measure("rescan_none_wall", "re-scan, nothing changed", "rescan_none", lambda r: r.wall_s, "s"),
    Measure(
        "rescan_changed_wall",
        "re-scan, {changed} files changed",
        "rescan_changed",
        lambda r: r.wall_s,
        "s",
        rescan_target,
    ),
    Measure(
        "rescan_changed_rss",
        "re-scan, {changed} changed, peak RSS",
        "rescan_changed",
        lambda r: r.peak_rss_kib / 1024,
        "MiB",
        memory_target,
    ),
]


def median_of(samples: list[Sample], m: Measure) -> tuple[float | None, int]:
    """Median over the phase's successful runs, and how many there were."""
    values = [m.value(s.run) for s in samples if s.phase == m.phase and s.ok]
    return (statistics.median(values) if values else None), len(values)


def summarize(results: dict[int, dict[str, list[Sample]]], changed: int) -> list[dict[str, Any]]:
    rows = []
    for n, by_engine in results.items():
        for m in MEASURES:
            publ, publ_n = median_of(by_engine.get("Publ", []), m)
            octavo, octavo_n = median_of(by_engine.get("Octavo", []), m)
            ratio = publ / octavo if publ and octavo else None
            rows.append(
                {
                    "size": n,
                    "measure": m.key,
                    "label": m.label.format(changed=changed),
                    "unit": m.unit,
                    "publ": publ,
                    "octavo": octavo,
                    "ratio_publ_over_octavo": ratio,
                    "runs": {"publ": publ_n, "octavo": octavo_n},
                    "target": m.target(n, publ, octavo) if m.target else "",
                }
            )
    return rows


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.0f} {unit}" if unit == "MiB" else f"{value:.3g} {unit}"


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| entries | measure | Publ | Octavo | Publ ÷ Octavo | target |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for row in rows:
        ratio = row["ratio_publ_over_octavo"]
        lines.append(
            f"| {row['size']:,} | {row['label']} | {fmt(row['publ'], row['unit'])} "
            f"| {fmt(row['octavo'], row['unit'])} | {f'{ratio:.2f}x' if ratio else '—'} "
            f"| {row['target']} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument(
        "--repeat",
        type=int,
        help="cold-index runs per engine and size (default 3 below 5k entries, else 2)",
    )
    ap.add_argument(
        "--rescan-repeat",
        type=int,
        default=3,
        help="re-scan runs per engine and size, each kind (default 3)",
    )
    ap.add_argument("--changed", type=int, default=10, help="entry files edited per re-scan")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (and file picks)")
    ap.add_argument("--engines", nargs="+", choices=["publ", "octavo"], default=["publ", "octavo"])
    ap.add_argument(
        "--corpus-gen",
        help="gen_corpus.py (default ../shared/bench/gen_corpus.py "
        "from the repo root, or $OCTAVO_CORPUS_GEN)",
    )
    ap.add_argument("--publ-venv", type=Path, help="Publ virtualenv (default bench/.venv-publ)")
    ap.add_argument("--octavo-bin", help="octavo executable (default .venv/bin/octavo)")
    ap.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    return ap.parse_args(argv)


def setup_engines(
    args: argparse.Namespace, publ: PublEnv, octavo: OctavoEnv | None, corpus: Corpus
) -> list[Engine]:
    engines = []
    if "publ" in args.engines:
        engines.append(publ_engine(publ, corpus))
    if "octavo" in args.engines and octavo is not None:
        engines.append(octavo_engine(octavo, corpus))
    return engines


def environment(publ: PublEnv, octavo: OctavoEnv | None) -> dict[str, Any]:
    """What the numbers were measured on, for comparing result files later."""
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
        "publ": {"version": publ.version("publ"), "venv": str(publ.venv)},
        "octavo": {"version": octavo.version(), "executable": str(octavo.executable)}
        if octavo
        else None,
    }


def headline(measured_on: dict[str, Any], args: argparse.Namespace) -> str:
    """One line saying what was compared, how, and how often."""
    octavo = measured_on["octavo"]
    cold = f"{args.repeat}" if args.repeat else "3 below 5k entries, 2 above"
    return (
        f"Indexing: Publ {measured_on['publ']['version']} vs "
        f"Octavo {octavo['version'] if octavo else '(not run)'} on "
        f"{measured_on['machine']['cpus']} CPUs; medians of cold runs: {cold}, "
        f"re-scans: {args.rescan_repeat} each; ratio = Publ ÷ Octavo"
    )


def corpus_summary(corpus: Corpus) -> dict[str, Any]:
    return {"root": str(corpus.root), "visible_entries": corpus.visible_entries, **corpus.info}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_dir = args.results_dir / f"{stamp}-logs"
    publ = ensure_publ_env(args.publ_venv)
    octavo = find_octavo(args.octavo_bin) if "octavo" in args.engines else None
    if "octavo" in args.engines and octavo is None:
        print(
            "! octavo CLI not found (.venv/bin/octavo, $OCTAVO_BIN or --octavo-bin): "
            "running Publ only",
            file=sys.stderr,
        )
    started = dt.datetime.now().isoformat(timespec="seconds")
    measured_on = environment(publ, octavo)  # before the long runs: fail early
    print(headline(measured_on, args), file=sys.stderr)
    results: dict[int, dict[str, list[Sample]]] = {}
    corpora = {}
    for n in args.sizes:
        corpus = ensure_corpus(n, args.seed, python=publ.python, generator=args.corpus_gen)
        corpora[n] = corpus_summary(corpus)
        print(f"corpus {corpus.root} ({corpus.info['entry_files']} entry files)", file=sys.stderr)
        results[n] = bench_size(corpus, setup_engines(args, publ, octavo, corpus), args, log_dir)
    rows = summarize(results, args.changed)
    table = markdown_table(rows)
    failures = [
        f"{n} {name} {s.phase}"
        for n, by in results.items()
        for name, ss in by.items()
        for s in ss
        if not s.ok
    ]
    doc = result_document(
        "index",
        started,
        measured_on,
        args,
        corpora,
        rows,
        failures=failures,
        samples={
            str(n): {name: [s.to_json() for s in ss] for name, ss in by.items()}
            for n, by in results.items()
        },
    )
    args.results_dir.mkdir(parents=True, exist_ok=True)
    out = args.results_dir / f"{stamp}.json"
    out.write_text(json.dumps(doc, indent=1))
    text = f"{headline(measured_on, args)}\n\n{table}\n"
    (args.results_dir / f"{stamp}.md").write_text(text)
    print(text)
    print(f"\nresults: {out}", file=sys.stderr)
    if failures:
        print("! failed or unverified runs: " + "; ".join(failures), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
