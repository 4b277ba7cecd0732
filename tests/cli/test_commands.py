"""The authoring CLI, end to end on real files: lifecycle, exact messages, safety of edits."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import NOW, declare, race_updates, write_repo
from conftest import cli_ok as ok
from conftest import run_cli as run

from statusgen.cli import main
from statusgen.sources.config import load_config
from statusgen.sources.repository import load_repository


def incident_file(root: Path) -> Path:
    (path,) = sorted((root / "incidents").rglob("*.yaml"))
    return path


def test_incident_lifecycle_keeps_hand_written_comments(tmp_path):
    root = write_repo(tmp_path, {})
    result = ok(
        root, "new", "--template", "high-latency", "-s", "SEV3", "-c", "api=degraded", "-c", "web=partial",
        "--at", "2026-11-22T14:36:00Z", "--impact-start", "2026-11-22T14:20:00Z", "--detected", "2026-11-22T14:30:00Z",
    )  # fmt: skip
    assert result.stdout == "incidents/2026/2026-11-22-high-latency.yaml\n"
    path = incident_file(root)
    text = path.read_text()
    assert (
        "Since 14:20 UTC on 22 Nov, some of our services have been affected: Website is partly unavailable and API is slower than usual."
        in text
    )
    assert "will post an update by 16:36 UTC on 22 Nov" in text
    # A person edits the file by hand between commands.
    text = text.replace("title:", "# Keep: customer-facing title, agreed with support\ntitle:")
    text = text.replace(
        "impact_start: 2026-11-22T14:20:00Z", "impact_start: 2026-11-22T14:20:00Z  # from the LB graphs"
    )
    path.write_text(text)

    steps = [
        (
            "update",
            "slower",
            "--stage",
            "identified",
            "-s",
            "SEV2",
            "--note",
            "pool exhausted",
            "--at",
            "2026-11-22T15:00:00Z",
            "--acknowledged",
            "2026-11-22T14:35:00Z",
        ),
        ("update", "slower", "--stage", "monitoring", "-c", "api=operational", "--at", "2026-11-22T15:30:00Z"),
        (
            "update",
            "slower",
            "--stage",
            "identified",
            "--backward",
            "--at",
            "2026-11-22T15:40:00Z",
            "-m",
            "Latency is back; we are rolling back.",
        ),
        ("resolve", "slower", "--at", "2026-11-22T16:10:00Z", "--mitigated", "2026-11-22T16:00:00Z"),
        ("reopen", "slower", "-c", "web=degraded", "--at", "2026-11-22T17:00:00Z", "-m", "The slowdown has returned."),
        ("resolve", "slower", "--at", "2026-11-22T17:30:00Z"),
    ]
    for step in steps:
        ok(root, *step)
        text = path.read_text()
        assert "# Keep: customer-facing title, agreed with support\ntitle:" in text
        assert "impact_start: 2026-11-22T14:20:00Z  # from the LB graphs" in text

    repo, problems = load_repository(root, now=NOW)
    assert [p for p in problems if p.is_error] == []
    (incident,) = repo.incidents
    assert [u.stage for u in incident.updates] == [
        "investigating",
        "identified",
        "monitoring",
        "identified",
        "resolved",
        "investigating",
        "resolved",
    ]
    assert incident.updates[3].backward and incident.updates[5].reopened
    assert incident.severity == "SEV2" and incident.updates[1].severity == "SEV2"
    assert incident.updates[1].internal_note == "pool exhausted"
    assert str(incident.acknowledged_at) == "2026-11-22 14:35:00+00:00"
    assert str(incident.mitigated_at) == "2026-11-22 16:00:00+00:00"
    assert dict(incident.components) == {"api": "degraded_performance", "web": "partial_outage"}
    assert dict(incident.updates[4].components) == {"api": "operational", "web": "operational"}
    assert incident.is_resolved
    # Key order of the hand-edited file is kept: milestones sit in order, before updates.
    keys = [line.split(":")[0] for line in path.read_text().splitlines() if line and line[0].isalpha()]
    assert keys == ["id", "title", "kind", "severity", "template", "components", "impact_start", "detected_at",
                    "acknowledged_at", "mitigated_at", "updates"]  # fmt: skip


def test_maintenance_lifecycle(tmp_path):
    root = write_repo(tmp_path, {})
    result = ok(
        root, "new", "--maintenance", "-t", "Database upgrade", "-c", "db", "-c", "api=degraded",
        "--start", "2026-12-03T02:00:00Z", "--end", "2026-12-03T03:30:00Z", "--at", "2026-11-22T10:00:00Z",
    )  # fmt: skip
    assert result.stdout == "incidents/2026/2026-12-03-database-upgrade.yaml\n"
    text = incident_file(root).read_text()
    assert "02:00–03:30 UTC on 3 Dec" in text
    assert "db: under_maintenance" in text and "api: degraded_performance" in text
    ok(root, "update", "database-upgrade", "--stage", "in_progress", "--at", "2026-12-03T02:01:00Z")
    ok(root, "update", "database-upgrade", "--stage", "verifying", "--at", "2026-12-03T03:00:00Z")
    result = ok(root, "resolve", "database-upgrade", "--at", "2026-12-03T03:20:00Z")
    assert result.stdout == "incidents/2026/2026-12-03-database-upgrade.yaml: completed, 4 updates\n"
    repo, problems = load_repository(root, now=NOW)
    (maintenance,) = repo.incidents
    assert [u.stage for u in maintenance.updates] == ["scheduled", "in_progress", "verifying", "completed"]
    assert maintenance.is_maintenance and maintenance.is_resolved
    assert str(maintenance.started_at) == "2026-12-03 02:01:00+00:00"


def test_backward_move_is_refused_without_the_flag_and_nothing_is_written(tmp_path):
    root = write_repo(tmp_path, {})
    declare(root, "--at", "2026-11-22T10:00:00Z", severity="SEV3", message="Looking.")
    ok(root, "update", "api-errors", "--stage", "monitoring", "-m", "Fixed, watching.", "--at", "2026-11-22T10:30:00Z")
    before = incident_file(root).read_bytes()
    result = run(root, "update", "api-errors", "--stage", "identified", "-m", "Back.", "--at", "2026-11-22T10:40:00Z")
    assert result.exit_code == 1
    assert result.output == (
        "Error: incidents/2026/2026-11-22-api-errors.yaml: stage cannot go back from monitoring to identified; "
        "pass --backward (it is recorded as 'backward: true') if that is what happened\n"
    )
    assert incident_file(root).read_bytes() == before


def test_severity_downgrade_is_refused_with_every_reason(tmp_path):
    root = write_repo(tmp_path, {})
    declare(root, "--at", "2026-11-22T10:00:00Z", severity="SEV2", message="Looking.")
    before = incident_file(root).read_bytes()
    result = run(
        root, "update", "api-errors", "--stage", "identified", "-s", "SEV4", "-m", "x", "--at", "2026-11-22T10:10:00Z"
    )
    assert result.exit_code == 1
    assert (
        "incidents/2026/2026-11-22-api-errors.yaml:18: severity cannot go down from SEV2 to SEV4 while the incident is active; escalate only\n"
        in result.output
    )
    assert result.output.endswith(
        "The change would make the file invalid, so nothing was written.\nAborted with 1 error.\n"
    )
    assert incident_file(root).read_bytes() == before


def test_update_time_before_the_last_update_is_refused(tmp_path):
    root = write_repo(tmp_path, {})
    declare(root, "--at", "2026-11-22T10:00:00Z", severity="SEV2", message="Looking.")
    result = run(root, "update", "api-errors", "--stage", "identified", "-m", "x", "--at", "2026-11-22T09:00:00Z")
    assert result.exit_code == 1
    assert (
        "--at 2026-11-22T09:00:00Z is before the last update (2026-11-22T10:00:00Z); updates are append-only"
        in result.output
    )


def test_mistyped_id_suggests_the_closest(small_repo):
    result = run(small_repo, "update", "2026-11-20-api-eror", "--stage", "identified")
    assert result.exit_code == 1
    assert result.output == (
        "Error: no incident '2026-11-20-api-eror'; did you mean 2026-11-20-api-errors ('API errors', resolved)?"
        " (`statusgen list` shows the ids)\n"
    )


def test_ambiguous_part_of_an_id(tmp_path):
    root = write_repo(tmp_path, {})
    for at in ("2026-11-21T10:00:00Z", "2026-11-22T10:00:00Z"):
        declare(root, "--at", at, "--force")
    result = run(root, "show", "api")
    assert result.exit_code == 1
    assert result.output == (
        "Error: 'api' matches 2 active incidents: 2026-11-22-api-errors ('API errors', investigating); "
        "2026-11-21-api-errors ('API errors', investigating); give more of the id, or the full id\n"
    )


def test_slug_clash_gets_a_suffix_never_an_overwrite(tmp_path):
    root = write_repo(tmp_path, {})
    paths = [
        ok(
            root,
            "new",
            "-t",
            "API errors!",
            "-s",
            "SEV3",
            "-c",
            "api=partial",
            "-m",
            f"number {n}",
            "--at",
            "2026-11-22T10:00:00Z",
            "--force",
        ).stdout.strip()
        for n in range(3)
    ]
    assert paths == [
        "incidents/2026/2026-11-22-api-errors.yaml",
        "incidents/2026/2026-11-22-api-errors-2.yaml",
        "incidents/2026/2026-11-22-api-errors-3.yaml",
    ]
    assert "number 0" in (root / paths[0]).read_text()


def test_new_refuses_unknown_component_and_status(small_repo):
    result = run(small_repo, "new", "-t", "x", "-s", "SEV3", "-c", "apx=partial", "-m", "x")
    assert result.exit_code == 1
    assert result.output == "Error: unknown component 'apx' (did you mean 'api'?); expected one of: api, web, db\n"
    result = run(small_repo, "new", "-t", "x", "-s", "SEV3", "-c", "api=sideways", "-m", "x")
    assert result.exit_code == 2
    assert "Invalid value for --component api: 'sideways' is not one of: operational, " in result.output
    assert not list((small_repo / "incidents/2026").glob("2026-11-22-*"))


def test_naive_at_is_refused(small_repo):
    result = run(
        small_repo, "new", "-t", "x", "-s", "SEV3", "-c", "api=partial", "-m", "x", "--at", "2026-11-22T10:00:00"
    )
    assert result.exit_code == 2
    assert (
        "Invalid value for --at: time '2026-11-22T10:00:00' has no timezone; write it in UTC with a Z" in result.output
    )


def test_list_and_show(small_repo):
    ok(
        small_repo,
        "new",
        "-t",
        "Website down",
        "-s",
        "SEV1",
        "-c",
        "web=major",
        "-m",
        "Down.",
        "--at",
        "2026-11-22T15:00:00Z",
        "--note",
        "CANARY-x",
    )
    listed = ok(small_repo, "list").stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["ID", "2026-11-22-website-down", "2026-11-20-api-errors"]
    assert ok(small_repo, "list", "--active").stdout.splitlines()[1].split()[:3] == [
        "2026-11-22-website-down", "SEV1", "investigating",
    ]  # fmt: skip
    shown = ok(small_repo, "show", "website").stdout
    assert "Website down  (2026-11-22-website-down)" in shown
    assert "component Website: major outage" in shown
    assert "lasted 1 h so far" in shown
    assert (
        "22 Nov 2026, 15:00 UTC  INVESTIGATING\n  Down.\n  severity -> SEV1\n  Website -> major outage\n  internal: CANARY-x"
        in shown
    )


def test_commit_makes_a_git_commit(tmp_path):
    root = write_repo(tmp_path, {})
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.test",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.test",
    }
    subprocess.run(["git", "init", "-q", str(root)], check=True, env=env)
    for args in (
        (
            "new",
            "-t",
            "API errors",
            "-s",
            "SEV3",
            "-c",
            "api=partial",
            "-m",
            "x",
            "--at",
            "2026-11-22T10:00:00Z",
            "--commit",
        ),
        ("update", "api-errors", "--stage", "identified", "--commit"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "statusgen", "-C", str(root), *args], capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr
    log = subprocess.run(
        ["git", "-C", str(root), "log", "--format=%s"], capture_output=True, text=True, check=True
    ).stdout
    assert log == "incident 2026-11-22-api-errors: identified\nincident 2026-11-22-api-errors: investigating\n"


def test_concurrent_updates_are_not_lost(tmp_path):
    """Eight processes append to one file at once; the lock keeps every update."""
    root = write_repo(tmp_path, {})
    declare(root, "--at", "2026-11-22T10:00:00Z")
    results = race_updates(root, [sys.executable, "-m", "statusgen"], 8)
    assert [status for status, _ in results] == [0] * 8, results
    repo, _ = load_repository(root, now=NOW)
    messages = sorted(u.message for u in repo.incidents[0].updates[1:])
    assert messages == sorted(f"update {n}" for n in range(8))


def test_an_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    """The write goes to a temporary file first: failing before the rename keeps the old bytes."""
    from statusgen.authoring import incidents
    from statusgen.authoring import writer as edit

    root = write_repo(tmp_path, {})
    declare(root, "--at", "2026-11-22T10:00:00Z")
    path = incident_file(root)
    before = path.read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(edit.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        incidents.post_update(load_config(root), path, stage="identified", message="y", at=NOW, clock=lambda: NOW)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help, name
        assert "Example" in result.output, f"{name} --help has no example"
    sub = runner.invoke(main, ["templates", "show", "--help"])
    assert "Example" in sub.output


def test_commands_outside_a_repository(tmp_path):
    result = CliRunner().invoke(main, ["-C", str(tmp_path), "list"])
    assert result.exit_code == 1
    assert "no mkdocs.yml here or above; run statusgen inside a status repository or pass -C DIR" in result.output


def test_metrics_give_no_verdict_on_action_items_when_there_are_none(tmp_path):
    root = write_repo(tmp_path / "repo", {})
    output = ok(root, "metrics").output
    assert "Action items: none to count yet, so no completion rate (target 90%)." in output
    assert "NOT met" not in output and "n/a" not in output


def test_the_program_tunes_the_collector_for_its_own_process_and_main_alone_does_not(small_repo):
    """``statusgen`` (the console script and ``python -m statusgen``) runs one command per
    process: what it loaded at start-up is set aside (gc.freeze) and collections are rarer.
    ``main`` called by another program leaves that program's collector alone."""
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "statusgen"]
    assert script.value == "statusgen.cli:run"
    report = "import atexit, gc, sys; atexit.register(lambda: print(gc.get_threshold(), gc.get_freeze_count() > 0, file=sys.stderr))"
    program = f"{report}; import runpy; runpy.run_module('statusgen', run_name='__main__')"
    done = subprocess.run(
        [sys.executable, "-c", program, "-C", str(small_repo), "list"], capture_output=True, text=True, check=True
    )
    assert "2026-11-20-api-errors" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "(50000, 20, 100) True"
    library = f"{report}; from statusgen.cli import main; main(['-C', sys.argv[1], 'list'])"
    done = subprocess.run([sys.executable, "-c", library, str(small_repo)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == f"{gc.get_threshold()} False"
