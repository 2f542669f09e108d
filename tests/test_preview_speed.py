"""The preview's save -> screen levers (issue 21 item 6, stop 33): each changes how little work finds what
changed, never what is made; checked against taking everything afresh."""
from __future__ import annotations

from portal.output import update_in_place


def test_update_in_place_writes_the_changed_removes_the_gone_and_returns_both_sorted(tmp_path):
    site = tmp_path / "site"
    first = {"b/page.html": b"1", "a.html": b"2", "c.txt": b"3"}
    assert update_in_place(first, site, None) == ["a.html", "b/page.html", "c.txt"]
    second = {"a.html": first["a.html"], "b/page.html": b"one", "d.txt": b"4"}  # c.txt gone, d.txt new
    assert update_in_place(second, site, first) == ["b/page.html", "d.txt", "c.txt"]
    third = {"a.html": b"2", "b/page.html": b"one", "e.txt": b"5"}  # as many files, one renamed: still gone
    assert update_in_place(third, site, second) == ["e.txt", "d.txt"]
    assert update_in_place(dict(third), site, third) == []  # equal bytes, other objects: nothing written
    (site / "stray.txt").write_bytes(b"x")
    assert update_in_place(third, site, None) == ["stray.txt"]  # without `previous`: the disk compared
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == sorted(third)
    assert all((site / name).read_bytes() == data for name, data in third.items())
