"""Data for the internal pages: action-item states as people write them, alert rules with their
expression, labels and severity, and what an alert's page shows from its runbook."""

from __future__ import annotations

from datetime import timezone

import pytest
from conftest import NOW, ROOT, SMALL_CONFIG, write_repo

from statusgen.core.errors import ValidationError
from statusgen.sources.alert_rules import load_alert_rules, read_alert_rules, rules_by_alert
from statusgen.sources.postmortems import item_status
from statusgen.sources.repository import load_repository
from statusgen.sources.runbooks import load_runbooks
from statusgen.views import metrics
from statusgen.views.internal import alert_pages, first_items, section

INCIDENT = """\
id: 2026-11-20-api-errors
title: API errors
kind: incident
severity: SEV3
components:
  api: partial_outage
impact_start: 2026-11-20T10:00:00Z
updates:
  - at: 2026-11-20T10:10:00Z
    stage: investigating
    message: Errors.
  - at: 2026-11-20T11:10:00Z
    stage: resolved
    message: Fixed.
"""


def postmortem(states: list[str]) -> str:
    items = "".join(
        f"  - id: AI-{n}\n    action: Do {n}\n    type: prevent\n    priority: P2\n    owner: sam\n"
        f"    due: 2026-12-01\n    status: {state}\n"
        for n, state in enumerate(states, 1)
    )
    return f"---\nincident: 2026-11-20-api-errors\nstatus: published\naction_items:\n{items}---\n\n# Summary\n"


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("won't do", "wont_do"),
        ("Won’t do", "wont_do"),
        ("wont_do", "wont_do"),
        ("Won't Fix", "wont_do"),
        ("In progress", "in_progress"),
        ("in-progress", "in_progress"),
        ("DONE", "done"),
        ("completed", "done"),
        ("to do", "open"),
        ("open", "open"),
        ("maybe", None),
    ],
)
def test_action_item_states_are_read_as_people_write_them(text, state):
    assert item_status(text) == state


def test_postmortem_states_in_words_load_and_count(tmp_path):
    files = {
        "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
        "incidents/2026/2026-11-20-api-errors.postmortem.md": postmortem(
            ['"won\'t do"', "Done", "in progress", "open", "Won’t do"]
        ),
    }
    repo, _ = load_repository(write_repo(tmp_path / "repo", files), now=NOW)
    postmortems = repo.postmortems
    assert repo.postmortem_problems == ()
    items = postmortems["2026-11-20-api-errors"].action_items
    assert [i.status for i in items] == ["wont_do", "done", "in_progress", "open", "wont_do"]
    assert [i.status_label for i in items] == ["Won't do", "Done", "In progress", "Open", "Won't do"]
    assert metrics.action_item_completion(postmortems.values()) == metrics.Completion(1, 3)


def test_an_unknown_state_says_which_are_valid(tmp_path):
    files = {
        "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
        "incidents/2026/2026-11-20-api-errors.postmortem.md": postmortem(["maybe later"]),
    }
    repo, _ = load_repository(write_repo(tmp_path / "repo", files), now=NOW)
    assert [str(p) for p in repo.postmortem_problems] == [
        "incidents/2026/2026-11-20-api-errors.postmortem.md:11: action item status 'maybe later' is not valid; "
        "expected one of: open, in progress, done, won't do"
    ]


RULES = """\
groups:
  - name: api
    rules:
      - record: job:errors:rate5m
        expr: sum(rate(errors[5m]))
      - alert: APIHighLatencyP95
        expr: |
          histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="api"}[5m]))) > 0.8
        for: 10m
        labels:
          severity: warning
          team: platform
        annotations:
          summary: API p95 latency above 800 ms
          runbook_url: https://internal.example/runbooks/alerts/apihighlatencyp95/
      - alert: APIHighLatencyP95
        expr: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="api"}[5m]))) > 2
        for: 5m
        labels:
          severity: critical
"""


def test_alert_rules_keep_expression_labels_and_severity(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(RULES)
    rules, problems = read_alert_rules(path, tmp_path)
    assert problems == []
    by_alert = rules_by_alert(rules)
    warning, critical = by_alert["APIHighLatencyP95"]
    assert warning.expr.startswith("histogram_quantile(0.95,") and warning.expr.endswith("> 0.8")
    assert warning.for_ == "10m" and warning.group == "api"
    assert warning.labels == (("severity", "warning"), ("team", "platform"))
    assert warning.severity == "warning" and critical.severity == "critical"
    assert warning.annotation("summary") == "API p95 latency above 800 ms"
    assert warning.runbook_url == "https://internal.example/runbooks/alerts/apihighlatencyp95/"


def test_rule_files_come_from_the_config(tmp_path):
    config = SMALL_CONFIG.replace(
        "      company: Acme\n", "      company: Acme\n      alert_rules: [prometheus/*.yml]\n"
    )
    root = write_repo(tmp_path / "repo", {"prometheus/api.yml": RULES}, config=config)
    repo, _ = load_repository(root, now=NOW)
    rules, problems = load_alert_rules(repo.config)
    assert problems == [] and [r.severity for r in rules["APIHighLatencyP95"]] == ["warning", "critical"]
    outside = config.replace("[prometheus/*.yml]", "[../elsewhere/*.yml]")
    with pytest.raises(ValidationError) as caught:
        load_repository(write_repo(tmp_path / "bad", {}, config=outside), now=NOW)
    assert "mkdocs.yml:9: alert_rules: '../elsewhere/*.yml' leaves the repository" in str(caught.value)


def test_an_alert_page_has_trigger_first_steps_rollback_and_recent_incidents(tmp_path):
    repo, _ = load_repository(ROOT, now=NOW)
    runbooks, _ = load_runbooks(repo.config)
    path = tmp_path / "rules.yml"
    path.write_text(RULES)
    rules, _ = read_alert_rules(path, tmp_path)
    pages = alert_pages(repo, runbooks, rules_by_alert(rules))
    page = pages["APIHighLatencyP95"]
    assert page.runbook.name == "api-high-latency"
    assert page.severities == ("warning", "critical")
    assert page.trigger.startswith("- `APIHighLatencyP95` fires when p95 latency of `api` stays above 800 ms")
    assert page.first_steps.startswith("1. **Roll back a recent deploy.**")
    assert "3. **Cancel a runaway query.**" in page.first_steps and "## Recovery" not in page.first_steps
    assert page.rollback.startswith("- Reset any HPA change")
    assert [i.id for i in page.incidents] == ["2026-10-27-checkout-slow", "2026-10-14-api-outage"]
    assert pages["APIHighLatencyP99"].rules == ()  # no rule file defines it: the page says so
    assert all(i.started_at.tzinfo == timezone.utc for i in page.incidents)


def test_sections_and_first_steps():
    body = "## First steps\n\n1. Look.\n2. Roll back.\n\n## Rollback\n\n```sh\n## not a heading\n```\n"
    assert section(body, ("First steps", "Mitigation")) == ("First steps", "1. Look.\n2. Roll back.")
    assert section(body, ("Rollback",)) == ("Rollback", "```sh\n## not a heading\n```")
    assert section(body, ("Trigger",)) == ("", "")
    assert first_items("- a\n  more\n- b\n- c\n- d\n\ntext", 3) == "- a\n  more\n- b\n- c"
