"""octavo.content.entry: entry files parsed into records (§1.2 to §1.4)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from octavo.content.aliases import Alias, AliasKind
from octavo.content.entry import EntryText, TagRef, parse_entry, split_payload
from octavo.content.problems import ContentError, Severity
from octavo.content.status import Status

SITE_TZ = ZoneInfo("Europe/Paris")
MTIME = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
DATED = "Date: 2024-03-01 12:00:00+00:00\n"


def entry(text: str, path: str = "blog/post.md", mtime: float = MTIME):
    return parse_entry(path, text.encode("utf-8"), SITE_TZ, mtime)


def utc_epoch(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp())


def warning_for(record, needle: str):
    found = [w for w in record.warnings if needle in w.message]
    assert found, f"no warning mentioning {needle!r} in {record.warnings}"
    return found[0]


# --- Title, Sort-Title ----------------------------------------------------------------


def test_minimal_entry_defaults():
    record = entry(DATED + "\nBody")
    assert record.path == "blog/post.md"
    assert record.title == ""
    assert record.sort_title == ""
    assert record.slug_text == ""
    assert record.status is Status.SCHEDULED
    assert record.category == "blog"
    assert record.entry_type == ""
    assert record.redirect_url is None
    assert record.entry_template is None
    assert record.summary is None
    assert record.content_type is None
    assert record.canonical_path is None
    assert record.auth is None
    assert record.explicit_id is None
    assert record.explicit_uuid is None
    assert record.aliases == []
    assert record.tags == []
    assert record.attach == []
    assert record.warnings == []


def test_title():
    assert entry("Title: Hello *world*\n" + DATED).title == "Hello *world*"


def test_sort_title_defaults_to_title():
    assert entry("Title: The Zebra\n" + DATED).sort_title == "The Zebra"


def test_sort_title_explicit():
    record = entry("Title: The Zebra\nSort-Title: Zebra, The\n" + DATED)
    assert record.title == "The Zebra"
    assert record.sort_title == "Zebra, The"


def test_headers_are_case_insensitive():
    record = entry("title: lower\nSTATUS: published\nentry-id: 12\n" + DATED)
    assert record.title == "lower"
    assert record.status is Status.PUBLISHED
    assert record.explicit_id == 12


# --- Date ------------------------------------------------------------------------------


def test_date_with_offset_keeps_its_offset():
    record = entry("Date: 2024-03-01 12:00:00-05:00\n\n")
    assert record.date_is_fallback is False
    assert record.date.local == dt.datetime(2024, 3, 1, 12, 0)
    assert record.date.utc_timestamp == utc_epoch(2024, 3, 1, 17)
    assert record.date.moment.utcoffset() == dt.timedelta(hours=-5)


def test_naive_date_is_in_site_timezone():
    # Publ bug B12 took naive dates as UTC; Octavo uses the site's timezone.
    record = entry("Date: 2024-03-01 12:00:00\n\n")
    assert record.date.local == dt.datetime(2024, 3, 1, 12, 0)
    assert record.date.utc_timestamp == utc_epoch(2024, 3, 1, 11)  # Paris is UTC+1
    assert record.date_is_fallback is False


def test_missing_date_falls_back_to_mtime():
    record = entry("Title: x\n\nBody", mtime=MTIME)
    assert record.date_is_fallback is True
    assert record.date.utc_timestamp == int(MTIME)
    assert record.date.moment.utcoffset() == dt.timedelta(hours=1)  # Paris in November


def test_empty_date_falls_back_to_mtime():
    record = entry("Date:\n\n", mtime=MTIME)
    assert record.date_is_fallback is True
    assert record.date.utc_timestamp == int(MTIME)


def test_file_without_headers_falls_back_to_mtime():
    record = entry("Just a body, no headers.\n", mtime=MTIME)
    assert record.date_is_fallback is True
    assert record.title == ""


@pytest.mark.parametrize("bad", ["now", "next tuesday", "2024-99-99"])
def test_unparseable_date_is_an_error_naming_the_date_line(bad):
    with pytest.raises(ContentError) as info:
        entry(f"Title: x\nStatus: published\nDate: {bad}\n\nBody", path="a/b.md")
    problem = info.value.problem
    assert problem.path == "a/b.md"
    assert problem.line == 3
    assert problem.severity == Severity.ERROR


# --- Last-Modified ---------------------------------------------------------------------


def test_last_modified_absent_is_date():
    record = entry("Date: 2024-03-01 12:00:00+00:00\n\n")
    assert record.last_modified == record.date


def test_last_modified_absent_with_fallback_date_is_that_date():
    record = entry("Title: t\n\n")
    assert record.last_modified.utc_timestamp == int(MTIME)


def test_last_modified_parsed():
    record = entry(DATED + "Last-Modified: 2024-04-01 08:00:00+02:00\n\n")
    assert record.last_modified.utc_timestamp == utc_epoch(2024, 4, 1, 6)
    assert record.last_modified.local == dt.datetime(2024, 4, 1, 8)
    assert record.warnings == []


def test_last_modified_naive_is_in_site_timezone():
    record = entry(DATED + "Last-Modified: 2024-04-02 12:00:00\n\n")
    assert record.last_modified.utc_timestamp == utc_epoch(2024, 4, 2, 10)  # CEST


def test_last_modified_unparseable_warns_and_uses_date():
    record = entry("Title: x\n" + DATED + "Last-Modified: whenever\n\nBody")
    assert record.last_modified == record.date
    warning = warning_for(record, "whenever")
    assert warning.severity == Severity.WARNING
    assert warning.line == 3
    assert warning.path == "blog/post.md"


# --- Entry-ID, UUID ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("42", 42), (" 7 ", 7), ("123456789012", 123456789012)]
)
def test_entry_id(value, expected):
    assert entry(f"Entry-ID: {value}\n" + DATED).explicit_id == expected


@pytest.mark.parametrize("value", ["abc", "-5", "0", "1.5", "12abc", str(2**63)])
def test_invalid_entry_id_warns_and_is_ignored(value):
    record = entry("Title: t\n" + f"Entry-ID: {value}\n" + DATED)
    assert record.explicit_id is None
    warning = warning_for(record, "Entry-ID")
    assert warning.severity == Severity.WARNING
    assert warning.line == 2


def test_empty_entry_id_is_ignored():
    record = entry("Entry-ID:\n" + DATED)
    assert record.explicit_id is None


def test_uuid_normalised():
    record = entry("UUID: {12345678-1234-5678-1234-567812345678}\n" + DATED)
    assert record.explicit_uuid == "12345678-1234-5678-1234-567812345678"
    record = entry("UUID: 12345678123456781234ABCDEF345678\n" + DATED)
    assert record.explicit_uuid == "12345678-1234-5678-1234-abcdef345678"


def test_uuid_uppercase_normalised_to_lowercase():
    record = entry("UUID: 6F2C1A4E-7D0B-5C8E-9A3F-0B1D2E3F4A5B\n" + DATED)
    assert record.explicit_uuid == "6f2c1a4e-7d0b-5c8e-9a3f-0b1d2e3f4a5b"


def test_invalid_uuid_warns_and_is_ignored():
    record = entry(DATED + "UUID: not-a-uuid\n\n")
    assert record.explicit_uuid is None
    warning = warning_for(record, "not-a-uuid")
    assert warning.severity == Severity.WARNING
    assert warning.line == 2


def test_several_warnings_collected_together():
    record = entry("Entry-ID: x\nUUID: y\nLast-Modified: z\n" + DATED + "\n")
    assert sorted(w.line for w in record.warnings) == [1, 2, 3]
    assert record.explicit_id is None
    assert record.explicit_uuid is None


# --- Category -----------------------------------------------------------------------------


def test_default_category_is_folder():
    assert entry(DATED, path="travel/europe/paris.md").category == "travel/europe"


def test_root_entry_has_empty_category():
    assert entry(DATED, path="index.md").category == ""


def test_category_override():
    assert entry("Category: news\n" + DATED, path="blog/x.md").category == "news"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("/blog//tech/", "blog/tech"), ("  a/b  ", "a/b"), ("/", ""), ("a///b", "a/b")],
)
def test_category_override_slashes_normalised(value, expected):
    assert entry(f"Category: {value}\n" + DATED, path="other/x.md").category == expected


# --- Status ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Draft", Status.DRAFT), ("unlisted", Status.HIDDEN), ("  BURNT  ", Status.ILLEGAL)],
)
def test_status_header_is_read_case_insensitively(value, expected):
    """Every spelling is covered by test_content_status and, through a real scan on
    every database backend, by tests/integration/test_scan.py::test_status_values."""
    assert entry(f"Status: {value}\n" + DATED).status is expected


def test_status_default_scheduled():
    assert entry(DATED).status is Status.SCHEDULED


def test_unknown_status_is_an_error_naming_the_status_line():
    with pytest.raises(ContentError) as info:
        entry("Title: x\n" + DATED + "Status: live\n\nBody", path="p/q.md")
    problem = info.value.problem
    assert problem.path == "p/q.md"
    assert problem.line == 3
    assert "live" in problem.message


def test_only_first_status_counts():
    assert entry("Status: draft\nStatus: published\n" + DATED).status is Status.DRAFT


# --- Slug-Text -------------------------------------------------------------------------


def test_slug_text_explicit_is_slugified():
    record = entry("Title: Something else\nSlug-Text: My custom slug!\n" + DATED)
    assert record.slug_text == "My-custom-slug"


def test_empty_slug_text_gives_empty_slug():
    record = entry("Title: A real title\nSlug-Text:\n" + DATED)
    assert record.slug_text == ""


def test_slug_default_from_plain_title():
    assert entry("Title: Don't *panic*\n" + DATED).slug_text == "Don-t-panic"


def test_slug_default_drops_struck_text_and_links():
    record = entry("Title: A ~~serious~~ [comical](http://x.y) mistake\n" + DATED)
    assert record.slug_text == "A-comical-mistake"


def test_slug_default_keeps_case_and_unicode():
    # NFKC turns the micro sign into a Greek mu, as Publ 0.8.19's slugify does
    assert entry("Title: Thiß îs µnicode 💜\n" + DATED).slug_text == "Thiß-îs-\u03bcnicode-💜"


def test_slug_default_treats_markdown_escapes_as_literal():
    # `1\. Intro` displays as "1. Intro" (the backslash only stops a list), so the slug is
    # the slug of "1. Intro".
    assert entry("Title: 1\\. Intro\n" + DATED).slug_text == "1.-Intro"


# --- Redirect-To, Entry-Type, Entry-Template, Summary, Content-Type -------------------


def test_redirect_to():
    assert entry("Redirect-To: https://example.com/x\n" + DATED).redirect_url == (
        "https://example.com/x"
    )


def test_empty_redirect_to_is_none():
    assert entry("Redirect-To:\n" + DATED).redirect_url is None


def test_entry_type_is_case_sensitive_free_text():
    assert entry("Entry-Type: Photo Album\n" + DATED).entry_type == "Photo Album"


def test_entry_template():
    assert entry("Entry-Template: gallery\n" + DATED).entry_template == "gallery"


def test_summary():
    assert entry("Summary: A *short* one\n" + DATED).summary == "A *short* one"


def test_content_type():
    record = entry("Content-Type: text/plain; charset=latin-1\n" + DATED)
    assert record.content_type == "text/plain; charset=latin-1"


# --- Path-Alias, Path-Mount, Path-Canonical -----------------------------------------------


def test_path_alias_path_only():
    record = entry("Path-Alias: /old/url\n" + DATED)
    assert record.aliases == [Alias("/old/url", AliasKind.REDIRECT, None)]


def test_path_alias_with_template_repeatable_in_order():
    record = entry("Path-Alias: /one\nPath-Alias: two index\n" + DATED)
    assert record.aliases == [
        Alias("/one", AliasKind.REDIRECT, None),
        Alias("/two", AliasKind.REDIRECT, "index"),
    ]


def test_path_alias_percent_decoded_and_leading_slash_added():
    record = entry("Path-Alias: caf%C3%A9/hello%20there.php\n" + DATED)
    assert record.aliases == [Alias("/café/hello there.php", AliasKind.REDIRECT, None)]


def test_empty_path_alias_ignored():
    assert entry("Path-Alias:\n" + DATED).aliases == []


def test_path_mount():
    record = entry("Path-Mount: /mounted amp\nPath-Mount: plain\n" + DATED)
    assert record.aliases == [
        Alias("/mounted", AliasKind.MOUNT, "amp"),
        Alias("/plain", AliasKind.MOUNT, None),
    ]


def test_path_canonical_first_is_canonical_and_all_are_mounts():
    record = entry("Path-Canonical: /first\nPath-Canonical: second\n" + DATED)
    assert record.canonical_path == "/first"
    assert Alias("/first", AliasKind.MOUNT, None) in record.aliases
    assert Alias("/second", AliasKind.MOUNT, None) in record.aliases
    assert len(record.aliases) == 2


def test_canonical_path_decoded_with_slash():
    assert entry("Path-Canonical: a%20b\n" + DATED).canonical_path == "/a b"


def test_all_alias_kinds_together():
    record = entry("Path-Canonical: /c\nPath-Mount: /m\nPath-Alias: /a\n" + DATED)
    assert sorted(record.aliases, key=lambda a: a.path) == [
        Alias("/a", AliasKind.REDIRECT, None),
        Alias("/c", AliasKind.MOUNT, None),
        Alias("/m", AliasKind.MOUNT, None),
    ]


# --- Tags -------------------------------------------------------------------------------


def tags_of(record) -> dict[str, tuple[str, bool]]:
    return {t.key: (t.name, t.hidden) for t in record.tags}


def test_tags_keep_display_name_and_fold_key():
    record = entry("Tag: Foo\nTag: ßlig\nTag: foo  tm\n" + DATED)
    assert record.tags == [
        TagRef("foo", "Foo", False),
        TagRef("sslig", "ßlig", False),
        TagRef("foo-tm", "foo  tm", False),
    ]


def test_duplicate_tags_collapse():
    record = entry("Tag: Foo\nTag: foo\nTag: FOO\n" + DATED)
    assert len(record.tags) == 1
    assert record.tags[0].key == "foo"
    assert record.tags[0].hidden is False


def test_hidden_tag():
    record = entry("Hidden-Tag: Secret Thing\n" + DATED)
    assert record.tags == [TagRef("secret-thing", "Secret Thing", True)]


def test_visible_tag_wins_when_hidden_comes_first():
    record = entry("Hidden-Tag: foo\nTag: Foo\n" + DATED)
    assert tags_of(record) == {"foo": ("Foo", False)}


def test_visible_tag_wins_when_hidden_comes_last():
    record = entry("Tag: Foo\nHidden-Tag: FOO\n" + DATED)
    assert tags_of(record) == {"foo": ("Foo", False)}


def test_hidden_and_visible_with_different_keys_both_kept():
    record = entry("Tag: one\nHidden-Tag: two\n" + DATED)
    assert tags_of(record) == {"one": ("one", False), "two": ("two", True)}


def test_empty_tags_ignored():
    record = entry("Tag:\nTag: ?!\nHidden-Tag:  \n" + DATED)
    assert record.tags == []


# --- Auth, Attach ------------------------------------------------------------------------


def test_auth_whitespace_normalised():
    assert entry("Auth:   friends \t !test:friend2  \n" + DATED).auth == "friends !test:friend2"


def test_auth_only_first_header_counts():
    assert entry("Auth: friends\nAuth: enemies\n" + DATED).auth == "friends"


def test_auth_continuation_lines_joined():
    assert entry("Auth: friends\n  family\n" + DATED).auth == "friends family"


def test_empty_auth_is_none():
    assert entry("Auth:\n" + DATED).auth is None


def test_attach_repeatable_in_order():
    record = entry("Attach: a.md\nAttach: /other/b.md\nAttach: 123\nAttach:\n" + DATED)
    assert record.attach == ["a.md", "/other/b.md", "123"]


# --- Custom headers ---------------------------------------------------------------------


def test_all_headers_kept_in_order_including_custom_ones():
    text = "Title: T\nAuthor: Me\ncard-image: pic.jpg\nTag: x\nAuthor: You\n" + DATED + "\nBody"
    record = entry(text)
    assert record.headers == [
        ("Title", "T"),
        ("Author", "Me"),
        ("card-image", "pic.jpg"),
        ("Tag", "x"),
        ("Author", "You"),
        ("Date", "2024-03-01 12:00:00+00:00"),
    ]


# --- Whole-file errors and encodings ---------------------------------------------------------


def test_empty_entry_file_is_an_error():
    with pytest.raises(ContentError):
        parse_entry("x.md", b"", SITE_TZ, MTIME)


def test_malformed_header_is_an_error():
    with pytest.raises(ContentError) as info:
        entry("Title: x\noops no colon\n\nBody")
    assert info.value.problem.line == 2


def test_crlf_and_bom_entry():
    data = b"\xef\xbb\xbfTitle: Hello\r\nStatus: published\r\nTag: a\r\n\r\nBody\r\n"
    record = parse_entry("x.md", data, SITE_TZ, MTIME)
    assert record.title == "Hello"
    assert record.status is Status.PUBLISHED
    assert record.tags == [TagRef("a", "a", False)]


# --- split_payload -------------------------------------------------------------------


def test_split_without_cut():
    assert split_payload("\n  Just a body.\n\n") == EntryText("Just a body.", "")


def test_split_at_five_dots():
    assert split_payload("Above\n.....\nBelow\n") == EntryText("Above", "Below")


def test_both_halves_stripped():
    assert split_payload("\n\n  Above  \n\n.....\n\n  Below  \n\n") == EntryText("Above", "Below")


def test_payload_starting_with_cut_has_empty_body():
    assert split_payload(".....\nAll of it\n") == EntryText("", "All of it")


def test_trailing_spaces_on_dots_line_do_not_split():
    text = "Above\n..... \nBelow"
    assert split_payload(text) == EntryText(text, "")


@pytest.mark.parametrize("dots", ["....", "......", " .....", ". . . . ."])
def test_other_dot_lines_do_not_split(dots):
    text = f"Above\n{dots}\nBelow"
    assert split_payload(text) == EntryText(text, "")


def test_dots_inside_a_line_do_not_split():
    text = "Wait for it..... and more"
    assert split_payload(text) == EntryText(text, "")


def test_only_first_cut_splits():
    assert split_payload("A\n.....\nB\n.....\nC") == EntryText("A", "B\n.....\nC")


def test_cut_at_very_end_gives_empty_more():
    assert split_payload("Body\n.....") == EntryText("Body", "")


def test_whitespace_only_halves_are_empty():
    assert split_payload("  \n.....\n \t \n") == EntryText("", "")
