"""The model's derived facts: status windows, current components, durations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from statusgen.core.model import Incident, Update

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def incident(*updates, components=None, **fields) -> Incident:
    return Incident(id="x", title="x", kind="incident", severity="SEV3", components=components or {},
                    impact_start=T0, updates=tuple(updates), **fields)  # fmt: skip


def test_windows_follow_component_changes_and_end_at_resolution():
    item = incident(
        Update(at(10), "investigating", "m", components={"api": "partial_outage"}),
        Update(at(30), "identified", "m", components={"api": "major_outage", "web": "degraded_performance"}),
        Update(at(50), "monitoring", "m", components={"api": "operational"}),
        Update(at(70), "resolved", "m"),
        components={"api": "major_outage", "web": "degraded_performance"},
    )
    assert item.status_windows(at(999)) == [
        ("api", "partial_outage", at(0), at(30)),  # the first update counts from impact start
        ("api", "major_outage", at(30), at(50)),
        ("web", "degraded_performance", at(30), at(70)),
    ]
    assert item.duration(at(999)) == timedelta(minutes=70)
    assert dict(item.current_components()) == {"api": "operational", "web": "operational"}


def test_components_no_update_names_use_the_top_level_status_throughout():
    item = incident(Update(at(5), "investigating", "m"), components={"db": "partial_outage"})
    assert item.status_windows(at(45)) == [("db", "partial_outage", at(0), at(45))]
    assert item.is_active and item.resolved_at is None
    assert dict(item.current_components()) == {"db": "partial_outage"}


def test_scheduled_maintenance_has_no_windows_until_it_starts():
    item = Incident(
        id="m", title="m", kind="maintenance", components={"db": "under_maintenance"},
        scheduled_for=at(100), scheduled_until=at(200),
        updates=(Update(at(0), "scheduled", "m"),),
    )  # fmt: skip
    assert item.status_windows(at(150)) == [] and not item.is_active
    started = Incident(
        **{**item.__dict__, "updates": (Update(at(0), "scheduled", "m"), Update(at(101), "in_progress", "m"))}
    )
    assert started.is_active and started.started_at == at(101)
    assert started.status_windows(at(150)) == [("db", "under_maintenance", at(101), at(150))]


def test_hand_written_file_whose_updates_only_clear_a_component():
    item = incident(
        Update(at(5), "investigating", "m"),
        Update(at(40), "monitoring", "m", components={"api": "operational"}),
        Update(at(60), "resolved", "m"),
        components={"api": "partial_outage", "web": "degraded_performance"},
    )
    assert item.status_windows(at(999)) == [
        ("api", "partial_outage", at(0), at(40)),
        ("web", "degraded_performance", at(0), at(60)),
    ]


def test_component_first_named_later_is_hit_from_that_update():
    item = incident(
        Update(at(5), "investigating", "m", components={"api": "partial_outage"}),
        Update(at(30), "identified", "m", components={"web": "major_outage"}),
        Update(at(60), "resolved", "m"),
        components={"api": "partial_outage", "web": "major_outage"},
    )
    assert item.status_windows(at(999)) == [
        ("api", "partial_outage", at(0), at(60)),
        ("web", "major_outage", at(30), at(60)),
    ]
