"""Generate, reuse and describe benchmark corpora (synthetic Publ sites).

Every benchmark in bench/ runs both engines on the *same* site, so corpora are
made once per (size, seed) under bench/corpora/ by the project's shared
generator and reused while they are intact. The generator is referenced by
path, never copied: ../shared/bench/gen_corpus.py from the repo root, or
$OCTAVO_CORPUS_GEN, or an explicit path.

A corpus also knows how to write an engine's app file into itself, because
Publ and Octavo read the same configuration keys and the app file belongs
next to the site, not in the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import pprint
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DEFAULT_GENERATOR = REPO_ROOT.parent / "shared" / "bench" / "gen_corpus.py"
CORPORA_DIR = BENCH_DIR / "corpora"
MARKER = ".corpus.json"  # written last: a corpus without it is incomplete


def generator_path(override: str | Path | None = None) -> Path:
    """Where gen_corpus.py is: explicit override, then $OCTAVO_CORPUS_GEN, then default."""
    path = Path(override or os.environ.get("OCTAVO_CORPUS_GEN") or DEFAULT_GENERATOR)
    if not path.is_file():
        raise FileNotFoundError(
            f"corpus generator not found at {path}; pass --corpus-gen or set OCTAVO_CORPUS_GEN"
        )
    return path.resolve()


def tree_digest(folder: Path) -> str:
    """SHA-256 over every file's relative path and bytes, to detect any rewrite."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Corpus:
    """A generated site on disk plus the generator's manifest."""

    root: Path
    manifest: dict[str, Any]
    info: dict[str, Any]

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def static(self) -> Path:
        return self.root / "static"

    @property
    def visible_entries(self) -> int:
        return int(self.manifest["visible_entries"])

    @property
    def pristine_digest(self) -> str:
        """Digest of content/ right after generation."""
        return str(self.info["content_digest"])

    def entry_files(self) -> list[Path]:
        """Every entry file (.md), sorted so selections are reproducible."""
        return sorted(self.content.rglob("*.md"))

    def is_pristine(self) -> bool:
        return tree_digest(self.content) == self.pristine_digest

    def app_config(self, db_path: Path, **extra: Any) -> dict[str, Any]:
        """The configuration both engines get: absolute paths, no background indexing."""
        config: dict[str, Any] = {
            "database_config": {"provider": "sqlite", "filename": str(db_path.resolve())},
            "content_folder": str(self.content),
            "template_folder": str(self.templates),
            "static_folder": str(self.static),
            "index_enable_watchdog": False,
            "index_rescan_interval": 0,
            "cache": {"CACHE_TYPE": "NullCache"},
        }
        config.update(extra)
        return config

    def write_app(self, name: str, module: str, factory: str, db_path: Path, **extra: Any) -> Path:
        """Write ROOT/NAME.py creating `app = module.factory(__name__, config)`."""
        path = self.root / f"{name}.py"
        config = pprint.pformat(self.app_config(db_path, **extra), indent=4, width=88)
        path.write_text(
            f'"""{module} app for the benchmark corpus {self.root.name} (generated)."""\n'
            f"import {module}\n\n"
            f"app = {module}.{factory}(__name__, {config})\n"
        )
        return path


def corpus_dir(n: int, seed: int, base: Path = CORPORA_DIR) -> Path:
    return base / f"n{n}-s{seed}"


def load_corpus(root: Path) -> Corpus | None:
    """A complete corpus at root, or None if absent or interrupted mid-generation."""
    marker = root / MARKER
    manifest = root / "bench-manifest.json"
    if not (marker.is_file() and manifest.is_file()):
        return None
    return Corpus(root, json.loads(manifest.read_text()), json.loads(marker.read_text()))


def generate(root: Path, n: int, seed: int, *, python: str | Path, generator: Path) -> Corpus:
    """Run the shared generator into root (replacing it) and record what was made."""
    if root.exists():
        shutil.rmtree(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(python), str(generator), str(root), "-n", str(n), "--seed", str(seed)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    content = root / "content"
    info = {
        "n": n,
        "seed": seed,
        "generator": str(generator),
        "generator_sha256": hashlib.sha256(generator.read_bytes()).hexdigest(),
        "python": str(python),
        "entry_files": sum(1 for _ in content.rglob("*.md")),
        "jpegs": sum(1 for _ in content.rglob("*.jpg")),
        "content_digest": tree_digest(content),
    }
    (root / MARKER).write_text(json.dumps(info, indent=1))
    corpus = load_corpus(root)
    assert corpus is not None
    return corpus


def ensure_corpus(
    n: int,
    seed: int = 1,
    *,
    python: str | Path = sys.executable,
    generator: str | Path | None = None,
    base: Path = CORPORA_DIR,
    force: bool = False,
    check_pristine: bool = True,
) -> Corpus:
    """Reuse bench/corpora/n{N}-s{SEED} if complete and untouched, else (re)generate it.

    `python` should have Pillow so the corpus includes JPEGs; the Publ venv does.
    A corpus whose content differs from what was generated (e.g. an interrupted
    run left edited entries) is regenerated rather than silently benchmarked.
    """
    gen = generator_path(generator)
    root = corpus_dir(n, seed, base)
    existing = None if force else load_corpus(root)
    if (
        existing is not None
        and existing.info.get("generator_sha256") != hashlib.sha256(gen.read_bytes()).hexdigest()
    ):
        existing = None  # generator changed: old corpus is not comparable
    if existing is not None and check_pristine and not existing.is_pristine():
        existing = None
    if existing is not None:
        return existing
    return generate(root, n, seed, python=python, generator=gen)


def main(argv: list[str] | None = None) -> None:
    """CLI: make or reuse corpora, e.g. `python bench/corpus.py 1000 10000`."""
    import argparse

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("sizes", type=int, nargs="+")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus-gen", help="path to gen_corpus.py")
    ap.add_argument("--python", default=sys.executable, help="interpreter (with Pillow)")
    ap.add_argument("--force", action="store_true", help="regenerate even if present")
    args = ap.parse_args(argv)
    for n in args.sizes:
        corpus = ensure_corpus(
            n, args.seed, python=args.python, generator=args.corpus_gen, force=args.force
        )
        print(
            f"{corpus.root}: {corpus.info['entry_files']} entries, "
            f"{corpus.visible_entries} visible, {corpus.info['jpegs']} JPEGs"
        )


if __name__ == "__main__":
    main()
