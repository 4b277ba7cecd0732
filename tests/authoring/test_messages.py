"""Message templates: the built-in set, placeholders, team overrides and the CLI listing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from conftest import write_repo

from statusgen.authoring.messages import PLACEHOLDERS, load_templates, placeholder_values, render
from statusgen.cli import main
from statusgen.core.model import STAGES
from statusgen.sources.config import load_config

AT = datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc)
SCENARIOS = [
    "elevated-errors", "high-latency", "full-outage", "database-degradation",
    "third-party-outage", "security-investigation", "scheduled-maintenance",
]  # fmt: skip
JARGON = ["p95", "p99", "pod", "kubectl", "RCA", "SRE", "failover", "TODO", "{", "}"]


@pytest.fixture
def builtins(small_repo):
    config = load_config(small_repo)
    templates, problems = load_templates(config)
    assert problems == []
    return config, templates


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_has_a_message_for_every_stage(builtins, name):
    config, templates = builtins
    template = templates[name]
    assert template.builtin and template.description
    assert list(template.stages) == list(STAGES[template.kind])
    values = placeholder_values(
        config, title="T", components=["api", "web"], started=AT - timedelta(minutes=40), at=AT,
        window=(AT, AT + timedelta(hours=2)),
    )  # fmt: skip
    for stage in template.stages:
        text = render(template, stage, values)
        for word in JARGON:
            assert word not in text, f"{name}/{stage}: {word!r}"
        if stage not in ("resolved", "completed", "scheduled"):
            assert "15:30 UTC on 22 Nov" in text, f"{name}/{stage} promises no next update"


def test_placeholders_are_filled_with_names_and_times(builtins):
    config, templates = builtins
    values = placeholder_values(
        config, title="T", components=["api", "web", "db"], started=AT - timedelta(minutes=85), at=AT
    )
    assert values["components"] == "API, Website and Database"
    assert values["started"] == "13:35 UTC on 22 Nov"
    assert values["duration"] == "1 h 25 min"
    assert set(values) == set(PLACEHOLDERS)
    generic = render(templates["generic"], "investigating", values)
    assert generic.startswith(
        "We are investigating a problem that started at 13:35 UTC on 22 Nov: API, Website and Database are affected."
    )


def test_a_team_template_overrides_a_builtin_and_adds_new_ones(tmp_path):
    root = write_repo(
        tmp_path,
        {
            "templates/high-latency.yaml": "title: Slow\ndescription: Ours\nstages:\n  investigating: Slow {components}.\n",
            "templates/payments-provider.yaml": "title: Card network\nstages:\n  investigating: A card network is down since {started}.\n",
        },
    )
    templates, problems = load_templates(load_config(root))
    assert templates["high-latency"].description == "Ours" and not templates["high-latency"].builtin
    assert "payments-provider" in templates
    assert {p.message for p in problems} >= {"no message for stage 'identified'; -m TEXT will be needed there"}
    listing = CliRunner().invoke(main, ["-C", str(root), "templates"]).output
    assert "high-latency             incident     Ours (team)" in listing


def test_unknown_placeholder_is_an_error_with_its_line(tmp_path):
    root = write_repo(tmp_path, {"templates/bad.yaml": "title: x\nstages:\n  investigating: |\n    Hi {componets}.\n"})
    result = CliRunner().invoke(main, ["-C", str(root), "--now", "2026-11-22T00:00:00Z", "validate"])
    assert result.exit_code == 1
    assert (
        "templates/bad.yaml:3: investigating message: unknown placeholder {componets} (did you mean 'components'?)"
        in result.output
    )


def test_templates_show_prints_every_stage(small_repo):
    result = CliRunner().invoke(main, ["-C", str(small_repo), "templates", "show", "full-outage"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "full-outage: " + lines[0].split(": ", 1)[1]
    assert [line for line in lines if line in STAGES["incident"]] == list(STAGES["incident"])


def test_templates_show_unknown_name_suggests(small_repo):
    result = CliRunner().invoke(main, ["-C", str(small_repo), "templates", "show", "full-outag"])
    assert result.exit_code == 1
    assert (
        result.output
        == "Error: no template 'full-outag' (did you mean 'full-outage'?); `statusgen templates` lists them\n"
    )


def test_update_without_message_uses_the_incidents_template(tmp_path):
    root = write_repo(tmp_path, {})
    runner = CliRunner()
    base = ["-C", str(root), "--now", "2026-11-22T16:00:00Z"]
    runner.invoke(
        main,
        [*base, "new", "--template", "full-outage", "-s", "SEV1", "-c", "api=major", "--at", "2026-11-22T15:00:00Z"],
    )
    result = runner.invoke(main, [*base, "update", "2026-11", "--stage", "identified", "--at", "2026-11-22T15:20:00Z"])
    assert result.exit_code == 0, result.output
    (path,) = (root / "incidents/2026").glob("*.yaml")
    config = load_config(root)
    templates, _ = load_templates(config)
    values = placeholder_values(
        config,
        title="",
        components={"api": "major_outage"},
        started=datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc),
        at=datetime(2026, 11, 22, 15, 20, tzinfo=timezone.utc),
    )
    expected = render(templates["full-outage"], "identified", values)
    assert "\n".join("      " + line for line in expected.strip().splitlines()) in path.read_text()
