"""The shared case tables (tests/web/cases.py), checked against Octavo.

Every expectation in those tables was checked against Publ 0.8.19 with
publ_reference.py; the ones marked `fix` or `differs` are where Octavo answers
differently on purpose (a §13 bug fixed, or a documented choice).
"""

from __future__ import annotations

import pytest

from tests.web import cases
from tests.web.conftest import Site, normalise


@pytest.mark.parametrize("case", cases.REQUESTS, ids=lambda c: f"{c.site}:{c.id}")
def test_request(sites: dict[str, Site], case: cases.Request) -> None:
    response = sites[case.site].get(case.path, accept=case.accept)
    text = normalise(response.get_data(as_text=True))
    assert response.status_code == case.status, text[:300]
    assert response.headers.get("Location") == case.location
    if case.body is not None:
        assert normalise(case.body) in text


@pytest.mark.parametrize("probe", cases.PROBES, ids=lambda p: f"{p.site}:{p.name}")
def test_probe(sites: dict[str, Site], probe: cases.Probe) -> None:
    assert sites[probe.site].render(probe.path, probe.template) == normalise(probe.expected)
