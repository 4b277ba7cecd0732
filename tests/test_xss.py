"""Every text field of a repository carries an XSS payload; no page of either site may run it.

The pages are parsed (lxml's HTML parser, as a browser would build the tree), not grepped:
no script of ours may contain the payload, no element may carry an event handler, no link
or source may use a script or data URL, and no frame, object or base element may appear.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import lxml.html
import pytest
from conftest import write_repo

from statusgen.build import build_sites

NOW = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)
# Each piece tries a different way out: raw tags, an attribute breakout, a </title> breakout,
# a Markdown link to a script URL, an entity the theme might un-escape, and raw HTML in Markdown.
P = (
    "<script>alert('x1')</script><img src=x onerror=alert('x2')>\"'><svg onload=alert('x3')>"
    "</title><script>alert('x4')</script>[click](javascript:alert('x5')) &lt;script&gt;alert('x6')&lt;/script&gt;"
    ' <a href="javascript:alert(\'x7\')">a</a> <iframe src="data:text/html,x8"></iframe>'
)
Q = P.replace('"', "'")  # for YAML single-line double-quoted values below


def yq(text: str) -> str:
    """``text`` as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


CONFIG = f"""\
site_name: {yq("Acme " + P)}
site_description: {yq(P)}
site_author: {yq(P)}
site_url: https://status.acme.test/
copyright: {yq(P)}
theme:
  name: material
  font: false
plugins:
  - search
  - statusgen:
      company: {yq(P)}
      groups:
        - id: core
          name: {yq(P)}
      components:
        - id: api
          name: {yq(P)}
          group: core
          description: {yq(P)}
          slo: 99.9
        - id: web
          name: {yq("Web " + P)}
          slo: 99.5
      severities:
        - id: SEV1
          name: {yq(P)}
          impact: critical
        - id: SEV2
          name: Major
          impact: major
        - id: SEV3
          name: Minor
          impact: minor
"""

INCIDENT = f"""\
id: {{id}}
title: {yq(P)}
kind: incident
severity: SEV1
components:
  api: major_outage
impact_start: 2026-11-20T10:00:00Z
commander: {yq(P)}
roles: {{scribe: {yq(P)}}}
runbooks: [api-errors]
updates:
  - at: 2026-11-20T10:10:00Z
    stage: investigating
    message: |
      {P}
      second line {P}
    internal_note: {yq(P)}
    components:
      api: major_outage
  - at: 2026-11-20T11:10:00Z
    stage: resolved
    message: {yq(P)}
    internal_note: |
      {P}
"""

ACTIVE = INCIDENT.replace("stage: resolved", "stage: monitoring").replace("SEV1", "SEV2")

MAINTENANCE = f"""\
id: 2026-11-25-upgrade
title: {yq(P)}
kind: maintenance
components: [web]
scheduled_for: 2026-11-25T02:00:00Z
scheduled_until: 2026-11-25T04:00:00Z
updates:
  - at: 2026-11-21T10:00:00Z
    stage: scheduled
    message: {yq(P)}
"""

RUNBOOK = f"""\
---
title: {yq(P)}
service: api
owner: {yq(P)}
severity: SEV2
alerts: [APIErrors]
last_reviewed: 2026-01-01
---

## Steps {P}

{P}

1. Run `curl` {P}
"""

POSTMORTEM = f"""\
---
incident: 2026-11-20-api-down
status: published
authors: [{yq(P)}]
action_items:
  - id: AI-1
    action: {yq(P)}
    type: prevent
    priority: P1
    owner: {yq(P)}
    due: 2026-10-24
    status: open
    ticket: {yq(P)}
---

## Summary

{P}
"""

FILES = {
    "incidents/2026/2026-11-20-api-down.yaml": INCIDENT.replace("{id}", "2026-11-20-api-down"),
    "incidents/2026/2026-11-21-api-again.yaml": ACTIVE.replace("{id}", "2026-11-21-api-again")
    .replace("2026-11-20T1", "2026-11-21T1")
    .replace("2026-11-20T", "2026-11-21T"),
    "incidents/2026/2026-11-25-upgrade.yaml": MAINTENANCE,
    "incidents/2026/2026-11-20-api-down.postmortem.md": POSTMORTEM,
    "runbooks/api/api-errors.md": RUNBOOK,
}

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset")
FORBIDDEN_TAGS = ("iframe", "object", "embed", "base", "frame", "frameset", "applet")


def dangers(path: Path) -> list[str]:
    """What in the page at ``path`` would run a payload, as readable strings."""
    tree = lxml.html.fromstring(path.read_bytes())
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}> element")
        if tag == "script" and "alert(" in (element.text or ""):
            found.append(f"script running {element.text[:60]!r}")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                found.append(f"<{tag} {name}={value[:40]!r}>")
            if lowered in URL_ATTRIBUTES:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    found.append(f"<{tag} {name}={value[:40]!r}>")
    return found


@pytest.fixture(scope="module")
def hostile_sites(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("xss")
    root = write_repo(base / "repo", FILES, config=CONFIG)
    result = build_sites(root, NOW, out=base / "out")
    return result.outputs


def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    assert len(found) > 5
    return found


def test_the_payload_reaches_the_public_pages_as_text(hostile_sites):
    """The test means something only if the payload is on the pages, shown as text."""
    home = lxml.html.fromstring((hostile_sites["public"] / "index.html").read_bytes())
    assert "alert('x1')" in home.text_content()
    incident = hostile_sites["public"] / "incidents/2026-11-20-api-down/index.html"
    assert "onerror=alert('x2')" in lxml.html.fromstring(incident.read_bytes()).text_content()


def test_no_public_page_runs_the_payload(hostile_sites):
    problems = {str(p.relative_to(hostile_sites["public"])): dangers(p) for p in pages(hostile_sites["public"])}
    assert {page: found for page, found in problems.items() if found} == {}


def test_no_internal_page_runs_the_payload(hostile_sites):
    problems = {str(p.relative_to(hostile_sites["internal"])): dangers(p) for p in pages(hostile_sites["internal"])}
    assert {page: found for page, found in problems.items() if found} == {}


def test_the_titles_of_pages_stay_text(hostile_sites):
    for site in hostile_sites.values():
        for page in pages(site):
            tree = lxml.html.fromstring(page.read_bytes())
            for title in tree.iter("title"):
                assert not len(title), f"{page}: <title> has child elements"
