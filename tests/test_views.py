"""Views: overall status, component status now, per-day uptime and availability (pure functions)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from statusgen import views
from statusgen.model import Component, Incident, Update

UTC = timezone.utc
NOW = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
COMPONENTS = (Component("api", "API", 1), Component("web", "Website", 2))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def incident(id_, components, updates, kind="incident", severity=None, **kw) -> Incident:
    return Incident(
        id=id_,
        title=id_,
        kind=kind,
        severity=severity,
        components=components,
        updates=tuple(Update(at(a), stage, "msg", components=c or {}) for a, stage, c in updates),
        **kw,
    )


RESOLVED = incident(
    "2026-11-22-api",
    {"api": "partial_outage"},
    [("2026-11-22T10:00:00Z", "investigating", None), ("2026-11-22T10:47:00Z", "resolved", None)],
    severity="SEV3",
    impact_start=at("2026-11-22T10:00:00Z"),
)
ACTIVE = incident(
    "2026-11-22-web",
    {"web": "degraded_performance"},
    [
        ("2026-11-22T15:00:00Z", "investigating", {"web": "degraded_performance"}),
        ("2026-11-22T15:30:00Z", "identified", {"web": "major_outage"}),
    ],
    severity="SEV2",
)
MAINTENANCE = incident(
    "2026-11-21-db",
    {"api": "under_maintenance"},
    [
        ("2026-11-20T09:00:00Z", "scheduled", None),
        ("2026-11-21T23:00:00Z", "in_progress", {"api": "under_maintenance"}),
        ("2026-11-22T01:00:00Z", "completed", {"api": "operational"}),
    ],
    kind="maintenance",
    scheduled_for=at("2026-11-21T23:00:00Z"),
    scheduled_until=at("2026-11-22T01:00:00Z"),
)


def test_component_status_now_is_the_worst_an_active_incident_sets():
    assert views.component_statuses(COMPONENTS, [RESOLVED, ACTIVE]) == {"api": "operational", "web": "major_outage"}
    assert views.component_statuses(COMPONENTS, []) == {"api": "operational", "web": "operational"}


@pytest.mark.parametrize(
    ("statuses", "impacts", "maintenance", "expected"),
    [
        ({"api": "operational"}, [], False, ("none", "All Systems Operational", "operational")),
        ({"api": "degraded_performance"}, [], False, ("minor", "Minor Service Outage", "minor")),
        ({"api": "partial_outage"}, [], False, ("major", "Partial System Outage", "major")),
        (
            {"api": "major_outage", "web": "degraded_performance"},
            [],
            False,
            ("critical", "Major System Outage", "critical"),
        ),
        ({"api": "operational"}, ["critical"], False, ("critical", "Major System Outage", "critical")),
        ({"api": "degraded_performance"}, ["none"], False, ("minor", "Minor Service Outage", "minor")),
        ({"api": "under_maintenance"}, [], False, ("none", "Service Under Maintenance", "maintenance")),
        ({"api": "operational"}, [], True, ("none", "Service Under Maintenance", "maintenance")),
        ({"api": "partial_outage"}, [], True, ("major", "Partial System Outage", "major")),
    ],
)
def test_overall_status(statuses, impacts, maintenance, expected):
    overall = views.overall_status(statuses, impacts, maintenance)
    assert (overall.indicator, overall.description, overall.level) == expected


def test_incident_impact_from_severity_else_from_statuses():
    impacts = {"SEV2": "major", "SEV3": "minor"}
    assert views.incident_impact(ACTIVE, impacts) == "major"
    assert views.incident_impact(MAINTENANCE, impacts) == "maintenance"
    unrated = incident("x", {"api": "major_outage"}, [("2026-11-22T10:00:00Z", "investigating", None)])
    assert views.incident_impact(unrated, impacts) == "critical"


def test_uptime_day_names_say_what_happened():
    bars = views.uptime(COMPONENTS, [RESOLVED, ACTIVE], NOW, days=3)
    api = bars["api"].days
    assert [d.day.isoformat() for d in api] == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert api[-1].label == "22 Nov 2026: partial outage 47 min, 1 incident"
    assert api[-1].worst == "partial_outage"
    assert api[0].label == "20 Nov 2026: no incidents" and api[0].worst == "operational"
    web = bars["web"].days[-1]
    assert web.label == "22 Nov 2026: major outage 30 min, degraded performance 30 min, 1 incident"
    assert web.worst == "major_outage"


def test_availability_weights_outages_and_ignores_maintenance():
    bars = views.uptime(COMPONENTS, [RESOLVED, ACTIVE, MAINTENANCE], NOW, days=3)
    total = (NOW - datetime(2026, 11, 20, tzinfo=UTC)).total_seconds() / 60  # 2 days 16 h, in minutes
    assert bars["api"].availability == pytest.approx(100 * (1 - 47 * 0.3 / total))
    assert bars["web"].availability == pytest.approx(100 * (1 - 30 / total))
    assert bars["api"].availability_text == "99.632%"


def test_days_are_cut_in_utc_and_maintenance_is_not_down():
    bars = views.uptime(COMPONENTS, [MAINTENANCE], NOW, days=3)
    api = bars["api"].days
    assert api[1].label == "21 Nov 2026: under maintenance 1 h, 1 maintenance"
    assert api[2].label == "22 Nov 2026: under maintenance 1 h, 1 maintenance"
    assert bars["api"].availability == 100.0
    assert bars["api"].availability_text == "100%"


def test_overlapping_incidents_count_the_worst_status_once():
    other = incident(
        "2026-11-22-api-2",
        {"api": "major_outage"},
        [("2026-11-22T10:30:00Z", "investigating", None), ("2026-11-22T11:00:00Z", "resolved", None)],
    )
    day = views.uptime(COMPONENTS, [RESOLVED, other], NOW, days=1)["api"].days[0]
    assert day.minutes == (("major_outage", 30.0), ("partial_outage", 30.0))
    assert day.incidents == 2


def test_scheduled_maintenance_and_old_incidents_are_outside_the_window():
    old = incident(
        "2026-01-01-old",
        {"api": "major_outage"},
        [("2026-01-01T10:00:00Z", "investigating", None), ("2026-01-01T11:00:00Z", "resolved", None)],
    )
    upcoming = incident(
        "2026-12-01-up", {"api": "under_maintenance"}, [("2026-11-20T00:00:00Z", "scheduled", None)], kind="maintenance"
    )
    bars = views.uptime(COMPONENTS, [old, upcoming], NOW, days=90)
    assert all(d.worst == "operational" for d in bars["api"].days)
    assert bars["api"].availability == 100.0


def test_window_days_end_today_in_utc():
    late = datetime(2026, 11, 22, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # 23 Nov 04:30 UTC
    assert views.window_days(late, 2)[-1].isoformat() == "2026-11-23"
