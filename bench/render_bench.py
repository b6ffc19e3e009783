"""Markdown rendering benchmark: Octavo's markup layer vs Publ 0.8.19, per entry.

For every entry of a generated corpus, both engines render the body and the
more from the same files in the same run:

* **Publ** (in its own venv, a subprocess): after indexing the corpus into a
  scratch SQLite file (not timed), each entry is loaded in a fresh request
  context and ``str(entry.body)`` + ``str(entry.more)`` is timed. That is
  Publ's cold render: the file is read and parsed, then Misaka/Hoedown,
  SmartyPants and the HTML rewriting pass run.
* **Octavo cold**: read + parse the file, then ``EntryMarkup.body()`` +
  ``.more()`` with an empty render memo.
* **Octavo memoised**: the same again with the memo warm (new objects, as on
  a later request): what a repeat render costs, file read and parse included.

Octavo's side uses a dictionary-backed link resolver and a minimal image
finder (no rendition planning): the corpus has few images, and renditions are
the images layer's own benchmark. Rounds alternate which engine runs first.

    .venv/bin/python bench/render_bench.py                # 1,000 entries, 3 rounds
    .venv/bin/python bench/render_bench.py --size 10000 --rounds 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from corpus import BENCH_DIR, REPO_ROOT, ensure_corpus
from publ_env import ensure_publ_env

sys.path.insert(0, str(REPO_ROOT / "src"))

from octavo.common.protocols import Image, ImageNotFound
from octavo.common.tags import make_tag
from octavo.content.entry import split_payload
from octavo.content.message import parse_message
from octavo.markup import EntryContext, EntryMarkup, EntrySource, RenderCache

TARGET_COLD = 3.0  # Octavo cold ≤ 3x Publ's time per entry
TARGET_MEMO = 10.0  # memoised ≥ 10x faster than Publ cold

PUBL_SCRIPT = r"""
import json, sys, tempfile, time, os
import publ, publ.index, publ.model, publ.entry
from pony import orm

content, out = sys.argv[1], sys.argv[2]
scratch = tempfile.mkdtemp(prefix="render-bench-publ-")
app = publ.Publ("render_bench", {
    "content_folder": content,
    "template_folder": os.path.join(scratch, "templates"),
    "static_folder": os.path.join(scratch, "static"),
    "database_config": {"provider": "sqlite", "filename": os.path.join(scratch, "index.db")},
    "index_enable_watchdog": False, "index_rescan_interval": 0,
    "cache": {"CACHE_TYPE": "NullCache"},
})
with app.app_context():
    publ.index.scan_index(content, False)
    while publ.index.in_progress():
        time.sleep(0.05)
times = {}
with orm.db_session:
    ids = [e.id for e in publ.model.Entry.select()]
for entry_id in sorted(ids):
    with app.test_request_context("/"), orm.db_session:
        entry = publ.entry.Entry.load(publ.model.Entry.get(id=entry_id))
        path = os.path.relpath(entry.file_path, content)
        start = time.perf_counter()
        str(entry.body)
        str(entry.more)
        times[path] = time.perf_counter() - start
json.dump(times, open(out, "w"))
"""


class BenchLinks:
    """Entry IDs and entry paths to fixed permalinks; everything else as written."""

    def __init__(self, by_id: Mapping[str, str], by_path: Mapping[str, str]) -> None:
        self.by_id = by_id
        self.by_path = by_path

    def resolve(self, target: str, search_path: Sequence[str], absolute: bool) -> str:
        path, sep, anchor = target.partition("#")
        found = self.by_id.get(path) or next(
            (
                self.by_path[key]
                for folder in ([""] if path.startswith("/") else search_path)
                if (key := os.path.normpath(os.path.join(folder, path.lstrip("/")))) in self.by_path
            ),
            None,
        )
        return (found or path) + sep + anchor


class BenchImage:
    def __init__(self, path: str) -> None:
        self.path = path

    def get_rendition(self, output_scale: int = 1, **args: Any) -> tuple[str, None]:
        return "/static/" + self.path, None

    def get_img_attrs(self, args: Mapping[str, Any]) -> dict[str, Any]:
        return {"src": "/static/" + self.path, "loading": "lazy"}

    def get_img_tag(
        self, title: str | None = None, alt_text: str | None = None, **args: Any
    ) -> str:
        attrs = {**self.get_img_attrs(args), "alt": alt_text or self.path, "title": title or False}
        return make_tag("img", attrs)

    def get_css_background(self, uncomment: bool = False, **args: Any) -> str:
        return ""

    def get_fullsize(self, args: Mapping[str, Any]) -> str:
        return "/static/" + self.path


class BenchImages:
    def __init__(self, content: Path) -> None:
        self.content = content

    def find(self, path: str, search_path: Sequence[str]) -> Image:
        folders = [""] if path.startswith("/") else search_path
        for folder in folders:
            candidate = os.path.normpath(os.path.join(folder, path.lstrip("/")))
            if (self.content / candidate).is_file():
                return BenchImage(candidate)
        raise ImageNotFound(path)


def entry_files(content: Path) -> list[Path]:
    return sorted(p for p in content.rglob("*.md") if p.is_file())


def permalinks(content: Path) -> tuple[dict[str, str], dict[str, str]]:
    by_id: dict[str, str] = {}
    by_path: dict[str, str] = {}
    for path in entry_files(content):
        rel = path.relative_to(content).as_posix()
        message = parse_message(rel, path.read_text(encoding="utf-8"))
        entry_id = message.get("Entry-ID") or rel
        link = f"/{os.path.dirname(rel)}/{entry_id}".replace("//", "/")
        by_id[str(entry_id)] = link
        by_path[rel] = link
    return by_id, by_path


def octavo_pass(
    content: Path, links: BenchLinks, images: BenchImages, cache: RenderCache[Any]
) -> dict[str, float]:
    """Seconds per entry for read + parse + body + more."""
    times: dict[str, float] = {}
    for path in entry_files(content):
        rel = path.relative_to(content).as_posix()
        start = time.perf_counter()
        data = path.read_bytes()
        message = parse_message(rel, data.decode("utf-8"))
        text = split_payload(message.payload)
        entry_id = int(message.get("Entry-ID") or 0)
        source = EntrySource(entry_id, str(hash(data)), text.body, text.more, True)
        folder = os.path.dirname(rel)
        link = links.by_path[rel]
        context = EntryContext(entry_id, (folder, folder), links, images, link, link)
        markup = EntryMarkup(source, context, cache=cache)
        str(markup.body())
        str(markup.more())
        times[rel] = time.perf_counter() - start
    return times


def publ_pass(python: Path, content: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="render-bench-") as scratch:
        out = Path(scratch) / "times.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "VIRTUAL_ENV"))}
        subprocess.run(
            [str(python), "-c", PUBL_SCRIPT, str(content), str(out)],
            check=True,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        return {k: float(v) for k, v in json.loads(out.read_text()).items()}


def run_octavo(
    content: Path, links: BenchLinks, images: BenchImages
) -> dict[str, dict[str, float]]:
    """A cold pass with an empty memo, then a memoised pass over the same entries."""
    cache: RenderCache[Any] = RenderCache(lambda s: len(s.html), max_items=1_000_000)
    cold = octavo_pass(content, links, images, cache)
    return {"octavo_cold": cold, "octavo_memo": octavo_pass(content, links, images, cache)}


def run_publ(python: Path, content: Path) -> dict[str, dict[str, float]]:
    return {"publ_cold": publ_pass(python, content)}


def summary(times: Mapping[str, float]) -> dict[str, float]:
    values = list(times.values())
    return {
        "entries": len(values),
        "mean_ms": 1000 * statistics.fmean(values),
        "median_ms": 1000 * statistics.median(values),
        "p95_ms": 1000 * sorted(values)[int(0.95 * (len(values) - 1))],
        "total_s": sum(values),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    publ = ensure_publ_env()
    corpus = ensure_corpus(options.size, options.seed, python=publ.python)
    content = corpus.content
    by_id, by_path = permalinks(content)
    links, images = BenchLinks(by_id, by_path), BenchImages(content)

    rounds: list[dict[str, Any]] = []
    for number in range(options.rounds):
        results: dict[str, dict[str, float]] = {}
        sides = [lambda: run_octavo(content, links, images), lambda: run_publ(publ.python, content)]
        for side in sides if number % 2 else reversed(sides):
            results.update(side())
        common = set(results["publ_cold"]) & set(results["octavo_cold"])
        rounds.append({name: summary({k: v[k] for k in common}) for name, v in results.items()})

    best = {
        name: min((r[name] for r in rounds), key=lambda s: s["mean_ms"])
        for name in ("publ_cold", "octavo_cold", "octavo_memo")
    }
    cold_ratio = best["octavo_cold"]["mean_ms"] / best["publ_cold"]["mean_ms"]
    memo_speedup = best["publ_cold"]["mean_ms"] / best["octavo_memo"]["mean_ms"]
    lines = [
        f"# Render benchmark: {best['publ_cold']['entries']:.0f} entries "
        f"(corpus n{options.size}-s{options.seed}), best of {options.rounds} rounds",
        "",
        "| engine | mean ms/entry | median | p95 | total s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, stats in best.items():
        lines.append(
            f"| {name} | {stats['mean_ms']:.3f} | {stats['median_ms']:.3f} | "
            f"{stats['p95_ms']:.3f} | {stats['total_s']:.2f} |"
        )
    lines += [
        "",
        f"* Octavo cold ÷ Publ cold: **{cold_ratio:.2f}x** (target ≤ {TARGET_COLD:g}x) "
        f"{'OK' if cold_ratio <= TARGET_COLD else 'MISSED'}",
        f"* Publ cold ÷ Octavo memoised: **{memo_speedup:.1f}x** (target ≥ {TARGET_MEMO:g}x) "
        f"{'OK' if memo_speedup >= TARGET_MEMO else 'MISSED'}",
    ]
    report = "\n".join(lines)
    print(report)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    results_dir = BENCH_DIR / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"render-{stamp}.md").write_text(report + "\n")
    (results_dir / f"render-{stamp}.json").write_text(
        json.dumps(
            {
                "rounds": rounds,
                "best": best,
                "cold_ratio": cold_ratio,
                "memo_speedup": memo_speedup,
            },
            indent=1,
        )
    )
    return 0 if cold_ratio <= TARGET_COLD and memo_speedup >= TARGET_MEMO else 1


if __name__ == "__main__":
    raise SystemExit(main())
