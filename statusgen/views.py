"""Views: pure functions of (incidents, now) that the site renderers show.

Overall status, each component's status now, and per-day uptime with availability. No I/O,
no clock: ``now`` is always a parameter. Days are cut in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .model import (
    DEGRADED,
    MAJOR_OUTAGE,
    OPERATIONAL,
    PARTIAL_OUTAGE,
    STATUS_RANK,
    UNDER_MAINTENANCE,
    Component,
    Incident,
    worst_status,
)
from .timeutil import UTC, duration

# Statuspage's page indicators, best to worst, with the words it uses for them.
INDICATORS = ("none", "minor", "major", "critical")
INDICATOR_RANK = {name: rank for rank, name in enumerate(INDICATORS)}
INDICATOR_TEXT = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}
MAINTENANCE_TEXT = "Service Under Maintenance"
# The component status that puts the page at each indicator.
STATUS_INDICATOR = {
    OPERATIONAL: "none",
    UNDER_MAINTENANCE: "none",
    DEGRADED: "minor",
    PARTIAL_OUTAGE: "major",
    MAJOR_OUTAGE: "critical",
}
STATUS_LABEL = {
    OPERATIONAL: "Operational",
    UNDER_MAINTENANCE: "Under maintenance",
    DEGRADED: "Degraded performance",
    PARTIAL_OUTAGE: "Partial outage",
    MAJOR_OUTAGE: "Major outage",
}
# Share of a minute counted as down, as Statuspage weighs it: maintenance and slowness are not down.
DOWNTIME_WEIGHT = {OPERATIONAL: 0.0, UNDER_MAINTENANCE: 0.0, DEGRADED: 0.0, PARTIAL_OUTAGE: 0.3, MAJOR_OUTAGE: 1.0}


@dataclass(frozen=True)
class OverallStatus:
    """The one-sentence status of the whole page."""

    indicator: str  # Statuspage indicator: none | minor | major | critical
    description: str  # "All Systems Operational", ...
    level: str  # css/visual level: operational | maintenance | minor | major | critical


@dataclass(frozen=True)
class Day:
    """One bar of an uptime chart: a UTC day and what happened to one component in it."""

    day: date
    worst: str  # worst component status that day (operational when nothing happened)
    minutes: tuple[tuple[str, float], ...]  # (status, minutes) for every non-operational status, worst first
    incidents: int
    maintenances: int
    future: bool = False  # a day with no data yet (never, with days ending today)

    @property
    def label(self) -> str:
        """Accessible name: ``22 Nov 2026: partial outage 47 min, 1 incident``."""
        parts = [f"{STATUS_LABEL[status].lower()} {duration(timedelta(minutes=m))}" for status, m in self.minutes]
        if self.incidents:
            parts.append(f"{self.incidents} incident{'s' if self.incidents != 1 else ''}")
        if self.maintenances:
            parts.append(f"{self.maintenances} maintenance{'s' if self.maintenances != 1 else ''}")
        text = ", ".join(parts) if parts else "no incidents"
        return f"{self.day.day} {self.day:%b %Y}: {text}"


@dataclass(frozen=True)
class Uptime:
    """A component's daily bars over the window and its availability in percent."""

    component: str
    days: tuple[Day, ...]
    availability: float  # percent, 0..100

    @property
    def availability_text(self) -> str:
        """``99.982%``: three decimals, truncated, so 99.9996 never shows as 100%."""
        value = int(self.availability * 1000) / 1000
        return f"{value:.3f}%".replace(".000%", "%") if value == 100 else f"{value:.3f}%"


def component_statuses(components: Iterable[Component], incidents: Iterable[Incident]) -> dict[str, str]:
    """Each component's status now: the worst that any active incident or maintenance sets."""
    statuses = {c.id: OPERATIONAL for c in components}
    for incident in incidents:
        if not incident.is_active:
            continue
        for cid, status in incident.current_components().items():
            if cid in statuses:
                statuses[cid] = worst_status((statuses[cid], status))
    return statuses


def overall_status(
    statuses: Mapping[str, str], impacts: Iterable[str] = (), maintenance: bool = False
) -> OverallStatus:
    """The page's status from component statuses, the impacts of active incidents, and whether
    maintenance is under way (the Statuspage indicator rules: the worst of both wins)."""
    indicator = max(
        (STATUS_INDICATOR[s] for s in statuses.values()),
        key=INDICATOR_RANK.__getitem__,
        default="none",
    )
    for impact in impacts:
        if impact in INDICATOR_RANK and INDICATOR_RANK[impact] > INDICATOR_RANK[indicator]:
            indicator = impact
    if indicator != "none":
        return OverallStatus(indicator, INDICATOR_TEXT[indicator], indicator)
    if maintenance or UNDER_MAINTENANCE in statuses.values():
        return OverallStatus("none", MAINTENANCE_TEXT, "maintenance")
    return OverallStatus("none", INDICATOR_TEXT["none"], "operational")


def incident_impact(incident: Incident, severity_impact: Mapping[str, str]) -> str:
    """Statuspage impact of an incident: from its severity, else from the worst status it sets."""
    if incident.is_maintenance:
        return "maintenance"
    if incident.severity and incident.severity in severity_impact:
        return severity_impact[incident.severity]
    worst = worst_status(incident.components.values())
    return STATUS_INDICATOR[worst]


def window_days(now: datetime, days: int) -> list[date]:
    """The last ``days`` UTC dates, oldest first, ending with today."""
    today = now.astimezone(UTC).date()
    return [today - timedelta(days=n) for n in range(days - 1, -1, -1)]


def uptime(
    components: Iterable[Component],
    incidents: Iterable[Incident],
    now: datetime,
    days: int = 90,
) -> dict[str, Uptime]:
    """Per-component daily bars and availability over the last ``days`` UTC days up to ``now``.

    One pass over the incidents (linear); only status windows inside the range count.
    """
    dates = window_days(now, days)
    start = datetime.combine(dates[0], time(), UTC)
    # component -> day -> list of (status, start, end, incident id, is maintenance)
    spans: dict[str, dict[date, list]] = defaultdict(lambda: defaultdict(list))
    for incident in incidents:
        end = incident.resolved_at or now
        if end <= start or incident.started_at > now:
            continue
        for cid, status, w_start, w_end in incident.status_windows(now):
            w_start, w_end = max(w_start, start), min(w_end, now)
            cursor = w_start
            while cursor < w_end:
                day = cursor.date()
                day_end = min(datetime.combine(day + timedelta(days=1), time(), UTC), w_end)
                spans[cid][day].append((status, cursor, day_end, incident.id, incident.is_maintenance))
                cursor = day_end
    total = (now - start).total_seconds()
    result = {}
    for component in components:
        by_day = spans.get(component.id, {})
        bars = []
        down = 0.0
        for day in dates:
            minutes, incident_ids, maintenance_ids = _day_summary(by_day.get(day, []))
            down += sum(DOWNTIME_WEIGHT[s] * m for s, m in minutes.items()) * 60
            ordered = tuple(sorted(((s, m) for s, m in minutes.items() if m > 0), key=lambda x: -STATUS_RANK[x[0]]))
            worst = ordered[0][0] if ordered else OPERATIONAL
            bars.append(Day(day, worst, ordered, len(incident_ids), len(maintenance_ids)))
        availability = 100.0 if total <= 0 else max(0.0, 100.0 * (1 - down / total))
        result[component.id] = Uptime(component.id, tuple(bars), availability)
    return result


def _day_summary(spans: list) -> tuple[dict[str, float], set, set]:
    """Minutes in each status (the worst wins where spans overlap) and the incidents seen."""
    incidents = {s[3] for s in spans if not s[4]}
    maintenances = {s[3] for s in spans if s[4]}
    if not spans:
        return {}, incidents, maintenances
    edges = sorted({s[1] for s in spans} | {s[2] for s in spans})
    minutes: dict[str, float] = defaultdict(float)
    for left, right in zip(edges, edges[1:]):
        live = [s[0] for s in spans if s[1] <= left and s[2] >= right]
        if live:
            minutes[worst_status(live)] += (right - left).total_seconds() / 60
    return dict(minutes), incidents, maintenances
