"""Pages statusgen renders itself: the shared frame gives the same bytes as rendering each page whole."""

from __future__ import annotations

from conftest import NOW, copy_example

import statusgen.direct as direct
from statusgen.build import build_sites


def tree(directory):
    return {p.relative_to(directory): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def test_frames_and_whole_pages_give_identical_sites(tmp_path, monkeypatch):
    root = copy_example(tmp_path / "repo")
    build_sites(root, NOW, out=tmp_path / "framed")
    monkeypatch.setattr(direct.Frame, "make", classmethod(lambda cls, *args: None))
    build_sites(root, NOW, out=tmp_path / "whole")
    framed, whole = tree(tmp_path / "framed"), tree(tmp_path / "whole")
    assert framed.keys() == whole.keys()
    assert [path for path in framed if framed[path] != whole[path]] == []
    incident = (tmp_path / "framed/internal/incidents/2026-10-14-api-outage/index.html").read_text()
    assert "<title>Public API, dashboard and checkout unavailable - Ledgerline internal</title>" in incident
    assert direct._TITLE not in incident and direct._SLUG not in incident


def test_two_processes_write_the_same_pages_as_one(tmp_path, monkeypatch):
    root = copy_example(tmp_path / "repo")
    build_sites(root, NOW, out=tmp_path / "one")
    monkeypatch.setattr(direct, "PARALLEL_FROM", 2)
    monkeypatch.setattr(direct.os, "cpu_count", lambda: 2)
    build_sites(root, NOW, out=tmp_path / "two")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []
