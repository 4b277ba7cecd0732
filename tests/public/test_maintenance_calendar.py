"""maintenance.ics as a calendar app reads it (the icalendar package) while a maintenance moves:
declared, rescheduled, changed by hand, announced, cancelled. Every change raises SEQUENCE;
changes that come with an update move DTSTAMP and LAST-MODIFIED; a cancellation keeps the event
with STATUS:CANCELLED, and the page says it was cancelled."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import feedparser
import icalendar
import pytest
from conftest import cli_ok, write_repo

from statusgen.build import build_sites

FILE = "incidents/2026/2026-12-01-database-upgrade.yaml"
UID = "2026-12-01-database-upgrade@status.acme.test"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def event_of(root: Path, out: Path, now: str):
    build_sites(root, utc(now), sites=("public",), out=out)
    (event,) = icalendar.Calendar.from_ical((out / "maintenance.ics").read_bytes()).walk("VEVENT")
    assert str(event["UID"]) == UID
    return event, out


@pytest.fixture(scope="module")
def stages(tmp_path_factory) -> dict[str, tuple]:
    """The calendar event (and the built site) after each step, built once for the module."""
    base = tmp_path_factory.mktemp("calendar")
    root = write_repo(base / "repo", {})
    steps = {}
    cli_ok(root, "new", "--maintenance", "-t", "Database upgrade", "-c", "db",
           "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T03:00:00Z", now="2026-11-22T16:00:00Z")  # fmt: skip
    steps["declared"] = event_of(root, base / "declared", "2026-11-22T16:30:00Z")
    cli_ok(root, "reschedule", "database", "--start", "2026-12-02T04:00:00Z", "--end", "2026-12-02T06:00:00Z",
           now="2026-11-22T17:00:00Z")  # fmt: skip
    steps["rescheduled"] = event_of(root, base / "rescheduled", "2026-11-22T17:30:00Z")
    path = root / FILE
    path.write_text(
        path.read_text().replace(
            "scheduled_until: 2026-12-02T06:00:00Z\nupdates", "scheduled_until: 2026-12-02T07:00:00Z\nupdates"
        )
    )
    steps["by-hand"] = event_of(root, base / "by-hand", "2026-11-22T17:30:00Z")
    cli_ok(root, "reschedule", "database", "--end", "2026-12-02T07:00:00Z", now="2026-11-22T18:00:00Z")
    steps["announced"] = event_of(root, base / "announced", "2026-11-22T18:30:00Z")
    cli_ok(root, "cancel", "database", now="2026-11-23T09:00:00Z")
    steps["cancelled"] = event_of(root, base / "cancelled", "2026-12-02T08:00:00Z")
    return steps


def test_rescheduling_moves_the_event_and_raises_its_sequence(stages):
    declared, _ = stages["declared"]
    moved, _ = stages["rescheduled"]
    assert (declared["DTSTART"].dt, declared["DTEND"].dt) == (utc("2026-12-01T02:00:00Z"), utc("2026-12-01T03:00:00Z"))
    assert (moved["DTSTART"].dt, moved["DTEND"].dt) == (utc("2026-12-02T04:00:00Z"), utc("2026-12-02T06:00:00Z"))
    assert int(moved["SEQUENCE"]) > int(declared["SEQUENCE"]) == 0
    for name in ("DTSTAMP", "LAST-MODIFIED"):
        assert declared[name].dt == utc("2026-11-22T16:00:00Z")
        assert moved[name].dt == utc("2026-11-22T17:00:00Z")
    assert "has moved to 04:00–06:00 UTC on 2 Dec" in str(moved["DESCRIPTION"])
    assert str(moved["STATUS"]) == "CONFIRMED"


def test_a_window_changed_by_hand_raises_the_sequence_and_announcing_it_raises_it_again(stages):
    moved, _ = stages["rescheduled"]
    by_hand, _ = stages["by-hand"]
    announced, _ = stages["announced"]
    assert by_hand["DTEND"].dt == utc("2026-12-02T07:00:00Z")
    assert int(moved["SEQUENCE"]) < int(by_hand["SEQUENCE"]) < int(announced["SEQUENCE"])
    assert announced["DTSTAMP"].dt == announced["LAST-MODIFIED"].dt == utc("2026-11-22T18:00:00Z")


def test_cancelling_keeps_the_event_cancelled_with_a_higher_sequence(stages):
    announced, _ = stages["announced"]
    cancelled, site = stages["cancelled"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) > int(announced["SEQUENCE"])
    assert cancelled["DTSTAMP"].dt == cancelled["LAST-MODIFIED"].dt == utc("2026-11-23T09:00:00Z")
    assert (cancelled["DTSTART"].dt, cancelled["DTEND"].dt) == (
        utc("2026-12-02T04:00:00Z"),
        utc("2026-12-02T07:00:00Z"),
    )
    assert "is cancelled and will not take place" in str(cancelled["DESCRIPTION"])
    # after its window, the page says it was cancelled, not completed, and it lasted nothing
    page = (site / "incidents/2026-12-01-database-upgrade/index.html").read_text()
    assert "Cancelled" in page and "Completed" not in page and "Duration" not in page
    history = (site / "history/index.html").read_text()
    assert "Cancelled" in history
    (entry,) = feedparser.parse((site / "feed.atom").read_bytes()).entries
    assert entry.title == "Maintenance: Database upgrade (Cancelled)"
