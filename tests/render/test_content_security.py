"""People's HTML next to the theme's, and the Content-Security-Policy of every page, in a real
build of both sites.

A note, a message, a runbook or a postmortem may hold raw HTML; what survives the sanitizer
must not pass for the theme's (material's script reads its settings from the first element
with id ``__config``), and every page says, in a policy written before any script, which
scripts may run at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from conftest import NOW, SMALL_CONFIG, write_repo

from statusgen.build import build_sites

CONFIG = SMALL_CONFIG.replace(
    "  font: false\n",
    """  font: false
  palette:
    - scheme: default
      toggle: {icon: material/weather-night, name: Switch to dark mode}
    - scheme: slate
      toggle: {icon: material/weather-sunny, name: Switch to light mode}
""",
).replace("plugins:\n", "plugins:\n  - search\n")

# What material's script would fetch its "versions" from, and insert as HTML.
THEME_CONFIG = (
    '<div id="__config">{"base": "http://attacker.test/", "features": [], "version": {"provider": "mike"}}</div>'
)
FAKE_BANNER = (
    '<div class="sg-banner sg-banner--operational"><h1 class="sg-banner__title">All Systems Operational</h1>'
    '<input type="checkbox" checked> <button class="md-button">Subscribe</button></div>'
)

INCIDENT = f"""\
id: 2026-11-20-api-errors
title: API errors
kind: incident
severity: SEV3
components:
  api: partial_outage
impact_start: 2026-11-20T10:00:00Z
runbooks: [api-errors]
updates:
  - at: 2026-11-20T10:10:00Z
    stage: investigating
    message: |
      MESSAGE-MARK

      {FAKE_BANNER}
    internal_note: |
      NOTE-MARK

      {THEME_CONFIG}
    components:
      api: partial_outage
  - at: 2026-11-20T11:10:00Z
    stage: resolved
    message: Fixed.
    components:
      api: operational
"""

RUNBOOK = f"""\
---
title: API errors
service: api
owner: team-api
severity: SEV2
alerts: [APIErrorRateHigh]
last_reviewed: 2026-10-01
---

{THEME_CONFIG}

## Symptoms

Errors. See [the rollback](#rollback).

## __config

A heading whose slug is the theme's id.

## Rollback

Roll back.
{{: #__drawer }}
"""

POSTMORTEM = f"""\
---
incident: 2026-11-20-api-errors
status: published
authors: [dana]
---

## Summary

{THEME_CONFIG}

## Timeline

Things happened.
"""

FILES = {
    "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
    "incidents/2026/2026-11-20-api-errors.postmortem.md": POSTMORTEM,
    "runbooks/api/api-errors.md": RUNBOOK,
}

INCIDENT_PAGE = "incidents/2026-11-20-api-errors/index.html"
RUNBOOK_PAGE = "runbooks/api/api-errors/index.html"
POSTMORTEM_PAGE = "postmortems/2026-11-20-api-errors/index.html"
ALERT_PAGE = "runbooks/alerts/apierrorratehigh/index.html"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("content-security")
    root = write_repo(base / "repo", FILES, config=CONFIG)
    return build_sites(root, NOW, out=base / "out").outputs


def tree(path: Path):
    return lxml.html.fromstring(path.read_bytes())


@pytest.mark.parametrize("path", [INCIDENT_PAGE, RUNBOOK_PAGE, POSTMORTEM_PAGE])
def test_peoples_html_cannot_stand_in_for_the_internal_sites_settings(sites, path):
    page = sites["internal"] / path
    assert "NOTE-MARK" in page.read_text() or "incidents" not in path  # the note is on its page
    found = tree(page).xpath('//*[@id="__config"]')
    assert [element.tag for element in found] == ["script"], "only material's own settings carry that id"
    assert found[0].get("type") == "application/json"
    # ...and they come before the page's own content
    html = page.read_text()
    assert html.index('id="__config"') < html.index("<article")


def test_the_table_of_contents_and_the_alert_pages_links_meet_their_headings(sites):
    runbook = tree(sites["internal"] / RUNBOOK_PAGE)
    ids = set(runbook.xpath("//@id"))
    toc = sorted(set(runbook.xpath('//nav[contains(@class, "md-nav--secondary")]//a/@href')))
    assert len(toc) == 3, toc
    assert all(href.startswith("#user-content-") and href[1:] in ids for href in toc), (toc, sorted(ids))
    in_page = runbook.xpath('//article//a[text()="the rollback"]/@href')
    assert in_page == ["#user-content-rollback"]
    assert "user-content-__drawer" in ids  # an id given with attr_list moves too
    assert not ids & {"__config", "__drawer"} - {e.get("id") for e in runbook.xpath("//script | //input")}
    alert = tree(sites["internal"] / ALERT_PAGE)
    jumps = [href.split("#", 1)[1] for href in alert.xpath("//article//a/@href") if "api-errors/#" in href]
    assert jumps and all(anchor in ids for anchor in jumps), (jumps, sorted(ids))


def test_a_message_cannot_draw_the_pages_banner_or_controls(sites):
    article = tree(sites["internal"] / INCIDENT_PAGE).xpath("//article")[0]
    (heading,) = article.xpath('.//*[text()="All Systems Operational"]')
    drawn = heading.getparent()
    assert [e.get("class") for e in drawn.iter() if e.get("class")] == [], lxml.html.tostring(drawn)
    assert drawn.xpath(".//input | .//button | .//select | .//textarea | .//form") == []
    assert "Subscribe" in drawn.text_content()  # the words stay, as words
    # The public page shows a message's HTML as text: its classes never become markup there.
    public = tree(sites["public"] / INCIDENT_PAGE)
    assert "sg-banner sg-banner--operational" in public.text_content()
    assert public.xpath('//*[contains(@class, "sg-banner")]') == []


POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("site", ["public", "internal"])
def test_every_page_carries_a_policy_before_any_script_allowing_only_its_inline_scripts(sites, site):
    from statusgen.render.csp import inline_hashes

    pages = sorted(sites[site].rglob("*.html"))
    assert len(pages) >= 4 and any(p.name == "404.html" for p in pages)
    for page in pages:
        html = page.read_text()
        found = POLICY.findall(html)
        assert len(found) == 1, page
        framed = site == "public" and page.parent.name == "embed"  # /embed/, framed by other sites: no script
        assert html.index("Content-Security-Policy") < (len(html) if framed else html.index("<script")), page
        policy = directives(found[0])
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
        assert policy["form-action"] == ["'none'"]
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
        scripts, styles = inline_hashes(html)
        if framed:
            assert "<script" not in html and policy["script-src"] == ["'self'"], page
            assert styles and set(styles) <= set(policy["style-src"]), page
            continue
        assert scripts and set(scripts) <= set(policy["script-src"]), page  # every inline script of the page runs
        assert set(policy["script-src"]) - set(scripts) <= {"'self'"}, page  # and nothing else inline would
        if site == "internal":
            assert policy["worker-src"] == ["'self'"]  # material's search worker
