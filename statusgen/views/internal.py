"""What the internal site's pages show, worked out from the model: the repository as of
"now", which incidents used each runbook, open action items, overdue postmortems, the parts
of a runbook an alert's page quotes, and how the metrics page writes its figures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal

from statusgen.core.documents import AlertRule, Postmortem, Runbook
from statusgen.core.language import ENGLISH, N_, Language
from statusgen.core.lifecycle import postmortem_overdue
from statusgen.core.markdown import HEADING, heading_key
from statusgen.core.model import Incident, Repository
from statusgen.core.times import UTC
from statusgen.views.metrics import Budget, Stat, month_bounds
from statusgen.views.status import percent_words


def as_of(repo: Repository, now: datetime) -> Repository:
    """The repository as it stands at ``now``: a maintenance whose window has begun or ended is
    in progress or completed, as on the public site (``maintenance_auto_complete``)."""
    auto_complete = repo.config.maintenance_auto_complete
    incidents = tuple(i.as_of(now, auto_complete=auto_complete) for i in repo.incidents)
    if all(a is b for a, b in zip(incidents, repo.incidents)):
        return repo
    return replace(repo, incidents=incidents)


def used_by(repo: Repository) -> dict[str, list[Incident]]:
    """Runbook name -> the incidents that used it (newest first), drills included."""
    result: dict[str, list[Incident]] = {}
    for incident in repo.incidents:
        for name in incident.runbooks:
            result.setdefault(name, []).append(incident)
    return result


def open_action_items(repo: Repository, postmortems: Mapping[str, Postmortem], now: datetime):
    """``[(item, incident, postmortem)]`` of every open item: overdue first, then by due date."""
    rows = []
    by_id = {i.id: i for i in repo.incidents}
    for incident_id, postmortem in postmortems.items():
        incident = by_id[incident_id]
        for item in postmortem.action_items:
            if item.is_open:
                rows.append((item, incident, postmortem))
    rows.sort(key=lambda r: (not r[0].is_overdue(now), r[0].due, r[1].id, r[0].id))
    return rows


def missing_postmortems(repo: Repository, now: datetime) -> list[Incident]:
    """The incidents whose postmortem is due and not written, newest first."""
    return [i for i in repo.incidents if postmortem_overdue(i, repo.config, now)]


def figure_duration(delta: timedelta, language: Language = ENGLISH) -> str:
    """A duration as the metrics print it: ``12.5 min`` under an hour, else ``2 h 5 min``."""
    if delta < timedelta(hours=1):
        from babel.numbers import format_decimal

        minutes = delta.total_seconds() / 60
        # one decimal when the mean is not a whole number of minutes ("15.0" stays as it is)
        pattern = "#,##0.0" if minutes % 1 else "#,##0"
        figure = format_decimal(Decimal(f"{minutes:.1f}"), pattern, locale=language.locale)
        # Translators: a mean duration in minutes, "12.5 min"; the number has one decimal or none.
        return language.gettext("%(minutes)s min") % {"minutes": figure}
    return language.duration(delta)


# How an error budget's level reads beside its figures; the thresholds are percentages of the
# budget (core: BUDGET_LEVELS).
LEVEL_PERCENT = {"50%": 50, "80%": 80}


def level_text(level: str, language: Language = ENGLISH) -> str:
    """``OK``, ``50% used``, ``80% used``, ``Exhausted``: a budget's level as its table flags it."""
    if level in LEVEL_PERCENT:
        # Translators: an error budget's flag: this share of the budget is used up.
        return language.gettext("%(percent)s used") % {"percent": language.percent(LEVEL_PERCENT[level], 0)}
    # Translators: an error budget's flag, when it is used up ("Exhausted") or below 50% ("OK").
    flag = N_("Exhausted") if level == "exhausted" else N_("OK")
    return language.gettext(flag)


def level_phrase(component: str, level: str, language: Language = ENGLISH) -> str:
    """``API 80% used``, ``API exhausted``: a component past a budget level, in a sentence."""
    if level in LEVEL_PERCENT:
        # Translators: on the home page, a component past a level of its error budget: "API 80% used".
        message = language.gettext("%(component)s %(percent)s used")
        return message % {"component": component, "percent": language.percent(LEVEL_PERCENT[level], 0)}
    # Translators: on the home page, a component whose error budget is used up: "API exhausted".
    return language.gettext("%(component)s exhausted") % {"component": component}


def stat_text(stat: Stat, language: Language = ENGLISH) -> str:
    """``12.5 min (3 of 4)``: a figure's mean, and of how many incidents it was worked out."""
    figure = "-" if stat.mean is None else figure_duration(stat.mean, language)
    # Translators: a metric's mean and how many incidents (or gaps between them) it counts, of all.
    return language.gettext("%(figure)s (%(counted)s of %(total)s)") % {
        "figure": figure,
        "counted": language.number(stat.counted),
        "total": language.number(stat.total),
    }


def slo_text(slo: float, language: Language = ENGLISH) -> str:
    """``99.9%``: an SLO with the decimals it was written with."""
    written = f"{slo:g}"
    return language.percent(Decimal(written), len(written.partition(".")[2]))


def budget_rows(budgets: Iterable[Budget], language: Language = ENGLISH) -> list[dict]:
    """Each error budget's figures as the metrics page prints them."""
    return [
        {
            "name": b.component.name,
            "slo": slo_text(b.slo, language),
            "availability": percent_words(b.availability, language),
            "downtime": figure_duration(b.downtime, language),
            "allowed": figure_duration(b.allowed, language),
            "consumed": language.percent(b.consumed * 100, 0),
            "level": b.level,
            "flag": level_text(b.level, language),
            "tone": "bad" if b.level in ("exhausted", "80%") else "warn",
        }
        for b in budgets
    ]


def month_span(key: str, now: datetime, zone: tzinfo = UTC, language: Language = ENGLISH) -> str:
    """``1 Nov 2026, 00:00 UTC to 22 Nov 2026, 16:00 UTC``: the part of a month (in ``zone``)
    its figures cover."""
    start, stop = month_bounds(key, zone)
    # Translators: the stretch of time a month's error budgets cover: two dates with times.
    return language.gettext("%(start)s to %(end)s") % {
        "start": language.moment(start, zone),
        "end": language.moment(min(stop, now), zone),
    }


# -- what an alert's page shows ---------------------------------------------------------------

# The runbook sections an alert page quotes, each by its own heading first, else the usual one.
TRIGGER_SECTIONS = ("Trigger", "When it fires", "Symptoms")
FIRST_STEP_SECTIONS = ("First steps", "Mitigation")
ROLLBACK_SECTIONS = ("Rollback", "Recovery")
FIRST_STEPS = 3  # list items taken from a Mitigation section when there is no "First steps"


@dataclass(frozen=True)
class AlertPage:
    """Everything the page of one alert shows, as data (the page itself renders it)."""

    alert: str
    runbook: Runbook
    rules: tuple[AlertRule, ...] = ()  # expression, labels, severity, for; several per alert possible
    trigger: str = ""  # Markdown from the runbook
    first_steps: str = ""
    rollback: str = ""
    incidents: tuple = ()  # the most recent incidents that used the runbook, newest first

    @property
    def severities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.severity for rule in self.rules if rule.severity))


def section(body: str, names: Iterable[str]) -> tuple[str, str]:
    """``(heading, Markdown)`` of the first ``##`` section whose heading is one of ``names``
    (compared loosely: case and punctuation do not matter), or ``("", "")``."""
    wanted = [heading_key(name) for name in names]
    found: dict[str, tuple[str, list[str]]] = {}
    current, fenced = None, False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match and len(match.group(1)) <= 2:
            key = heading_key(match.group(2))
            current = key if key in wanted and key not in found else None
            if current:
                found[current] = (match.group(2), [])
            continue
        if current:
            found[current][1].append(line)
    for key in wanted:
        if key in found:
            heading, lines = found[key]
            return heading, "\n".join(lines).strip()
    return "", ""


def first_items(markdown: str, count: int) -> str:
    """The first ``count`` top-level list items of ``markdown`` (with their indented lines)."""
    items: list[list[str]] = []
    for line in markdown.splitlines():
        if re.match(r"^(\d+[.)]|[-*+])\s", line):
            if len(items) == count:
                break
            items.append([line])
        elif items and (line.startswith((" ", "\t")) or not line.strip()):
            items[-1].append(line)
        elif items:
            break
    return "\n".join("\n".join(item).rstrip() for item in items)


def alert_pages(
    repo: Repository,
    runbooks: Iterable[Runbook],
    rules: Mapping[str, tuple[AlertRule, ...]] | None = None,
    recent: int = 5,
):
    """Alert name -> AlertPage for every alert a runbook lists: the alert's rules (by alert name,
    as ``Repository.alert_rules``), the runbook's trigger, first steps and rollback, and the
    ``recent`` newest incidents that used the runbook."""
    rules = rules or {}
    users = used_by(repo)
    pages = {}
    for runbook in runbooks:
        _, trigger = section(runbook.body, TRIGGER_SECTIONS)
        heading, steps = section(runbook.body, FIRST_STEP_SECTIONS)
        if heading_key(heading) != heading_key(FIRST_STEP_SECTIONS[0]):
            steps = first_items(steps, FIRST_STEPS) or steps
        _, rollback = section(runbook.body, ROLLBACK_SECTIONS)
        incidents = tuple(users.get(runbook.name, ())[:recent])
        for alert in runbook.alerts:
            pages[alert] = AlertPage(alert, runbook, tuple(rules.get(alert, ())), trigger, steps, rollback, incidents)
    return pages
