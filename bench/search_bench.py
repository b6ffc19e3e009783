"""Full-text search benchmark: Octavo (SQLite FTS5, PostgreSQL tsvector) vs Publ 0.8.19
with Whoosh (``whoosh-reloaded``, ``search_index`` set), on the same generated site.

Measured (issue 13, "Speed"):

1. **Cost of the search index in a cold reindex.** Octavo: ``octavo reindex --fresh``
   as shipped, and the same command with the search rows switched off (the scanner's
   ``write_search`` replaced by a no-op in the process: same tables, no search rows),
   on SQLite and on PostgreSQL; the difference is what search adds. Publ: ``flask
   publ reindex`` from an empty database with and without ``search_index``.
2. **Queries per second through a search page**, for a one-word, a two-word and a
   phrase query: ``/search?q=…`` rendering ``search(q, count=10, page=1)`` as a list
   of linked titles (the same template for both engines), requested one at a time
   through each app's own WSGI stack (Flask test client, one process) after a
   warm-up. Octavo also with each result's ``entry.snippet`` (Octavo only).
3. **Recall** (Octavo, each backend): for 20 single words, every public listed entry
   whose plain text contains the word (a regex over the files' text) must be found.

    python3 bench/search_bench.py [--size 10000] [--pg-url URL] [--requests 200]

Needs the Publ venv with whoosh-reloaded (``$OCTAVO_PUBL_VENV``, default
bench/.venv-publ; ``pip install whoosh-reloaded`` there) and Octavo's venv.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from corpus import BENCH_DIR, Corpus, ensure_corpus
from measure import RunResult, log_tail, run_measured
from octavo_env import OctavoEnv, find_octavo
from publ_env import PublEnv, ensure_publ_env

RESULTS_DIR = BENCH_DIR / "results"
DRIVER = BENCH_DIR / "search_driver.py"
QUERIES = {"one word": "garden", "two words": "coffee river", "phrase": '"quiet garden"'}
RECALL_WORDS = [
    *("garden", "coffee", "river", "mountain", "window", "library", "bicycle", "harbour"),
    *("lantern", "meadow", "engine", "pixel", "orbit", "signal", "thunder", "velvet"),
    *("quartz", "ember", "willow", "canyon"),
]
SEARCH_PAGE = """\
{%- set results = search(request.args.get('q', ''), count=10, page=1) -%}
<!DOCTYPE html><html><body><ul>
{%- for entry in results %}
<li class="hit"><a href="{{ entry.link() }}">{{ entry.title() }}</a>SNIPPET</li>
{%- endfor %}
</ul></body></html>
"""
NO_SEARCH_ROWS = (
    "import sys, octavo.index.writer as w; w.write_search = lambda *a, **k: None; "
    "from octavo.cli import main; main(sys.argv[1:])"
)


def site_for_search(corpus: Corpus, name: str, snippet: bool) -> Path:
    """The corpus's templates plus the search page, in a folder of their own."""
    folder = corpus.root / name
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(corpus.templates, folder)
    text = SEARCH_PAGE.replace("SNIPPET", "<p>{{ entry.snippet }}</p>" if snippet else "")
    (folder / "search.html").write_text(text)
    return folder


def write_apps(corpus: Corpus, pg_url: str) -> dict[str, Path]:
    """Each engine's app file: (label, file name, engine, database file, settings)."""
    plain = str(site_for_search(corpus, "search-templates", snippet=False))
    snippets = str(site_for_search(corpus, "search-templates-snippets", snippet=True))
    octavo = {"index_scan_on_start": False, "search_index": "unused"}
    specs: list[tuple[str, str, str, str, dict[str, Any]]] = [
        ("octavo-sqlite", "octavo_search_app", "octavo", "octavo-search-index.db", {}),
        (
            "octavo-sqlite-snippets",
            "octavo_search_snippets_app",
            "octavo",
            "octavo-search-index.db",
            {"template_folder": snippets},
        ),
        (
            "octavo-postgresql",
            "octavo_search_pg_app",
            "octavo",
            "unused.db",
            {"database_url": pg_url},
        ),
        (
            "publ",
            "publ_search_app",
            "publ",
            "publ-search-index.db",
            {"search_index": str(corpus.root / "publ-whoosh"), "template_folder": plain},
        ),
        ("publ-nosearch", "publ_nosearch_app", "publ", "publ-nosearch-index.db", {}),
    ]
    apps = {}
    for label, name, module, database, settings in specs:
        if module == "octavo":
            settings = {**octavo, "template_folder": plain, **settings}
        factory = "Octavo" if module == "octavo" else "Publ"
        apps[label] = corpus.write_app(name, module, factory, corpus.root / database, **settings)
    return apps


def clear_publ(corpus: Corpus) -> None:
    """Remove Publ's databases and Whoosh folder (a cold reindex starts from nothing)."""
    for name in ("publ-search-index.db", "publ-nosearch-index.db"):
        for suffix in ("", "-journal", "-wal", "-shm"):
            (corpus.root / (name + suffix)).unlink(missing_ok=True)
    shutil.rmtree(corpus.root / "publ-whoosh", ignore_errors=True)


def cold_reindex(
    octavo: OctavoEnv,
    publ: PublEnv,
    apps: dict[str, Path],
    corpus: Corpus,
    logs: Path,
    repeat: int,
    publ_build: str,
) -> dict[str, list[RunResult]]:
    runs: dict[str, list[RunResult]] = {}

    def measure(label: str, cmd: list[str], env: dict[str, str]) -> None:
        result = run_measured(cmd, env=env, cwd=corpus.root, log_path=logs / f"{label}.log")
        if not result.ok:
            print(f"{label} failed:\n{log_tail(result)}", file=sys.stderr)
        runs.setdefault(label, []).append(result)
        print(f"  {label}: {result.wall_s:.1f}s", file=sys.stderr)

    for round_ in range(repeat):
        for backend in ("sqlite", "postgresql"):
            app = apps[f"octavo-{backend}"]
            args = ["--app", str(app), "reindex", "--fresh", "--quiet"]
            order = [("without", [str(octavo.python), "-c", NO_SEARCH_ROWS, *args])]
            order.append(("with", [str(octavo.executable), *args]))
            # Alternate who goes first; the last round ends "with" (the queries need it).
            for label, cmd in order if (repeat - 1 - round_) % 2 == 0 else reversed(order):
                measure(f"octavo-{backend}-{label}-search", cmd, octavo.env())
    if publ_build == "keep":
        return runs
    if publ_build == "reindex":  # Publ's own path, timed: one Whoosh commit per entry
        clear_publ(corpus)
        measure(
            "publ-without-search",
            publ.cli("reindex", "--quietly"),
            publ.flask_env(apps["publ-nosearch"]),
        )
        measure("publ-with-search", publ.cli("reindex", "--quietly"), publ.flask_env(apps["publ"]))
        return runs
    # fill: the entry database without search (reused when an earlier run built it), then
    # Whoosh filled with Publ's documents through one writer (see publ_whoosh_fill.py).
    nosearch = corpus.root / "publ-nosearch-index.db"
    if not nosearch.exists():
        measure(
            "publ-without-search",
            publ.cli("reindex", "--quietly"),
            publ.flask_env(apps["publ-nosearch"]),
        )
    shutil.rmtree(corpus.root / "publ-whoosh", ignore_errors=True)
    for suffix in ("-journal", "-wal", "-shm"):
        (corpus.root / f"publ-search-index.db{suffix}").unlink(missing_ok=True)
    shutil.copyfile(nosearch, corpus.root / "publ-search-index.db")
    fill = [str(publ.python), str(BENCH_DIR / "publ_whoosh_fill.py"), str(apps["publ"])]
    measure("publ-whoosh-fill", fill, publ.flask_env(apps["publ"]))
    return runs


def drive(python: Path, mode: str, app: Path, *args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    proc = subprocess.run(
        [str(python), str(DRIVER), mode, str(app), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} {app.name} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "OCTAVO_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_search"
        ),
    )
    parser.add_argument("--requests", type=int, default=200, help="per query, Octavo")
    parser.add_argument("--publ-requests", type=int, default=50, help="per query, Publ")
    parser.add_argument("--repeat", type=int, default=2, help="cold reindex rounds (Octavo)")
    parser.add_argument(
        "--publ-build",
        choices=["reindex", "fill", "keep"],
        default="reindex",
        help="reindex: Publ's cold reindex with and without search_index, timed (about "
        "150 ms an entry with Whoosh); fill: its entry database without search (reused if "
        "present), Whoosh filled through one writer (publ_whoosh_fill.py); keep: both as "
        "an earlier run left them",
    )
    args = parser.parse_args()
    publ = ensure_publ_env()
    octavo = find_octavo()
    if octavo is None:
        sys.exit("octavo is not installed in .venv")
    corpus = ensure_corpus(args.size, args.seed, python=publ.python)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    logs = RESULTS_DIR / f"{stamp}-search-logs"
    apps = write_apps(corpus, args.pg_url)

    print("cold reindex…", file=sys.stderr)
    runs = cold_reindex(octavo, publ, apps, corpus, logs, args.repeat, args.publ_build)
    walls = {
        label: (
            statistics.median(r.wall_s for r in results),
            statistics.median(r.cpu_s for r in results),
        )
        for label, results in runs.items()
    }

    print("queries…", file=sys.stderr)
    queries = [arg for q in QUERIES.values() for arg in ("--query", q)]
    served = {
        name: drive(octavo.python, "qps", apps[name], *queries, "--requests", str(args.requests))
        for name in ("octavo-sqlite", "octavo-sqlite-snippets", "octavo-postgresql")
    }
    served["publ"] = drive(
        publ.python, "qps", apps["publ"], *queries, "--requests", str(args.publ_requests)
    )

    print("recall…", file=sys.stderr)
    words = [arg for w in RECALL_WORDS for arg in ("--word", w)]
    recall = {
        name: drive(octavo.python, "recall", apps[name], *words)
        for name in ("octavo-sqlite", "octavo-postgresql")
    }

    report = render(args, corpus, walls, served, recall)
    print(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{stamp}-search.md").write_text(report)
    document = {
        "benchmark": "search",
        "config": vars(args),
        "corpus": str(corpus.root),
        "runs": {k: [r.to_json() for r in v] for k, v in runs.items()},
        "served": served,
        "recall": recall,
    }
    (RESULTS_DIR / f"{stamp}-search.json").write_text(json.dumps(document, indent=1))


def render(
    args: argparse.Namespace,
    corpus: Corpus,
    walls: dict[str, tuple[float, float]],
    served: dict[str, Any],
    recall: dict[str, Any],
) -> str:
    lines = [
        f"# Search benchmark: {corpus.info['entry_files']} entries "
        f"({corpus.visible_entries} visible), seed {args.seed}",
        "",
        "## Cold reindex (medians of the whole command: wall time, and CPU time of the",
        "process tree; PostgreSQL's own CPU is not in it)",
        "",
        "| engine | without search | with search | search adds (wall) | (CPU) |",
        "|---|---|---|---|---|",
    ]
    for engine in ("octavo-sqlite", "octavo-postgresql", "publ"):
        without, with_ = walls.get(f"{engine}-without-search"), walls.get(f"{engine}-with-search")
        if without and with_:
            wall = 100 * (with_[0] / without[0] - 1)
            cpu = 100 * (with_[1] / without[1] - 1)
            lines.append(
                f"| {engine} | {without[0]:.1f} s (CPU {without[1]:.1f} s) | {with_[0]:.1f} s "
                f"(CPU {with_[1]:.1f} s) | {wall:+.0f}% | {cpu:+.0f}% |"
            )
    if "publ-whoosh-fill" in walls:
        lines.append(
            f"\nPubl's Whoosh index filled through one writer (publ_whoosh_fill.py): "
            f"{walls['publ-whoosh-fill'][0]:.1f} s"
        )
    lines += [
        "",
        "## Search page throughput (requests/s, one process, one at a time)",
        "",
        "| query | Publ (Whoosh) | Octavo SQLite | xPubl | Octavo PostgreSQL | xPubl "
        "| Octavo SQLite + snippets | xPubl |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, query in QUERIES.items():
        publ = served["publ"][query]["qps"]
        cells = [f"{label} `{query}`", f"{publ:.1f}"]
        for name in ("octavo-sqlite", "octavo-postgresql", "octavo-sqlite-snippets"):
            value = served[name][query]["qps"]
            cells += [f"{value:.1f}", f"{value / publ:.1f}x"]
        lines.append("| " + " | ".join(cells) + " |")
    counts = {name: [v["results_on_page"] for v in s.values()] for name, s in served.items()}
    lines += ["", f"Results on each page (one, two words, phrase): {counts}", ""]
    lines += ["## Recall (20 single words, public listed entries)", ""]
    for name, words in recall.items():
        expected = sum(v["expected"] for v in words.values())
        missed = sum(v["missed"] for v in words.values())
        extra = sum(v["extra_by_stemming"] for v in words.values())
        lowest = min(v["recall"] for v in words.values())
        lines.append(
            f"- {name}: {expected - missed}/{expected} found (lowest per word "
            f"{lowest:.3f}); {extra} more found through stemming"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
