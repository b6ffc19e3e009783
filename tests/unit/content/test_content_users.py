"""octavo.content.users: users.cfg groups (§1.9)."""

from __future__ import annotations

import textwrap

from octavo.content.users import groups_of, parse_users

USERS = textwrap.dedent(
    """\
    # a comment
    ; another comment
    [admin]
    mailto:Boss@Example.com

    [friends]
    https://friend.example/
    test:friend2
    family

    [family]
    mailto:mum@example.com
    test:Sibling

    [Friends]
    test:case-sensitive-section
    """
)


def test_sections_and_members_case_preserved():
    sections = parse_users(USERS)
    assert set(sections) == {"admin", "friends", "family", "Friends"}
    assert sections["admin"] == frozenset({"mailto:Boss@Example.com"})
    assert sections["friends"] == frozenset({"https://friend.example/", "test:friend2", "family"})
    assert sections["family"] == frozenset({"mailto:mum@example.com", "test:Sibling"})
    assert sections["Friends"] == frozenset({"test:case-sensitive-section"})


def test_comments_are_not_members():
    sections = parse_users("[g]\n# not me\n; nor me\nreal:member\n")
    assert sections == {"g": frozenset({"real:member"})}


def test_members_may_contain_equals_and_colons():
    sections = parse_users("[g]\nhttps://x.example/?a=b\nmailto:a@b.c\n")
    assert sections["g"] == frozenset({"https://x.example/?a=b", "mailto:a@b.c"})


def test_empty_file_and_empty_section():
    assert parse_users("") == {}
    assert parse_users("[lonely]\n") == {"lonely": frozenset()}


def test_direct_membership():
    sections = parse_users(USERS)
    assert groups_of("mailto:Boss@Example.com", sections) == frozenset({"admin"})


def test_membership_is_case_sensitive():
    sections = parse_users(USERS)
    assert groups_of("mailto:boss@example.com", sections) == frozenset()


def test_transitive_membership():
    sections = parse_users(USERS)
    assert groups_of("test:Sibling", sections) == frozenset({"family", "friends"})
    assert groups_of("test:friend2", sections) == frozenset({"friends"})


def test_deep_chain():
    sections = {
        "a": frozenset({"user"}),
        "b": frozenset({"a"}),
        "c": frozenset({"b"}),
        "d": frozenset({"c"}),
    }
    assert groups_of("user", sections) == frozenset({"a", "b", "c", "d"})


def test_unknown_identity_has_no_groups():
    assert groups_of("test:nobody", parse_users(USERS)) == frozenset()


def test_mutual_cycle_terminates():
    sections = parse_users("[mutual1]\nmutual2\ntest:user\n\n[mutual2]\nmutual1\n")
    assert groups_of("test:user", sections) == frozenset({"mutual1", "mutual2"})
    assert groups_of("mutual1", sections) == frozenset({"mutual1", "mutual2"})


def test_self_cycle_terminates():
    sections = {"loop": frozenset({"loop", "test:me"})}
    assert groups_of("test:me", sections) == frozenset({"loop"})


def test_identity_named_section_aliases_one_way():
    text = textwrap.dedent(
        """\
        [admin]
        mailto:main@example.com

        [friends]
        mailto:main@example.com

        [mailto:main@example.com]
        https://alt.example/
        """
    )
    sections = parse_users(text)
    alias_groups = groups_of("https://alt.example/", sections)
    assert {"admin", "friends"} <= alias_groups
    # One-way: the main identity does not inherit anything from the alias.
    assert groups_of("mailto:main@example.com", sections) == frozenset({"admin", "friends"})
