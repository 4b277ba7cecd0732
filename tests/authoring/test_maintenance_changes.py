"""A maintenance that moves: `statusgen reschedule` and `statusgen cancel` through the real CLI
and files, the messages they post, what they refuse (nothing written), and `validate`'s warning
when a window was changed by hand without an update saying so."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import cli_ok, run_cli, write_repo

from statusgen.sources.config import load_config
from statusgen.sources.repository import load_repository

FILE = "incidents/2026/2026-12-01-database-upgrade.yaml"
T = "2026-11-22T16:00:00Z"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A small repository with one maintenance scheduled for 1 Dec 02:00-03:00, declared at T."""
    root = write_repo(tmp_path / "repo", {})
    cli_ok(root, "new", "--maintenance", "-t", "Database upgrade", "-c", "db",
           "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T03:00:00Z", now=T)  # fmt: skip
    return root


def loaded(root: Path, now: str = T):
    repository, problems = load_repository(root, now=utc(now), config=load_config(root))
    (incident,) = repository.incidents
    return incident, problems


def test_new_records_the_window_its_first_update_announced(repo):
    incident, problems = loaded(repo)
    assert problems == []
    assert incident.updates[0].window == (utc("2026-12-01T02:00:00Z"), utc("2026-12-01T03:00:00Z"))
    assert not incident.window_unannounced


def test_reschedule_moves_the_window_and_posts_the_rescheduled_message(repo):
    before = (repo / FILE).read_text()
    result = cli_ok(repo, "reschedule", "database", "--start", "2026-12-02T04:00:00Z", "--end", "2026-12-02T06:00:00Z",
                    now="2026-11-22T17:00:00Z")  # fmt: skip
    assert result.output == f"{FILE}: rescheduled to 04:00–06:00 UTC on 2 Dec, 2 updates\n"
    text = (repo / FILE).read_text()
    assert text.startswith(before[: before.index("scheduled_for:")])  # the comment and the rest kept
    assert "scheduled_for: 2026-12-02T04:00:00Z\nscheduled_until: 2026-12-02T06:00:00Z\n" in text
    incident, problems = loaded(repo)
    assert problems == []
    update = incident.updates[-1]
    assert (update.stage, update.at) == ("scheduled", utc("2026-11-22T17:00:00Z"))
    assert update.window == (utc("2026-12-02T04:00:00Z"), utc("2026-12-02T06:00:00Z"))
    assert update.message.startswith(
        "The planned maintenance on Database has moved to 04:00–06:00 UTC on 2 Dec "
        "(it was planned for 02:00–03:00 UTC on 1 Dec)."
    )
    assert update.next_update == utc("2026-12-02T04:00:00Z")  # the new start
    # only the end: the start stays
    cli_ok(repo, "reschedule", "database", "--end", "2026-12-02T07:00:00Z", now="2026-11-22T18:00:00Z")
    incident, _ = loaded(repo)
    assert (incident.scheduled_for, incident.scheduled_until) == (
        utc("2026-12-02T04:00:00Z"),
        utc("2026-12-02T07:00:00Z"),
    )
    assert "(it was planned for 04:00–06:00 UTC on 2 Dec)" in incident.updates[-1].message


@pytest.mark.parametrize(
    ("args", "now", "error"),
    [
        (["--start", "2026-12-01T05:00:00Z"], T,
         "the new window ends (2026-12-01T03:00:00Z) before it starts (2026-12-01T05:00:00Z); expected --end after --start"),
        (["--end", "2026-11-22T15:00:00Z", "--start", "2026-11-22T14:00:00Z"], T,
         "the new window ends (2026-11-22T15:00:00Z) before now (2026-11-22T16:00:00Z); expected an end in the future"),
        (["--end", "2026-12-01T03:00:00Z"], T,
         "the maintenance is already scheduled for 2026-12-01T02:00:00Z to 2026-12-01T03:00:00Z; nothing to change"),
        (["--end", "2026-12-01T05:00:00Z"], "2026-12-01T04:00:00Z",
         "the maintenance was completed automatically, at the end of its window (2026-12-01T03:00:00Z); a completed "
         "maintenance cannot be rescheduled: schedule a new one (`statusgen new --maintenance`)"),
    ],
    ids=["ends-before-start", "in-the-past", "no-change", "completed-by-its-window"],
)  # fmt: skip
def test_reschedule_refuses_with_a_clear_error_and_writes_nothing(repo, args, now, error):
    before = (repo / FILE).read_bytes()
    result = run_cli(repo, "reschedule", "database", *args, now=now)
    assert result.exit_code == 1
    assert result.output == f"Error: {FILE}: {error}\n"
    assert (repo / FILE).read_bytes() == before


def test_reschedule_needs_a_time_and_a_maintenance(repo, small_repo):
    result = run_cli(repo, "reschedule", "database")
    assert result.exit_code == 2 and "give the new window: --start ISO, --end ISO, or both" in result.output
    result = run_cli(small_repo, "reschedule", "api-errors", "--end", "2026-12-01T03:00:00Z")
    assert result.exit_code == 1
    assert "only a maintenance has a window to reschedule; this is an incident" in result.output


def test_a_started_maintenance_moves_only_its_end_and_a_completed_one_not_at_all(repo):
    cli_ok(repo, "update", "database", "--stage", "in_progress", now="2026-12-01T02:00:00Z")
    result = run_cli(repo, "reschedule", "database", "--start", "2026-12-01T02:30:00Z", now="2026-12-01T02:10:00Z")
    assert result.exit_code == 1
    assert (
        "the maintenance is in progress since 2026-12-01T02:00:00Z; only its end can move now (--end)" in result.output
    )
    cli_ok(repo, "reschedule", "database", "--end", "2026-12-01T04:00:00Z", now="2026-12-01T02:10:00Z")
    incident, _ = loaded(repo, "2026-12-01T02:10:00Z")
    assert incident.stage == "in_progress" and incident.scheduled_until == utc("2026-12-01T04:00:00Z")
    cli_ok(repo, "resolve", "database", now="2026-12-01T03:30:00Z")
    before = (repo / FILE).read_bytes()
    result = run_cli(repo, "reschedule", "database", "--end", "2026-12-01T05:00:00Z", now="2026-12-01T03:40:00Z")
    assert result.exit_code == 1
    assert "the maintenance was completed (2026-12-01T03:30:00Z); a completed maintenance cannot be rescheduled" in (
        result.output
    )
    assert (repo / FILE).read_bytes() == before


def test_cancel_posts_the_cancelled_message_and_is_final(repo):
    result = cli_ok(repo, "cancel", "database", "--note", "vendor postponed", now="2026-11-23T09:00:00Z")
    assert result.output == f"{FILE}: cancelled, 2 updates\n"
    text = (repo / FILE).read_text()
    assert "    stage: completed\n    cancelled: true\n" in text
    incident, problems = loaded(repo, "2026-12-01T02:30:00Z")
    assert problems == []
    assert incident.is_cancelled and incident.is_resolved
    assert incident.updates[-1].message == (
        "The planned maintenance on Database, scheduled for 02:00–03:00 UTC on 1 Dec, is cancelled and will not "
        "take place. Nothing changes for you."
    )
    # its window passing starts nothing, and it never counts against the component
    assert incident.as_of(utc("2026-12-01T02:30:00Z")) is incident
    assert incident.status_windows(utc("2026-12-01T04:00:00Z")) == []
    before = (repo / FILE).read_bytes()
    final = "the maintenance is cancelled, and a cancellation is final; schedule a new maintenance"
    for args in (["cancel", "database"], ["reopen", "database"], ["reschedule", "database", "--end", "2026-12-01T05:00:00Z"],
                 ["update", "database", "--stage", "completed", "-m", "x"]):  # fmt: skip
        result = run_cli(repo, *args, now="2026-11-23T10:00:00Z")
        assert result.exit_code == 1, args
        assert final in result.output, args
    assert (repo / FILE).read_bytes() == before


def test_cancelling_after_the_window_began_by_itself_counts_no_downtime(tmp_path):
    root = write_repo(tmp_path / "repo", {})
    cli_ok(root, "new", "--maintenance", "-t", "Database upgrade", "-c", "db",
           "--start", "2026-11-22T15:00:00Z", "--end", "2026-11-22T18:00:00Z", now="2026-11-22T10:00:00Z")  # fmt: skip
    shown = loaded(root)[0].as_of(utc(T))
    assert shown.stage == "in_progress" and shown.status_windows(utc(T)) != []  # statusgen started it at 15:00
    cli_ok(root, "cancel", "database", "-m", "Called off: the vendor was not ready.", now=T)
    incident, _ = loaded(root)
    assert incident.is_cancelled and incident.status_windows(utc("2026-11-22T20:00:00Z")) == []
    assert incident.updates[-1].message == "Called off: the vendor was not ready."


def test_cancel_refuses_a_started_maintenance_and_an_incident(repo, small_repo):
    cli_ok(repo, "update", "database", "--stage", "in_progress", now="2026-12-01T02:00:00Z")
    result = run_cli(repo, "cancel", "database", now="2026-12-01T02:10:00Z")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {FILE}: the maintenance is in progress, so it has started; complete it (`statusgen resolve`) "
        "instead of cancelling\n"
    )
    result = run_cli(small_repo, "cancel", "api-errors")
    assert result.exit_code == 1
    assert "only a scheduled maintenance can be cancelled; this is an incident" in result.output


TEAM_TEMPLATE = """\
title: Network work
kind: maintenance
stages:
  scheduled: Network work on {components} during {window}.
  in_progress: Started.
  verifying: Checking.
  completed: Done.
"""


def test_a_team_template_without_the_messages_gets_statusgens_and_one_with_them_its_own(tmp_path):
    root = write_repo(tmp_path / "repo", {
        "templates/network-work.yaml": TEAM_TEMPLATE,
        "templates/own-words.yaml": TEAM_TEMPLATE + "rescheduled: Now {window}, not {previous_window}.\n"
                                    "cancelled: No {title} after all.\n",
    })  # fmt: skip
    cli_ok(root, "new", "--maintenance", "--template", "network-work", "-c", "api",
           "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T03:00:00Z", now=T)  # fmt: skip
    cli_ok(root, "reschedule", "network", "--end", "2026-12-01T04:00:00Z", now=T)
    message = loaded(root)[0].updates[-1].message
    assert message.startswith("The planned maintenance on API has moved: it now takes place during 02:00–04:00 UTC")
    cli_ok(root, "reschedule", "network", "--end", "2026-12-01T05:00:00Z", "--template", "own-words", now=T)
    assert loaded(root)[0].updates[-1].message == "Now 02:00–05:00 UTC on 1 Dec, not 02:00–04:00 UTC on 1 Dec."
    cli_ok(root, "cancel", "network", "--template", "own-words", now=T)
    assert loaded(root)[0].updates[-1].message == "No Network work after all."


def test_an_incident_template_cannot_have_the_maintenance_messages(tmp_path):
    root = write_repo(tmp_path / "repo", {
        "templates/odd.yaml": "title: Odd\nstages:\n  investigating: x\n  identified: x\n  monitoring: x\n"
                              "  resolved: x\nrescheduled: Moved.\n",
    })  # fmt: skip
    result = run_cli(root, "templates")
    assert (
        "templates/odd.yaml:7: 'rescheduled' is a message of maintenance templates; this template is for incidents"
        in (result.output)
    )


def test_validate_warns_when_the_window_was_changed_by_hand_until_an_update_announces_it(repo):
    path = repo / FILE
    path.write_text(
        path.read_text().replace(
            "scheduled_until: 2026-12-01T03:00:00Z\nupdates", "scheduled_until: 2026-12-01T05:00:00Z\nupdates"
        )
    )
    lines = path.read_text().splitlines()
    line = lines.index("scheduled_until: 2026-12-01T05:00:00Z") + 1
    announced = next(i for i, text in enumerate(lines, 1) if text.startswith("  - at:"))
    result = run_cli(repo, "validate")
    assert result.exit_code == 0, result.output
    assert (
        f"{FILE}:{line}: warning: the window (2026-12-01T02:00:00Z to 2026-12-01T05:00:00Z) is not the one the updates "
        f"announced (2026-12-01T02:00:00Z to 2026-12-01T03:00:00Z, at line {announced}), so subscribers, the messages "
        "and calendars still have the old one; announce it with `statusgen reschedule 2026-12-01-database-upgrade "
        "--start 2026-12-01T02:00:00Z --end 2026-12-01T05:00:00Z`, or add an update whose scheduled_for and "
        "scheduled_until say so"
    ) in result.output
    assert run_cli(repo, "validate", "--strict").exit_code == 1
    # announcing the window the file already has is allowed, and silences the warning
    cli_ok(repo, "reschedule", "database", "--end", "2026-12-01T05:00:00Z", now="2026-11-22T17:00:00Z")
    assert cli_ok(repo, "validate", "--strict").output.endswith("0 errors, 0 warnings\n")


@pytest.mark.parametrize(
    ("update", "error"),
    [
        ("    stage: completed\n    cancelled: true\n", None),
        ("    stage: scheduled\n    cancelled: true\n",
         "'cancelled: true' goes on the update that ends the maintenance (stage: completed), not on scheduled"),
        ("    stage: scheduled\n    scheduled_for: 2026-12-01T04:00:00Z\n",
         "update has scheduled_for without scheduled_until; expected both ends of the window it announced"),
        ("    stage: scheduled\n    scheduled_for: 2026-12-01T04:00:00Z\n    scheduled_until: 2026-12-01T03:00:00Z\n",
         "the window this update announces ends (2026-12-01T03:00:00Z) before it starts (2026-12-01T04:00:00Z); "
         "expected scheduled_until after scheduled_for"),
    ],
    ids=["cancelled-by-hand", "cancelled-not-completed", "half-a-window", "window-backwards"],
)  # fmt: skip
def test_the_loader_checks_the_new_update_fields(repo, update, error):
    path = repo / FILE
    path.write_text(path.read_text() + f"  - at: 2026-11-23T10:00:00Z\n{update}    message: x\n")
    result = run_cli(repo, "validate")
    if error is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1
        assert f"{FILE}:" in result.output and error in result.output


def test_no_update_may_follow_a_cancellation_in_the_file(repo):
    cli_ok(repo, "cancel", "database", now="2026-11-23T09:00:00Z")
    path = repo / FILE
    path.write_text(path.read_text() + "  - at: 2026-11-23T10:00:00Z\n    stage: in_progress\n    reopened: true\n"
                    "    message: x\n")  # fmt: skip
    line = path.read_text().count("\n") - 3
    result = run_cli(repo, "validate")
    assert result.exit_code == 1
    assert f"{FILE}:{line}: no update may follow a cancellation: the maintenance is cancelled" in result.output
