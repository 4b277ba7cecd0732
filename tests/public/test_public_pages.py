"""Public pages a person reads: the day bars on a phone and what each day says, the public
postmortem summary a team opts into (and nothing else of the postmortem), built for real."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import feedparser
import pytest
from conftest import INCIDENT, NOW, write_repo

from statusgen.build import build_sites
from statusgen.sources.repository import load_repository
from statusgen.views.public import project

POSTMORTEM = """\
---
incident: 2026-11-20-api-errors
title: CANARY-PM-TITLE-51d0
status: published
authors: [canary-author-8e21]
public_summary: |
  A configuration change sent **some API requests** to servers that were not ready.
  We now check each change against live traffic first.

  <script>alert("CANARY-SCRIPT-3b7c")</script><img src=x onerror="CANARY-ONERROR-a1f4">
action_items:
  - id: AI-1
    action: CANARY-ACTION-2c9e
    type: prevent
    priority: P1
    owner: canary-owner-77b3
    due: 2026-12-01
    status: open
    ticket: CANARY-TICKET-0f6d
---

# Summary

CANARY-PM-BODY-6d4a: the internal story, with hostnames and names.
"""
CANARIES = (
    "CANARY-PM-TITLE-51d0",
    "canary-author-8e21",
    "CANARY-ACTION-2c9e",
    "canary-owner-77b3",
    "CANARY-TICKET-0f6d",
    "CANARY-PM-BODY-6d4a",
    "CANARY-SCRIPT-3b7c",
    "CANARY-ONERROR-a1f4",
    "CANARY-NOTE-7f3a",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("pages")
    root = write_repo(
        base / "repo",
        {
            "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
            "incidents/2026/2026-11-20-api-errors.postmortem.md": POSTMORTEM,
        },
    )
    build_sites(root, NOW, sites=("public",), out=base / "out")
    return base / "out"


def test_the_public_summary_is_on_the_incident_page(site):
    html = (site / "incidents" / "2026-11-20-api-errors" / "index.html").read_text()
    assert '<h2 id="sg-postmortem">Postmortem</h2>' in html
    assert "A configuration change sent <strong>some API requests</strong> to servers that were not ready." in html
    assert "<script>alert" not in html and "onerror" not in html
    summary = html.split('<div class="sg-postmortem__body">')[1].split("</div>")[0]
    assert "<br" not in summary  # hard-wrapped prose reads as one paragraph


def test_the_public_summary_is_in_the_feed_item(site):
    for name in ("feed.rss", "feed.atom", "components/api/feed.atom"):
        feed = feedparser.parse((site / name).read_bytes())
        assert not feed.bozo, name
        (entry,) = [e for e in feed.entries if "API errors" in e.title]
        body = entry.content[0].value if "content" in entry else entry.description
        assert "<strong>Postmortem</strong>" in body, name
        assert "We now check each change against live traffic first." in body, name


def test_nothing_else_of_the_postmortem_reaches_the_public_site(site):
    leaks = []
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            text = data.decode("utf-8", errors="replace").lower()
            leaks += [f"{path.relative_to(site)}: {c}" for c in CANARIES if c.lower() in text]
    assert not leaks, leaks


def test_the_projection_holds_only_the_summary(tmp_path):
    root = write_repo(
        tmp_path / "repo",
        {
            "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
            "incidents/2026/2026-11-20-api-errors.postmortem.md": POSTMORTEM,
        },
    )
    repo, _ = load_repository(root, now=NOW)
    summaries = repo.public_summaries
    assert list(summaries) == ["2026-11-20-api-errors"]
    assert summaries["2026-11-20-api-errors"].startswith("A configuration change sent **some API requests**")
    status = project(repo, NOW, summaries=summaries)
    (incident,) = status.incidents
    assert incident.postmortem_summary == summaries["2026-11-20-api-errors"]
    text = repr(status)
    for canary in ("CANARY-PM-TITLE-51d0", "canary-author-8e21", "CANARY-ACTION-2c9e", "CANARY-PM-BODY-6d4a"):
        assert canary not in text


def test_a_postmortem_without_the_flag_publishes_nothing(tmp_path):
    root = write_repo(
        tmp_path / "repo",
        {
            "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
            "incidents/2026/2026-11-20-api-errors.postmortem.md": POSTMORTEM.replace(
                "public_summary:", "# public_summary:"
            )
            .replace("  A configuration", "#  A configuration")
            .replace("  We now", "#  We now")
            .replace("\n\n  <script>", "\n#  <script>"),
        },
    )
    repo, _ = load_repository(root, now=NOW)
    assert repo.public_summaries == {}
    build_sites(root, NOW, sites=("public",), out=tmp_path / "out")
    html = (tmp_path / "out" / "incidents" / "2026-11-20-api-errors" / "index.html").read_text()
    assert "sg-postmortem" not in html and "configuration change" not in html


def test_phones_get_the_last_30_days_and_a_day_with_incidents_is_a_named_link(site):
    html = (site / "index.html").read_text()
    api = re.search(r'<div class="sg-bars">(.*?)</div>', html, flags=re.S).group(1)
    assert '<svg class="sg-bars__days" viewBox="0 0 900 40" preserveAspectRatio="none" aria-hidden="true"' in api
    links = re.findall(r'<a class="sg-c(\d+) sg-s(\d+)" href="([^"]+)" aria-label="([^"]+)"></a>', api)
    assert links == [
        (
            "88",
            "1",
            "incidents/2026-11-20-api-errors/",
            "20 Nov 2026: partial outage 1 h 10 min (counted as 30% down), 1 incident",
        )
    ]
    assert '<span class="sg-wide">90 days ago</span>' in html and '<span class="sg-narrow">30 days ago</span>' in html
    (sheet,) = (site / "assets" / "stylesheets").glob("status.*.css")
    css = sheet.read_text()
    # one column a day; on a phone the first 60 take no room and the drawing is three rows wide
    assert ".sg-bars{grid-template-columns:repeat(90,minmax(0,1fr))}" in css
    assert ".sg-c88{grid-column-start:88}" in css and ".sg-s90{grid-column-end:span 90}" in css
    assert (
        "@media (max-width: 44em){.sg-bars{grid-template-columns:repeat(60,0) repeat(30,minmax(0,1fr))}"
        ".sg-bars>.sg-bars__days{width:calc(100% * 90 / 30)}}"
    ) in css


def test_an_edited_public_summary_shows_on_the_next_build(tmp_path):
    """Summaries are kept by the postmortem file's metadata between builds; an edit is seen."""
    root = write_repo(
        tmp_path / "repo",
        {
            "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
            "incidents/2026/2026-11-20-api-errors.postmortem.md": POSTMORTEM,
        },
    )

    def summaries():
        return load_repository(root, now=NOW)[0].public_summaries

    assert "configuration change" in summaries()["2026-11-20-api-errors"]
    path = root / "incidents/2026/2026-11-20-api-errors.postmortem.md"
    path.write_text(path.read_text().replace("A configuration change", "A bad deploy"))
    assert "A bad deploy" in summaries()["2026-11-20-api-errors"]
    path.write_text(path.read_text().replace("status: published", "status: nonsense"))
    assert summaries() == {}  # a postmortem with errors publishes nothing
