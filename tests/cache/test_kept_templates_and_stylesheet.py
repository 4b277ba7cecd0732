"""Compiled templates are kept in this user's statusgen folder, the reduced stylesheet in
.statusgen-cache/: a second build, of the same repository or of a copy of it, compiles (almost)
nothing, a second build of one repository parses no CSS, and both write the same bytes; a
damaged or foreign cache is ignored, and another mkdocs.yml compiles afresh."""

from __future__ import annotations

import json
import shutil

import jinja2
import pytest
from conftest import NOW, copy_example

from statusgen.build import build_sites
from statusgen.cache.store import CACHE_DIR
from statusgen.cache.templates import KEPT
from statusgen.render import stylesheet


def tree(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def own_cache_home(tmp_path, monkeypatch):
    """A statusgen folder of this test's own (its key too): what other tests compiled is not there."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    return tmp_path / "cache-home" / "statusgen"


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


def test_a_second_build_compiles_almost_nothing_and_writes_the_same_site(tmp_path, monkeypatch, own_cache_home):
    root = copy_example(tmp_path / "repo")
    counts = counting(monkeypatch)
    build_sites(root, NOW, sites=("public",), out=tmp_path / "first")
    first = dict(counts)
    assert first["compiled"] >= 20 and first["reduced"] >= 2, first
    kept = json.loads((own_cache_home / "templates-public.json").read_text().partition("\n")[2])
    assert len(kept["templates"]) >= 20
    assert not (root / CACHE_DIR / "templates-public.json").exists()
    counts.update(compiled=0, reduced=0)
    stylesheet._combined.cache_clear()
    build_sites(root, NOW, sites=("public",), out=tmp_path / "second")
    # only templates made from strings (no name to keep them by) are compiled again
    assert counts["compiled"] <= 8 and counts["reduced"] == 0, counts
    assert tree(tmp_path / "second") == tree(tmp_path / "first")


def test_damaged_caches_are_ignored_and_the_site_is_the_same(tmp_path, monkeypatch, own_cache_home):
    root = copy_example(tmp_path / "repo")
    build_sites(root, NOW, sites=("public",), out=tmp_path / "first")
    for path in (own_cache_home / "templates-public.json", root / CACHE_DIR / "stylesheet.json"):
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


def test_a_copy_of_the_repository_compiles_only_its_own_overrides_and_templates_gone_are_dropped(
    tmp_path, monkeypatch, own_cache_home
):
    first = copy_example(tmp_path / "first-repo")
    build_sites(first, NOW, sites=("public",), out=tmp_path / "first")
    counts = counting(monkeypatch)
    second = copy_example(tmp_path / "second-repo")
    build_sites(second, NOW, sites=("public",), out=tmp_path / "second")
    # the theme's templates are the first repository's; its overrides (another folder) are compiled
    overrides = [p for p in (second / "overrides").rglob("*.html")]
    assert 1 <= counts["compiled"] <= 8 + len(overrides), counts
    assert tree(tmp_path / "second") == tree(tmp_path / "first")

    def template_files() -> list[str]:
        stored = json.loads((own_cache_home / "templates-public.json").read_text().partition("\n")[2])
        assert len(stored["templates"]) <= KEPT
        return [entry[2] for entry in stored["templates"].values()]

    assert any(name.startswith(str(first / "overrides")) for name in template_files())
    shutil.rmtree(first)
    (second / "overrides" / "main.html").write_text((second / "overrides" / "main.html").read_text() + "\n")
    build_sites(second, NOW, sites=("public",), out=tmp_path / "third")  # compiles the edited override
    files = template_files()
    assert not any(name.startswith(str(first)) for name in files)
    assert any(name.startswith(str(second / "overrides")) for name in files)


def test_a_new_language_in_mkdocs_yml_is_not_hidden_by_templates_compiled_in_the_old_one(tmp_path):
    """Jinja folds a filter over a constant while it compiles (a status code worded in the site's
    language): templates compiled for one mkdocs.yml are not the ones of another."""
    root = copy_example(tmp_path / "repo")
    build_sites(root, NOW, sites=("public",), out=tmp_path / "english")
    assert "Partial outage" in (tmp_path / "english" / "index.html").read_text()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - statusgen:\n", "  - statusgen:\n      language: de\n", 1))
    build_sites(root, NOW, sites=("public",), out=tmp_path / "german")
    german = (tmp_path / "german" / "index.html").read_text()
    assert "Partial outage" not in german
    assert "Teilausfall" in german
