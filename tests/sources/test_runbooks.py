"""Runbooks: loading with path:line problems, review dates, alert rules, the scaffold."""

from __future__ import annotations

import pytest
from conftest import NOW
from conftest import NOW as EXAMPLE_NOW
from repos import ALERT_RULES, internal_repo

from statusgen.sources.alert_rules import read_alert_rules
from statusgen.sources.config import load_config
from statusgen.sources.repository import check_documents
from statusgen.sources.runbooks import load_runbooks


def messages(problems):
    return [str(p) for p in problems]


def test_example_runbooks_load_without_problems(example_root):
    runbooks, problems = load_runbooks(load_config(example_root))
    assert [p for p in problems if p.is_error] == []
    assert len(runbooks) >= 5
    names = {r.name for r in runbooks}
    assert {"api-high-latency", "api-error-rate", "payouts-delayed"} <= names
    latency = next(r for r in runbooks if r.name == "api-high-latency")
    assert latency.service == "api" and latency.owner == "team-platform"
    assert latency.alerts == ("APIHighLatencyP95", "APIHighLatencyP99")
    assert latency.sections[:3] == ("Symptoms", "Impact", "Diagnosis")
    assert not latency.is_stale(EXAMPLE_NOW)


def test_stale_runbook_is_a_warning(tmp_path):
    config = load_config(internal_repo(tmp_path))
    problems = check_documents(config, (), NOW)
    # db-down: last reviewed 2026-05-01, every 90 days -> due 2026-07-30, 115 days before now.
    assert messages(problems) == [
        "runbooks/db/db-down.md:1: warning: runbook review overdue by 115 days (last reviewed 2026-05-01, "
        "review every 90 days); review it and set last_reviewed"
    ]
    assert not any(p.is_error for p in problems)


def test_review_every_defaults_to_the_config(tmp_path):
    root = internal_repo(tmp_path)
    path = root / "runbooks/db/db-down.md"
    path.write_text(path.read_text().replace("review_every: 90\n", ""))
    (runbook,) = [r for r in load_runbooks(load_config(root))[0] if r.name == "db-down"]
    assert runbook.review_every == 90
    assert str(runbook.review_due) == "2026-07-30"


BAD = """\
---
title: Broken
service: api
severity: SEV9
alerts: [Good, "bad name", Good]
last_reviewed: 2026-13-01
review_every: 0
ownr: x
---

## Symptoms

Only this.
"""


def test_every_problem_is_reported_with_its_line(tmp_path):
    root = internal_repo(tmp_path)
    (root / "runbooks/api/broken.md").write_text(BAD)
    runbooks, problems = load_runbooks(load_config(root))
    shown = [m for m in messages(sorted(problems)) if "broken.md" in m]
    assert shown == [
        "runbooks/api/broken.md:1: front matter is missing 'owner'; expected the owning team, like: owner: team-platform",
        "runbooks/api/broken.md:4: severity 'SEV9' is not valid (did you mean 'SEV4'?); expected one of: SEV1, SEV2, SEV3, SEV4",
        "runbooks/api/broken.md:5: alert 'Good' is listed twice",
        "runbooks/api/broken.md:5: alert name 'bad name' must be letters, digits, '_', '.' or '-', as in the alert rule",
        "runbooks/api/broken.md:6: last_reviewed: '2026-13-01' is not a date; expected YYYY-MM-DD",
        "runbooks/api/broken.md:7: review_every must be a whole number of days, not 0",
        "runbooks/api/broken.md:8: unknown key 'ownr' in runbook front matter (did you mean 'owner'?); expected one of: "
        "title, service, owner, severity, alerts, last_reviewed, review_every",
        "runbooks/api/broken.md:10: warning: runbook has no section for: Impact, Diagnosis, Mitigation, Recovery, "
        "Escalation, What not to do; responders expect '## Impact'",
    ]
    assert "broken" not in {r.name for r in runbooks}  # left out, the others still load
    assert len(runbooks) == 2


def test_no_front_matter_and_reserved_directory(tmp_path):
    root = internal_repo(tmp_path)
    (root / "runbooks/api/plain.md").write_text("# Just markdown\n")
    (root / "runbooks/alerts").mkdir()
    (root / "runbooks/alerts/x.md").write_text(
        (root / "runbooks/db/db-down.md").read_text().replace("PostgresDown", "X")
    )
    _, problems = load_runbooks(load_config(root))
    assert (
        "runbooks/api/plain.md:1: no front matter; expected the file to start with a '---' line, the YAML fields, then '---'"
        in messages(problems)
    )
    assert any(m.startswith("runbooks/alerts/x.md:1: 'alerts/' is reserved") for m in messages(problems))


def test_an_alert_leads_to_one_runbook(tmp_path):
    root = internal_repo(tmp_path)
    text = (root / "runbooks/db/db-down.md").read_text()
    (root / "runbooks/db/db-slow.md").write_text(text.replace("[PostgresDown]", "[postgresdown]"))
    (root / "runbooks/api/db-down.md").write_text(text)
    _, problems = load_runbooks(load_config(root))
    shown = messages(problems)
    assert (
        "runbooks/db/db-slow.md:6: alert 'postgresdown' clashes with 'PostgresDown' by runbooks/api/db-down.md; "
        "each alert leads to one runbook (its page is /runbooks/alerts/postgresdown/)"
    ) in shown
    assert any("runbook name 'db-down' is also used by runbooks/api/db-down.md" in m for m in shown)


def test_alert_rules_are_checked_against_runbooks(tmp_path):
    root = internal_repo(tmp_path)
    rules = root / "alerting/rules.yml"
    rules.parent.mkdir()
    rules.write_text(ALERT_RULES)
    problems = check_documents(load_config(root), (), NOW, [rules])
    shown = [m for m in messages(problems) if "overdue" not in m]
    assert shown == [
        "alerting/rules.yml:10: warning: alert 'APIGateway5xx' has runbook_url 'https://internal.test/runbooks/api-errors/'; "
        "expected it to end with /runbooks/alerts/apigateway5xx/",
        "alerting/rules.yml:14: alert 'DiskFull' has no runbook; add it to the 'alerts' of a runbook, "
        "or run `statusgen runbook new NAME --service SERVICE`",
        "runbooks/db/db-down.md:6: warning: runbook names alert 'PostgresDown', which no alerting rule given defines; "
        "fix the name, remove it, or pass the rule file that defines it",
    ]


def test_alert_rules_reader(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(ALERT_RULES)
    rules, problems = read_alert_rules(path, tmp_path)
    assert problems == []
    assert [(r.alert, r.line) for r in rules] == [("APIErrorRateHigh", 4), ("APIGateway5xx", 10), ("DiskFull", 14)]
    crd = tmp_path / "crd.yaml"
    crd.write_text(
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  " + ALERT_RULES.replace("\n", "\n  ")
    )
    assert [r.alert for r in read_alert_rules(crd, tmp_path)[0]] == ["APIErrorRateHigh", "APIGateway5xx", "DiskFull"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "rules: []\n",
            "bad.yml:1: no 'groups' here; expected a Prometheus rule file: groups: [{name, rules: [{alert, expr}]}]",
        ),
        ("groups:\n  - name: x\n    rules:\n      - expr: up\n", "bad.yml:4: rule has neither 'alert' nor 'record'"),
        ("groups: [\n", "bad.yml:2: YAML syntax error: did not find expected node content"),
    ],
)
def test_bad_alert_rule_files(tmp_path, text, message):
    path = tmp_path / "bad.yml"
    path.write_text(text)
    _, problems = read_alert_rules(path, tmp_path)
    assert messages(problems) == [message]


def test_the_example_rule_file_and_runbooks_agree(example_root):
    """What the README's `statusgen validate --alert-rules prometheus/rules/*.yml` checks in the example."""
    config = load_config(example_root)
    assert config.alert_rules == ("prometheus/rules/*.yml",)
    rules = sorted(example_root.glob("prometheus/rules/*.yml"))
    assert rules
    problems = check_documents(config, (), EXAMPLE_NOW, rules)
    assert [m for m in messages(problems) if "review overdue" not in m] == []
