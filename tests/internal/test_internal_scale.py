"""What keeps the sites bounded as history grows: lists in pages or years, compact search
entries for incidents, no search index on the public site, incident pages in the sitemap."""

from __future__ import annotations

import json
import re

import pytest
from conftest import NOW, copy_example
from conftest import NOW as EXAMPLE_NOW
from repos import internal_repo

import statusgen.internal.pages as internal_pages
from statusgen.build import build_sites


@pytest.fixture(scope="module")
def small_pages(tmp_path_factory):
    """The hand-worked repository built with pages of 2 rows and a runbook list of 1."""
    base = tmp_path_factory.mktemp("paged")
    root = internal_repo(base)
    patch = pytest.MonkeyPatch()
    patch.setattr(internal_pages, "PAGE_SIZE", 2)
    patch.setattr(internal_pages, "RUNBOOK_RECENT", 1)
    try:
        build_sites(root, NOW, sites=["internal"], out=base / "site")
    finally:
        patch.undo()
    return base / "site"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_the_incident_list_comes_in_pages_that_link_to_each_other(small_pages):
    first = (small_pages / "incidents/index.html").read_text()
    assert "Page 1 of 4" in first and "page/2/" in links(first)
    last = (small_pages / "incidents/page/4/index.html").read_text()
    assert "Page 4 of 4" in last and "../3/" in links(last)
    listed = set()
    for path in [small_pages / "incidents/index.html", *sorted((small_pages / "incidents/page").glob("*/index.html"))]:
        listed |= set(re.findall(r'href="(?:\.\./)*([0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9-]+)/"', path.read_text()))
    assert len(listed) == 7  # every incident on exactly one of the pages


def test_a_runbook_lists_its_latest_incidents_and_links_to_all(small_pages):
    html = (small_pages / "runbooks/api/api-errors/index.html").read_text()
    assert "The 1 most recent of" in html
    assert "incidents/" in links(html)
    every = text((small_pages / "runbooks/api/api-errors/incidents/index.html").read_text())
    assert "2 incidents used API errors, newest first." in every
    assert "2026-11-20: API errors (SEV3) 2026-10-31: Database unavailable (SEV1), postmortem" in every


def test_open_action_items_come_in_pages(small_pages):
    first = (small_pages / "action-items/index.html").read_text()
    assert "3 open action items" in first and "Page 1 of 2" in first
    assert "AI-4" in (small_pages / "action-items/page/2/index.html").read_text()
    assert "Postmortems missing" in first


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    base = tmp_path_factory.mktemp("example-scale")
    root = copy_example(base / "repo")
    build_sites(root, EXAMPLE_NOW, out=base / "site")
    return root, base / "site"


def test_incidents_are_compact_search_entries(example):
    _, site = example
    index = json.loads((site / "internal/search/search_index.json").read_text())
    entries = [d for d in index["docs"] if d["location"] == "incidents/2026-10-14-api-outage/"]
    assert len(entries) == 1  # one entry, not one per heading
    entry = entries[0]
    assert entry["title"] == "Public API, dashboard and checkout unavailable"
    assert entry["text"].startswith("2026-10-14-api-outage 2026-10-14 incident SEV1 resolved Public API, Web dashboard")
    assert "Since 14:02 UTC" not in entry["text"]  # public messages stay on the page


def test_the_public_site_has_no_search_index_and_lists_incidents_in_its_sitemap(example):
    _, site = example
    assert not (site / "public/search").exists()
    sitemap = (site / "public/sitemap.xml").read_text()
    assert "https://status.ledgerline.example/incidents/2026-10-14-api-outage/" in sitemap
    internal_sitemap = (site / "internal/sitemap.xml").read_text()
    assert "incidents/2026-10-14-api-outage/" in internal_sitemap


def test_incident_entries_survive_whatever_order_the_plugins_are_listed_in(tmp_path):
    """statusgen adds its entries after the search plugin wrote the index, even when listed first."""
    root = copy_example(tmp_path / "repo")
    config = (root / "mkdocs.yml").read_text()
    assert "plugins:\n  - search\n  - statusgen:" in config
    moved = config.replace("plugins:\n  - search\n  - statusgen:", "plugins:\n  - statusgen:")
    (root / "mkdocs.yml").write_text(moved.rstrip("\n") + "\n  - search\n")
    build_sites(root, EXAMPLE_NOW, sites=("internal",), out=tmp_path / "site")
    index = json.loads((tmp_path / "site/search/search_index.json").read_text())
    assert [d for d in index["docs"] if d["location"] == "incidents/2026-10-14-api-outage/"]
