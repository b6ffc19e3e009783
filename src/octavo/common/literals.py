"""Publ's ``{…}`` argument lists (``{320, 240, format='png'}``), parsed without running code.

The text is parsed as the argument list of a call and each argument must be a
Python literal (numbers, strings, None/True/False, tuples, lists, dicts, sets).
Anything else — names, calls, attribute access, operators — is refused, so
``{__import__('os').system('x')}`` is an error message, never an action.
"""

from __future__ import annotations

import ast
import re
from typing import Any

# Longer argument lists are refused outright: parsing cost must stay bounded.
MAX_ARGS_LENGTH = 4096

# ``text{args}`` with the braces at the very end; the text itself has no ``{``.
_SPEC = re.compile(r"([^{]*)\{(.*)\}$", re.DOTALL)


class ArgSyntaxError(ValueError):
    """An argument list that is not a comma-separated list of literals."""


def parse_arglist(text: str) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword literals of ``a, b, key=value``."""
    if len(text) > MAX_ARGS_LENGTH:
        raise ArgSyntaxError(f"argument list longer than {MAX_ARGS_LENGTH} characters")
    try:
        call = ast.parse(f"f({text})", mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        raise ArgSyntaxError(f"invalid argument list: {err}") from None
    if not isinstance(call, ast.Call):
        raise ArgSyntaxError("invalid argument list")
    try:
        positional = [ast.literal_eval(arg) for arg in call.args]
        keywords = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg}
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError) as err:
        raise ArgSyntaxError(f"arguments must be literal values: {err}") from None
    if any(kw.arg is None for kw in call.keywords):
        raise ArgSyntaxError("arguments must be literal values")
    return positional, keywords


def split_spec(
    text: str, max_positional: int | None = None
) -> tuple[str, list[Any], dict[str, Any]]:
    """Split ``name{args}`` into the name and its arguments; no braces means no arguments."""
    match = _SPEC.match(text)
    if not match:
        return text, [], {}
    positional, keywords = parse_arglist(match.group(2))
    if max_positional is not None and len(positional) > max_positional:
        raise ArgSyntaxError(
            f"expected at most {max_positional} positional arguments, got {len(positional)}"
        )
    return match.group(1), positional, keywords
