"""Pages statusgen renders itself: the shared frame gives the same bytes as rendering each page whole."""

from __future__ import annotations

import re

from conftest import NOW, copy_example

import statusgen.render.direct as direct
import statusgen.render.frame as frame
from statusgen.build import build_sites
from statusgen.render import fork
from statusgen.sources.repository import load_repository


def tree(directory):
    return {p.relative_to(directory): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def test_frames_and_whole_pages_give_identical_sites(tmp_path, monkeypatch):
    root = copy_example(tmp_path / "repo")
    build_sites(root, NOW, out=tmp_path / "framed")
    monkeypatch.setattr(frame.Frame, "make", classmethod(lambda cls, *args: None))
    build_sites(root, NOW, out=tmp_path / "whole")
    framed, whole = tree(tmp_path / "framed"), tree(tmp_path / "whole")
    assert framed.keys() == whole.keys()
    assert [path for path in framed if framed[path] != whole[path]] == []
    incident = (tmp_path / "framed/internal/incidents/2026-10-14-api-outage/index.html").read_text()
    assert "<title>Public API, dashboard and checkout unavailable - Ledgerline internal</title>" in incident
    assert frame._TITLE not in incident and frame._SLUG not in incident


def test_two_processes_write_the_same_pages_as_one(tmp_path, monkeypatch):
    root = copy_example(tmp_path / "repo")
    build_sites(root, NOW, out=tmp_path / "one")
    monkeypatch.setattr(direct, "PARALLEL_FROM", 2)
    monkeypatch.setattr(fork, "available", lambda: True)  # whatever CPUs and threads the runner has
    build_sites(root, NOW, out=tmp_path / "two")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []


def test_a_page_the_child_renders_is_checked_like_the_others(tmp_path, monkeypatch):
    """The third-party guard sees every page, also those the forked child renders."""
    from statusgen.core.errors import StatusgenError
    from statusgen.plugin import THEME_DIR

    root = copy_example(tmp_path / "repo")
    page = (THEME_DIR / "status" / "incident.html").read_text()
    beacon = '{% block extrahead %}{{ super() }}<img src="https://tracker.example.net/{{ incident.id }}.gif">{% endblock %}\n'
    (root / "overrides" / "status").mkdir(parents=True)
    (root / "overrides" / "status" / "incident.html").write_text(page + beacon)
    monkeypatch.setattr(direct, "PARALLEL_FROM", 2)
    monkeypatch.setattr(fork, "available", lambda: True)  # whatever CPUs and threads the runner has
    try:
        build_sites(root, NOW, sites=("public",), out=tmp_path / "out")
    except StatusgenError as exc:
        message = exc.message
    else:
        raise AssertionError("the build loaded from another host and passed")
    found = set(re.findall(r"https://tracker\.example\.net/([\w-]+)\.gif", message))
    repo, _ = load_repository(root, now=NOW)
    public = {i.id for i in repo.incidents if not i.drill}
    assert 2 <= len(public) <= 20  # all listed, none cut by the message's limit
    assert found == public  # both halves: the parent's pages and the child's
