"""The incident workflow as a library: the statuses an update leaves, shared by the message and
the file, and "now" taken under the edit lock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from conftest import write_repo
from filelock import FileLock, Timeout

from statusgen.authoring import incidents, writer
from statusgen.cli import main
from statusgen.core.errors import StatusgenError
from statusgen.core.lifecycle import statuses_after
from statusgen.core.model import Incident, Update
from statusgen.sources.config import load_config
from statusgen.sources.lookup import read_found

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def incident(*updates: Update, components: dict[str, str]) -> Incident:
    return Incident("2026-11-22-api-errors", "API errors", "incident", tuple(updates), "SEV2", components)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


OPEN = incident(
    Update(at(0), "investigating", "x", components={"api": "major_outage", "web": "degraded_performance"}),
    Update(at(10), "identified", "x", components={"api": "partial_outage"}),
    components={"api": "major_outage", "web": "degraded_performance"},
)
RESOLVED = incident(*OPEN.updates, Update(at(20), "resolved", "x"), components=dict(OPEN.components))


def test_resolving_returns_every_component_to_operational_except_those_left_down():
    change = statuses_after(OPEN, "resolved", {"web": "partial_outage"})
    assert change.recorded == {"api": "operational", "web": "partial_outage"}
    assert change.current == change.recorded
    assert change.worst == {"api": "major_outage", "web": "partial_outage"}


def test_reopening_restores_the_statuses_at_the_resolution_not_the_worst():
    change = statuses_after(RESOLVED, "investigating", {}, reopened=True)
    assert change.recorded == {"api": "partial_outage", "web": "degraded_performance"}
    assert change.current == change.recorded
    assert change.worst == dict(RESOLVED.components)
    assert change.restored


def test_reopening_with_statuses_given_sets_only_those():
    change = statuses_after(RESOLVED, "investigating", {"web": "major_outage"}, reopened=True)
    assert change.recorded == {"web": "major_outage"}
    assert change.current == {"api": "operational", "web": "major_outage"}
    assert change.worst == {"api": "major_outage", "web": "major_outage"}
    assert not change.restored


def test_an_update_sets_the_statuses_given_and_keeps_the_others():
    change = statuses_after(OPEN, "monitoring", {"api": "degraded_performance"})
    assert change.recorded == {"api": "degraded_performance"}
    assert change.current == {"api": "degraded_performance", "web": "degraded_performance"}
    assert change.worst == dict(OPEN.components)


def test_a_reopening_message_describes_the_statuses_it_restores(tmp_path):
    """The message and the file agree: the API was partly unavailable when resolved, so the
    reopening says so, not the major outage it had reached earlier."""
    root = write_repo(tmp_path / "repo", {})
    runner = CliRunner()
    for now, args in (
        ("2026-11-22T10:00:00Z", ["new", "-t", "API errors", "-s", "SEV2", "-c", "api=major", "-m", "x"]),
        ("2026-11-22T10:10:00Z", ["update", "api", "--stage", "identified", "-c", "api=partial", "-m", "x"]),
        ("2026-11-22T10:20:00Z", ["resolve", "api", "-m", "x"]),
        ("2026-11-22T10:30:00Z", ["reopen", "api"]),
    ):
        result = runner.invoke(main, ["-C", str(root), "--now", now, *args])
        assert result.exit_code == 0, result.output
    config = load_config(root)
    reopened = read_found(config, root / "incidents/2026/2026-11-22-api-errors.yaml").updates[-1]
    assert dict(reopened.components) == {"api": "partial_outage"}
    assert reopened.message == (
        "We are investigating a problem that started at 10:00 UTC on 22 Nov: API is partly unavailable.\n"
        "We will post an update by 11:30 UTC on 22 Nov."
    )


def lock_is_held(config) -> bool:
    try:
        with FileLock(str(config.incidents_path / writer.LOCK_NAME), timeout=0):
            return False
    except Timeout:
        return True


@pytest.mark.parametrize("action", ["declare", "post_update"])
def test_the_clock_is_read_while_the_edit_lock_is_held(tmp_path, action):
    root = write_repo(tmp_path / "repo", {})
    config = load_config(root)
    seen = []

    def clock():
        seen.append(lock_is_held(config))
        return at(5)

    declared = incidents.declare(
        config, kind="incident", title="API errors", severity="SEV3", components={"api": "partial_outage"},
        message="x", clock=clock if action == "declare" else lambda: at(0),
    )  # fmt: skip
    if action == "post_update":
        incidents.post_update(config, declared.path, stage="identified", message="y", clock=clock)
    assert seen == [True]
    assert read_found(config, declared.path).updated_at == at(5)


def test_an_explicit_time_before_the_last_update_is_refused(tmp_path):
    root = write_repo(tmp_path / "repo", {})
    config = load_config(root)
    declared = incidents.declare(
        config, kind="incident", title="API errors", severity="SEV3", components={"api": "partial_outage"},
        message="x", clock=lambda: at(10),
    )  # fmt: skip
    with pytest.raises(StatusgenError) as refused:
        incidents.post_update(config, declared.path, stage="identified", message="y", at=at(5), clock=lambda: at(20))
    assert refused.value.message == (
        "incidents/2026/2026-11-22-api-errors.yaml: --at 2026-11-22T10:05:00Z is before the last update "
        "(2026-11-22T10:10:00Z); updates are append-only"
    )


def test_an_update_keeps_a_crlf_file_crlf(tmp_path):
    """A file saved with Windows line endings gets no LF-only lines appended."""
    from conftest import INCIDENT, cli_ok

    root = write_repo(tmp_path / "repo", {})
    path = root / "incidents/2026/2026-11-20-api-errors.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(INCIDENT.replace("\n", "\r\n").encode())
    cli_ok(root, "reopen", "api-errors", "-m", "Found it.", "--at", "2026-11-22T12:00:00Z")
    data = path.read_bytes()
    assert b"Found it." in data
    assert data.count(b"\n") == data.count(b"\r\n") > 20
    cli_ok(root, "validate", "--strict")
