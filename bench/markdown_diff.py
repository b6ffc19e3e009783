"""Markdown at scale: Publ 0.8.19 and Octavo render the same real-world documents.

Every document of the corpus (``bench/markdown_corpus.py``: README, docs and long
descriptions from PyPI source distributions) is rendered as an entry body by
Publ (its own ``markdown.to_html``, misaka/Hoedown, in its venv) and by Octavo
(``EntryMarkup`` with the web layer's real link resolver and image finder, in a
request context of an app with an empty content folder, as Publ's side has).
Body, footnotes and table of contents are compared after normalisation:

* the HTML is read as a sequence of tags, attributes and text (so ``&#39;`` and
  ``'``, ``<br>`` and ``<br />``, and attribute order do not count);
* runs of whitespace become one space, and whitespace beside block-level tags
  (paragraphs, list items, table cells, ``<pre>``'s outside) is dropped;
  inside ``<pre>`` whitespace counts exactly.

Publ's output is cached per document text (``bench/corpora/markdown/publ-*.jsonl``),
so a rerun only renders Octavo's side. A document Publ itself fails on (an
exception or over 20 s) has no reference and is counted apart.

    .venv/bin/python bench/markdown_diff.py                 # whole corpus, report
    .venv/bin/python bench/markdown_diff.py --show KEY      # one document's diff
    .venv/bin/python bench/markdown_diff.py --limit 500     # the first 500 documents

The report (share identical, differences grouped by their first differing
construct, the slowest documents) goes to stdout and ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from corpus import BENCH_DIR, REPO_ROOT
from markdown_corpus import CORPUS_DIR, Document, documents

sys.path.insert(0, str(REPO_ROOT / "src"))

PUBL_VENV = Path(
    os.environ.get("OCTAVO_PUBL_VENV", str(Path.home() / ".cache/octavo-compat/publ-venv"))
)
PUBL_SCRIPT = BENCH_DIR / "publ_markdown.py"
#: Publ's renders, per version of the script that made them.
PUBL_CACHE = CORPUS_DIR / f"publ-{hashlib.sha256(PUBL_SCRIPT.read_bytes()).hexdigest()[:12]}.jsonl"
RESULTS = BENCH_DIR / "results"
ENTRY_LINK = "/1"
CHUNK = 400

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SPACES = re.compile(r"\s+")

Token = tuple[str, ...]


class _Tokens(HTMLParser):
    """HTML as ("<", tag, attrs) / ("</", tag) / ("#", text) / ("!", comment) tokens."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pairs = " ".join(f"{k}={v!r}" for k, v in sorted((k, v or "") for k, v in attrs))
        self.tokens.append(("<", tag, pairs))
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("</", tag))
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        text = data if self.pre else _SPACES.sub(" ", data)
        if self.tokens and self.tokens[-1][0] == "#":
            self.tokens[-1] = ("#", self.tokens[-1][1] + text)
        else:
            self.tokens.append(("#", text))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("!", data))


def normalise(html: str) -> list[Token]:
    """Tokens of `html` with insignificant whitespace removed (see the module doc)."""
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    tokens = parser.tokens
    out: list[Token] = []
    for i, token in enumerate(tokens):
        if token[0] != "#":
            out.append(token)
            continue
        text = token[1]
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        in_pre = before is not None and before[:2] == ("<", "pre")
        if not in_pre:
            if before is None or (before[0] in "</" and before[1] in BLOCK_TAGS):
                text = text.lstrip()
            if after is None or (after[0] in "</" and after[1] in BLOCK_TAGS):
                text = text.rstrip()
        if text:
            out.append(("#", text))
    return out


def _lines(tokens: list[Token]) -> list[str]:
    return ["".join(t) if t[0] != "<" else f"<{t[1]} {t[2]}>".replace(" >", ">") for t in tokens]


# -- deliberate differences -----------------------------------------------------------------

#: A fence line, also inside quotes (``>   ```{image}``), and its first word.
_FENCE_LINE = re.compile(r"^((?: *>)* *(?:`{3,}|~{3,}) *)(\S*\{\S*)", re.MULTILINE)


def _without_bad_code_arguments(text: str) -> str:
    """Code blocks whose ``{…}`` arguments are not literals (MyST's ```{note}…) lose the
    arguments. Publ drops such a block with all its lines (its argument parser raises);
    Octavo shows it as plain code and logs a warning (docs/compatibility/markup.md)."""
    from octavo.common.literals import ArgSyntaxError, split_spec

    def fix(match: re.Match[str]) -> str:
        word = match.group(2)
        try:
            split_spec(word, max_positional=0)
        except ArgSyntaxError:
            return match.group(1) + word.partition("{")[0]
        return match.group(0)

    return _FENCE_LINE.sub(fix, text)


_FOOTNOTE_REF = re.compile(r"(^ {0,3})?\[\^([^\]\s]+)\](:)?", re.MULTILINE)


def _without_repeated_footnote_references(text: str) -> str:
    """References to a footnote after its first lose their ``[^name]``. Hoedown takes only
    the first as a reference and prints the others as text, mangled by superscript
    (``[<sup>1],</sup>``); Octavo links each one to the note (docs/compatibility/markup.md)."""
    defined = {m.group(2).lower() for m in _FOOTNOTE_REF.finditer(text) if m.group(3)}
    seen: set[str] = set()

    def drop(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if (match.group(3) and match.group(1) is not None) or name not in defined:
            return match.group(0)
        if name in seen:
            return ""
        seen.add(name)
        return match.group(0)

    return _FOOTNOTE_REF.sub(drop, text)


#: ``&#`` that starts no character reference Python's HTML parser accepts.
_BROKEN_CHARREF = re.compile(r"&#(?![0-9]+[^0-9a-fA-F]|[xX][0-9a-fA-F]+[^0-9a-fA-F])")


def _without_broken_character_references(text: str) -> str:
    """``&#`` that starts no complete character reference (``&#;``, ``&#abc;``) is
    written ``&amp;#``. Hoedown passes such an ``&…;`` through as an entity, and Publ's
    HTML pass stops there, dropping the rest of the page (it never closes its parser);
    Octavo keeps the rest (docs/compatibility/markup.md)."""
    return _BROKEN_CHARREF.sub("&amp;#", text)


_HEADING_FOOTNOTE = re.compile(r"^( {0,3}#[^\n]*?)\[\^[^\]\s]+\]", re.MULTILINE)


def _without_footnotes_in_headings(text: str) -> str:
    """Footnote references in ``#`` headings are removed. Publ's table of contents links
    such a heading to an id ending in a zero-width space, which no heading has; Octavo
    links it to the heading's id (docs/compatibility/markup.md)."""
    while True:
        changed = _HEADING_FOOTNOTE.sub(r"\1", text)
        if changed == text:
            return text
        text = changed


_SCRIPT_TAG = re.compile(r"<(?=(?:script|style)\b)", re.IGNORECASE)


def _without_script_tags(text: str) -> str:
    """``<script``/``<style`` is written ``&lt;``. Opened in running text, Publ's HTML
    pass (over the whole page) reads everything up to the next ``</script>`` as script
    text, and drops the rest of the page if none follows; Octavo rewrites each HTML
    fragment on its own. A browser reads either page the same way: script up to
    ``</script>`` (docs/compatibility/markup.md)."""
    return _SCRIPT_TAG.sub("&lt;", text)


_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc=)("[^"]*"|'[^']*')""", re.IGNORECASE)


def _without_ampersands_in_image_urls(text: str) -> str:
    """``&`` in the ``src`` of an ``<img>`` tag is written ``%26``. For a remote image
    with both sizes given, Publ puts the URL in a ``background-image`` style escaped
    twice (``&amp;amp;``), so the browser asks for another URL; Octavo escapes it once
    (docs/compatibility/markup.md)."""
    return _IMG_SRC.sub(lambda m: m.group(1) + m.group(2).replace("&", "%26"), text)


#: (class, how the input is changed for both engines) for each deliberate difference:
#: a document that differs only by these is counted apart from the other differences.
DELIBERATE = [
    ("code block with unparseable arguments", _without_bad_code_arguments),
    ("footnote referenced again", _without_repeated_footnote_references),
    ("broken character reference", _without_broken_character_references),
    ("image URL with & in a background style", _without_ampersands_in_image_urls),
    ("footnote in a heading (TOC link)", _without_footnotes_in_headings),
    ("script or style opened in running text", _without_script_tags),
]


def deliberate_input(text: str) -> tuple[str, list[str]]:
    """The text with every deliberate class neutralised, and the classes that applied."""
    applied = []
    for name, change in DELIBERATE:
        changed = change(text)
        if changed != text:
            applied.append(name)
            text = changed
    return text, applied


# -- Publ's side --------------------------------------------------------------------------


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_publ_cache() -> dict[str, dict[str, Any]]:
    cache: dict[str, dict[str, Any]] = {}
    if PUBL_CACHE.exists():
        for line in PUBL_CACHE.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            cache[record.pop("sha")] = record
    return cache


def render_publ(docs: list[Document], cache: dict[str, dict[str, Any]]) -> None:
    """Fill `cache` (and its file) with Publ's output for the documents not in it yet."""
    missing: dict[str, str] = {}
    for doc in docs:
        original = doc.text()
        for text in {original, deliberate_input(original)[0]}:
            sha = _text_key(text)
            if sha not in cache:
                missing[sha] = text
    items = list(missing.items())
    python = PUBL_VENV / "bin" / "python"
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        with tempfile.TemporaryDirectory(prefix="md-diff-") as scratch:
            source, target = Path(scratch, "in.json"), Path(scratch, "out.json")
            source.write_text(json.dumps([{"key": sha, "text": text} for sha, text in chunk]))
            subprocess.run(
                [str(python), str(PUBL_SCRIPT), str(source), str(target)],
                check=True,
                stderr=subprocess.DEVNULL,
            )
            results = json.loads(target.read_text())
        with PUBL_CACHE.open("a", encoding="utf-8") as handle:
            for sha, record in results.items():
                cache[sha] = record
                handle.write(json.dumps({"sha": sha, **record}) + "\n")
        print(f"  Publ rendered {min(start + CHUNK, len(items))}/{len(items)}", file=sys.stderr)


# -- Octavo's side ------------------------------------------------------------------------


class OctavoRenderer:
    """Octavo's entry rendering with the real web-layer link resolver and image finder."""

    def __init__(self, scratch: Path) -> None:
        from octavo import Octavo

        for folder in ("content", "templates", "static"):
            (scratch / folder).mkdir()
        self.app = Octavo(
            "markdown_diff",
            {
                "content_folder": str(scratch / "content"),
                "template_folder": str(scratch / "templates"),
                "static_folder": str(scratch / "static"),
                "database_url": f"sqlite:///{scratch / 'index.db'}",
                "index_enable_watchdog": False,
                "index_rescan_interval": 0,
            },
            root_path=str(scratch),
        )

    def render(self, text: str) -> dict[str, str]:
        from octavo.content.fingerprint import digest
        from octavo.web.markup_bridge import section_markup

        with self.app.test_request_context("/"):
            markup = section_markup(
                1,
                digest(text.encode("utf-8")),
                text,
                "",
                True,
                None,
                ("",),
                ENTRY_LINK,
                ENTRY_LINK,
            )
            return {
                "body": str(markup.body()),
                "footnotes": str(markup.footnotes()),
                "toc": str(markup.toc()),
            }


# -- comparison ----------------------------------------------------------------------------


def publ_sections(record: dict[str, Any]) -> dict[str, str]:
    footnotes = record["footnotes"]
    return {
        "body": record["body"],
        "footnotes": f"<ol>{''.join(footnotes)}</ol>" if footnotes else "",
        "toc": record["toc"],
    }


def first_difference(publ: list[Token], octavo: list[Token]) -> str:
    """A short signature of where two token lists part: the construct, not the page."""
    for a, b in zip(publ, octavo, strict=False):
        if a != b:
            return f"{_describe(a)} | {_describe(b)}"
    return "publ longer" if len(publ) > len(octavo) else "octavo longer"


def _describe(token: Token) -> str:
    if token[0] == "#":
        return "text"
    if token[0] == "<":
        names = " ".join(sorted(re.findall(r"(\w[\w-]*)=", token[2])))
        return f"<{token[1]}{' ' + names if names else ''}>"
    return f"{token[0]}{token[1]}" if token[0] == "</" else "comment"


def compare(
    publ: dict[str, str], octavo: dict[str, str]
) -> tuple[bool, str, dict[str, tuple[list[Token], list[Token]]]]:
    parts = {}
    signature = ""
    for section in ("body", "footnotes", "toc"):
        a, b = normalise(publ[section]), normalise(octavo[section])
        parts[section] = (a, b)
        if a != b and not signature:
            signature = f"{section}: {first_difference(a, b)}"
    return not signature, signature, parts


def show(parts: dict[str, tuple[list[Token], list[Token]]]) -> Iterator[str]:
    for section, (a, b) in parts.items():
        if a != b:
            yield f"=== {section}"
            yield from difflib.unified_diff(
                _lines(a), _lines(b), "publ", "octavo", n=3, lineterm=""
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N documents")
    parser.add_argument("--show", nargs="*", default=[], help="print these documents' diffs")
    parser.add_argument("--examples", type=int, default=3, help="document keys per class")
    args = parser.parse_args()
    # Octavo's warnings about the documents (odd code-block arguments…) are not findings here.
    logging.getLogger("octavo").setLevel(logging.ERROR)

    docs = documents()
    if args.show:
        docs = [d for d in docs if d.key in args.show]
    elif args.limit:
        docs = docs[: args.limit]
    cache = load_publ_cache()
    render_publ(docs, cache)

    scratch = Path(tempfile.mkdtemp(prefix="md-diff-octavo-"))
    octavo = OctavoRenderer(scratch)
    identical = 0
    publ_failed: list[str] = []
    octavo_failed: list[str] = []
    classes: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    timings: list[tuple[float, str]] = []
    per_doc: dict[str, str] = {}
    deliberate: Counter[str] = Counter()  # per class (a document may have several)
    deliberate_docs = 0
    for doc in docs:
        text = doc.text()
        record = cache[_text_key(text)]
        if "error" in record:
            publ_failed.append(f"{doc.key}: {record['error']}")
            per_doc[doc.key] = "publ-error"
            continue
        start = time.perf_counter()
        try:
            ours = octavo.render(text)
        except Exception as err:  # a failure is a finding, reported
            octavo_failed.append(f"{doc.key}: {type(err).__name__}: {err}")
            per_doc[doc.key] = "octavo-error"
            continue
        timings.append((time.perf_counter() - start, doc.key))
        same, signature, parts = compare(publ_sections(record), ours)
        if not same:
            neutral, applied = deliberate_input(text)
            if applied:
                alike, signature, parts = compare(
                    publ_sections(cache[_text_key(neutral)]), octavo.render(neutral)
                )
                if alike:
                    deliberate.update(applied)
                    deliberate_docs += 1
                    per_doc[doc.key] = "deliberate: " + ", ".join(applied)
                    if doc.key in args.show:
                        print(f"##### {doc.key}\n({per_doc[doc.key]})")
                    continue
        if same:
            identical += 1
            per_doc[doc.key] = "identical"
        else:
            classes[signature] += 1
            examples.setdefault(signature, []).append(doc.key)
            per_doc[doc.key] = signature
        if doc.key in args.show:
            print(f"##### {doc.key}")
            print("\n".join(show(parts)) or "(identical)")
    if args.show:
        return

    compared = len(docs) - len(publ_failed)
    share = 100.0 * identical / compared if compared else 0.0
    lines = [
        f"# Markdown differential, {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Documents: {len(docs)}; Publ failed on {len(publ_failed)} (no reference); "
        f"compared {compared}; **identical after normalisation: {identical} "
        f"({share:.2f}%)**; Octavo failed on {len(octavo_failed)}.",
        "",
        f"Differing only by deliberate differences: {deliberate_docs} "
        f"({100.0 * deliberate_docs / compared if compared else 0:.2f}%; per class: "
        + (", ".join(f"{name} {count}" for name, count in deliberate.items()) or "none")
        + f"); **identical or deliberate: {identical + deliberate_docs} "
        f"({100.0 * (identical + deliberate_docs) / compared if compared else 0:.2f}%)**; "
        f"other: {compared - identical - deliberate_docs - len(octavo_failed)}.",
        "",
        f"Octavo render time: {sum(t for t, _ in timings):.1f} s in total "
        f"(the {len(timings)} documents rendered).",
        "",
        "## Differences by first differing construct (section: Publ | Octavo)",
        "",
        "| documents | first difference | examples |",
        "| ---: | --- | --- |",
    ]
    for signature, count in classes.most_common():
        shown = ", ".join(f"`{k}`" for k in examples[signature][: args.examples])
        lines.append(f"| {count} | `{signature}` | {shown} |")
    if octavo_failed:
        lines += ["", "## Octavo failures", "", *(f"* {f}" for f in octavo_failed)]
    if publ_failed:
        lines += ["", "## Publ failures (not compared)", "", *(f"* {f}" for f in publ_failed)]
    lines += ["", "## Slowest documents (Octavo)", ""]
    lines += [f"* {t * 1000:.0f} ms `{k}`" for t, k in sorted(timings, reverse=True)[:10]]
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.mkdir(exist_ok=True)
    stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S}"
    (RESULTS / f"markdown-{stamp}.md").write_text(report)
    (RESULTS / f"markdown-{stamp}.json").write_text(json.dumps(per_doc, indent=1))


if __name__ == "__main__":
    main()
