"""The template API matrix (issue 8): every query-backed callable with every view
argument (§3.1) alone, and each pair of arguments together, on the `matrix` fixture.

Plain data with no third-party imports, like cases.py: `publ_reference.py
record-matrix` replays the same probes on Publ 0.8.19 and writes its answers to
matrix_publ.json, and test_web_matrix.py checks Octavo against that file; where
Octavo answers otherwise on purpose, DIFFERS says what it answers and why.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

SITE = "matrix"

#: Template-literal values of each view argument on the matrix site; the first value
#: of each is the one combined with the other arguments.
SPEC_VALUES: dict[str, tuple[str, ...]] = {
    "category": ("'notes'", "['notes', 'pics']", "''"),
    "recurse": ("True",),
    "category_not": ("'notes/deep'",),
    "future": ("True",),
    "entry_type": ("'note'", "['note', 'photo']"),
    "entry_type_not": ("'note'",),
    "date": ("'2021'", "'2021-02'", "'2021-02-10'", "'2021-02-08_w'"),
    "tag": ("'c'", "'Pushl'", "['C++', 'café culture']"),
    "tag_filter": ("'ALL'", "'NONE'"),
    "first": ("502",),
    "last": ("507",),
    "before": ("507",),
    "after": ("510",),
    "start": ("503",),
    "count": ("2",),
    "order": ("'oldest'", "'title'"),
    "attachments": ("601",),
    "attached": ("602",),
    "has_attachments": ("True", "False"),
    "is_attached": ("True", "False"),
    "_all": ("True",),
    "_deleted": ("True",),
    "_attachments": ("True",),
}

#: Each query-backed callable: the category URL it is rendered at and its template,
#: with `SPEC` standing for the spec's keyword arguments.
CALLABLES: dict[str, tuple[str, str]] = {
    "view": (
        "/",
        "{% set v = get_view(SPEC) %}{% for e in v.entries %}{{ e.id }} {% endfor %}"
        "| {{ v.older }} | {{ v.newer }} | {{ v.pages|length }}",
    ),
    "tags": (
        "/notes/",
        "{% for t in category.tags(SPEC)|sort(attribute='name') %}"
        "{{ t.name }}={{ t.count }} {% endfor %}",
    ),
    "edges": ("/notes/", "{{ category.first(SPEC).id }} {{ category.last(SPEC).id }}"),
    "siblings": ("/", "{{ get_entry(503).next(SPEC).id }} {{ get_entry(503).previous(SPEC).id }}"),
    "attachments": (
        "/",
        "{{ get_entry(601).attachments(SPEC)|map(attribute='id')|sort|join(' ') }} | "
        "{{ get_entry(602).attached(SPEC)|map(attribute='id')|sort|join(' ') }}",
    ),
}


@dataclass(frozen=True)
class MatrixProbe:
    name: str
    path: str
    template: str
    callable: str
    spec: tuple[tuple[str, str], ...]


def specs() -> list[dict[str, str]]:
    """Every argument value alone, then every pair of arguments (their first values)."""
    alone = [{key: value} for key, values in SPEC_VALUES.items() for value in values]
    pairs = [
        {a: SPEC_VALUES[a][0], b: SPEC_VALUES[b][0]}
        for a, b in itertools.combinations(SPEC_VALUES, 2)
    ]
    return [{}, *alone, *pairs]


def spec_text(spec: dict[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in spec.items())


def probe_name(callable_name: str, spec: dict[str, str]) -> str:
    return f"{callable_name}({spec_text(spec)})"


def probes() -> list[MatrixProbe]:
    found = []
    for callable_name, (path, template) in CALLABLES.items():
        for spec in specs():
            source = template.replace("(SPEC)", f"({spec_text(spec)})")
            name = probe_name(callable_name, spec)
            found.append(MatrixProbe(name, path, source, callable_name, tuple(spec.items())))
    return found


#: Arguments that page or order a view but filter nothing. The callables that take view
#: arguments as a filter (all but get_view) raise a TypeError in Publ for them, a 500
#: (``attachments``/``attached`` take ``order`` as their own argument); Octavo ignores
#: them there, so it must answer what Publ answers without them.
NOT_FILTERS = {"count", "start", "order"}


def reference_name(probe: MatrixProbe) -> str:
    """The probe whose Publ answer Octavo must give for `probe`."""
    if probe.callable == "view":
        return probe.name
    ignored = NOT_FILTERS - ({"order"} if probe.callable == "attachments" else set())
    return probe_name(probe.callable, {k: v for k, v in probe.spec if k not in ignored})


#: Where Octavo answers otherwise on purpose: probe name -> (Octavo's output, reason).
DIFFERS: dict[str, tuple[str, str]] = {}
