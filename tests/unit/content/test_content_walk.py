"""octavo.content.walk: finding content files, following symlinks safely."""

from __future__ import annotations

import os

from octavo.content.problems import Severity
from octavo.content.walk import walk_content


def touch(root, relpath: str, data: bytes = b"x") -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def relpaths(result) -> list[str]:
    return [f.relpath for f in result.files]


def test_finds_every_content_kind(tmp_path):
    for name in [
        "a.md",
        "b.htm",
        "c.html",
        "d.cat",
        "e.meta",
        "f.jpg",
        "g.jpeg",
        "h.png",
        "i.gif",
        "j.webp",
    ]:
        touch(tmp_path, name)
    result = walk_content(str(tmp_path))
    kinds = {f.relpath: f.kind for f in result.files}
    assert kinds == {
        "a.md": "entry",
        "b.htm": "entry",
        "c.html": "entry",
        "d.cat": "category",
        "e.meta": "category",
        "f.jpg": "image",
        "g.jpeg": "image",
        "h.png": "image",
        "i.gif": "image",
        "j.webp": "image",
    }
    assert result.problems == []


def test_ignores_other_extensions(tmp_path):
    for name in ["a.mdx", "b.catx", "c.txt", "d.md~", "e.markdown", "README", "f.md.bak"]:
        touch(tmp_path, name)
    touch(tmp_path, "keep.md")
    result = walk_content(str(tmp_path))
    assert relpaths(result) == ["keep.md"]
    assert result.problems == []


def test_nested_relpaths_fullpaths_and_stat(tmp_path):
    touch(tmp_path, "blog/2024/post.md", b"12345")
    result = walk_content(str(tmp_path))
    [found] = result.files
    assert found.relpath == "blog/2024/post.md"
    assert os.path.samefile(found.fullpath, tmp_path / "blog" / "2024" / "post.md")
    assert found.kind == "entry"
    assert found.size == 5
    assert found.mtime_ns == (tmp_path / "blog/2024/post.md").stat().st_mtime_ns


def test_empty_folder(tmp_path):
    result = walk_content(str(tmp_path))
    assert result.files == []
    assert result.problems == []


def test_follows_symlinked_folder(tmp_path):
    content = tmp_path / "content"
    outside = tmp_path / "outside"
    touch(outside, "shared/post.md")
    touch(content, "own.md")
    content.mkdir(exist_ok=True)
    (content / "linked").symlink_to(outside / "shared", target_is_directory=True)
    result = walk_content(str(content))
    assert sorted(relpaths(result)) == ["linked/post.md", "own.md"]
    assert result.problems == []


def test_follows_symlinked_file(tmp_path):
    content = tmp_path / "content"
    touch(tmp_path, "outside.md", b"abc")
    content.mkdir()
    (content / "inside.md").symlink_to(tmp_path / "outside.md")
    result = walk_content(str(content))
    [found] = result.files
    assert found.relpath == "inside.md"
    assert found.size == 3


def test_symlink_loop_is_reported_and_walk_terminates(tmp_path):
    touch(tmp_path, "a/post.md")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    result = walk_content(str(tmp_path))
    assert relpaths(result) == ["a/post.md"]
    [problem] = result.problems
    assert problem.path == "a/loop"
    assert problem.severity == Severity.WARNING
    assert "loop" in problem.message


def test_self_referencing_symlink_is_reported(tmp_path):
    touch(tmp_path, "x.md")
    (tmp_path / "self").symlink_to(tmp_path / "self")
    result = walk_content(str(tmp_path))
    assert relpaths(result) == ["x.md"]


def test_dangling_symlink_named_md_is_a_problem(tmp_path):
    touch(tmp_path, "good.md")
    (tmp_path / "x.md").symlink_to(tmp_path / "does-not-exist.md")
    result = walk_content(str(tmp_path))
    assert relpaths(result) == ["good.md"]
    [problem] = result.problems
    assert problem.path == "x.md"
    assert problem.severity == Severity.ERROR


def test_dangling_symlink_with_ignored_extension_is_silent(tmp_path):
    (tmp_path / "x.txt").symlink_to(tmp_path / "nowhere")
    result = walk_content(str(tmp_path))
    assert result.files == []
    assert result.problems == []


def test_missing_root_is_a_problem_not_a_crash(tmp_path):
    result = walk_content(str(tmp_path / "nope"))
    assert result.files == []
    assert len(result.problems) == 1


def test_order_is_stable_and_sorted_within_folders(tmp_path):
    names = ["zeta.md", "alpha.md", "Mid.md", "b/two.md", "b/one.md", "a/x.cat", "c/d/e.md"]
    for name in reversed(names):
        touch(tmp_path, name)
    first = relpaths(walk_content(str(tmp_path)))
    assert first == relpaths(walk_content(str(tmp_path)))
    assert sorted(first) == sorted(names)
    for folder in ["", "b"]:
        in_folder = [p for p in first if os.path.dirname(p) == folder]
        assert in_folder == sorted(in_folder)
    # Folders are visited in name order too.
    assert first.index("a/x.cat") < first.index("b/one.md") < first.index("c/d/e.md")


def test_order_independent_of_creation_order(tmp_path):
    names = ["b.md", "a.md", "c/z.md", "c/a.md", "d.md"]
    one, two = tmp_path / "one", tmp_path / "two"
    for name in names:
        touch(one, name)
    for name in reversed(names):
        touch(two, name)
    assert relpaths(walk_content(str(one))) == relpaths(walk_content(str(two)))


def test_relpaths_are_nfc(tmp_path):
    decomposed = "cafe\u0301.md"
    touch(tmp_path, decomposed)
    [found] = walk_content(str(tmp_path)).files
    assert found.relpath == "caf\u00e9.md"
