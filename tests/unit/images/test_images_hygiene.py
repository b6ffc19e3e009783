"""Local store expiry: by age, then by total size, least recently used first."""

from __future__ import annotations

import os

from octavo.images.hygiene import expire, survey
from octavo.images.stores.local import LocalStore


def test_expiry_by_age_then_by_size(tmp_path):
    store = LocalStore(str(tmp_path / "_img"))
    now = 1_000_000.0
    for number, age in enumerate((10, 20, 30, 5000)):
        name = f"ab/cd{number}/r{number}.jpg"
        store.put(name, b"x" * 100, "image/jpeg")
        os.utime(store.file_path(name), (now - age, now - age))
    (tmp_path / "_img" / "ab" / ".stale.tmp").write_bytes(b"partial")
    os.utime(tmp_path / "_img" / "ab" / ".stale.tmp", (now - 7200, now - 7200))
    assert (survey(store).count, survey(store).size) == (4, 400)
    report = expire(store, max_age=1000, max_size=150, now=now)
    assert (report.removed, report.count, report.size) == (3, 1, 100)
    assert [item.name for item in store.items()] == ["ab/cd0/r0.jpg"]  # the most recent
    assert not (tmp_path / "_img" / "ab" / ".stale.tmp").exists()
    assert sorted(os.listdir(tmp_path / "_img" / "ab")) == ["cd0"]  # empty folders removed


def test_no_limits_removes_nothing(tmp_path):
    store = LocalStore(str(tmp_path / "_img"))
    store.put("a/b/c.png", b"1", "image/png")
    assert expire(store, None, None).removed == 0 and store.exists("a/b/c.png")


def test_local_store_refuses_names_outside_its_folder(tmp_path):
    store = LocalStore(str(tmp_path / "_img"))
    assert store.file_path("../../etc/passwd") is None and not store.exists("../x")
