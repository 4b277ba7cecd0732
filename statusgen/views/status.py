"""Views: pure functions of (incidents, now) that the site renderers show.

Overall status, each component's status now, and per-day uptime with availability. No I/O,
no clock: ``now`` is always a parameter. Days are cut in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_DOWN, Decimal

from statusgen.core.language import ENGLISH, Language
from statusgen.core.model import Component, Incident
from statusgen.core.status import (
    DEFAULT_WEIGHTS,
    INDICATOR_RANK,
    INDICATOR_TEXT,
    MAINTENANCE_INDICATOR,
    MAINTENANCE_TEXT,
    OPERATIONAL,
    STATUS_INDICATOR,
    STATUS_RANK,
    STATUS_WORDS,
    UNDER_MAINTENANCE,
    listed,
    weight_phrase,
    worst_status,
)
from statusgen.core.times import UTC

MICROSECOND = timedelta(microseconds=1)
THOUSANDTH = Decimal("0.001")


def availability_percent(down: Decimal | int, total: int) -> Decimal:
    """Percent of ``total`` not down, exactly (both in microseconds; ``down`` may be weighted)."""
    if total <= 0:
        return Decimal(100)
    return max(Decimal(0), Decimal(100) * (total - Decimal(down)) / total)


def percent_text(value: Decimal) -> str:
    """``99.982%``: three decimals, truncated, so 99.9996 never shows as 100%."""
    value = Decimal(value).quantize(THOUSANDTH, rounding=ROUND_DOWN)
    return "100%" if value == 100 else f"{value}%"


def percent_words(value: Decimal, language: Language = ENGLISH) -> str:
    """``percent_text`` in ``language``'s form: ``99.982%``, ``99,982 %``."""
    value = Decimal(value).quantize(THOUSANDTH, rounding=ROUND_DOWN)
    return language.percent(value, 0 if value == 100 else 3)


def joined(language: Language, parts: Iterable[str]) -> str:
    """Sentences or clauses that each have commas of their own: ``a; b``."""
    text = ""
    for part in parts:
        # Translators: between the descriptions of two days or of two statuses ("...; ..."):
        # each has commas of its own.
        text = language.gettext("%(earlier)s; %(later)s") % {"earlier": text, "later": part} if text else part
    return text


@dataclass(frozen=True)
class OverallStatus:
    """The one-sentence status of the whole page."""

    indicator: str  # Statuspage indicator: none | minor | major | critical | maintenance
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
    ids: tuple[str, ...] = ()  # the incidents and maintenances seen that day, by id
    weights: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_WEIGHTS, compare=False, repr=False)

    @property
    def spent(self) -> tuple[str, ...]:
        """Time in each status that day: ``partial outage 47 min (counted as 30% down)``."""
        return self.spent_in(ENGLISH)

    def spent_in(self, language: Language) -> tuple[str, ...]:
        """``spent`` in ``language``."""
        return tuple(
            # Translators: time in a status during one day: "partial outage 47 min (counted as 30% down)".
            language.gettext("%(status)s %(duration)s (counted %(weight)s)")
            % {
                "status": language.gettext(STATUS_WORDS[status]),
                "duration": language.duration(timedelta(minutes=m)),
                "weight": weight_phrase(self.weights.get(status, Decimal(0)), language),
            }
            for status, m in self.minutes
        )

    def spent_text(self, language: Language) -> str:
        """``spent_in`` as one text: ``partial outage 47 min (counted as 30% down); ...``."""
        return joined(language, self.spent_in(language))

    @property
    def label(self) -> str:
        """Accessible name: ``22 Nov 2026: partial outage 47 min (counted as 30% down), 1 incident``."""
        return self.label_in(ENGLISH)

    def label_in(self, language: Language) -> str:
        """``label`` in ``language``."""
        parts = list(self.spent_in(language))
        if self.incidents:
            count = language.number(self.incidents)
            parts.append(
                language.ngettext("%(count)s incident", "%(count)s incidents", self.incidents) % {"count": count}
            )
        if self.maintenances:
            count = language.number(self.maintenances)
            text = language.ngettext("%(count)s maintenance", "%(count)s maintenances", self.maintenances)
            parts.append(text % {"count": count})
        what = listed(language, parts) if parts else language.gettext("no incidents, operational all day")
        # Translators: one day of an uptime bar: "22 Nov 2026: partial outage 47 min (counted as 30% down), 1 incident".
        return language.gettext("%(day)s: %(what)s") % {"day": language.day(self.day), "what": what}


@dataclass(frozen=True)
class Uptime:
    """A component's daily bars over the window and its availability in percent."""

    component: str
    days: tuple[Day, ...]
    availability: Decimal  # percent, 0..100, exact
    weights: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_WEIGHTS, compare=False, repr=False)

    @property
    def availability_text(self) -> str:
        """``99.982%``: three decimals, truncated, so 99.9996 never shows as 100%."""
        return percent_text(self.availability)

    def availability_in(self, language: Language) -> str:
        """``availability_text`` in ``language``'s form."""
        return percent_words(self.availability, language)

    @property
    def reason(self) -> str:
        """One line on why the figure is higher than the bars may suggest, or ``""``.

        Said when the window holds time in a status that counts as up (degraded performance
        or maintenance, by default), so "100%" beside amber bars explains itself.
        """
        return self.reason_in(ENGLISH)

    def reason_in(self, language: Language) -> str:
        """``reason`` in ``language`` (it starts in lower case in English: capitalize its first letter)."""
        spent: dict[str, float] = defaultdict(float)
        for day in self.days:
            for status, minutes in day.minutes:
                if self.weights.get(status, 0) == 0:
                    spent[status] += minutes
        if not spent:
            return ""
        ordered = sorted(spent, key=lambda st: -STATUS_RANK[st])
        shown = [
            # Translators: time in a status over the whole uptime window: "degraded performance (2 h 5 min)".
            language.gettext("%(status)s (%(duration)s)")
            % {
                "status": language.gettext(STATUS_WORDS[st]),
                "duration": language.duration(timedelta(minutes=spent[st])),
            }
            for st in ordered
        ]
        text = language.ngettext(
            "%(statuses)s counts as up, so it does not lower the figure.",
            "%(statuses)s count as up, so they do not lower the figure.",
            len(shown),
        )
        return text % {"statuses": language.join(shown)}


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
        return OverallStatus(MAINTENANCE_INDICATOR, MAINTENANCE_TEXT, "maintenance")
    return OverallStatus("none", INDICATOR_TEXT["none"], "operational")


def incident_impact(incident: Incident, severity_impact: Mapping[str, str]) -> str:
    """Statuspage impact of an incident: from its severity, else from the worst status it sets."""
    if incident.is_maintenance:
        return "maintenance"
    if incident.severity and incident.severity in severity_impact:
        return severity_impact[incident.severity]
    worst = worst_status(incident.components.values())
    return STATUS_INDICATOR[worst]


def window_days(now: datetime, days: int, zone: tzinfo = UTC) -> list[date]:
    """The last ``days`` dates in ``zone``, oldest first, ending with today."""
    today = now.astimezone(zone).date()
    return [today - timedelta(days=n) for n in range(days - 1, -1, -1)]


def uptime(
    components: Iterable[Component],
    incidents: Iterable[Incident],
    now: datetime,
    days: int = 90,
    weights: Mapping[str, Decimal] = DEFAULT_WEIGHTS,
    zone: tzinfo = UTC,
) -> dict[str, Uptime]:
    """Per-component daily bars and availability over the last ``days`` days up to ``now``,
    each day cut at midnight in ``zone`` (a day the clocks change is 23 or 25 hours long).

    Availability is exact: the time in each status is counted in whole microseconds and
    weighed by ``weights`` in Decimal. One pass over the incidents (linear); only status
    windows inside the range count.
    """
    dates = window_days(now, days, zone)
    start = datetime.combine(dates[0], time(), zone).astimezone(UTC)  # in UTC: a DST day is 23 or 25 h
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
                day = cursor.astimezone(zone).date()
                day_end = min(datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC), w_end)
                spans[cid][day].append((status, cursor, day_end, incident.id, incident.is_maintenance))
                cursor = day_end
    total = max(now - start, timedelta(0)) // MICROSECOND
    result = {}
    for component in components:
        by_day = spans.get(component.id, {})
        bars = []
        down = Decimal(0)
        for day in dates:
            spent, incident_ids, maintenance_ids = _day_summary(by_day.get(day, []))
            down += sum((weights.get(s, Decimal(0)) * us for s, us in spent.items()), Decimal(0))
            ordered = tuple(
                sorted(((s, us / 60_000_000) for s, us in spent.items() if us > 0), key=lambda x: -STATUS_RANK[x[0]])
            )
            worst = ordered[0][0] if ordered else OPERATIONAL
            ids = tuple(sorted(incident_ids | maintenance_ids))
            bars.append(Day(day, worst, ordered, len(incident_ids), len(maintenance_ids), ids=ids, weights=weights))
        result[component.id] = Uptime(component.id, tuple(bars), availability_percent(down, total), weights)
    return result


def _day_summary(spans: list) -> tuple[dict[str, int], set, set]:
    """Microseconds in each status (the worst wins where spans overlap) and the incidents seen."""
    incidents = {s[3] for s in spans if not s[4]}
    maintenances = {s[3] for s in spans if s[4]}
    if not spans:
        return {}, incidents, maintenances
    edges = sorted({s[1] for s in spans} | {s[2] for s in spans})
    spent: dict[str, int] = defaultdict(int)
    for left, right in zip(edges, edges[1:]):
        live = [s[0] for s in spans if s[1] <= left and s[2] >= right]
        if live:
            spent[worst_status(live)] += (right - left) // MICROSECOND
    return dict(spent), incidents, maintenances


def component_changed_at(incidents: Iterable[Incident], now: datetime) -> dict[str, datetime]:
    """Component -> when its status (the worst any incident sets) last changed, up to ``now``.

    Components whose status never changed are left out.
    """
    events: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for incident in incidents:
        for update, changes in zip(incident.updates, incident.status_changes()):
            if update.at > now:
                break
            for cid, _old, new in changes:
                events[cid].append((update.at, incident.id, new))
    changed = {}
    for cid, items in events.items():
        items.sort(key=lambda e: e[0])
        by_incident: dict[str, str] = {}  # incidents holding the component below operational
        shown = OPERATIONAL
        for index, (at, incident_id, new) in enumerate(items):
            if new == OPERATIONAL:
                by_incident.pop(incident_id, None)
            else:
                by_incident[incident_id] = new
            if index + 1 < len(items) and items[index + 1][0] == at:
                continue  # several changes at one instant: judge after all of them
            status = worst_status(by_incident.values())
            if status != shown:
                shown, changed[cid] = status, at
    return changed
