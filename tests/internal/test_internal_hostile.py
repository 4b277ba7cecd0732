"""Hostile text on the internal site: every field escaped, people's Markdown sanitized.

Titles, notes, messages, runbook and postmortem bodies are written by many hands (and pasted
from alerts and chat): none of it may run in a responder's browser.
"""

from __future__ import annotations

import re

from conftest import NOW, write_repo
from repos import INTERNAL_FILES

from statusgen.build import build_sites

SCRIPT = "<script>alert(1)</script>"

HOSTILE = dict(INTERNAL_FILES)
HOSTILE["incidents/2026/2026-11-20-api-errors.yaml"] = (
    INTERNAL_FILES["incidents/2026/2026-11-20-api-errors.yaml"]
    .replace("title: API errors", "title: 'API errors </title><script>alert(1)</script>'")
    .replace(
        "message: We are looking into failed API requests.",
        "message: 'Looking. [click](javascript:alert(1)) <img src=x onerror=alert(1)>'",
    )
    .replace("internal_note: CANARY-NOTE-7f3a", "internal_note: 'CANARY-NOTE-7f3a <script>alert(1)</script>'")
)
HOSTILE["incidents/2026/2026-10-31-db-outage.postmortem.md"] = INTERNAL_FILES[
    "incidents/2026/2026-10-31-db-outage.postmortem.md"
] + ("\n<script>alert(1)</script>\n\n[details](javascript:alert(1))\n")
HOSTILE["runbooks/api/api-errors.md"] = INTERNAL_FILES["runbooks/api/api-errors.md"] + (
    "\n<script>alert(1)</script>\n\n[run](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n"
)


def test_hostile_text_is_escaped_or_removed_on_every_page_of_both_sites(tmp_path):
    root = write_repo(tmp_path / "repo", HOSTILE)
    build_sites(root, NOW, out=tmp_path / "out")
    site = tmp_path / "out" / "internal"
    incident = (site / "incidents/2026-11-20-api-errors/index.html").read_text()
    assert "<title>API errors &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; - " in incident
    assert "<h1>API errors &lt;/title&gt;&lt;script&gt;" in incident  # escaped once, not twice
    assert "CANARY-NOTE-7f3a" in incident  # the note is there, as text
    runbook = (site / "runbooks/api/api-errors/index.html").read_text()
    assert "What NOT to do" in runbook  # the body is there
    assert "CANARY-POSTMORTEM-55e1" in (site / "postmortems/2026-10-31-db-outage/index.html").read_text()
    for path in (tmp_path / "out").rglob("*.html"):
        html = path.read_text()
        assert "<script>alert(1)" not in html, path
        assert not re.search(r"""href=["']?javascript:""", html), path
        assert not re.search(r"<[^>]*\sonerror=", html), path  # as text it is harmless
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (site / "incidents/index.html").read_text()


def test_hostile_rule_annotations_and_runbook_sections_on_an_alert_page(tmp_path):
    from conftest import SMALL_CONFIG
    from repos import ALERT_RULES

    config = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      alert_rules: [rules.yml]\n")
    rules = ALERT_RULES.replace(
        "        annotations:\n          runbook_url: https://internal.test/runbooks/alerts/apierrorratehigh/",
        "        labels:\n          team: '<script>alert(1)</script>'\n"
        "        annotations:\n          summary: '<script>alert(1)</script>'\n"
        "          description: '<img src=x onerror=alert(1)>'",
    )
    files = dict(HOSTILE)
    files["rules.yml"] = rules
    files["runbooks/api/api-errors.md"] = files["runbooks/api/api-errors.md"].replace(
        "CANARY-RUNBOOK-3d9e: 5xx above 2%.", "CANARY-RUNBOOK-3d9e <script>alert(1)</script> [x](javascript:alert(1))"
    )
    root = write_repo(tmp_path / "repo", files, config=config)
    build_sites(root, NOW, sites=["internal"], out=tmp_path / "out")
    html = (tmp_path / "out/runbooks/alerts/apierrorratehigh/index.html").read_text()
    assert "CANARY-RUNBOOK-3d9e" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<td>&lt;img src=x onerror=alert(1)&gt;</td>" in html  # the rule's description, as text
    assert "<script>alert(1)" not in html
    assert not re.search(r"""href=["']?javascript:""", html)
    assert not re.search(r"<[^>]*\sonerror=", html)
