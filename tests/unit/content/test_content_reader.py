"""octavo.content.reader.decode_text: bytes to normalised text, or a ContentError."""

from __future__ import annotations

import pytest

from octavo.content.problems import ContentError, Severity
from octavo.content.reader import decode_text


def test_plain_utf8_is_decoded():
    assert decode_text("a.md", "Title: Café ☕\n\nBody\n".encode()) == "Title: Café ☕\n\nBody\n"


@pytest.mark.parametrize("data", [b"", b"   ", b"\n\n", b"\r\n\t \r\n"])
def test_empty_or_whitespace_file_is_an_error(data):
    with pytest.raises(ContentError) as info:
        decode_text("posts/empty.md", data)
    assert info.value.problem.path == "posts/empty.md"
    assert "empty" in info.value.problem.message
    assert info.value.problem.severity == Severity.ERROR


def test_empty_file_allowed_when_asked():
    assert decode_text("a.cat", b"", allow_empty=True) == ""
    assert decode_text("a.cat", b"\r\n", allow_empty=True) == "\n"


def test_nul_byte_is_a_binary_file_error_with_line():
    data = b"Title: x\n\nline three\nline \x00four\n"
    with pytest.raises(ContentError) as info:
        decode_text("bin.md", data)
    assert "binary" in info.value.problem.message
    assert info.value.problem.line == 4


def test_nul_on_first_line():
    with pytest.raises(ContentError) as info:
        decode_text("bin.md", b"\x00\x01\x02")
    assert info.value.problem.line == 1


def test_invalid_utf8_reports_line_of_bad_byte():
    data = b"Title: ok\n\nfine\nstill fine\nbad \xff byte\nafter\n"
    with pytest.raises(ContentError) as info:
        decode_text("latin.md", data)
    problem = info.value.problem
    assert problem.path == "latin.md"
    assert problem.line == 5
    assert "UTF-8" in problem.message


def test_truncated_multibyte_sequence_is_invalid():
    data = b"Title: x\n\n" + "é".encode()[:1] + b"\n"
    with pytest.raises(ContentError) as info:
        decode_text("a.md", data)
    assert info.value.problem.line == 3


def test_latin1_encoded_file_is_rejected():
    with pytest.raises(ContentError):
        decode_text("a.md", "Title: Café\n".encode("latin-1"))


def test_bom_is_stripped():
    data = b"\xef\xbb\xbfTitle: x\n\nBody\n"
    text = decode_text("a.md", data)
    assert text == "Title: x\n\nBody\n"
    assert not text.startswith("\ufeff")


def test_crlf_is_normalised():
    assert decode_text("a.md", b"Title: x\r\n\r\nBody\r\nline\r\n") == "Title: x\n\nBody\nline\n"


def test_lone_cr_is_normalised():
    assert decode_text("a.md", b"Title: x\r\rBody\rline") == "Title: x\n\nBody\nline"


def test_mixed_line_endings_are_normalised():
    assert decode_text("a.md", b"a\r\nb\rc\nd") == "a\nb\nc\nd"


def test_bom_and_crlf_together():
    assert decode_text("a.md", b"\xef\xbb\xbfTitle: x\r\n\r\nB") == "Title: x\n\nB"
