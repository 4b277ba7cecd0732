"""`statusgen notify` and the clock: a reminder before a maintenance window, a notice when it
starts and when it completes on its own, each posted once to a real HTTP server on 127.0.0.1 by
runs at pinned times, as the hourly workflow runs it (`--since HEAD`)."""

from __future__ import annotations

import pytest
from conftest import write_repo
from test_notify import NOTIFY_CONFIG, SECRET, Hooks, cli, commit, env_for, git

from statusgen.core.model import Config
from statusgen.sources.config import load_config

CONFIG = NOTIFY_CONFIG.replace("      company: Acme\n", "      company: Acme\n      maintenance_reminder: 30\n")
GENERIC = f"/generic/{SECRET}"
OLD = """\
id: 2026-11-01-old-work
title: Old work
kind: maintenance
components: [web]
scheduled_for: 2026-11-01T02:00:00Z
scheduled_until: 2026-11-01T03:00:00Z
updates:
  - at: 2026-10-30T09:00:00Z
    stage: scheduled
    message: Old work, long done.
"""


@pytest.fixture
def hooks():
    server = Hooks()
    yield server
    server.close()


@pytest.fixture
def repo(tmp_path):
    """A maintenance on 1 Dec 02:00-03:00, one cancelled for the same window, and one long past."""
    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-01-old-work.yaml": OLD}, CONFIG)
    git(root, "init", "-q", "-b", "main")
    for title in ("Database upgrade", "Cache upgrade"):
        result = cli(root, "new", "--maintenance", "-t", title, "-c", "db", "--start", "2026-12-01T02:00:00Z",
                     "--end", "2026-12-01T03:00:00Z", now="2026-11-30T10:00:00Z")  # fmt: skip
        assert result.exit_code == 0, result.output
    assert cli(root, "cancel", "cache", now="2026-11-30T11:00:00Z").exit_code == 0
    commit(root, "maintenance")
    return root


def run_at(root, hooks, now: str) -> list[dict]:
    """`statusgen notify --since HEAD` at ``now``; the generic webhook's bodies it posted."""
    count = len(hooks.posted(GENERIC))
    result = cli(root, "notify", "--since", "HEAD", "--backoff", "0", "--timeout", "5", env=env_for(hooks), now=now)
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    return hooks.posted(GENERIC)[count:]


def test_reminder_start_and_completion_are_each_posted_once(repo, hooks):
    assert run_at(repo, hooks, "2026-12-01T01:00:00Z") == []  # before the reminder's time
    (reminder,) = run_at(repo, hooks, "2026-12-01T01:35:00Z")
    assert reminder["event"] == "maintenance.reminder"
    assert reminder["incident"]["id"] == "2026-12-01-database-upgrade"
    assert reminder["update"] == {
        "key": "2026-12-01-database-upgrade/reminder/2026-12-01T02:00:00Z",
        "at": "2026-12-01T01:30:00Z",
        "stage": "scheduled",
        "message": "Reminder: the planned maintenance on Database takes place during 02:00–03:00 UTC on 1 Dec.",
        "next_update_at": None,
    }
    assert run_at(repo, hooks, "2026-12-01T01:50:00Z") == []  # sent already
    (started,) = run_at(repo, hooks, "2026-12-01T02:10:00Z")
    assert started["event"] == "maintenance.started"
    assert started["update"]["key"] == "2026-12-01-database-upgrade/started/2026-12-01T02:00:00Z"
    assert started["update"]["stage"] == "in_progress"
    assert started["update"]["message"] == "The scheduled maintenance window has begun."
    assert started["incident"]["components"] == [{"id": "db", "name": "Database", "status": "under_maintenance"}]
    assert run_at(repo, hooks, "2026-12-01T02:40:00Z") == []
    (completed,) = run_at(repo, hooks, "2026-12-01T03:10:00Z")
    assert completed["event"] == "maintenance.completed"
    assert completed["update"]["key"] == "2026-12-01-database-upgrade/completed/2026-12-01T03:00:00Z"
    assert completed["incident"]["components"] == [{"id": "db", "name": "Database", "status": "operational"}]
    assert run_at(repo, hooks, "2026-12-01T04:00:00Z") == []
    # Slack got the same three, once each; the cancelled and the long-past maintenance nothing
    slack = hooks.posted(f"/slack/{SECRET}")
    assert [body["text"].split("]")[0] for body in slack] == ["[Scheduled", "[In progress", "[Completed"]
    assert all("Cache" not in str(body) and "Old work" not in str(body) for _, body in hooks.requests)
    record = git(repo, "notes", "--ref=refs/notes/statusgen-notify", "show", "HEAD")
    assert record.count("sent 2026-12-01-database-upgrade/") == 6


def test_a_rescheduled_window_gets_its_own_reminder_and_none_comes_right_after_an_update(repo, hooks):
    (first,) = run_at(repo, hooks, "2026-12-01T01:40:00Z")
    result = cli(repo, "reschedule", "database", "--start", "2026-12-02T02:00:00Z", "--end", "2026-12-02T03:00:00Z",
                 now="2026-12-01T01:45:00Z")  # fmt: skip
    assert result.exit_code == 0, result.output
    commit(repo, "moved")
    assert run_at(repo, hooks, "2026-12-01T02:10:00Z") == []  # the old window starts nothing
    (second,) = run_at(repo, hooks, "2026-12-02T01:45:00Z")
    assert second["update"]["key"] == "2026-12-01-database-upgrade/reminder/2026-12-02T02:00:00Z"
    assert "02:00–03:00 UTC on 2 Dec" in second["update"]["message"]
    # an update posted after the reminder's time told subscribers already: no reminder
    result = cli(repo, "reschedule", "database", "--end", "2026-12-02T04:00:00Z", now="2026-12-02T01:50:00Z")
    assert result.exit_code == 0, result.output
    result = cli(repo, "reschedule", "database", "--start", "2026-12-02T02:10:00Z", now="2026-12-02T01:55:00Z")
    assert result.exit_code == 0, result.output
    commit(repo, "moved again")
    assert run_at(repo, hooks, "2026-12-02T02:00:00Z") == []


def test_the_reminder_option_defaults_to_an_hour_and_zero_turns_it_off(tmp_path, hooks):
    assert Config.__dataclass_fields__["maintenance_reminder"].default == 60
    root = write_repo(tmp_path / "plain", {}, NOTIFY_CONFIG)
    assert load_config(root).maintenance_reminder == 60
    root = write_repo(tmp_path / "off", {}, CONFIG.replace("maintenance_reminder: 30", "maintenance_reminder: 0"))
    git(root, "init", "-q", "-b", "main")
    result = cli(root, "new", "--maintenance", "-t", "Upgrade", "-c", "db", "--start", "2026-12-01T02:00:00Z",
                 "--end", "2026-12-01T03:00:00Z", now="2026-11-30T10:00:00Z")  # fmt: skip
    assert result.exit_code == 0, result.output
    commit(root, "maintenance")
    assert run_at(root, hooks, "2026-12-01T01:59:00Z") == []
    bad = write_repo(tmp_path / "bad", {}, CONFIG.replace("maintenance_reminder: 30", "maintenance_reminder: -5"))
    result = cli(bad, "validate")
    assert result.exit_code == 1
    assert "maintenance_reminder must be whole minutes from 0 (none) to 10080 (a week), not -5" in result.output
