"""The statusgen model: frozen dataclasses with no I/O. The loader builds these from files;
views and renderers only read them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NoReturn, TypeVar

from statusgen.core.language import N_, SOURCE, Language, load_language
from statusgen.core.status import DEFAULT_WEIGHTS, OPERATIONAL
from statusgen.core.times import load_zone

if TYPE_CHECKING:
    from statusgen.core.documents import AlertRule, Postmortem, Runbook
    from statusgen.core.errors import Problem

# The two sites a build renders.
SITES = ("public", "internal")
# What a feed item is: a whole incident (updated in place), or one update (a new item each time).
FEED_ITEMS = ("incident", "update")

INCIDENT = "incident"
MAINTENANCE = "maintenance"
NOTICE = "notice"  # news that is not an incident: no components, no severity; shown from start to end
KINDS = (INCIDENT, MAINTENANCE, NOTICE)

INCIDENT_STAGES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STAGES = ("scheduled", "in_progress", "verifying", "completed")
NOTICE_STAGES = ("posted", "ended")
STAGES = {INCIDENT: INCIDENT_STAGES, MAINTENANCE: MAINTENANCE_STAGES, NOTICE: NOTICE_STAGES}
FINAL_STAGES = frozenset({"resolved", "completed", "ended"})

# Holds nothing, so it stands for an empty Mapping[str, X] of any X.
EMPTY: Mapping[str, NoReturn] = MappingProxyType({})

# The messages of the updates statusgen adds when nobody updated a maintenance in time.
# (Pages show them in the site's language.)
MAINTENANCE_BEGAN = N_("The scheduled maintenance window has begun.")
MAINTENANCE_ENDED = N_("The scheduled maintenance window has ended; the maintenance is complete.")
NOTICE_ENDED = N_("This notice has ended.")  # added when a notice reaches its end time

_V = TypeVar("_V")


def frozen_map(values: Mapping[str, _V] | None) -> Mapping[str, _V]:
    return MappingProxyType(dict(values)) if values else EMPTY


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    position: int


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    position: int
    group: str | None = None
    description: str = ""
    slo: float | None = None  # availability target in percent, e.g. 99.9
    created: datetime | None = None  # the API's created_at (the component's `created`, else the site's)


@dataclass(frozen=True)
class Severity:
    id: str  # SEV1
    name: str  # Critical
    rank: int  # 1 is the most severe
    impact: str  # Statuspage impact: critical | major | minor | none
    description: str = ""


DEFAULT_SEVERITIES = (
    Severity("SEV1", "Critical", 1, "critical", "Customers cannot use a core service."),
    Severity("SEV2", "Major", 2, "major", "A core service is badly degraded or a feature is down."),
    Severity("SEV3", "Minor", 3, "minor", "Limited or partial impact, with a workaround."),
    Severity("SEV4", "Low", 4, "none", "Little or no customer impact."),
)


@dataclass(frozen=True)
class Config:
    """Site and statusgen settings, read from mkdocs.yml."""

    root: Path
    site_name: str
    site_url: str
    components: tuple[Component, ...]
    groups: tuple[Group, ...] = ()
    severities: tuple[Severity, ...] = DEFAULT_SEVERITIES
    company: str = ""
    support_url: str = ""
    incidents_dir: str = "incidents"
    runbooks_dir: str = "runbooks"
    templates_dir: str = "templates"
    public_dir: str = "site/public"
    internal_dir: str = "site/internal"
    postmortem_severities: frozenset[str] = frozenset({"SEV1", "SEV2"})
    postmortem_due_hours: int = 48
    update_cadence: Mapping[str, int] = field(default_factory=lambda: EMPTY)  # severity id -> minutes between updates
    # status -> share of a minute counted as down (mkdocs.yml `downtime_weights`)
    downtime_weights: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    created: datetime | None = None  # when the page and its components were created (the API's created_at)
    # how --from-alert maps alerts (authoring/alerts.py): component_labels -> label names;
    # components, severities, statuses -> {label value: what it maps to}
    alertmanager: Mapping[str, tuple[str, ...] | Mapping[str, str]] = field(default_factory=lambda: EMPTY)
    alert_rules: tuple[str, ...] = ()  # Prometheus rule files (globs in the repository) the alert pages describe
    enabled: bool = True  # the mkdocs plugin's switch
    site: str = "public"  # which site a plain `mkdocs build` renders: one of SITES
    uptime_days: int = 90
    history_page_size: int = 50
    feed_size: int = 50
    feed_items: str = "incident"  # one of FEED_ITEMS: an item per incident, or per update (for chat apps)
    runbook_review_days: int = 90
    error_budget_days: int = 30
    max_file_kb: int = 1024  # size limit of one incident, runbook or postmortem file
    maintenance_auto_complete: bool = True  # complete a maintenance at the end of its window if nobody did
    maintenance_reminder: int = 60  # minutes before a window starts that `notify` posts a reminder (0: none)
    public_severity: bool = False  # show severity ids (SEV2) beside the impact words on the public site
    notify_webhook_env: str = ""  # NAMES of environment variables holding webhook URLs, never the URLs
    notify_slack_env: str = ""
    page_id: str = ""  # a stable id of the page: the API's page.id and calendar UIDs; else from the site's host
    timezone: str = "UTC"  # the IANA zone times are shown in (pages, feeds, messages); always named beside them
    language: str = SOURCE  # a shipped language (core/language.py): theme.language unless the option says

    def component(self, component_id: str) -> Component | None:
        return self._components_by_id.get(component_id)

    def severity(self, severity_id: str) -> Severity | None:
        return next((s for s in self.severities if s.id == severity_id), None)

    @property
    def zone(self) -> tzinfo:
        """The zone of ``timezone`` (checked by the config reader)."""
        return load_zone(self.timezone)

    @property
    def lang(self) -> Language:
        """The language of ``language``: the words, dates and numbers readers of both sites see."""
        return load_language(self.language)

    @cached_property
    def _components_by_id(self) -> dict[str, Component]:
        return {c.id: c for c in self.components}

    @property
    def incidents_path(self) -> Path:
        return self.root / self.incidents_dir


@dataclass(frozen=True)
class Update:
    """One entry of an incident's append-only timeline."""

    at: datetime
    stage: str
    message: str
    internal_note: str = ""
    components: Mapping[str, str] = field(default_factory=lambda: EMPTY)  # statuses set at this update
    severity: str | None = None  # severity set at this update
    backward: bool = False  # an explicit move back to an earlier stage
    reopened: bool = False  # the update that reopened a resolved incident
    next_update: datetime | None = None  # when this update promised the next one
    line: int = 0
    automatic: bool = False  # added by statusgen when a maintenance window began or ended (never in a file)
    window: tuple[datetime, datetime] | None = None  # the maintenance window this update announced
    cancelled: bool = False  # the final update of a maintenance called off before it started


@dataclass(frozen=True)
class Incident:
    """An incident or a scheduled maintenance, as read from one file."""

    id: str
    title: str
    kind: str
    updates: tuple[Update, ...]
    severity: str | None = None
    components: Mapping[str, str] = field(default_factory=lambda: EMPTY)  # id -> status while active
    impact_start: datetime | None = None
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None
    commander: str = ""
    roles: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    runbooks: tuple[str, ...] = ()
    template: str = ""
    drill: bool = False
    path: Path | None = field(default=None, compare=False)
    postmortem_path: Path | None = field(default=None, compare=False)

    @property
    def is_maintenance(self) -> bool:
        return self.kind == MAINTENANCE

    @property
    def is_notice(self) -> bool:
        return self.kind == NOTICE

    @property
    def stage(self) -> str:
        return self.updates[-1].stage

    @property
    def is_resolved(self) -> bool:
        return self.stage in FINAL_STAGES

    @property
    def is_cancelled(self) -> bool:
        """A maintenance called off before it started: it never affected anything."""
        return self.updates[-1].cancelled

    @property
    def announced_window(self) -> tuple[datetime, datetime] | None:
        """The window the latest update that records one announced (None when none does)."""
        return next((u.window for u in reversed(self.updates) if u.window is not None), None)

    @property
    def window_unannounced(self) -> bool:
        """The window in the file is not the one the updates last announced (changed by hand)."""
        announced = self.announced_window
        return announced is not None and announced != (self.scheduled_for, self.scheduled_until)

    @property
    def revision(self) -> int:
        """How often what subscribers were shown has changed since the first update: each later
        update, each later update that announced a window, and one more while the window was
        changed by hand without an update. Never goes down as updates are added."""
        announced = sum(1 for u in self.updates[1:] if u.window is not None)
        return len(self.updates) - 1 + announced + self.window_unannounced

    @property
    def is_active(self) -> bool:
        """An incident not yet resolved; a maintenance that has started and not completed.
        Never a notice: it affects no component and owes no update."""
        if self.is_maintenance:
            return self.stage in ("in_progress", "verifying")
        return not self.is_resolved and not self.is_notice

    def is_public_at(self, now: datetime) -> bool:
        """On the public site at ``now``: never a drill; a notice from its start (before it, nowhere)."""
        return not self.drill and not (self.is_notice and self.started_at > now)

    @property
    def started_at(self) -> datetime:
        """When the impact began (incident) or the work began (maintenance)."""
        if self.is_maintenance:
            started = next((u.at for u in self.updates if u.stage == "in_progress"), None)
            return started or self.scheduled_for or self.updates[0].at
        if self.is_notice:
            return self.scheduled_for or self.updates[0].at
        return self.impact_start or self.updates[0].at

    @property
    def resolved_at(self) -> datetime | None:
        """The time of the final update, or None while the incident is open."""
        return self.updates[-1].at if self.is_resolved else None

    @property
    def created_at(self) -> datetime:
        return self.updates[0].at

    @property
    def updated_at(self) -> datetime:
        return self.updates[-1].at

    def as_of(self, now: datetime, *, auto_complete: bool = True) -> Incident:
        """This incident as it stands at ``now``, with a maintenance's automatic steps added.

        A maintenance still ``scheduled`` when its window begins is in progress from
        ``scheduled_for``; when its window has ended it is completed at ``scheduled_until``
        (or, with ``auto_complete`` off, stays in progress until someone completes it).
        A notice still posted when its end time has passed ends at ``scheduled_until``.
        Other incidents are returned unchanged.
        """
        if self.is_notice and self.stage == "posted" and self.scheduled_until and self.scheduled_until <= now:
            ended = Update(max(self.scheduled_until, self.updates[-1].at), "ended", NOTICE_ENDED, automatic=True)
            return replace(self, updates=(*self.updates, ended))
        if not self.is_maintenance or self.stage != "scheduled" or self.scheduled_for is None:
            return self
        if self.scheduled_for > now:
            return self
        began = max(self.scheduled_for, self.updates[-1].at)
        added = [Update(began, "in_progress", MAINTENANCE_BEGAN, automatic=True)]
        if auto_complete and self.scheduled_until is not None and self.scheduled_until <= now:
            added.append(Update(max(self.scheduled_until, began), "completed", MAINTENANCE_ENDED, automatic=True))
        return replace(self, updates=self.updates + tuple(added))

    def duration(self, now: datetime) -> timedelta:
        end = self.resolved_at or now
        return max(end - self.started_at, timedelta(0))

    def current_components(self) -> Mapping[str, str]:
        """Each affected component's status as of the latest update (operational once resolved)."""
        if self.is_resolved:
            return {cid: OPERATIONAL for cid in self.components}
        if self.is_maintenance and not self.is_active:
            return {cid: OPERATIONAL for cid in self.components}
        statuses = dict(self.components)
        for _update, after in self._status_steps(dict(self.components)):
            statuses.update(after)
        return statuses

    def statuses_when_resolved(self) -> dict[str, str]:
        """The non-operational statuses components had just before the latest resolution.

        What ``statusgen reopen`` without ``-c`` restores, and what a hand-written reopened
        update that names no components means. Empty when the incident was never resolved.
        """
        snapshot: dict[str, str] = {}
        for _update, before in self._resolutions(dict(self.components)):
            snapshot = {cid: s for cid, s in before.items() if s != OPERATIONAL}
        return snapshot

    def _resolutions(self, initial: dict[str, str]) -> Iterator[tuple[Update, dict[str, str]]]:
        """``(update, statuses just before it)`` for every resolving update, oldest first."""
        previous = dict(initial)
        for update, after in self._status_steps(initial):
            if update.stage in FINAL_STAGES:
                yield update, previous
            previous = after

    def _status_steps(self, initial: dict[str, str]) -> Iterator[tuple[Update, dict[str, str]]]:
        """``(update, every component's status after it)`` for each update, oldest first.

        An update sets the statuses it names. A resolving update leaves every component
        operational. A reopening update that names no components restores the statuses the
        components had just before the resolution it reopens.
        """
        current = dict(initial)
        before_resolution: dict[str, str] = {}
        for update in self.updates:
            if update.stage in FINAL_STAGES:
                before_resolution = dict(current)
                current.update(update.components)
                current = dict.fromkeys(current, OPERATIONAL)
            elif update.reopened and not update.components:
                current.update({cid: s for cid, s in before_resolution.items() if s != OPERATIONAL})
            else:
                current.update(update.components)
            yield update, dict(current)

    def _initial_statuses(self) -> dict[str, str]:
        """The statuses the incident starts with, at the start of impact.

        When the first update names components (as `statusgen new` does), a component first
        named later was hit later. When it names none (a hand-written file), every top-level
        component is hit from the start with its top-level status.
        """
        first = set(self.updates[0].components)
        later = {cid for update in self.updates[1:] for cid in update.components} - first
        return {cid: s for cid, s in self.components.items() if not (first and cid in later)}

    def status_changes(self) -> list[tuple[tuple[str, str, str], ...]]:
        """Per update, ``(component, old status, new status)`` for each status it changed.

        The first update of an incident changes its components from operational; a
        maintenance changes nothing while scheduled and sets its components when it starts.
        A resolution lists every component's return to operational.
        """
        return list(self._status_changes)

    @cached_property
    def _status_changes(self) -> tuple[tuple[tuple[str, str, str], ...], ...]:
        result = []
        before: dict[str, str] = {}
        started = False
        for update, after in self._status_steps(self._initial_statuses()):
            started = started or not self.is_maintenance or update.stage != "scheduled"
            now = {cid: s for cid, s in after.items() if s != OPERATIONAL} if started else {}
            changes = tuple(
                (cid, before.get(cid, OPERATIONAL), now.get(cid, OPERATIONAL))
                for cid in dict.fromkeys([*before, *now])
                if before.get(cid, OPERATIONAL) != now.get(cid, OPERATIONAL)
            )
            result.append(changes)
            before = now
        return tuple(result)

    def status_windows(self, now: datetime) -> list[tuple[str, str, datetime, datetime]]:
        """``(component, status, start, end)`` for every stretch a component was not operational.

        A component starts at its top-level status at the start of impact, unless the first update
        names other components and this one is first named by a later update. Updates then set
        statuses: the first counts from the start of impact, later ones from their own time.
        A resolution ends every stretch; the time between a resolution and a reopening is not
        counted, and a reopening starts again from the statuses it names (or, naming none, from
        the statuses the resolution ended). Everything still open ends at the final resolution
        (or ``now``).
        """
        if self.is_maintenance and (self.stage == "scheduled" or self.is_cancelled):
            return []
        start = self.started_at
        end = self.resolved_at or now
        if end <= start:
            return []
        current = self._initial_statuses()
        since = dict.fromkeys(current, start)
        windows = []
        for index, (update, after) in enumerate(self._status_steps(current)):
            at = start if index == 0 else min(max(update.at, start), end)
            for cid, status in after.items():
                previous = current.get(cid, OPERATIONAL)
                if status == previous:
                    continue
                if previous != OPERATIONAL and at > since[cid]:
                    windows.append((cid, previous, since[cid], at))
                current[cid], since[cid] = status, at
        for cid, status in current.items():
            if status != OPERATIONAL and end > since[cid]:
                windows.append((cid, status, since[cid], end))
        return sorted(windows, key=lambda w: (w[2], w[0]))


@dataclass(frozen=True)
class Repository:
    """Everything loaded from a status repository: the incidents and the documents beside them.
    A document's problems do not stop a build (one with errors is left out): the internal site
    logs them, ``statusgen validate`` fails on them."""

    config: Config
    incidents: tuple[Incident, ...]  # sorted newest first by start
    runbooks: tuple[Runbook, ...] = ()  # sorted by path; files with errors left out
    postmortems: Mapping[str, Postmortem] = field(default_factory=lambda: EMPTY)  # incident id -> its postmortem
    # incident id -> the public_summary of its postmortem: the only part of one the public site shows
    public_summaries: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    alert_rules: Mapping[str, tuple[AlertRule, ...]] = field(default_factory=lambda: EMPTY)  # alert name -> its rules
    runbook_problems: tuple[Problem, ...] = ()
    postmortem_problems: tuple[Problem, ...] = ()
    alert_rule_problems: tuple[Problem, ...] = ()  # of the files the `alert_rules` option names
    sources: Mapping[str, str] = field(default_factory=lambda: EMPTY)  # incident id -> its file's digest and path

    @property
    def document_problems(self) -> tuple[Problem, ...]:
        return self.runbook_problems + self.postmortem_problems + self.alert_rule_problems

    def incident(self, incident_id: str) -> Incident | None:
        return next((i for i in self.incidents if i.id == incident_id), None)
