"""Incident metrics and error budgets: pure functions of (repository, postmortems, now).

Definitions (the metrics page states them too):

- MTTD = mean(detected_at - impact_start); MTTA = mean(acknowledged_at - detected_at);
  time to mitigate = mean(mitigated_at - impact_start); MTTR = mean(resolved_at - impact_start);
  MTBF = mean gap between the starts of consecutive incidents (in a group).
- An incident missing a milestone is left out of that metric only; each figure says how many
  incidents (or gaps) it counts.
- Drills, scheduled maintenance and notices are left out of every figure.
- Error budgets weigh each instant by the worst status of the component at that instant
  (overlapping incidents are not double counted), with the one weight table the public
  uptime uses too (``downtime_weights`` in mkdocs.yml; by default major outage 1, partial
  outage 0.3, degraded performance and maintenance 0). Availability is exact (Decimal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from decimal import ROUND_DOWN, Decimal

from statusgen.core.language import ENGLISH, N_, Language
from statusgen.core.model import INCIDENT, Component, Incident, Repository
from statusgen.core.status import DEFAULT_WEIGHTS, OPERATIONAL, STATUS_RANK, weights_sentence
from statusgen.core.times import UTC
from statusgen.views import status as views

# The default weight table (the configured one is repo.config.downtime_weights).
WEIGHTS = DEFAULT_WEIGHTS
COMPLETION_TARGET = 0.9
BUDGET_LEVELS = ((1.0, "exhausted"), (0.8, "80%"), (0.5, "50%"))

MTTD, MTTA, TTM, MTTR, MTBF = "mttd", "mtta", "time_to_mitigate", "mttr", "mtbf"
METRICS = (MTTD, MTTA, TTM, MTTR, MTBF)
# The metrics' names and definitions, English in metrics.json; pages translate them.
LABELS = {
    MTTD: N_("MTTD (time to detect)"),
    MTTA: N_("MTTA (time to acknowledge)"),
    TTM: N_("Time to mitigate"),
    MTTR: N_("MTTR (time to resolve)"),
    MTBF: N_("MTBF (between failures)"),
}
# Translators: MTTD, MTTA, MTTR and MTBF are the usual abbreviations of mean time to detect,
# acknowledge, resolve and between failures; keep them unless your language has its own.
SHORT_LABELS = {MTTD: N_("MTTD"), MTTA: N_("MTTA"), TTM: N_("Time to mitigate"), MTTR: N_("MTTR"), MTBF: N_("MTBF")}
DEFINITIONS = {
    # Translators: detected_at and impact_start are fields of an incident file: keep them as written.
    MTTD: N_("mean of detected_at − impact_start"),
    # Translators: acknowledged_at and detected_at are fields of an incident file: keep them as written.
    MTTA: N_("mean of acknowledged_at − detected_at"),
    # Translators: mitigated_at and impact_start are fields of an incident file: keep them as written.
    TTM: N_("mean of mitigated_at − impact_start"),
    # Translators: resolved_at and impact_start are fields of an incident file: keep them as written.
    MTTR: N_("mean of resolved_at − impact_start (open incidents are left out)"),
    MTBF: N_("mean gap between the impact starts of consecutive incidents"),
}
_SPANS = {
    MTTD: ("impact_start", "detected_at"),
    MTTA: ("detected_at", "acknowledged_at"),
    TTM: ("impact_start", "mitigated_at"),
    MTTR: ("impact_start", "resolved_at"),
}


@dataclass(frozen=True)
class Stat:
    """A mean duration and how many values it counts, out of how many incidents."""

    mean: timedelta | None
    counted: int
    total: int

    def as_json(self) -> dict:
        seconds = None if self.mean is None else round(self.mean.total_seconds())
        return {"mean_seconds": seconds, "counted": self.counted, "incidents": self.total}


def counted_incidents(repo: Repository) -> list[Incident]:
    """The incidents metrics count: real incidents, not drills, maintenance or notices; oldest first."""
    found = [i for i in repo.incidents if i.kind == INCIDENT and not i.drill]
    return sorted(found, key=lambda i: (i.started_at, i.id))


def _mean(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    return sum(values, timedelta(0)) / len(values)


def span_stat(incidents: list[Incident], metric: str) -> Stat:
    """MTTD, MTTA, time to mitigate or MTTR over ``incidents``."""
    first, second = _SPANS[metric]
    values = []
    for incident in incidents:
        a, b = getattr(incident, first), getattr(incident, second)
        if a is not None and b is not None:
            values.append(b - a)
    return Stat(_mean(values), len(values), len(incidents))


def mtbf_stat(incidents: list[Incident]) -> Stat:
    """Mean gap between consecutive incident starts; counts gaps, so n incidents give n-1."""
    starts = sorted(i.started_at for i in incidents)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    return Stat(_mean(gaps), len(gaps), len(incidents))


def stats(incidents: list[Incident]) -> dict[str, Stat]:
    result = {metric: span_stat(incidents, metric) for metric in _SPANS}
    result[MTBF] = mtbf_stat(incidents)
    return result


def stats_by_severity(repo: Repository) -> dict[str, dict[str, Stat]]:
    incidents = counted_incidents(repo)
    return {s.id: stats([i for i in incidents if i.severity == s.id]) for s in repo.config.severities}


def stats_by_component(repo: Repository) -> dict[str, dict[str, Stat]]:
    incidents = counted_incidents(repo)
    return {c.id: stats([i for i in incidents if c.id in i.components]) for c in repo.config.components}


# -- incidents per month ---------------------------------------------------------------


def month_key(moment: datetime, zone: tzinfo = UTC) -> str:
    """``YYYY-MM``: the calendar month of ``moment`` in ``zone`` (the page's)."""
    moment = moment.astimezone(zone)
    return f"{moment.year:04d}-{moment.month:02d}"


def month_range(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def last_months(now: datetime, months: int, zone: tzinfo = UTC) -> list[str]:
    """The ``months`` calendar months (in ``zone``) up to and including now's, as ``YYYY-MM``."""
    local = now.astimezone(zone)
    index = local.year * 12 + local.month - 1 - (months - 1)
    return month_range(f"{index // 12:04d}-{index % 12 + 1:02d}", month_key(now, zone))


def incidents_per_month(repo: Repository, now: datetime, months: int = 12) -> list[tuple[str, dict[str, int]]]:
    """``[(YYYY-MM, {severity: count})]`` by start month, up to now's month.

    At most ``months`` months, starting no earlier than the first counted incident's month.
    """
    incidents = counted_incidents(repo)
    zone = repo.config.zone
    keys = last_months(now, months, zone)
    if incidents:
        first = month_key(incidents[0].started_at, zone)
        keys = [k for k in keys if k >= first] or keys[-1:]
    counts = {key: {s.id: 0 for s in repo.config.severities} for key in keys}
    for incident in incidents:
        key = month_key(incident.started_at, zone)
        if key in counts and incident.severity in counts[key]:
            counts[key][incident.severity] += 1
    return list(counts.items())


# -- error budgets -----------------------------------------------------------------------


def budget_explanation(weights: Mapping[str, Decimal] = DEFAULT_WEIGHTS, language: Language = ENGLISH) -> str:
    """One line on what a budget's availability means, for the metrics page."""
    message = language.gettext(
        "Availability here weighs each minute the way the public uptime does: %(weights)s. "
        "Scheduled maintenance and drills are left out; where incidents overlap, each instant counts once, "
        "at the worst status."
    )
    return message % {"weights": weights_sentence(weights, language)}


def component_windows(repo: Repository, now: datetime) -> dict[str, list[tuple[str, datetime, datetime]]]:
    """Component -> ``(status, start, end)`` of every counted incident."""
    result: dict[str, list] = {}
    for incident in counted_incidents(repo):
        for cid, status, start, end in incident.status_windows(now):
            result.setdefault(cid, []).append((status, start, end))
    return result


def weighted_downtime(
    windows: Iterable[tuple[str, datetime, datetime]],
    start: datetime,
    end: datetime,
    weights: Mapping[str, Decimal] = DEFAULT_WEIGHTS,
) -> timedelta:
    """Sum over ``[start, end)`` of the weight of the worst status at each instant.

    A sweep over window boundaries, so overlapping windows count once, at the worst status.
    Counted in whole microseconds times Decimal weights, so whole-second windows are exact.
    """
    events = []
    for status, a, b in windows:
        a, b = max(a, start), min(b, end)
        if b > a and status != OPERATIONAL:
            events.append((a, 1, status))
            events.append((b, -1, status))
    events.sort(key=lambda e: (e[0], e[1]))
    active: dict[str, int] = {}
    total = Decimal(0)
    previous = None
    for moment, delta, status in events:
        if previous is not None and moment > previous:
            worst = max((s for s, n in active.items() if n), key=STATUS_RANK.__getitem__, default=OPERATIONAL)
            total += ((moment - previous) // views.MICROSECOND) * weights.get(worst, Decimal(0))
        active[status] = active.get(status, 0) + delta
        previous = moment
    return timedelta(microseconds=int(total))


@dataclass(frozen=True)
class Budget:
    """One component's error budget over one window."""

    component: Component
    start: datetime
    end: datetime  # end of the period measured (now, for a period still running)
    period: timedelta  # the full period the budget is for (a whole month, or the rolling window)
    downtime: timedelta  # weighted
    slo: float

    @property
    def elapsed(self) -> timedelta:
        return self.end - self.start

    @property
    def availability(self) -> Decimal:
        """Percent of the elapsed period the component was available (weighted), exactly."""
        return views.availability_percent(self.downtime // views.MICROSECOND, self.elapsed // views.MICROSECOND)

    @property
    def availability_text(self) -> str:
        """``99.907%``: truncated to three decimals, as the public page shows it."""
        return views.percent_text(self.availability)

    @property
    def allowed(self) -> timedelta:
        """The whole budget: the downtime the SLO allows over the full period."""
        return self.period * (1 - self.slo / 100)

    @property
    def consumed(self) -> float:
        """Fraction of the budget used (above 1.0 once exhausted)."""
        return self.downtime / self.allowed if self.allowed else 0.0

    @property
    def remaining(self) -> timedelta:
        return self.allowed - self.downtime

    @property
    def level(self) -> str:
        """``exhausted``, ``80%``, ``50%`` or ``ok``: the highest threshold reached."""
        return next((name for threshold, name in BUDGET_LEVELS if self.consumed >= threshold), "ok")

    def as_json(self) -> dict:
        return {
            "component": self.component.id,
            "slo": self.slo,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "weighted_downtime_seconds": round(self.downtime.total_seconds()),
            "allowed_downtime_seconds": round(self.allowed.total_seconds()),
            "availability": float(self.availability.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)),
            "budget_consumed": round(self.consumed, 4),
            "level": self.level,
        }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rolling_budgets(repo: Repository, now: datetime, days: int | None = None) -> list[Budget]:
    """Every component with an SLO, over the ``days`` (default: config) before ``now``."""
    days = days or repo.config.error_budget_days
    start = now - timedelta(days=days)
    windows = component_windows(repo, now)
    weights = repo.config.downtime_weights
    return [
        Budget(c, start, now, now - start, weighted_downtime(windows.get(c.id, []), start, now, weights), c.slo)
        for c in repo.config.components
        if c.slo is not None
    ]


def month_bounds(key: str, zone: tzinfo = UTC) -> tuple[datetime, datetime]:
    """The month ``YYYY-MM`` from midnight on its first day in ``zone`` to the next month's, in UTC."""
    year, month = map(int, key.split("-"))
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    start = datetime(year, month, 1, tzinfo=zone).astimezone(UTC)
    return start, datetime(*following, 1, tzinfo=zone).astimezone(UTC)


def monthly_budgets(repo: Repository, now: datetime, months: int = 3) -> list[tuple[str, list[Budget]]]:
    """Per calendar month (the last ``months`` up to now's): each component's budget.

    The budget is for the whole month; availability is over the part of it that has passed.
    """
    windows = component_windows(repo, now)
    weights = repo.config.downtime_weights
    zone = repo.config.zone
    result = []
    for key in last_months(now, months, zone):
        start, stop = month_bounds(key, zone)
        end = min(stop, now)
        result.append(
            (
                key,
                [
                    Budget(
                        c,
                        start,
                        end,
                        stop - start,
                        weighted_downtime(windows.get(c.id, []), start, end, weights),
                        c.slo,
                    )
                    for c in repo.config.components
                    if c.slo is not None
                ],
            )
        )
    return result


def incident_downtime(
    incident: Incident, now: datetime, weights: Mapping[str, Decimal] = DEFAULT_WEIGHTS
) -> dict[str, timedelta]:
    """Component -> weighted downtime this incident alone caused."""
    per: dict[str, list] = {}
    for cid, status, start, end in incident.status_windows(now):
        per.setdefault(cid, []).append((status, start, end))
    far_past = datetime(1970, 1, 1, tzinfo=UTC)
    return {cid: weighted_downtime(w, far_past, now, weights) for cid, w in per.items()}


# -- action items --------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    done: int
    counted: int  # action items that count: all but wont_do
    target: float = COMPLETION_TARGET

    @property
    def rate(self) -> float | None:
        return self.done / self.counted if self.counted else None

    @property
    def met(self) -> bool:
        return self.rate is not None and self.rate >= self.target

    def as_json(self) -> dict:
        rate = None if self.rate is None else round(self.rate, 4)
        return {"done": self.done, "counted": self.counted, "rate": rate, "target": self.target, "met": self.met}


def action_item_completion(postmortems: Iterable, drills: frozenset = frozenset()) -> Completion:
    """Done action items over all action items except ``wont_do`` ones; drills' postmortems left out."""
    done = counted = 0
    for postmortem in postmortems:
        if postmortem.incident_id in drills:
            continue
        for item in postmortem.action_items:
            if item.status == "wont_do":
                continue
            counted += 1
            done += item.status == "done"
    return Completion(done, counted)


# -- everything at once ----------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    now: datetime
    incidents: int
    drills_left_out: int
    overall: dict
    by_severity: dict
    by_component: dict
    per_month: list
    completion: Completion
    rolling: list
    monthly: list
    rolling_days: int
    weights: Mapping = field(default_factory=lambda: DEFAULT_WEIGHTS)
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """A JSON-ready dict with sorted, stable keys (durations in seconds)."""
        return {
            "now": _iso(self.now),
            "definitions": DEFINITIONS,
            "weights": {status: float(weight) for status, weight in self.weights.items()},
            "incidents_counted": self.incidents,
            "drills_left_out": self.drills_left_out,
            "overall": {m: s.as_json() for m, s in self.overall.items()},
            "by_severity": {k: {m: s.as_json() for m, s in v.items()} for k, v in self.by_severity.items()},
            "by_component": {k: {m: s.as_json() for m, s in v.items()} for k, v in self.by_component.items()},
            "incidents_per_month": dict(self.per_month),
            "action_items": self.completion.as_json(),
            "error_budget": {
                "rolling_days": self.rolling_days,
                "rolling": [b.as_json() for b in self.rolling],
                "monthly": {key: [b.as_json() for b in budgets] for key, budgets in self.monthly},
            },
        }


def compute(repo: Repository, postmortems: Iterable, now: datetime, *, months: int = 12) -> Metrics:
    """Every figure of the metrics page and ``statusgen metrics``."""
    incidents = counted_incidents(repo)
    drills = frozenset(i.id for i in repo.incidents if i.drill)
    days = repo.config.error_budget_days
    return Metrics(
        now=now,
        incidents=len(incidents),
        drills_left_out=len(drills),
        overall=stats(incidents),
        by_severity=stats_by_severity(repo),
        by_component=stats_by_component(repo),
        per_month=incidents_per_month(repo, now, months),
        completion=action_item_completion(postmortems, drills),
        rolling=rolling_budgets(repo, now, days),
        monthly=monthly_budgets(repo, now, 3),
        rolling_days=days,
        weights=repo.config.downtime_weights,
    )
