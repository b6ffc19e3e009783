"""Image arguments and specs: literal values only, Publ's shapes, B8 fixed."""

from __future__ import annotations

import os

import pytest

from octavo.common.arguments import prefix_normalize
from octavo.common.imagespec import parse_config, parse_image_spec, split_set
from octavo.common.literals import MAX_ARGS_LENGTH, ArgSyntaxError, parse_arglist, split_spec
from octavo.markup.arguments import safe_format


def test_literal_values_of_every_kind() -> None:
    positional, keywords = parse_arglist("320, None, a='x', b=(1, 2), c=[1], d={'k': 1}, e=-1.5")
    assert positional == [320, None]
    assert keywords == {"a": "x", "b": (1, 2), "c": [1], "d": {"k": 1}, "e": -1.5}


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('touch /tmp/octavo-pwned')",
        "width=__import__('os').getpid()",
        "x.y",
        "1 + 1",
        "**{'a': 1}",
        "*[1]",
        "lambda: 1",
        "[i for i in range(10)]",
        "'a' * 10",
        "class='c'",
        "(",
    ],
)
def test_code_is_refused_not_run(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    with pytest.raises(ArgSyntaxError):
        parse_arglist(text)
    assert calls == []
    assert not os.path.exists("/tmp/octavo-pwned")


def test_overlong_and_deeply_nested_arguments_are_refused() -> None:
    with pytest.raises(ArgSyntaxError, match="longer"):
        parse_arglist("1," * MAX_ARGS_LENGTH)
    with pytest.raises(ArgSyntaxError):
        parse_arglist("[" * 1000 + "]" * 1000)


def test_spec_needs_braces_at_the_end() -> None:
    assert split_spec("a.jpg") == ("a.jpg", [], {})
    assert split_spec("a.jpg{1}") == ("a.jpg", [1], {})
    assert split_spec("a{1}b") == ("a{1}b", [], {})


def test_positional_sizes_and_b8_none_width() -> None:
    assert parse_config("x.jpg{320,240}") == ("x.jpg", {"width": 320, "height": 240})
    assert parse_config("x.jpg{None,240}") == ("x.jpg", {"height": 240})
    assert parse_config("x.jpg{None}") == ("x.jpg", {})
    with pytest.raises(ArgSyntaxError, match="multiple values"):
        parse_config("x.jpg{320,width=100}")
    with pytest.raises(ArgSyntaxError, match="at most 2"):
        parse_config("x.jpg{1,2,3}")
    with pytest.raises(ArgSyntaxError, match="number"):
        parse_config("x.jpg{'wide'}")


def test_image_spec_title_is_unescaped() -> None:
    spec = parse_image_spec('dir/my pic.jpg{100} "A &amp; B"')
    assert (spec.path, spec.args, spec.title) == ("dir/my pic.jpg", {"width": 100}, "A & B")
    assert parse_image_spec("a.jpg").title is None


def test_set_visibility_follows_count_and_offset() -> None:
    assert split_set("a | b | c", {}) == [("a", True), ("b", True), ("c", True)]
    assert split_set("a|b|c", {"count": 1}) == [("a", True), ("b", False), ("c", False)]
    shown = split_set("a|b|c", {"count": 1, "count_offset": 1})
    assert shown == [("a", False), ("b", True), ("c", False)]
    with pytest.raises(ArgSyntaxError):
        split_set("a|b", {"count": "many"})


def test_prefix_overrides_and_last_prefix_wins() -> None:
    args = {"prefix": ["a_", "b_"], "width": 1, "a_width": 2, "b_width": 3, "a_height": 4}
    assert prefix_normalize(args) == {"prefix": ["a_", "b_"], "width": 3, "height": 4}
    assert prefix_normalize({"width": 1}) == {"width": 1}


def test_safe_format_fills_known_fields_only() -> None:
    assert safe_format("{count} of {remain}", count=3, remain=2) == "3 of 2"
    assert safe_format("{text.__class__} {0} {x}", text="t") == "{text.__class__} {0} {x}"
    assert safe_format("unbalanced {", text="t") == "unbalanced {"
    assert safe_format("{{literal}} {text}", text="t") == "{literal} t"
