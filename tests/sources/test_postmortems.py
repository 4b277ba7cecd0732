"""Postmortems: the scaffold against a hand-worked incident, parsing, action items, the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import NOW
from repos import internal_repo

from statusgen.authoring.postmortems import scaffold
from statusgen.cli import main
from statusgen.sources.checker import FileCheck
from statusgen.sources.postmortems import read_postmortem
from statusgen.sources.repository import load_repository
from statusgen.views.internal import open_action_items

NOW_ARG = ["--now", "2026-11-22T16:00:00Z"]


@pytest.fixture
def root(tmp_path):
    return internal_repo(tmp_path)


def load(root):
    repo, problems = load_repository(root, now=NOW)
    assert not [p for p in problems if p.is_error]
    return repo


def section(text, heading):
    """The lines under ``## heading`` up to the next heading."""
    lines = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in lines.splitlines() if line]


def test_scaffold_of_the_midnight_outage(root):
    # B: impact 31 Oct 23:30, detected 23:40, acknowledged 23:45, mitigated 00:30, resolved 01:00.
    repo = load(root)
    text = scaffold(repo.incident("2026-10-31-db-outage"), repo.config, NOW)
    assert text.startswith("---\nincident: 2026-10-31-db-outage\nstatus: draft\nauthors: [dana]\n")
    assert "\naction_items: []\n---\n" in text
    assert "| Severity | SEV1 |" in text
    assert "| Components | Database |" in text
    assert "| Commander | dana |" in text
    assert "| Roles | communications: erin |" in text
    assert "| Duration | 1 h 30 min |" in text
    impact = section(text, "Impact")
    assert impact[2:7] == [
        "| Duration | 1 h 30 min | impact_start → resolved |",
        "| Time to detect | 10 min | impact_start → detected_at |",
        "| Time to acknowledge | 5 min | detected_at → acknowledged_at |",
        "| Time to mitigate | 1 h | impact_start → mitigated_at |",
        "| Time to resolve | 1 h 30 min | impact_start → resolved |",
    ]
    # 90 min of major outage against 30 d x (100% - 99.95%) = 21.6 min: 417%.
    assert "| Database | 99.95% | 90.0 min | 21.6 min | 417% |" in impact
    assert section(text, "Timeline")[1:] == [
        "- 2026-10-31 23:30 - **Impact begins.**",
        "- 2026-10-31 23:40 - Detected.",
        "- 2026-10-31 23:42 - Update (investigating): The database is unavailable. _Note: CANARY-NOTE-b2c4 primary lost its disk_",
        "- 2026-10-31 23:45 - Acknowledged.",
        "- 2026-11-01 00:30 - **Impact mitigated.**",
        "- 2026-11-01 00:35 - Update (monitoring): Service is back; we are watching it.",
        "- 2026-11-01 01:00 - Update (resolved): Resolved.",
    ]
    for heading in ("Summary", "Root cause", "Five whys", "What went well", "What went poorly", "Where we got lucky"):
        assert f"\n## {heading}\n" in text
    assert len(section(text, "Five whys")) == 5


def test_scaffold_of_an_open_incident_with_missing_milestones(root):
    repo = load(root)
    text = scaffold(repo.incident("2026-11-22-web-down"), repo.config, NOW)
    assert "| Resolved | still open at 22 Nov 2026, 16:00 UTC |" in text
    assert "| Time to detect | 10 min | impact_start → detected_at |" in text
    assert "| Time to acknowledge | not recorded | detected_at → acknowledged_at |" in text
    assert "| Time to resolve | still open (2 h so far) | impact_start → resolved |" in text
    assert "| Website | 99.5% | 2 h | 3 h 36 min | 56% |" in text  # 120 min / 216 min


def test_scaffold_reads_back_without_problems(root, tmp_path):
    repo = load(root)
    path = tmp_path / "x.postmortem.md"
    path.write_text(scaffold(repo.incident("2026-11-20-api-latency"), repo.config, NOW))
    check = FileCheck(path, "x.postmortem.md")
    postmortem = read_postmortem(check, path, path.read_bytes(), "2026-11-20-api-latency")
    assert check.problems == []
    assert postmortem.status == "draft" and postmortem.action_items == ()


def test_action_items_are_parsed_and_open_ones_sorted_overdue_first(root):
    repo = load(root)
    postmortems = repo.postmortems
    assert repo.postmortem_problems == ()
    items = postmortems["2026-10-31-db-outage"].action_items
    assert [(i.id, i.status, i.owner, str(i.due)) for i in items][:3] == [
        ("AI-1", "done", "dana", "2026-11-02"),
        ("AI-2", "done", "erin", "2026-11-05"),
        ("AI-3", "open", "frank", "2026-11-10"),
    ]
    rows = open_action_items(repo, postmortems, NOW)
    assert [(item.id, incident.id, item.is_overdue(NOW)) for item, incident, _ in rows] == [
        ("AI-3", "2026-10-31-db-outage", True),
        ("AI-1", "2026-11-15-api-drill", True),
        ("AI-4", "2026-10-31-db-outage", False),
    ]


BAD = """\
---
incident: 2026-10-31-db-outage
status: final
action_items:
  - id: AI-1
    action: Something
    type: prevnt
    priority: P1
    due: 2026-02-30
    status: open
---
"""


def test_bad_postmortem_problems_have_lines(root):
    (root / "incidents/2026/2026-10-31-db-outage.postmortem.md").write_text(BAD)
    repo = load(root)
    assert "2026-10-31-db-outage" not in repo.postmortems
    assert [str(p) for p in sorted(repo.postmortem_problems)] == [
        "incidents/2026/2026-10-31-db-outage.postmortem.md:3: status 'final' is not valid; expected one of: draft, in_review, published",
        "incidents/2026/2026-10-31-db-outage.postmortem.md:5: action item is missing 'owner'; expected the person responsible",
        "incidents/2026/2026-10-31-db-outage.postmortem.md:7: action item type 'prevnt' is not valid (did you mean 'prevent'?); "
        "expected one of: mitigate, prevent, process",
        "incidents/2026/2026-10-31-db-outage.postmortem.md:9: due: '2026-02-30' is not a date; expected YYYY-MM-DD",
    ]


def test_cli_postmortem_writes_the_scaffold_beside_the_incident(root):
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(root), *NOW_ARG, "postmortem", "2026-11-20-api-latency"])
    assert result.exit_code == 0, result.output
    path = root / "incidents/2026/2026-11-20-api-latency.postmortem.md"
    assert result.output.startswith("Created ")
    assert "| Time to mitigate | 1 h | impact_start → mitigated_at |" in path.read_text()
    repo = load(root)
    assert repo.incident("2026-11-20-api-latency").postmortem_path == path
    again = runner.invoke(main, ["-C", str(root), *NOW_ARG, "postmortem", "2026-11-20-api-latency"])
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_cli_postmortem_unknown_id_and_maintenance(root):
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(root), *NOW_ARG, "postmortem", "2026-11-20-api-latnecy"])
    assert result.exit_code == 1
    assert "no incident '2026-11-20-api-latnecy'; did you mean 2026-11-20-api-latency (" in result.output
    result = runner.invoke(main, ["-C", str(root), *NOW_ARG, "postmortem", "2026-11-18-db-maintenance"])
    assert result.exit_code == 1 and "is a maintenance" in result.output


def test_cli_metrics_json_matches_the_hand_worked_figures(root):
    result = CliRunner().invoke(main, ["-C", str(root), "metrics", "--json", "--now", "2026-11-22T16:00:00Z"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["overall"]["mttd"] == {"mean_seconds": 525, "counted": 4, "incidents": 5}
    assert data["overall"]["mttr"]["mean_seconds"] == 4650
    assert data["incidents_per_month"]["2026-10"] == {"SEV1": 1, "SEV2": 0, "SEV3": 0, "SEV4": 1}


def test_cli_metrics_text(root):
    result = CliRunner().invoke(main, ["-C", str(root), *NOW_ARG, "metrics"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "5 incidents counted (drills left out: 1; maintenance left out)" in out
    assert "all  8.8 min (4/5)" in out  # 8 min 45 s
    assert "Action items: 2 of 4 done (50.0%); target 90%: NOT met." in out
    assert "API" in out and "[EXHAUSTED]" in out and "[50% used]" in out
    # 90 min down in 30 days is 99.7916...%: truncated as on the pages, not rounded to 99.792%.
    assert "  Database  SLO 99.95%   availability  99.791%  budget used  417%  [EXHAUSTED]" in out
    assert "  API       SLO 99.9%    availability  99.951%  budget used   49%" in out
    assert (
        "Error budgets, rolling 30 days (major outage counts as down, partial outage as 30% down, "
        "degraded performance and maintenance as up; truncated, never rounded up):" in out
    )


def test_cli_runbook_new_scaffolds_a_valid_runbook(root):
    runner = CliRunner()
    args = ["-C", str(root), *NOW_ARG, "runbook", "new", "web-down", "--service", "web", "--alert", "WebDown"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    from statusgen.sources.config import load_config
    from statusgen.sources.runbooks import load_runbooks

    runbooks, problems = load_runbooks(load_config(root))
    assert [p for p in problems if "web-down" in p.path] == []
    (runbook,) = [r for r in runbooks if r.name == "web-down"]
    assert runbook.service == "web" and runbook.owner == "team-web" and runbook.alerts == ("WebDown",)
    assert str(runbook.last_reviewed) == "2026-11-22"
    assert runbook.sections == (
        "Symptoms",
        "Impact",
        "Diagnosis",
        "Mitigation",
        "Recovery",
        "Escalation",
        "What not to do",
    )
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "exists" in again.output
    clash = runner.invoke(
        main, ["-C", str(root), "runbook", "new", "other", "--service", "web", "--alert", "apierrorratehigh"]
    )
    assert clash.exit_code == 1 and "already leads to runbooks/api/api-errors.md" in clash.output


def test_internal_commands_have_help():
    from statusgen.cli.internal import COMMANDS

    for command in COMMANDS:
        assert command.help and "Example" in (
            command.help + "".join(c.help or "" for c in getattr(command, "commands", {}).values())
        )


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_a_postmortem_not_yet_published_publishes_no_summary(tmp_path, status):
    from conftest import INCIDENT, write_repo

    from statusgen.sources.postmortems import public_summaries

    text = "---\nincident: 2026-11-20-api-errors\nstatus: STATUS\npublic_summary: CANARY-DRAFT-SUMMARY-4e2b\n---\n\n# Summary\n"
    root = write_repo(
        tmp_path / "repo",
        {
            "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
            "incidents/2026/2026-11-20-api-errors.postmortem.md": text.replace("STATUS", status),
        },
    )
    repo = load(root)
    assert repo.postmortems["2026-11-20-api-errors"].public_summary == "CANARY-DRAFT-SUMMARY-4e2b"
    assert repo.public_summaries == {} and public_summaries(repo.postmortems) == {}
    path = root / "incidents/2026/2026-11-20-api-errors.postmortem.md"
    path.write_text(text.replace("STATUS", "published"))
    assert load(root).public_summaries == {"2026-11-20-api-errors": "CANARY-DRAFT-SUMMARY-4e2b"}
