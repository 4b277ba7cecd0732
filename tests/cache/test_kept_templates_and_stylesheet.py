"""Compiled templates and the reduced stylesheet are kept in .statusgen-cache/ between builds:
a second build compiles (almost) nothing and parses no CSS, and writes the same bytes; a damaged
or foreign cache is ignored."""

from __future__ import annotations

import json

import jinja2
from conftest import NOW, copy_example

from statusgen.build import build_sites
from statusgen.cache.store import CACHE_DIR
from statusgen.render import stylesheet


def tree(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def counting(monkeypatch):
    """Counts Jinja compilations and stylesheet reductions from now on."""
    counts = {"compiled": 0, "reduced": 0}
    compile_template, reduce_css = jinja2.Environment.compile, stylesheet.reduce

    def compiled(self, *args, **kwargs):
        counts["compiled"] += 1
        return compile_template(self, *args, **kwargs)

    def reduced(*args, **kwargs):
        counts["reduced"] += 1
        return reduce_css(*args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compiled)
    monkeypatch.setattr(stylesheet, "reduce", reduced)
    stylesheet._combined.cache_clear()  # what this process kept: the point is what the disk keeps
    return counts


def test_a_second_build_compiles_almost_nothing_and_writes_the_same_site(tmp_path, monkeypatch):
    root = copy_example(tmp_path / "repo")
    counts = counting(monkeypatch)
    build_sites(root, NOW, sites=("public",), out=tmp_path / "first")
    first = dict(counts)
    assert first["compiled"] >= 20 and first["reduced"] >= 2, first
    kept = json.loads((root / CACHE_DIR / "templates-public.json").read_text().partition("\n")[2])
    assert len(kept["templates"]) >= 20
    counts.update(compiled=0, reduced=0)
    stylesheet._combined.cache_clear()
    build_sites(root, NOW, sites=("public",), out=tmp_path / "second")
    # only templates made from strings (no name to keep them by) are compiled again
    assert counts["compiled"] <= 8 and counts["reduced"] == 0, counts
    assert tree(tmp_path / "second") == tree(tmp_path / "first")


def test_damaged_caches_are_ignored_and_the_site_is_the_same(tmp_path, monkeypatch):
    root = copy_example(tmp_path / "repo")
    build_sites(root, NOW, sites=("public",), out=tmp_path / "first")
    for name in ("templates-public.json", "stylesheet.json"):
        path = root / CACHE_DIR / name
        mac, _, body = path.read_text().partition("\n")
        path.write_text(mac + "\n" + body.replace('"', "'", 1))  # the signature no longer matches
    counts = counting(monkeypatch)
    build_sites(root, NOW, sites=("public",), out=tmp_path / "second")
    assert counts["compiled"] >= 20 and counts["reduced"] >= 2, counts
    assert tree(tmp_path / "second") == tree(tmp_path / "first")


def test_an_edited_stylesheet_input_makes_a_new_stylesheet(tmp_path):
    root = copy_example(tmp_path / "repo")
    build_sites(root, NOW, sites=("public",), out=tmp_path / "first")
    override = root / "overrides/status/uptime.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(
        '{% extends "status/base.html" %}{% block status_content %}<p class="md-tag">x</p>{% endblock %}'
    )
    build_sites(root, NOW, sites=("public",), out=tmp_path / "second")
    before, after = ((tmp_path / d / "assets/stylesheets").iterdir() for d in ("first", "second"))
    (before,), (after,) = list(before), list(after)
    assert before.name != after.name and ".md-tag" in after.read_text() and ".md-tag" not in before.read_text()
