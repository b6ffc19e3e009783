"""Publ 0.8.19's Markdown rendering of many documents (run with the Publ venv's Python).

Input: a JSON list of ``{"key", "text"}``; output: a JSON object, per key either
``{"body", "footnotes", "toc"}`` or ``{"error"}``. Each text is rendered as an
entry body is (``publ.markdown.to_html`` with the entry's link as the anchor
base), in a request context of an app whose content folder is empty, so
relative links and images resolve to nothing, as they would on Octavo's side.
The table of contents is what ``entry.toc`` gives: a text with footnotes is
rendered again with footnote marks suppressed, as Publ does for it.

    .../publ-venv/bin/python bench/publ_markdown.py in.json out.json
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from typing import Any

ENTRY_LINK = "/1"
SECONDS_PER_DOCUMENT = 20


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


def main() -> None:
    import publ
    import publ.index
    from pony import orm
    from publ import markdown

    source, target = sys.argv[1], sys.argv[2]
    scratch = tempfile.mkdtemp(prefix="publ-markdown-")
    os.chdir(scratch)  # relative links must find no file of the working directory
    for folder in ("content", "templates", "static"):
        os.makedirs(os.path.join(scratch, folder))
    app = publ.Publ(
        "publ_markdown",
        {
            "content_folder": os.path.join(scratch, "content"),
            "template_folder": os.path.join(scratch, "templates"),
            "static_folder": os.path.join(scratch, "static"),
            "database_config": {"provider": "sqlite", "filename": os.path.join(scratch, "i.db")},
            "index_enable_watchdog": False,
            "index_rescan_interval": 0,
            "cache": {"CACHE_TYPE": "NullCache"},
        },
    )
    with app.app_context():
        publ.index.scan_index(os.path.join(scratch, "content"), False)
        while publ.index.in_progress():
            time.sleep(0.05)
    signal.signal(signal.SIGALRM, _alarm)
    out: dict[str, Any] = {}
    with open(source, encoding="utf-8") as handle:
        documents = json.load(handle)
    for document in documents:
        args = {key: ENTRY_LINK for key in ("footnotes_link", "toc_link", "code_number_links")}
        footnotes: list[str] = []
        toc: list[Any] = []
        signal.alarm(SECONDS_PER_DOCUMENT)
        try:
            with app.test_request_context("/"), orm.db_session:
                body = markdown.to_html(
                    document["text"],
                    args,
                    [""],
                    markdown.ItemCounter(),
                    entry_id=1,
                    toc_buffer=toc,
                    footnote_buffer=footnotes,
                )
                if toc and footnotes:
                    # entry.toc renders the text again with footnote marks suppressed
                    toc = []
                    markdown.to_html(
                        document["text"],
                        {**args, "_suppress_footnotes": True},
                        [""],
                        markdown.ItemCounter(),
                        entry_id=1,
                        toc_buffer=toc,
                        footnote_buffer=[],
                    )
            out[document["key"]] = {
                "body": str(body),
                "footnotes": [str(f) for f in footnotes],
                "toc": markdown.toc_to_html(toc),
            }
        except _Timeout:
            out[document["key"]] = {"error": f"over {SECONDS_PER_DOCUMENT} s"}
        except Exception as err:  # Publ's failure is a result, recorded
            out[document["key"]] = {"error": f"{type(err).__name__}: {err}"}
        finally:
            signal.alarm(0)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
