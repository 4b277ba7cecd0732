"""The documents beside the incidents: runbooks, postmortems with their action items, and
Prometheus alerting rules. Frozen dataclasses with no I/O (statusgen/sources/ reads them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from statusgen.core.language import N_


def alert_slug(alert: str) -> str:
    """The alert's part of its stable URL: ``/runbooks/alerts/<slug>/``."""
    return alert.lower()


@dataclass(frozen=True)
class Runbook:
    """One runbook file."""

    name: str  # the file stem; what incidents list under `runbooks:`
    path: Path
    shown: str  # the path as printed in problems
    rel: str  # path under the runbooks directory, like api/api-high-latency.md
    title: str
    service: str
    owner: str
    last_reviewed: date
    review_every: int  # days
    severity: str = ""
    alerts: tuple[str, ...] = ()
    alert_lines: tuple[int, ...] = ()
    body: str = ""
    body_line: int = 1
    sections: tuple[str, ...] = field(default=(), compare=False)

    @property
    def review_due(self) -> date:
        return self.last_reviewed + timedelta(days=self.review_every)

    def is_stale(self, now: datetime) -> bool:
        """True once the review date has passed."""
        return now.date() > self.review_due


ITEM_STATUSES = ("open", "in_progress", "done", "wont_do")
OPEN_STATUSES = ("open", "in_progress")
# How each state reads to a person; a file may use these words too ("won't do", "In progress").
ITEM_STATUS_LABELS = {
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "wont_do": N_("Won't do"),
}


@dataclass(frozen=True)
class ActionItem:
    id: str
    action: str
    type: str
    priority: str
    owner: str
    due: date
    status: str
    ticket: str = ""
    line: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        """``Won't do``: the state as people write it."""
        return ITEM_STATUS_LABELS[self.status]

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and now.date() > self.due


@dataclass(frozen=True)
class Postmortem:
    incident_id: str
    path: Path
    shown: str
    status: str
    authors: tuple[str, ...]
    action_items: tuple[ActionItem, ...]
    body: str
    title: str = ""
    public_summary: str = ""  # Markdown the team chose to publish on the public incident page and feed


@dataclass(frozen=True)
class AlertRule:
    alert: str
    shown: str  # the rule file as printed in problems
    line: int
    runbook_url: str = ""
    expr: str = ""  # the PromQL expression
    for_: str = ""  # how long it must hold before firing ("10m"), or ""
    labels: tuple[tuple[str, str], ...] = ()  # sorted by name
    annotations: tuple[tuple[str, str], ...] = ()  # summary, description... (runbook_url too), sorted
    group: str = ""  # the rule group's name

    @property
    def severity(self) -> str:
        """The ``severity`` label, the one responders look for first, or ``""``."""
        return dict(self.labels).get("severity", "")

    def annotation(self, name: str) -> str:
        return dict(self.annotations).get(name, "")
