"""octavo.content.stamp: writing identity headers without disturbing anything else."""

from __future__ import annotations

import os
import stat

import pytest

from octavo.content.fingerprint import digest
from octavo.content.stamp import StampPlan, StampRefused, apply_headers, write_atomically

# --- apply_headers ----------------------------------------------------------------------


def test_missing_header_added_at_end_of_header_block():
    text = "Title: Hello\nDate: 2024-01-01\n\nBody text\n"
    assert apply_headers(text, (("Entry-ID", "42"),)) == (
        "Title: Hello\nDate: 2024-01-01\nEntry-ID: 42\n\nBody text\n"
    )


def test_several_missing_headers_added_in_given_order():
    text = "Title: Hello\n\nBody\n"
    result = apply_headers(text, (("Entry-ID", "42"), ("UUID", "abc")))
    assert result == "Title: Hello\nEntry-ID: 42\nUUID: abc\n\nBody\n"


def test_existing_header_replaced_in_place():
    text = "Title: Hello\nEntry-ID: 7\nDate: 2024-01-01\n\nBody\n"
    assert apply_headers(text, (("Entry-ID", "42"),)) == (
        "Title: Hello\nEntry-ID: 42\nDate: 2024-01-01\n\nBody\n"
    )


def test_existing_header_matched_case_insensitively():
    text = "entry-id: 7\nTitle: x\n\nBody"
    assert apply_headers(text, (("Entry-ID", "42"),)) == "Entry-ID: 42\nTitle: x\n\nBody"


def test_replacing_removes_continuation_lines():
    text = "Title: t\nUUID: part one\n  part two\n\tpart three\nTag: x\n\nBody\n"
    assert apply_headers(text, (("UUID", "new"),)) == "Title: t\nUUID: new\nTag: x\n\nBody\n"


def test_other_headers_continuations_untouched():
    text = "Title: long\n  title\nEntry-ID: 1\n\nBody\n"
    assert (
        apply_headers(text, (("Entry-ID", "2"),)) == "Title: long\n  title\nEntry-ID: 2\n\nBody\n"
    )


def test_crlf_preserved():
    text = "Title: Hello\r\nEntry-ID: 7\r\n\r\nBody\r\nMore\r\n"
    result = apply_headers(text, (("Entry-ID", "42"), ("UUID", "u")))
    assert result == "Title: Hello\r\nEntry-ID: 42\r\nUUID: u\r\n\r\nBody\r\nMore\r\n"


def test_body_bytes_untouched_even_when_it_looks_like_headers():
    body = "Entry-ID: 999\nTitle: not a header\n\n.....\n  trailing  \n\n\n"
    text = "Title: t\n\n" + body
    result = apply_headers(text, (("Entry-ID", "1"), ("Title", "new")))
    assert result == "Title: new\nEntry-ID: 1\n\n" + body


def test_whitespace_only_separator_line_kept():
    text = "Title: t\n  \t\nBody\n"
    assert apply_headers(text, (("Entry-ID", "1"),)) == "Title: t\nEntry-ID: 1\n  \t\nBody\n"


def test_no_headers_gets_header_block_and_blank_line():
    text = "Just a body.\nSecond line.\n"
    assert apply_headers(text, (("Entry-ID", "1"), ("UUID", "u"))) == (
        "Entry-ID: 1\nUUID: u\n\nJust a body.\nSecond line.\n"
    )


def test_no_headers_crlf_file():
    text = "Just a body.\r\n"
    assert apply_headers(text, (("Entry-ID", "1"),)) == "Entry-ID: 1\r\n\r\nJust a body.\r\n"


def test_headers_only_without_trailing_newline():
    assert apply_headers("Title: t", (("Entry-ID", "1"),)) == "Title: t\nEntry-ID: 1\n"


def test_headers_only_with_trailing_newline():
    assert apply_headers("Title: t\n", (("Entry-ID", "1"),)) == "Title: t\nEntry-ID: 1\n"


def test_result_parses_back():
    from octavo.content.message import parse_message

    text = "Title: T\nTag: a\n  continued\n\nBody\n.....\nMore"
    result = apply_headers(text, (("Entry-ID", "5"), ("UUID", "u"), ("Tag", "b")))
    message = parse_message("x.md", result)
    assert message.get("Entry-ID") == "5"
    assert message.get("UUID") == "u"
    assert message.get_all("Tag") == ["b"]
    assert message.get("Title") == "T"
    assert message.payload == "Body\n.....\nMore"


# --- write_atomically ------------------------------------------------------------------


def make_file(tmp_path, data: bytes, name: str = "post.md"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def plan_for(path, headers=(("Entry-ID", "42"),), data: bytes | None = None) -> StampPlan:
    return StampPlan(str(path), tuple(headers), digest(path.read_bytes() if data is None else data))


def test_write_atomically_writes_headers(tmp_path):
    path = make_file(tmp_path, b"Title: t\n\nBody\n")
    write_atomically(str(path), plan_for(path))
    assert path.read_bytes() == b"Title: t\nEntry-ID: 42\n\nBody\n"


def test_write_atomically_preserves_mode(tmp_path):
    path = make_file(tmp_path, b"Title: t\n\nBody\n")
    path.chmod(0o640)
    write_atomically(str(path), plan_for(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert b"Entry-ID: 42" in path.read_bytes()


def test_write_atomically_preserves_executable_mode(tmp_path):
    path = make_file(tmp_path, b"Title: t\n\nBody\n")
    path.chmod(0o751)
    write_atomically(str(path), plan_for(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o751


def test_write_atomically_refuses_when_digest_differs(tmp_path):
    original = b"Title: t\n\nBody\n"
    path = make_file(tmp_path, original)
    plan = plan_for(path, data=b"Title: t\n\nOlder body\n")
    with pytest.raises(StampRefused):
        write_atomically(str(path), plan)
    assert path.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ["post.md"]


def test_write_atomically_keeps_utf8_bom(tmp_path):
    path = make_file(tmp_path, b"\xef\xbb\xbfTitle: t\r\n\r\nB\xc3\xa9\r\n")
    write_atomically(str(path), plan_for(path))
    assert path.read_bytes() == b"\xef\xbb\xbfTitle: t\r\nEntry-ID: 42\r\n\r\nB\xc3\xa9\r\n"


def test_write_atomically_bom_file_without_headers(tmp_path):
    path = make_file(tmp_path, b"\xef\xbb\xbfBody only\n")
    write_atomically(str(path), plan_for(path))
    assert path.read_bytes() == b"\xef\xbb\xbfEntry-ID: 42\n\nBody only\n"


def test_write_atomically_leaves_no_temp_files(tmp_path):
    path = make_file(tmp_path, b"Title: t\n\nBody\n")
    make_file(tmp_path, b"other", "other.txt")
    write_atomically(str(path), plan_for(path))
    assert sorted(os.listdir(tmp_path)) == ["other.txt", "post.md"]


def test_write_atomically_unicode_body_byte_identical(tmp_path):
    body = "Ünïcödé 💜 body\n\n.....\nmore ☕\n".encode()
    path = make_file(tmp_path, b"Title: t\n\n" + body)
    write_atomically(str(path), plan_for(path, (("UUID", "x"), ("Title", "T2"))))
    assert path.read_bytes() == b"Title: T2\nUUID: x\n\n" + body


def test_write_atomically_through_symlink_updates_the_target(tmp_path):
    real = make_file(tmp_path, b"Title: t\n\nBody\n", "real.md")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomically(str(link), plan_for(link))
    assert link.is_symlink(), "stamping replaced the symlink with a copy"
    assert real.read_bytes() == b"Title: t\nEntry-ID: 42\n\nBody\n"


def test_write_atomically_refuses_when_file_changes_during_write(tmp_path, monkeypatch):
    path = make_file(tmp_path, b"Title: t\n\nBody\n")
    plan = plan_for(path)
    real_chmod = os.chmod

    def chmod_while_someone_edits(target, mode, *args, **kwargs):
        path.write_bytes(b"Title: t\n\nEdited meanwhile\n")
        return real_chmod(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", chmod_while_someone_edits)
    with pytest.raises(StampRefused):
        write_atomically(str(path), plan)
    assert path.read_bytes() == b"Title: t\n\nEdited meanwhile\n"
    assert sorted(os.listdir(tmp_path)) == ["post.md"]
