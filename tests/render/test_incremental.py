"""Incremental builds: after one `statusgen update` a rebuild renders and rewrites only what
changed, and its output is byte for byte what a full build from an empty cache gives."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW, ROOT, copy_example

from statusgen.build import MARKER, build_sites
from statusgen.cache.store import CACHE_DIR
from statusgen.core.errors import StatusgenError, ValidationError
from statusgen.render import direct, frame

OPEN = "2026-11-22-webhook-delays"  # an open incident of the example repository


def files_of(site: Path) -> dict[str, tuple[int, int]]:
    """Every file of a built tree -> (inode, mtime_ns)."""
    found = {}
    for path in site.rglob("*"):
        if path.is_file():
            stat = path.stat()
            found[path.relative_to(site).as_posix()] = (stat.st_ino, stat.st_mtime_ns)
    return found


def same_trees(a: Path, b: Path) -> None:
    names_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*"))
    names_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*"))
    assert names_a == names_b
    different = [n for n in names_a if (a / n).is_file() and (a / n).read_bytes() != (b / n).read_bytes()]
    assert different == []


def statusgen(root: Path, *args: str, now=NOW) -> None:
    command = [sys.executable, "-m", "statusgen", "--now", now.strftime("%Y-%m-%dT%H:%M:%SZ"), *args]
    subprocess.run(command, cwd=root, check=True, capture_output=True)


def full_build(root: Path, out: Path, sites=("public", "internal")) -> Path:
    """A build from an empty cache into a new directory."""
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    build_sites(root, NOW, out=out, sites=sites)
    return out


@pytest.fixture
def repo(tmp_path) -> Path:
    return copy_example(tmp_path / "repo")


def incident_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "incidents").glob("*/index.html"))


def test_after_one_update_only_changed_pages_are_rewritten_and_the_result_is_a_full_builds(repo, tmp_path):
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out)
    assert list((repo / CACHE_DIR).glob("pages-*.json"))  # the records of both sites
    before = {site: files_of(out / site) for site in ("public", "internal")}
    statusgen(repo, "update", OPEN, "--stage", "monitoring", "-m", "A fix is rolling out.",
              now=NOW + timedelta(minutes=5))  # fmt: skip
    build_sites(repo, NOW, out=out)
    for site in ("public", "internal"):
        after = files_of(out / site)
        assert after.keys() == before[site].keys()
        rewritten = {name for name in after if after[name] != before[site][name]}
        page = f"incidents/{OPEN}/index.html"
        assert page in rewritten and "A fix is rolling out." in (out / site / page).read_text()
        # Every other incident's page is the very same file: not rendered again, not rewritten.
        others = [p for p in incident_pages(out / site) if p != page]
        assert len(others) >= 12
        assert [p for p in others if p in rewritten] == []
        assert len(rewritten) < len(after) / 4
    same_trees(out, full_build(repo, tmp_path / "full"))


def test_when_only_the_clock_moves_resolved_incidents_pages_are_kept(repo, tmp_path, monkeypatch):
    """A build an hour later (the real clock, not --now) rewrites the pages that say how long
    an open incident has lasted, not the thousands of resolved ones, on either site."""
    from statusgen.sources.repository import load_repository

    out = tmp_path / "out"
    build_sites(repo, NOW, out=out)
    before = {site: files_of(out / site) for site in ("public", "internal")}
    later = NOW + timedelta(hours=1)
    build_sites(repo, later, out=out)
    incidents, _ = load_repository(repo, now=later)
    resolved = [i.id for i in incidents.incidents if i.is_resolved]
    assert len(resolved) >= 10
    for site in ("public", "internal"):
        after = files_of(out / site)
        rewritten = {name for name in after if after[name] != before[site].get(name)}
        assert [i for i in resolved if f"incidents/{i}/index.html" in rewritten] == [], site
    page = (out / "internal" / f"incidents/{OPEN}/index.html").read_text()
    assert "as of 22 Nov 2026, 17:00 UTC" in page  # an open incident says when its page was built
    # Nor are they rendered again (the same bytes would not be rewritten either way).
    rendered = []
    real = frame.Frame.fill
    monkeypatch.setattr(
        frame.Frame, "fill", lambda self, t, page, *a: rendered.append(page.url) or real(self, t, page, *a)
    )
    for site in ("public", "internal"):  # one at a time: a two-site build renders them in two processes
        rendered.clear()
        build_sites(repo, later + timedelta(hours=1), out=out / site, sites=[site])
        assert rendered and [url for url in rendered if url.split("/")[1] in resolved] == [], site
    shutil.rmtree(repo / CACHE_DIR)
    build_sites(repo, later + timedelta(hours=1), out=tmp_path / "full")
    same_trees(out, tmp_path / "full")


def test_pages_left_alone_are_the_ones_whose_inputs_did_not_change(repo, tmp_path, monkeypatch):
    """Count renders: the second build renders only the updated incident's page."""
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    statusgen(repo, "update", OPEN, "--stage", "identified", "-m", "Found it.", now=NOW + timedelta(minutes=5))
    rendered = []
    real = frame.Frame.fill

    def counting(self, template, page, slug, context):
        rendered.append(page.url)
        return real(self, template, page, slug, context)

    monkeypatch.setattr(frame.Frame, "fill", counting)
    build_sites(repo, NOW, out=out, sites=["public"])
    assert rendered == [f"incidents/{OPEN}/"]
    rendered.clear()
    build_sites(repo, NOW, out=out, sites=["public"])  # nothing changed: nothing rendered
    assert rendered == []


def test_a_changed_output_file_is_rendered_again(repo, tmp_path):
    """The records describe the files they were made for: a page edited by hand is put right."""
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    page = out / "incidents" / OPEN / "index.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"</body>", b"<p>tampered</p></body>"))
    build_sites(repo, NOW, out=out, sites=["public"])
    assert page.read_bytes() == good


@pytest.mark.parametrize("damage", ["delete", "garbage", "other-records"])
def test_deleting_or_damaging_the_cache_is_safe(repo, tmp_path, damage):
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out)
    statusgen(repo, "update", OPEN, "--stage", "monitoring", "-m", "Watching.", now=NOW + timedelta(minutes=5))
    records = sorted((repo / CACHE_DIR).glob("pages-*.json"))
    assert len(records) == 2
    if damage == "delete":
        shutil.rmtree(repo / CACHE_DIR)
    elif damage == "garbage":
        for path in records:
            path.write_text("{not json")
    else:  # each site's records swapped with the other's
        first, second = (p.read_bytes() for p in records)
        records[0].write_bytes(second)
        records[1].write_bytes(first)
    build_sites(repo, NOW, out=out)
    same_trees(out, full_build(repo, tmp_path / "full"))


def test_a_team_override_edit_shows_on_the_next_build(repo, tmp_path):
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    packaged = (ROOT / "statusgen/theme/status/incident.html").read_text()
    override = repo / "overrides/status/incident.html"
    override.parent.mkdir()
    override.write_text(
        packaged.replace('<h1 dir="auto">{{ incident.title }}</h1>', '<h1 dir="auto">{{ incident.title }} (ours)</h1>')
    )
    build_sites(repo, NOW, out=out, sites=["public"])
    pages = incident_pages(out)
    assert pages and all("(ours)</h1>" in (out / p).read_text() for p in pages)
    same_trees(out, full_build(repo, tmp_path / "full", ["public"]))  # as a full build with it
    override.unlink()
    build_sites(repo, NOW, out=out, sites=["public"])
    assert not any("(ours)" in (out / p).read_text() for p in pages)


def test_a_config_edit_shows_on_the_next_build(repo, tmp_path):
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    config = repo / "mkdocs.yml"
    text = config.read_text()
    name = next(line for line in text.splitlines() if line.startswith("site_name:"))
    config.write_text(text.replace(name, "site_name: Renamed Status"))
    build_sites(repo, NOW, out=out, sites=["public"])
    assert all("Renamed Status" in (out / p).read_text() for p in incident_pages(out))
    same_trees(out, full_build(repo, tmp_path / "full", ["public"]))


def test_a_link_in_the_previous_site_makes_a_full_build_that_writes_nothing_outside(repo, tmp_path):
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("theirs")
    page_dir = out / "incidents" / OPEN
    shutil.rmtree(page_dir)
    page_dir.symlink_to(outside, target_is_directory=True)
    statusgen(repo, "update", OPEN, "--stage", "monitoring", "-m", "Watching.", now=NOW + timedelta(minutes=5))
    build_sites(repo, NOW, out=out, sites=["public"])
    assert (outside / "index.html").read_text() == "theirs" and sorted(os.listdir(outside)) == ["index.html"]
    assert not page_dir.is_symlink() and "Watching." in (page_dir / "index.html").read_text()
    same_trees(out, full_build(repo, tmp_path / "full", ["public"]))


def test_records_not_signed_with_this_users_key_are_not_trusted(repo, tmp_path):
    """Forged records could make a build keep a page someone changed: they are ignored."""
    import json

    from statusgen.cache import pages as rendercache

    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    page = out / f"incidents/{OPEN}/index.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"</body>", b"<script>changed()</script></body>"))
    (records,) = (repo / CACHE_DIR).glob("pages-public-*.json")
    signature, _, body = records.read_text().partition("\n")
    data = json.loads(body)
    data["pages"][f"incidents/{OPEN}/"]["out"] = rendercache.file_digest(page.read_bytes())
    records.write_text(signature + "\n" + json.dumps(data))
    build_sites(repo, NOW, out=out, sites=["public"])
    assert page.read_bytes() == good


def test_a_failed_rebuild_leaves_the_site_and_its_records_as_they_were(repo, tmp_path):
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    before = files_of(out)
    records = {p: p.read_bytes() for p in (repo / CACHE_DIR).glob("pages-*.json")}
    (repo / "incidents/2026" / f"{OPEN}.yaml").write_text("title: [unclosed\n")
    with pytest.raises((ValidationError, StatusgenError)):
        build_sites(repo, NOW, out=out, sites=["public"])
    assert files_of(out) == before
    assert {p: p.read_bytes() for p in (repo / CACHE_DIR).glob("pages-*.json")} == records
    assert (out / MARKER).is_file() and not list(tmp_path.glob(".out.*"))


def test_removed_pages_are_removed(repo, tmp_path):
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    assert (out / "incidents" / OPEN / "index.html").is_file()
    (repo / "incidents/2026" / f"{OPEN}.yaml").unlink()
    build_sites(repo, NOW, out=out, sites=["public"])
    assert not (out / "incidents" / OPEN).exists()
    same_trees(out, full_build(repo, tmp_path / "full", ["public"]))


def test_the_forked_half_keeps_its_records_too(repo, tmp_path, monkeypatch):
    """With many pages a child renders half of them; its records come back to the cache."""
    monkeypatch.setattr(direct, "PARALLEL_FROM", 2)
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    before = files_of(out)
    build_sites(repo, NOW, out=out, sites=["public"])
    assert files_of(out) == before  # nothing changed: not one file rewritten
    rendered = []
    real = frame.Frame.fill
    monkeypatch.setattr(
        frame.Frame, "fill", lambda self, t, page, *a: rendered.append(page.url) or real(self, t, page, *a)
    )
    monkeypatch.setattr(direct, "PARALLEL_FROM", 10**9)  # count in this process
    build_sites(repo, NOW, out=out, sites=["public"])
    assert rendered == []


def test_serve_rebuilds_render_only_what_changed(repo, tmp_path, monkeypatch):
    """Under `statusgen serve` each rebuild is a new mkdocs build with a new plugin; the pages
    statusgen renders are still kept from the last rebuild when their inputs did not change,
    and the served site is the one a full build gives, byte for byte (Content-Security-Policy
    included: live reload's script is a file of the server's, which 'self' allows)."""
    from statusgen.build import rebuild_served
    from statusgen.render.serve import ServeSession

    later = NOW + timedelta(minutes=10)
    (tmp_path / "docs").mkdir()
    session = ServeSession("public", repo, [repo / "incidents"])
    site = session.site_dir

    def rebuild():
        rebuild_served(repo, session, tmp_path / "docs", later)

    rendered = []
    real = frame.Frame.fill
    monkeypatch.setattr(
        frame.Frame, "fill", lambda self, t, page, *a: rendered.append(page.url) or real(self, t, page, *a)
    )
    rebuild()
    assert len(rendered) >= 12
    statusgen(repo, "update", OPEN, "--stage", "monitoring", "-m", "Served.", now=NOW + timedelta(minutes=5))
    rendered.clear()
    kept = {p: (site / p).stat().st_ino for p in incident_pages(site)}
    rebuild()
    assert rendered == [f"incidents/{OPEN}/"]
    assert "Served." in (site / f"incidents/{OPEN}/index.html").read_text()
    changed = [p for p in incident_pages(site) if (site / p).stat().st_ino != kept.get(p)]
    assert changed == [f"incidents/{OPEN}/index.html"]  # the others never left the served folder
    shutil.rmtree(repo / CACHE_DIR)
    full = tmp_path / "full"
    build_sites(repo, later, out=full, sites=["public"])
    pages = incident_pages(full)
    assert incident_pages(site) == pages
    policy = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="[^"]*">')
    assert all(len(policy.findall((site / p).read_bytes())) == 1 for p in pages)
    assert [p for p in pages if (site / p).read_bytes() != (full / p).read_bytes()] == []


def test_recorded_reads_are_checked_again_one_by_one():
    """What a page read of a shared object is what decides whether it is still valid."""
    from statusgen.cache import pages as rendercache

    class Site:
        def __init__(self, names, urls):
            self.names, self.urls = names, urls

        def name(self, key):
            return self.names[key]

        def url(self, key):
            return self.urls[key]

    sink = rendercache.Sink()
    site = Site({"a": "Alpha"}, {"a": "/a/"})
    shown = rendercache.Recorder("site", site, sink)
    name, url = rendercache.Recorder("name", site.name, sink), rendercache.Recorder("url", site.url, sink)
    assert (shown.names, name("a"), url("a")) == ({"a": "Alpha"}, "Alpha", "/a/")
    reads = sink.reads

    def valid(names, urls) -> bool:
        now = Site(names, urls)
        return rendercache.still_valid(reads, {"site": now, "name": now.name, "url": now.url}, rendercache.Sink())

    assert valid({"a": "Alpha"}, {"a": "/a/"})
    # Two methods of one object called with the same argument are two different reads.
    assert not valid({"a": "Alpha"}, {"a": "/b/"})
    assert not valid({"a": "Beta", "b": "x"}, {"a": "/a/"})
    assert not rendercache.still_valid(reads, {}, rendercache.Sink())


def test_a_resolved_incidents_page_counts_by_its_file_and_summary_and_a_clock_resolved_one_by_its_view(
    repo, tmp_path, monkeypatch
):
    """A resolved incident's page is digested by its file and its postmortem's public summary
    (``PublicIncident.source_key``), not by its whole view: an edit of either renders the page
    again. A maintenance the clock completes has no such key: its page follows its view."""
    from datetime import datetime, timezone

    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    rendered = []
    real = frame.Frame.fill
    monkeypatch.setattr(
        frame.Frame, "fill", lambda self, t, page, *a: rendered.append(page.url) or real(self, t, page, *a)
    )

    def rebuild(now=NOW) -> list[str]:
        rendered.clear()
        build_sites(repo, now, out=out, sites=["public"])
        return sorted(url for url in rendered if url.startswith("incidents/"))

    assert rebuild() == []
    resolved = repo / "incidents/2026/2026-10-14-api-outage.yaml"
    text = resolved.read_text()
    assert "stage: resolved" in text
    edited = text.replace(
        "stage: resolved\n    message: |\n", "stage: resolved\n    message: |\n      Edited by hand.\n", 1
    )
    assert edited != text
    resolved.write_text(edited)
    assert rebuild() == ["incidents/2026-10-14-api-outage/"]
    assert "Edited by hand." in (out / "incidents/2026-10-14-api-outage/index.html").read_text()

    postmortem = repo / "incidents/2026/2026-10-14-api-outage.postmortem.md"
    postmortem.write_text(postmortem.read_text().replace("for 56 minutes", "for fifty-six minutes", 1))
    assert rebuild() == ["incidents/2026-10-14-api-outage/"]
    assert "for fifty-six minutes" in (out / "incidents/2026-10-14-api-outage/index.html").read_text()
    same_trees(out, full_build(repo, tmp_path / "full", sites=["public"]))

    # The example's upcoming maintenance, built after its window: completed by the clock.
    after = datetime(2026, 12, 4, tzinfo=timezone.utc)
    assert "incidents/2026-12-03-search-upgrade/" in rebuild(after)
    page = (out / "incidents/2026-12-03-search-upgrade/index.html").read_text()
    shutil.rmtree(repo / CACHE_DIR)
    build_sites(repo, after, out=tmp_path / "full-after", sites=["public"])
    assert page == (tmp_path / "full-after/incidents/2026-12-03-search-upgrade/index.html").read_text()
    same_trees(out, tmp_path / "full-after")


def test_unchanged_pages_are_known_by_their_files_metadata_and_an_edit_with_its_mtime_set_back_is_not(
    repo, tmp_path, monkeypatch
):
    """Once a site is finished, each page's record notes its file's size, times and inode
    (``settle``): the next build tells the file is still what it wrote without reading it. A
    hand edit changes the file's ctime, which no one can set back: that page is read, found
    changed and rendered again."""
    from statusgen.cache import pages

    monkeypatch.setattr(pages, "RACY_NS", 0)  # the files were written just now: note them at once
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    opened = []
    real_open = open

    def opening(path, *args):
        opened.append(Path(path))
        return real_open(path, *args)  # noqa: SIM115  # the caller closes it

    monkeypatch.setattr(pages, "open", opening, raising=False)
    build_sites(repo, NOW, out=out, sites=["public"])
    assert opened == []
    page = out / "incidents/2026-10-14-api-outage/index.html"
    info = page.stat()
    text = page.read_text()
    page.write_text(text.replace("<h1", "<h2", 1).replace("</h1>", "</h2>", 1))  # the same size
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert page.stat().st_size == info.st_size and page.stat().st_mtime_ns == info.st_mtime_ns
    build_sites(repo, NOW, out=out, sites=["public"])
    assert opened == [page]
    assert page.read_text() == text


def test_a_rebuild_keeps_unchanged_pages_first_and_forks_only_for_many_left(repo, tmp_path, monkeypatch):
    """A second process costs a fork and the records sent back: a rebuild first keeps the pages
    whose inputs did not change, then forks only when enough are left to render."""
    from statusgen.render import fork

    monkeypatch.setattr(direct, "PARALLEL_FROM", 4)
    # What is tested is when the build chooses to fork, whatever threads the test runner keeps.
    monkeypatch.setattr(fork, "available", lambda: True)
    forks = []
    real = fork.Beside.__init__
    monkeypatch.setattr(fork.Beside, "__init__", lambda self, work: forks.append(1) or real(self, work))
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    assert forks  # a first build renders every page: in two processes
    forks.clear()
    statusgen(repo, "update", OPEN, "--stage", "monitoring", "-m", "Kept first.", now=NOW + timedelta(minutes=5))
    build_sites(repo, NOW, out=out, sites=["public"])
    assert forks == []  # one incident page and a page of history left: rendered here
    assert "Kept first." in (out / "incidents" / OPEN / "index.html").read_text()
    forks.clear()
    template = repo / "overrides/status/incident.html"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text('{% extends "status/base.html" %}\n')  # every incident page changes
    build_sites(repo, NOW, out=out, sites=["public"])
    assert forks
    same_trees(out, full_build(repo, tmp_path / "full", sites=["public"]))
