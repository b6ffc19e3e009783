"""octavo.content.message: header blocks with line numbers, then the payload."""

from __future__ import annotations

import pytest

from octavo.content.message import Header, parse_message
from octavo.content.problems import ContentError, Severity


def test_headers_keep_order_names_values_and_lines():
    message = parse_message("a.md", "Title: Hello\nDate: 2024-01-02\nX-Custom: yes\n\nBody\n")
    assert message.headers == [
        Header("Title", "Hello", 1),
        Header("Date", "2024-01-02", 2),
        Header("X-Custom", "yes", 3),
    ]


def test_header_values_are_stripped_and_may_be_empty():
    message = parse_message("a.md", "Title:   spaced out   \nSlug-Text:\n\nBody")
    assert message.get("Title") == "spaced out"
    assert message.get("Slug-Text") == ""


def test_value_may_contain_colons():
    message = parse_message("a.md", "Redirect-To: https://example.com:8080/x\n\n")
    assert message.get("Redirect-To") == "https://example.com:8080/x"


def test_get_is_case_insensitive_and_returns_first_value():
    message = parse_message("a.md", "TITLE: first\ntitle: second\n\nBody")
    assert message.get("Title") == "first"
    assert message.get("tItLe") == "first"


def test_get_missing_returns_default():
    message = parse_message("a.md", "Title: x\n\n")
    assert message.get("Date") is None
    assert message.get("Date", "fallback") == "fallback"


def test_get_all_returns_repeated_headers_in_file_order_case_insensitively():
    text = "Tag: one\nTitle: t\ntag: two\nTAG: three\n\nBody"
    message = parse_message("a.md", text)
    assert message.get_all("Tag") == ["one", "two", "three"]
    assert message.get_all("tag") == ["one", "two", "three"]
    assert message.get_all("Missing") == []


def test_find_returns_first_header_with_its_line():
    message = parse_message("a.md", "Title: t\nTag: one\nTag: two\n\n")
    found = message.find("TAG")
    assert found == Header("Tag", "one", 2)
    assert message.find("Nope") is None


def test_repeated_headers_all_appear_in_headers_list():
    message = parse_message("a.md", "Tag: a\nTag: b\n\n")
    assert [(h.name, h.value, h.line) for h in message.headers] == [
        ("Tag", "a", 1),
        ("Tag", "b", 2),
    ]


def test_continuation_lines_are_unfolded_into_one_value():
    text = "Title: A long\n  title that\n\tcontinues\nDate: 2024-01-01\n\nBody"
    message = parse_message("a.md", text)
    assert message.get("Title") == "A long title that continues"
    # The header keeps the line it started on; the next header's line counts the folds.
    assert message.find("Title").line == 1
    assert message.find("Date").line == 4


def test_continuation_of_an_empty_first_line():
    message = parse_message("a.md", "Summary:\n    the real value\n\nBody")
    assert message.get("Summary") == "the real value"


def test_blank_line_ends_headers_and_starts_payload():
    message = parse_message("a.md", "Title: t\n\nFirst line\nNot-A-Header: here\n")
    assert [h.name for h in message.headers] == ["Title"]
    assert message.payload == "First line\nNot-A-Header: here\n"
    assert message.payload_line == 3


def test_whitespace_only_line_ends_headers():
    message = parse_message("a.md", "Title: t\nTag: x\n   \t\nBody: text\nmore\n")
    assert [h.name for h in message.headers] == ["Title", "Tag"]
    assert message.payload == "Body: text\nmore\n"
    assert message.payload_line == 4


def test_payload_keeps_later_blank_lines_and_text_verbatim():
    text = "Title: t\n\n\nPara one\n\n\nPara two\n"
    message = parse_message("a.md", text)
    assert message.payload == "\nPara one\n\n\nPara two\n"
    assert message.payload_line == 3


def test_payload_line_after_folded_headers():
    text = "Title: a\n b\n c\nTag: x\n\nBody"
    message = parse_message("a.md", text)
    assert message.payload == "Body"
    assert message.payload_line == 6


def test_first_line_not_a_header_means_whole_text_is_payload():
    text = "Just some text: with a colon later\nTitle: not a header\n\nMore\n"
    message = parse_message("a.md", text)
    assert message.headers == []
    assert message.get("Title") is None
    assert message.payload == text.strip("\n")
    assert message.payload_line == 1


def test_leading_blank_line_means_no_headers():
    message = parse_message("a.cat", "\nTitle: looks like a header\n")
    assert message.headers == []
    assert "Title: looks like a header" in message.payload


def test_first_line_indented_is_not_a_header():
    message = parse_message("a.md", "  Title: indented\n\nBody")
    assert message.headers == []


def test_empty_text_has_no_headers_and_empty_payload():
    message = parse_message("a.md", "")
    assert message.headers == []
    assert message.payload == ""


def test_malformed_header_line_raises_with_its_line_number():
    text = "Title: fine\nDate: 2024-01-01\nthis is not a header\nTag: x\n\nBody"
    with pytest.raises(ContentError) as info:
        parse_message("posts/a.md", text)
    problem = info.value.problem
    assert problem.path == "posts/a.md"
    assert problem.line == 3
    assert problem.severity == Severity.ERROR
    assert "this is not a header" in problem.message


def test_malformed_header_after_continuation_reports_right_line():
    text = "Title: a\n  folded\n  again\nBad header line\n\n"
    with pytest.raises(ContentError) as info:
        parse_message("a.md", text)
    assert info.value.problem.line == 4


def test_header_name_with_space_is_malformed():
    with pytest.raises(ContentError) as info:
        parse_message("a.md", "Title: x\nBad Name: y\n\n")
    assert info.value.problem.line == 2


def test_headers_without_blank_line_and_without_payload():
    message = parse_message("a.md", "Title: t\nTag: x")
    assert [(h.name, h.value) for h in message.headers] == [("Title", "t"), ("Tag", "x")]
    assert message.payload == ""


def test_headers_ending_with_newline_but_no_blank_line():
    message = parse_message("a.md", "Title: t\nTag: x\n")
    assert message.get_all("Tag") == ["x"]
    assert message.payload == ""


def test_headers_then_blank_line_then_nothing():
    message = parse_message("a.md", "Title: t\n\n")
    assert message.get("Title") == "t"
    assert message.payload == ""


def test_message_built_directly_indexes_headers_case_insensitively():
    from octavo.content.message import Message

    message = Message(headers=[Header("Entry-ID", "5", 1), Header("entry-id", "6", 2)])
    assert message.get_all("ENTRY-ID") == ["5", "6"]
