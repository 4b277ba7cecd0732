"""Views: overall status, component status now, per-day uptime and availability (pure functions)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from statusgen.core.model import Component, Incident, Update
from statusgen.core.status import weights_sentence
from statusgen.views import status as views

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
        ({"api": "under_maintenance"}, [], False, ("maintenance", "Service Under Maintenance", "maintenance")),
        ({"api": "operational"}, [], True, ("maintenance", "Service Under Maintenance", "maintenance")),
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
    assert api[-1].label == "22 Nov 2026: partial outage 47 min (counted as 30% down), 1 incident"
    assert api[-1].worst == "partial_outage"
    assert api[0].label == "20 Nov 2026: no incidents, operational all day" and api[0].worst == "operational"
    web = bars["web"].days[-1]
    assert web.label == (
        "22 Nov 2026: major outage 30 min (counted as down), degraded performance 30 min (counted as up), 1 incident"
    )
    assert web.worst == "major_outage"


def test_availability_weights_outages_and_ignores_maintenance():
    bars = views.uptime(COMPONENTS, [RESOLVED, ACTIVE, MAINTENANCE], NOW, days=3)
    # 2 days 16 h = 230400 s. api: 47 min partial x 0.3 = 846 s; web: 30 min major = 1800 s
    # (its 30 min degraded count as up). Exact, in Decimal.
    assert bars["api"].availability == Decimal(100) * (230400 - 846) / 230400 == Decimal("99.6328125")
    assert bars["web"].availability == Decimal("99.21875")
    assert bars["api"].availability_text == "99.632%"
    assert bars["web"].availability_text == "99.218%"


def test_days_are_cut_in_utc_and_maintenance_is_not_down():
    bars = views.uptime(COMPONENTS, [MAINTENANCE], NOW, days=3)
    api = bars["api"].days
    assert api[1].label == "21 Nov 2026: under maintenance 1 h (counted as up), 1 maintenance"
    assert api[2].label == "22 Nov 2026: under maintenance 1 h (counted as up), 1 maintenance"
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


def test_availability_is_exact_not_float():
    # 21 min of major outage in the first 1000 min of a day is exactly 97.9%; float
    # arithmetic truncated it to 97.899%.
    now = datetime(2026, 11, 22, 16, 40, tzinfo=UTC)
    down = incident(
        "2026-11-22-down",
        {"api": "major_outage"},
        [("2026-11-22T10:00:00Z", "investigating", None), ("2026-11-22T10:21:00Z", "resolved", None)],
        impact_start=at("2026-11-22T10:00:00Z"),
    )
    bars = views.uptime(COMPONENTS, [down], now, days=1)
    assert bars["api"].availability == Decimal("97.9")
    assert bars["api"].availability_text == "97.900%"
    assert views.percent_text(Decimal("99.99969")) == "99.999%"


def test_weights_come_from_the_table_given():
    weights = {**views.DEFAULT_WEIGHTS, "degraded_performance": Decimal("0.25"), "partial_outage": Decimal("0.5")}
    bars = views.uptime(COMPONENTS, [RESOLVED, ACTIVE], NOW, days=3, weights=weights)
    # api: 47 min x 0.5 = 1410 s; web: 30 min x 1 + 30 min x 0.25 = 2250 s, of 230400 s
    assert bars["api"].availability == Decimal(100) * (230400 - 1410) / 230400
    assert bars["web"].availability == Decimal(100) * (230400 - 2250) / 230400
    label = bars["web"].days[-1].label
    assert label.startswith("22 Nov 2026: major outage 30 min (counted as down), degraded performance 30 min (counted")
    assert "degraded performance 30 min (counted as 25% down)" in label
    assert weights_sentence(weights) == (
        "major outage counts as down, partial outage as 50% down, degraded performance as 25% down, maintenance as up"
    )
    assert weights_sentence() == (
        "major outage counts as down, partial outage as 30% down, degraded performance and maintenance as up"
    )


def test_full_uptime_beside_degraded_bars_says_why():
    slow = incident(
        "2026-11-22-slow",
        {"web": "degraded_performance"},
        [("2026-11-22T10:00:00Z", "investigating", None), ("2026-11-22T12:05:00Z", "resolved", None)],
        impact_start=at("2026-11-22T10:00:00Z"),
    )
    bars = views.uptime(COMPONENTS, [slow, MAINTENANCE], NOW, days=3)
    assert bars["web"].availability_text == "100%"
    assert bars["web"].reason == "degraded performance (2 h 5 min) counts as up, so it does not lower the figure."
    assert bars["api"].reason == "under maintenance (2 h) counts as up, so it does not lower the figure."
    assert views.uptime(COMPONENTS, [RESOLVED], NOW, days=3)["api"].reason == ""
