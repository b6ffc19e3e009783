"""Real-world Markdown for the rendering differential: docs inside PyPI source distributions.

The corpus is reproducible from a committed list, ``bench/markdown_packages.txt``
(``name==version`` per line). Each listed source distribution is downloaded as
PyPI's JSON API names it (its SHA-256 checked), and what it holds as Markdown is
kept under ``bench/corpora/markdown/docs/<name>-<version>/`` (git-ignored; the
archive itself is deleted):

* every ``*.md`` / ``*.markdown`` file (README, CHANGELOG, docs/…), up to 512 KiB;
* the long description from ``PKG-INFO`` when its content type is Markdown.

Nothing is built or installed, so a package costs one request and one download.

    python3 bench/markdown_corpus.py                   # fetch what the list names
    python3 bench/markdown_corpus.py --grow names.txt --target 6000
        # also try the names of names.txt in order (latest versions), appending the
        # ones fetched to the list, until the corpus holds 6,000 distinct documents

Installed packages' long descriptions are covered by listing those packages:
``--grow`` accepts ``name==version`` lines too (``pip freeze`` output); a bare name
means its latest version, which is what the list records.

A second source is this kind of machine itself (``bench/markdown_machine.txt``,
``sha256 path`` per line): the Markdown that its toolchains, Debian packages, npm
and installed Python distributions ship (READMEs, changelogs, npm's manual, Markdown
long descriptions in ``METADATA``/``PKG-INFO``, written ``path::description``).
Each file is copied only if its bytes still have the listed digest, so the corpus is
the same wherever the list still applies; ``--scan-machine`` writes the list anew.
Neither source asks a registry about packages in bulk.
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import json
import os
import re
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pip._internal.models.index import PyPI

BENCH_DIR = Path(__file__).resolve().parent
PACKAGE_LIST = BENCH_DIR / "markdown_packages.txt"
CORPUS_DIR = BENCH_DIR / "corpora" / "markdown"
DOCS_DIR = CORPUS_DIR / "docs"
#: The package index's JSON API, where pip itself finds it.
PYPI_JSON = PyPI.pypi_url
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")
MAX_DOC_BYTES = 512 * 1024
DOWNLOAD_TIMEOUT = 180
DONE = ".done.json"
MACHINE_LIST = BENCH_DIR / "markdown_machine.txt"
MACHINE_DIR = DOCS_DIR / "_machine"
#: Where this kind of machine keeps documents nobody wrote for this project.
MACHINE_ROOTS = (
    "/usr/lib",
    "/usr/local/lib",
    "/usr/share/doc",
    "/root/.pyenv",
    "/root/.rustup",
    "/root/.cache/octavo-compat/publ-venv",
)
_METADATA_NAMES = ("METADATA", "PKG-INFO")
DESCRIPTION_SUFFIX = "::description"
_FOLDED = re.compile(r"\n(?: {8}| {7}\|)")


@dataclass(frozen=True)
class Document:
    """One Markdown text of the corpus; `key` is ``<name>-<version>/<path in archive>``."""

    key: str
    path: Path

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8", errors="replace")


def read_list(path: Path = PACKAGE_LIST) -> list[str]:
    """The ``name==version`` lines of a package list, in order, without comments."""
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def folder_for(spec: str) -> Path:
    name, _, version = spec.partition("==")
    return DOCS_DIR / f"{canonical(name)}-{version}"


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _members(archive: Path) -> Iterator[tuple[str, int, object]]:
    """(name, size, handle) of each regular file of a .tar.gz or .zip."""
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield info.filename, info.file_size, lambda i=info: zf.read(i)
    else:
        with tarfile.open(archive) as tf:
            for member in tf:
                if member.isfile():
                    yield (
                        member.name,
                        member.size,
                        lambda m=member: tf.extractfile(m).read(),  # type: ignore[union-attr]
                    )


def _markdown_description(pkg_info: bytes) -> tuple[str, str, str | None]:
    """Name, version and (if its content type is Markdown) the long description."""
    message = email.parser.BytesParser().parsebytes(pkg_info)
    kind = (message.get("Description-Content-Type") or "").lower()
    body = message.get_payload(decode=True) or b""
    description = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if not description.strip():
        # Metadata 1.x: the description is a header, its lines indented by the folding.
        description = _FOLDED.sub("\n", str(message.get("Description") or ""))
    keep = "markdown" in kind and description.strip()
    return message.get("Name") or "", message.get("Version") or "", description if keep else None


def extract(archive: Path) -> tuple[str, list[str]]:
    """Save an archive's Markdown; returns its ``name==version`` and the saved keys."""
    docs: dict[str, bytes] = {}
    spec = ""
    description: str | None = None
    for name, size, read in _members(archive):
        inner = name.split("/", 1)[1] if "/" in name else name
        if inner == "PKG-INFO":
            pkg_name, version, description = _markdown_description(read())  # type: ignore[operator]
            spec = f"{pkg_name}=={version}"
        elif name.lower().endswith(MARKDOWN_SUFFIXES) and 0 < size <= MAX_DOC_BYTES:
            docs[inner] = read()  # type: ignore[operator]
    if not spec:
        raise ValueError(f"{archive.name}: no PKG-INFO")
    if description is not None:
        docs["PKG-INFO.description.md"] = description.encode("utf-8")
    folder = folder_for(spec)
    folder.mkdir(parents=True, exist_ok=True)
    for inner, data in docs.items():
        target = folder / inner
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (folder / DONE).write_text(json.dumps(sorted(docs)))
    return spec, sorted(docs)


def _sdist(name: str, version: str | None) -> tuple[str, str, str]:
    """(url, sha256, version) of a package's source distribution, from PyPI's JSON API:
    the listed version, or the latest one when `version` is None."""
    where = f"{PYPI_JSON}/{name}/json"
    with urllib.request.urlopen(where, timeout=DOWNLOAD_TIMEOUT) as answer:
        project = json.load(answer)
    version = version or project["info"]["version"]
    files = project.get("releases", {}).get(version) or (
        project["urls"] if project["info"]["version"] == version else []
    )
    for file in files:
        if file["packagetype"] == "sdist" and file["filename"].endswith((".tar.gz", ".zip")):
            # The URL may be relative to the answer's.
            return urllib.parse.urljoin(where, file["url"]), file["digests"]["sha256"], version
    raise LookupError(f"no source distribution of {name} {version}")


def fetch(requirement: str) -> tuple[str, str]:
    """Download and extract one source distribution: (``name==version``, error or "").

    `requirement` is ``name==version`` (a listed package) or a bare name (the latest
    version). The archive's digest is checked against the one PyPI lists."""
    name, _, version = requirement.partition("==")
    try:
        url, sha256, version = _sdist(name.strip(), version.strip() or None)
        with tempfile.TemporaryDirectory(prefix="md-corpus-") as scratch:
            archive = Path(scratch, url.rsplit("/", 1)[1])
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as answer:
                data = answer.read()
            if hashlib.sha256(data).hexdigest() != sha256:
                return "", "digest mismatch"
            archive.write_bytes(data)
            spec, _ = extract(archive)
    except Exception as err:  # any unreachable or broken package is skipped, named
        return "", f"{type(err).__name__}: {err}"
    return spec, ""


def _machine_text(source: str) -> bytes | None:
    """The bytes one machine-list entry names: a file, or a package's Markdown description."""
    path = source.removesuffix(DESCRIPTION_SUFFIX)
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if source.endswith(DESCRIPTION_SUFFIX):
        description = _markdown_description(data)[2]
        return description.encode("utf-8") if description is not None else None
    return data


def scan_machine() -> int:
    """Write the machine list anew: every Markdown file and description under the roots."""
    entries: dict[str, str] = {}
    for root in MACHINE_ROOTS:
        for folder, subfolders, files in os.walk(root):
            subfolders.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                if name in _METADATA_NAMES:
                    source = path + DESCRIPTION_SUFFIX
                elif name.lower().endswith(MARKDOWN_SUFFIXES) and os.path.isfile(path):
                    source = path
                else:
                    continue
                data = _machine_text(source)
                if data and data.strip() and len(data) <= MAX_DOC_BYTES:
                    entries.setdefault(hashlib.sha256(data).hexdigest(), source)
    by_path = sorted(entries.items(), key=lambda entry: entry[1])
    MACHINE_LIST.write_text(
        "# Markdown this kind of machine ships (bench/markdown_corpus.py --scan-machine).\n"
        + "".join(f"{digest} {source}\n" for digest, source in by_path)
    )
    return len(by_path)


def build_machine() -> list[str]:
    """Copy the listed machine documents whose bytes still match; returns the missing."""
    missing = []
    kept = []
    MACHINE_DIR.mkdir(parents=True, exist_ok=True)
    for line in read_list(MACHINE_LIST):
        digest, _, source = line.partition(" ")
        data = _machine_text(source)
        if data is None or hashlib.sha256(data).hexdigest() != digest:
            missing.append(source)
            continue
        name = f"{digest[:16]}.md"
        (MACHINE_DIR / name).write_bytes(data)
        kept.append(name)
    (MACHINE_DIR / DONE).write_text(json.dumps(kept))
    return missing


def documents(specs: list[str] | None = None) -> list[Document]:
    """The corpus in list order (packages, then the machine's documents), duplicates
    (same bytes) and empty texts left out."""
    seen: set[str] = set()
    out: list[Document] = []
    folders = [folder_for(spec) for spec in (read_list() if specs is None else specs)]
    for folder in folders if specs is not None else [*folders, MACHINE_DIR]:
        done = folder / DONE
        if not done.exists():
            continue
        for inner in json.loads(done.read_text()):
            path = folder / inner
            data = path.read_bytes()
            digest = hashlib.sha256(data.strip()).hexdigest()
            if not data.strip() or digest in seen:
                continue
            seen.add(digest)
            out.append(Document(f"{folder.name}/{inner}", path))
    return out


def build(jobs: int) -> list[str]:
    """Fetch every listed package not yet in the corpus; returns the failures."""
    missing = [s for s in read_list() if not (folder_for(s) / DONE).exists()]
    if not missing:
        return []
    failures = []
    with ThreadPoolExecutor(jobs) as pool:
        for spec, (got, error) in zip(missing, pool.map(fetch, missing), strict=True):
            if error:
                failures.append(f"{spec}: {error}")
                print(f"  {spec}: {error}", file=sys.stderr)
            elif canonical(got) != canonical(spec):
                print(f"  {spec}: the archive says {got}", file=sys.stderr)
    return failures


def grow(candidates: Path, target: int, jobs: int) -> None:
    """Try candidate names in order until the corpus holds `target` documents."""
    listed = {canonical(s.partition("==")[0]) for s in read_list()}
    names = [n for n in read_list(candidates) if canonical(n.partition("==")[0]) not in listed]
    count = len(documents())
    batch = max(jobs * 4, 8)
    while count < target and names:
        chunk, names = names[:batch], names[batch:]
        with ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(fetch, chunk))
        fetched = [spec for spec, error in results if not error]
        for name, (_, error) in zip(chunk, results, strict=True):
            if error:
                print(f"  {name}: {error}", file=sys.stderr)
        with PACKAGE_LIST.open("a") as handle:
            handle.writelines(f"{spec}\n" for spec in fetched)
        count = len(documents())
        print(f"{len(read_list())} packages, {count} documents", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grow", type=Path, help="file of candidate package names, in order")
    parser.add_argument("--target", type=int, default=5000, help="documents wanted (--grow)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="downloads at once")
    parser.add_argument(
        "--scan-machine", action="store_true", help="list this machine's Markdown anew"
    )
    args = parser.parse_args()
    if args.scan_machine:
        print(f"{scan_machine()} machine documents listed in {MACHINE_LIST}")
    failures = build(args.jobs)
    gone = build_machine()
    if gone:
        print(f"{len(gone)} listed machine documents are missing or changed", file=sys.stderr)
    if args.grow:
        grow(args.grow, args.target, args.jobs)
    docs = documents()
    print(f"{len(read_list())} packages listed, {len(docs)} distinct documents in {DOCS_DIR}")
    if failures:
        print(f"{len(failures)} listed packages could not be fetched", file=sys.stderr)


if __name__ == "__main__":
    main()
