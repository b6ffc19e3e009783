"""octavo.content.identity: stable IDs and UUIDs, and how conflicts are settled."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import uuid

import pytest

from octavo.content.identity import (
    IdentityClaim,
    derived_id,
    derived_uuid,
    resolve_identities,
)
from octavo.content.problems import Severity


def claim(path, explicit_id=None, explicit_uuid=None, draft=False):
    return IdentityClaim(path, explicit_id, explicit_uuid, draft)


UUID_A = "11111111-1111-4111-8111-111111111111"
UUID_B = "22222222-2222-4222-8222-222222222222"


# --- derived values ---------------------------------------------------------------------


def test_derived_id_is_deterministic_within_a_process():
    assert derived_id("blog/post.md") == derived_id("blog/post.md")
    assert derived_id("blog/post.md", 3) == derived_id("blog/post.md", 3)


@pytest.mark.parametrize("path", ["a.md", "blog/post.md", "deep/nested/path/ünïcode.html"])
def test_derived_id_has_twelve_digits(path):
    for attempt in range(5):
        value = derived_id(path, attempt)
        assert 10**11 <= value < 10**12
        assert len(str(value)) == 12


def test_derived_id_differs_by_path_and_attempt():
    values = {derived_id(f"post{i}.md", a) for i in range(50) for a in range(3)}
    assert len(values) == 150


def test_derived_id_defaults_to_attempt_zero():
    assert derived_id("x.md") == derived_id("x.md", 0)


def test_derived_values_same_in_a_fresh_process(tmp_path):
    code = (
        "from octavo.content.identity import derived_id, derived_uuid\n"
        "print(derived_id('blog/post.md'), derived_id('blog/post.md', 2), "
        "derived_uuid('blog/post.md'))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        cwd=tmp_path,
    ).stdout.split()
    assert output == [
        str(derived_id("blog/post.md")),
        str(derived_id("blog/post.md", 2)),
        derived_uuid("blog/post.md"),
    ]


def test_derived_values_are_pinned():
    """Every deployed site's URLs depend on these values: a change of formula must fail here.

    Computed without Octavo (the ID: first 8 bytes of the SHA-256 of
    ``octavo-entry-id NUL path NUL attempt``, big-endian, mod 9*10^11, plus 10^11)::

        h=$(printf '%s\\0%s\\0%s' octavo-entry-id blog/post.md 0 | sha256sum | cut -c1-16)
        echo "100000000000 + $((16#$h)) % 900000000000" | bc   # in 64-bit: use bc's ibase=16

    and the UUID (RFC 4122 version 5: SHA-1 of the namespace's bytes, then
    ``path NUL attempt``; version nibble set to 5, variant bits to 10)::

        { echo 6f2c1a4e7d0b5c8e9a3f0b1d2e3f4a5b | xxd -r -p; printf '%s\\0%s' blog/post.md 0; } \\
            | sha1sum   # 5e0827b973bf8f666d42e8b554c6032d… -> 5e0827b9-73bf-5f66-ad42-e8b554c6032d
    """
    assert derived_id("blog/post.md") == 896286363497
    assert derived_id("blog/post.md", 2) == 245589571945
    assert derived_id("a.md") == 303920216689
    assert derived_id("a.md", 2) == 731776752723
    assert derived_uuid("blog/post.md") == "5e0827b9-73bf-5f66-ad42-e8b554c6032d"


def test_derived_uuid_is_a_deterministic_valid_uuid():
    value = derived_uuid("blog/post.md")
    assert value == derived_uuid("blog/post.md")
    assert str(uuid.UUID(value)) == value
    assert derived_uuid("blog/post.md", 1) != value
    assert derived_uuid("blog/other.md") != value


# --- resolve_identities ----------------------------------------------------------------


def test_explicit_ids_and_uuids_honoured():
    result = resolve_identities([claim("a.md", 5, UUID_A), claim("b.md", 7, UUID_B), claim("c.md")])
    assert result.ids["a.md"] == 5
    assert result.ids["b.md"] == 7
    assert result.uuids["a.md"] == UUID_A
    assert result.uuids["b.md"] == UUID_B
    assert result.problems == []


def test_missing_ids_are_derived():
    result = resolve_identities([claim("a.md"), claim("b/c.md")])
    assert result.ids == {"a.md": derived_id("a.md"), "b/c.md": derived_id("b/c.md")}
    assert result.uuids == {"a.md": derived_uuid("a.md"), "b/c.md": derived_uuid("b/c.md")}
    assert result.problems == []


def test_draft_with_explicit_id_keeps_it_when_unique():
    result = resolve_identities([claim("d.md", 9, draft=True)])
    assert result.ids == {"d.md": 9}


def test_duplicate_entry_id_first_path_keeps_it_and_other_is_warned():
    result = resolve_identities([claim("b.md", 5), claim("a.md", 5)])
    assert result.ids["a.md"] == 5
    assert result.ids["b.md"] == derived_id("b.md")
    [problem] = result.problems
    assert problem.severity == Severity.WARNING
    assert "Entry-ID" in problem.message
    text = str(problem)
    assert "a.md" in text
    assert "b.md" in text
    assert problem.path == "b.md"


def test_non_draft_beats_draft_regardless_of_path_order():
    result = resolve_identities([claim("a.md", 5, draft=True), claim("z.md", 5)])
    assert result.ids["z.md"] == 5
    assert result.ids["a.md"] == derived_id("a.md")
    [problem] = result.problems
    assert problem.path == "a.md"
    assert "z.md" in problem.message


def test_all_ids_unique():
    claims = [claim(f"p{i}.md", 1 if i % 3 == 0 else None) for i in range(30)]
    result = resolve_identities(claims)
    assert len(result.ids) == 30
    assert len(set(result.ids.values())) == 30
    assert len(set(result.uuids.values())) == 30


def test_three_way_duplicate():
    result = resolve_identities([claim("c.md", 1), claim("b.md", 1), claim("a.md", 1)])
    assert result.ids["a.md"] == 1
    assert result.ids["b.md"] == derived_id("b.md")
    assert result.ids["c.md"] == derived_id("c.md")
    assert sorted(p.path for p in result.problems) == ["b.md", "c.md"]


def test_result_independent_of_input_order():
    claims = [
        claim("a.md", 10),
        claim("b.md", 10, UUID_A),
        claim("c.md", None, UUID_A, draft=True),
        claim("d.md", 11, draft=True),
        claim("e.md", 11),
        claim("f.md"),
        claim("g.md", None, UUID_B),
        claim("h.md", derived_id("f.md")),
    ]
    expected = resolve_identities(claims)
    rng = random.Random(1234)
    for _ in range(20):
        shuffled = claims[:]
        rng.shuffle(shuffled)
        result = resolve_identities(shuffled)
        assert result.ids == expected.ids
        assert result.uuids == expected.uuids
        assert sorted(map(str, result.problems)) == sorted(map(str, expected.problems))


def test_duplicate_uuid_resolved_like_ids():
    result = resolve_identities(
        [
            claim("z.md", None, UUID_A),
            claim("m.md", None, UUID_A, draft=True),
            claim("a.md", None, UUID_A),
        ]
    )
    assert result.uuids["a.md"] == UUID_A
    assert result.uuids["z.md"] == derived_uuid("z.md")
    assert result.uuids["m.md"] == derived_uuid("m.md")
    assert len(result.problems) == 2
    assert all("UUID" in p.message and "a.md" in p.message for p in result.problems)
    assert {p.path for p in result.problems} == {"m.md", "z.md"}


def test_duplicate_uuid_non_draft_beats_draft():
    result = resolve_identities(
        [claim("a.md", None, UUID_A, draft=True), claim("b.md", None, UUID_A)]
    )
    assert result.uuids["b.md"] == UUID_A
    assert result.uuids["a.md"] == derived_uuid("a.md")


def test_derived_id_colliding_with_explicit_id_moves_to_next_attempt():
    taken = derived_id("b.md", 0)
    result = resolve_identities([claim("a.md", taken), claim("b.md")])
    assert result.ids["a.md"] == taken
    assert result.ids["b.md"] == derived_id("b.md", 1)
    assert result.problems == []


def test_derived_id_collision_even_when_explicit_owner_sorts_later():
    taken = derived_id("a.md", 0)
    result = resolve_identities([claim("a.md"), claim("z.md", taken)])
    assert result.ids["z.md"] == taken
    assert result.ids["a.md"] == derived_id("a.md", 1)


def test_derived_collision_between_derived_files_goes_by_path_order(monkeypatch):
    import octavo.content.identity as identity

    real = identity.derived_id

    def fake(path, attempt=0):
        return 100 if attempt == 0 else real(path, attempt)

    monkeypatch.setattr(identity, "derived_id", fake)
    result = identity.resolve_identities([claim("b.md"), claim("a.md")])
    assert result.ids["a.md"] == 100
    assert result.ids["b.md"] == real("b.md", 1)


def test_derived_uuid_colliding_with_explicit_uuid_moves_to_next_attempt():
    taken = derived_uuid("b.md", 0)
    result = resolve_identities([claim("a.md", None, taken), claim("b.md")])
    assert result.uuids["a.md"] == taken
    assert result.uuids["b.md"] == derived_uuid("b.md", 1)


def test_empty_claims():
    result = resolve_identities([])
    assert result.ids == {}
    assert result.uuids == {}
    assert result.problems == []


def test_accepts_a_generator():
    result = resolve_identities(claim(p) for p in ["a.md", "b.md"])
    assert set(result.ids) == {"a.md", "b.md"}
