"""Record what Publ 0.8.19 renders for every fixture entry (run once, review, commit).

Run it with Publ's own interpreter, from the repository root:

    bench/.venv-publ/bin/python tests/sites/markup/generate_expected.py

The content folder is copied to a scratch directory first, so Publ can neither
rewrite a fixture nor leave its index or renditions behind. Each entry may ask
for extra renderings with ``X-Render: {json args}`` headers; every entry is
also rendered with no arguments. Output: ``expected/<entry id>.json`` per
entry, ``site.json`` (each entry's path and links, for the test's fake link
resolver), and ``snippets.json`` (titles, filters and smartypants cases from
``snippets.py``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BASE_URL = "http://example.test/"


def make_app(root: Path) -> Any:
    import publ

    return publ.Publ(
        "markup_fixtures",
        {
            "content_folder": str(root / "content"),
            "template_folder": str(root / "templates"),
            "static_folder": str(root / "static"),
            "database_config": {"provider": "sqlite", "filename": str(root / "index.db")},
            "index_enable_watchdog": False,
            "index_rescan_interval": 0,
            "cache": {"CACHE_TYPE": "NullCache"},
        },
    )


def index(app: Any, content: Path) -> None:
    import publ.index

    with app.app_context():
        publ.index.scan_index(str(content), False)
        while publ.index.in_progress():
            time.sleep(0.05)


def attempt(func: Any) -> Any:
    """Publ's output as a string, or the exception it raised (some bugs are fixtures too)."""
    try:
        return str(func())
    except Exception as err:
        return {"error": f"{type(err).__name__}: {err}"}


def render_entry(entry: Any) -> dict[str, Any]:
    variants: list[dict[str, Any]] = [{}]
    variants += [json.loads(v) for v in entry.get_all("X-Render") or []]
    renders = []
    for args in variants:
        renders.append(
            {
                "args": args,
                "body": attempt(lambda a=args: entry.body(**a)),
                "more": attempt(lambda a=args: entry.more(**a)),
                "footnotes": attempt(lambda a=args: entry.footnotes(**a)),
                "toc": attempt(lambda a=args: entry.toc(**a)),
                "toc_depth_1": attempt(lambda a=args: entry.toc(max_depth=1, **a)),
                "summary": attempt(lambda a=args: entry.summary(**a)),
            }
        )
    return {
        "renders": renders,
        "truthy": {
            name: bool(getattr(entry, name)) for name in ("body", "more", "footnotes", "toc")
        },
        "title": {
            "default": attempt(lambda: entry.title),
            "plain": attempt(lambda: entry.title(markup=False)),
            "no_smartquotes": attempt(lambda: entry.title(smartquotes=False)),
        },
        "summary_plain": attempt(lambda: entry.summary(markup=False)),
    }


def entries(app: Any) -> list[Any]:
    import publ.model
    from pony import orm

    with orm.db_session:
        return [(r.id, r.file_path) for r in publ.model.Entry.select().order_by(lambda e: e.id)]


def render_all(app: Any, content: Path) -> tuple[dict[int, Any], dict[str, Any]]:
    import publ.entry
    import publ.model
    from pony import orm

    results: dict[int, Any] = {}
    site: dict[str, Any] = {"base_url": BASE_URL, "entries": {}}
    for entry_id, file_path in entries(app):
        with app.test_request_context("/", base_url=BASE_URL), orm.db_session:
            entry = publ.entry.Entry.load(publ.model.Entry.get(id=entry_id))
            rel = os.path.relpath(file_path, content)
            site["entries"][str(entry_id)] = {
                "path": rel,
                "category": entry.category.path,
                "link": entry.link(),
                "link_absolute": entry.link(absolute=True),
            }
            results[entry_id] = {"path": rel, **render_entry(entry)}
    return results, site


def warm_renditions(app: Any, results: dict[int, Any]) -> int:
    """Ask Publ for every lazy ``/_img/…`` URL, so the second pass prints final URLs."""
    urls = set(re.findall(r"/_img/[^\"' ,]+", json.dumps(results)))
    client = app.test_client()
    for url in urls:
        client.get(url)
    return len(urls)


def snippets(app: Any) -> dict[str, Any]:
    import misaka
    from publ import html_entry, markdown

    sys.path.insert(0, str(HERE))
    import snippets as cases

    out: dict[str, Any] = {"titles": [], "strip_html": [], "first_paragraph": [], "smartypants": []}
    with app.test_request_context("/", base_url=BASE_URL):
        for title in cases.TITLES:
            out["titles"].append(
                {
                    "text": title,
                    "markup": attempt(lambda t=title: markdown.render_title(t, True, True)),
                    "plain": attempt(lambda t=title: markdown.render_title(t, False, True)),
                    "no_smartquotes": attempt(
                        lambda t=title: markdown.render_title(t, True, False)
                    ),
                    "plain_no_smartquotes": attempt(
                        lambda t=title: markdown.render_title(t, False, False)
                    ),
                }
            )
        for text, kwargs in cases.STRIP_HTML:
            out["strip_html"].append(
                {"text": text, "kwargs": kwargs, "out": html_entry.strip_html(text, **kwargs)}
            )
        for text, kwargs in cases.FIRST_PARAGRAPH:
            out["first_paragraph"].append(
                {
                    "text": text,
                    "kwargs": kwargs,
                    "out": str(html_entry.first_paragraph(text, **kwargs)),
                }
            )
        for text in cases.SMARTYPANTS:
            out["smartypants"].append({"text": text, "out": misaka.smartypants(text)})
    return out


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="markup-fixtures-") as scratch:
        root = Path(scratch)
        shutil.copytree(HERE / "content", root / "content")
        (root / "templates").mkdir()
        (root / "static").mkdir()
        app = make_app(root)
        index(app, root / "content")
        first, _ = render_all(app, root / "content")
        print(f"warmed {warm_renditions(app, first)} renditions", file=sys.stderr)
        results, site = render_all(app, root / "content")
        cases = snippets(app)

    out_dir = HERE / "expected"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    for entry_id, result in results.items():
        text = json.dumps(result, indent=1, ensure_ascii=False, sort_keys=True)
        (out_dir / f"{entry_id}.json").write_text(text + "\n", encoding="utf-8")
    for name, data in (("site.json", site), ("snippets.json", cases)):
        text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True)
        (HERE / name).write_text(text + "\n", encoding="utf-8")
    print(f"{len(results)} entries recorded", file=sys.stderr)


if __name__ == "__main__":
    main()
