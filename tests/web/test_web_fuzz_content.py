"""Content-file fuzzer (issue 9): random entry and category files (headers, encodings,
sizes, Markdown with nested constructs, Publ's image syntax with random arguments)
written into a served site, then scanned. Whatever the files:

* the scan finishes (no exception, whatever a file holds);
* each file is indexed, or reported as an error naming its path, never both nor
  neither; one bad file costs only itself;
* a file drawn well-formed is indexed with no error, and its page answers 200 (unless a
  category file drawn beside it names an entry template that does not exist: a 400);
* every indexed entry's page, and its category's, answers below 500 with no traceback.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from octavo import Octavo
from tests.integration.helpers import entries_by_path
from tests.web.conftest import make_app
from tests.web.fuzzing import fuzz_settings, seed_note
from tests.web.test_web_fuzz_renditions import _write_sources, markdown_images

HEADERS = [
    "Title", "Date", "Entry-ID", "UUID", "Category", "Status", "Slug-Text", "Tag",
    "Hidden-Tag", "Entry-Type", "Entry-Template", "Path-Alias", "Path-Mount",
    "Path-Canonical", "Auth", "Attach", "Last-Modified", "Summary", "Sort-Title",
    "Content-Type", "Redirect-To", "Name", "Index-Template", "Sort-Name",
]  # fmt: skip
STATUSES = ["published", "draft", "hidden", "unlisted", "scheduled", "gone", "DRAFT", "???"]
DATES = ["2020-01-01", "2020-02-30", "1/2/2003 4:05pm", "2999-01-01", "yesterday", "0000-00-00"]
_counter = itertools.count()

words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
line_text = st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=40)
long_text = st.integers(200, 700).map(lambda n: "x" * n)
header_values = st.one_of(
    line_text,
    long_text,
    st.sampled_from(STATUSES + DATES + ["/a%00b", "/%ff", "..", "/", "!*", "*", "123", "-1"]),
)


@st.composite
def inline(draw: st.DrawFn) -> str:
    text = draw(words)
    form = draw(st.integers(0, 7))
    return [
        text,
        f"*{text}*",
        f"**{text}**",
        f"`{text}`",
        f"[{text}]({draw(st.sampled_from(['/x', 'photo.jpg', 'http://e/', '#a', '%00']))})",
        f"<span>{text}</span>",
        f"{text}[^{draw(st.integers(1, 3))}]",
        draw(markdown_images()),
    ][form]


def blocks(depth: int = 0) -> st.SearchStrategy[str]:
    paragraph = st.lists(inline(), min_size=1, max_size=4).map(" ".join)
    leaf = st.one_of(
        paragraph,
        paragraph.map(lambda p: f"# {p}"),
        paragraph.map(lambda p: f"```python\n{p}\n```"),
        st.just("| a | b |\n|---|---|\n| 1 | 2 |"),
        st.integers(1, 3).map(lambda n: f"[^{n}]: a note"),
        st.just("....."),
        st.just("<div><p>raw <b>html</b></div>"),
    )
    if depth >= 3:
        return leaf
    inner = st.deferred(lambda: blocks(depth + 1))
    return st.one_of(
        leaf,
        inner.map(lambda b: "\n".join("> " + line for line in b.split("\n"))),
        st.lists(inner, min_size=1, max_size=3).map(
            lambda items: "\n".join("- " + i.replace("\n", "\n  ") for i in items)
        ),
    )


bodies = st.lists(blocks(), max_size=6).map("\n\n".join)


@st.composite
def good_entry(draw: st.DrawFn) -> bytes:
    """An entry a site author could write: it must index and render."""
    title = draw(words.filter(str.strip))
    lines = [f"Title: {title.strip()}", "Date: 2020-01-02 03:04:05"]
    lines += [f"Tag: {draw(words).strip() or 't'}" for _ in range(draw(st.integers(0, 2)))]
    body = draw(bodies).replace("\0", "")  # image arguments may be any text: not NUL
    text = "\n".join(lines) + "\n\n" + body + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if draw(st.booleans()) else "").encode() + text.encode("utf-8")


@st.composite
def any_file(draw: st.DrawFn) -> bytes:
    """Anything at all: random headers and values, encodings, sizes, bytes."""
    headers = draw(
        st.lists(
            st.tuples(
                st.sampled_from(HEADERS) | st.from_regex(r"[A-Za-z-]{1,12}", fullmatch=True),
                header_values,
            ),
            max_size=8,
        )
    )
    text = "".join(f"{name}: {value}\n" for name, value in headers) + "\n" + draw(bodies)
    if draw(st.integers(0, 9)) == 0:
        text *= draw(st.integers(50, 400))  # large
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1", "utf-16", "bytes"]))
    if encoding == "bytes":
        return draw(st.binary(max_size=200))
    event(f"encoding {encoding}")
    return text.encode(encoding, "replace")


@pytest.fixture(scope="module")
def content_site(tmp_path_factory: pytest.TempPathFactory) -> Octavo:
    root = tmp_path_factory.mktemp("fuzz-content") / "site"
    _write_sources(root / "content")
    templates = root / "templates"
    templates.mkdir(parents=True)
    (templates / "entry.html").write_text(
        "<h1>{{ entry.title }}</h1>{{ entry.body }}{{ entry.more }}"
        "{% for t in entry.tags %}{{ t }}{% endfor %}",
        encoding="utf-8",
    )
    (templates / "index.html").write_text(
        "{{ category.name }}{% for e in view.entries %}{{ e.title }}{{ e.body }}{% endfor %}",
        encoding="utf-8",
    )
    (root / "static").mkdir()
    return make_app(root, "content-fuzz", image_max_size=600, image_render_threads=1)


def _check_page(client: Any, url: str, where: str, expect_ok: bool) -> None:
    response = client.get(url)
    for _ in range(3):  # /<id> redirects to the entry's canonical URL
        if response.status_code not in (301, 302, 307, 308):
            break
        location = response.headers["Location"]
        if not location.startswith("/") and "://localhost" not in location:
            return  # Redirect-To elsewhere
        response = client.get(location)
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{url} answered {response.status_code}: {where}"
    assert "Traceback" not in body, f"{url} shows a traceback: {where}"
    if expect_ok:
        assert response.status_code == 200, f"{url} answered {response.status_code}: {where}"


@fuzz_settings(examples=25)
@given(
    good=st.lists(good_entry(), max_size=2),
    bad=st.lists(
        st.tuples(st.sampled_from([".md", ".md", ".htm", ".html", ".cat"]), any_file()),
        min_size=1,
        max_size=3,
    ),
)
def test_any_content_files_scan_and_render(content_site, good, bad):
    folder = f"ex{next(_counter)}"
    base = Path(content_site.site.content_folder) / folder
    base.mkdir(parents=True)
    written: dict[str, tuple[str, bool]] = {}  # path -> (kind, drawn good)
    for n, data in enumerate(good):
        (base / f"good{n}.md").write_bytes(data)
        written[f"{folder}/good{n}.md"] = ("entry", True)
    for n, (suffix, data) in enumerate(bad):
        (base / f"any{n}{suffix}").write_bytes(data)
        written[f"{folder}/any{n}{suffix}"] = ("category" if suffix == ".cat" else "entry", False)
    # a category file may name an entry template that does not exist (a 400, as in Publ)
    templated = any(kind == "category" for kind, _ in written.values())
    where = f"files {sorted(written)}; {seed_note()}"
    report = content_site.keeper.scan_now(wait=30)  # the scan finishes, whatever the files
    assert report is not None, where
    errors = {p.path for p in report.problems if p.severity == "error"}
    entries = entries_by_path(content_site.index)
    client = content_site.test_client()
    for path, (kind, drawn_good) in written.items():
        if kind != "entry":
            continue
        indexed = path in entries
        assert indexed != (path in errors), f"{path}: indexed={indexed}, errors={errors}: {where}"
        event("indexed" if indexed else "reported")
        if drawn_good:
            mine = [str(p) for p in report.problems if p.path == path]
            assert indexed, f"{path} was drawn well-formed: {mine}: {where}"
        if indexed:
            row = entries[path]
            expect_ok = drawn_good and not templated
            _check_page(client, f"/{row.entry_id}", f"{path}: {where}", expect_ok)
            _check_page(client, f"/{row.category}/" if row.category else "/", where, False)


def test_a_category_of_dots_is_no_parent(content_site):
    """Found by the long run (seed 1002): `Category: ..` made the category page /../,
    a 500 (its templates were looked up outside the template folder)."""
    base = Path(content_site.site.content_folder) / "dots"
    base.mkdir()
    (base / "up.md").write_text("Title: Up\nEntry-ID: 9001\nCategory: ..\n\nx\n", encoding="utf-8")
    (base / "mid.md").write_text("Title: Mid\nEntry-ID: 9002\nCategory: a/./../b\n\nx\n")
    content_site.keeper.scan_now(wait=30)
    client = content_site.test_client()
    assert client.get("/9001").headers["Location"] == "/9001-Up"
    assert client.get("/9002").headers["Location"] == "/b/9002-Mid"
    assert client.get("/../").status_code == 404
