"""The template API matrix (tests/web/matrix.py) against Publ 0.8.19's recorded answers.

matrix_publ.json holds what Publ answered to every probe (`publ_reference.py
record-matrix`); Octavo must answer the same, except where matrix.DIFFERS names
what it answers instead and why, and where Publ fails on an argument that filters
nothing (matrix.NOT_FILTERS), Octavo answers what Publ answers without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.web import matrix
from tests.web.conftest import Site, normalise

PUBL = json.loads((Path(__file__).parent / "matrix_publ.json").read_text(encoding="utf-8"))


def test_publ_answered_every_probe() -> None:
    """The recording is current: one answer per probe, no leftovers."""
    assert sorted(PUBL) == sorted(p.name for p in matrix.probes())
    assert set(matrix.DIFFERS) <= set(PUBL)
    # Publ fails only where a non-filter argument reaches a filter: nothing else is excused.
    for probe in matrix.probes():
        if PUBL[probe.name][0] != 200:
            assert matrix.reference_name(probe) != probe.name, probe.name


@pytest.mark.parametrize("probe", matrix.probes(), ids=lambda p: p.name)
def test_matrix(matrix_site: Site, probe: matrix.MatrixProbe) -> None:
    response = matrix_site.probe(probe.path, probe.template)
    text = normalise(response.get_data(as_text=True))
    assert response.status_code < 500, text[:500]
    if probe.name in matrix.DIFFERS:
        expected = (200, matrix.DIFFERS[probe.name][0])
    else:
        expected = tuple(PUBL[matrix.reference_name(probe)])
    got = (response.status_code, text if response.status_code == 200 else "")
    assert got == expected
