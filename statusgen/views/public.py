"""The public projection: everything customers may see, and nothing else.

``project(repo, now)`` copies the published fields of the model into new frozen dataclasses.
Internal fields (internal notes, commander, roles, runbooks, template, drill, postmortems,
file paths) have no attribute here at all, so a public renderer cannot leak them: it never
receives the model. Drills are not published.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from urllib.parse import urlsplit

from statusgen.core.cadence import next_update_due
from statusgen.core.kept import KeptViews
from statusgen.core.language import N_
from statusgen.core.model import Repository
from statusgen.core.status import IMPACT_LABEL, OPERATIONAL, STAGE_LABEL, STATUS_LABEL, weights_sentence
from statusgen.core.times import UTC, duration, load_zone, zone_label, zone_text
from statusgen.views import status as views
from statusgen.views.bars import Bars, bars

# Statuspage's monitoring_at is set when an incident enters monitoring; a maintenance's
# counterpart is verifying.
MONITORING_STAGES = ("monitoring", "verifying")
# created_at of a component with no `created` date, here or for the whole site: fixed, so the
# API never changes it from one build to the next.

IMPACT_RANK = {"critical": 3, "major": 2, "minor": 1, "none": 0, "maintenance": 0}
# The home page's "past incidents": those resolved in this many days before now.
RECENT_DAYS = 7


@dataclass(frozen=True)
class PublicComponent:
    id: str
    name: str
    position: int
    group: str | None
    description: str
    status: str  # now
    created_at: datetime  # the component's `created` option, else the site's, else the first incident's start
    updated_at: datetime  # when its status last changed (created_at if it never did)

    @property
    def status_label(self) -> str:
        return STATUS_LABEL[self.status]


@dataclass(frozen=True)
class PublicGroup:
    id: str
    name: str
    position: int
    components: tuple[PublicComponent, ...]

    @property
    def status(self) -> str:
        return max((c.status for c in self.components), key=views.STATUS_RANK.__getitem__, default=OPERATIONAL)


@dataclass(frozen=True)
class PublicUpdate:
    id: str  # <incident id>-<n>, n counting from 1: stable, updates are append-only
    number: int
    at: datetime
    stage: str
    message: str
    components: tuple[tuple[str, str, str], ...]  # (component id, old status, new status) changed here
    automatic: bool = False  # added by statusgen when a maintenance window began or ended
    cancelled: bool = False  # the update that called a maintenance off

    @property
    def stage_label(self) -> str:
        """The stage as readers see it, in the catalog's English: show it through the site's
        language (``language.gettext``, ``own_words`` in templates)."""
        if self.cancelled:
            return N_("Cancelled")
        return STAGE_LABEL.get(self.stage, self.stage.replace("_", " ").capitalize())


@dataclass(frozen=True)
class PublicIncident:
    id: str
    title: str
    kind: str  # incident | maintenance | notice
    impact: str  # Statuspage impact: none | minor | major | critical | maintenance
    severity: str | None  # id, e.g. SEV2: only when the team publishes severities (public_severity)
    severity_name: str | None  # e.g. Major: likewise
    components: tuple[tuple[str, str], ...]  # (component id, status while active), config order
    current: tuple[tuple[str, str], ...]  # (component id, status now)
    updates: tuple[PublicUpdate, ...]  # oldest first
    created_at: datetime
    updated_at: datetime
    started_at: datetime
    resolved_at: datetime | None
    monitoring_at: datetime | None
    scheduled_for: datetime | None
    scheduled_until: datetime | None
    # The build's "now", for an open incident's duration so far and lateness. None once it is
    # resolved: nothing on a resolved incident's page depends on when the site was built, so an
    # incremental build keeps its page (with "now" in the view, every page changed every build).
    now: datetime | None
    is_active: bool  # taken from the model, which alone defines the lifecycle
    is_resolved: bool
    update_late_since: datetime | None = None  # active, and the promised next update is past
    is_cancelled: bool = False  # a maintenance called off before it started
    revision: int = 0  # Incident.revision: how often what subscribers saw changed (the calendar's SEQUENCE)

    @property
    def update_late_text(self) -> str:
        """How late the promised update is, e.g. ``17 min`` (English; pages word ``update_late_by``)."""
        return duration(self.update_late_by) if self.update_late_by is not None else ""

    @property
    def update_late_by(self) -> timedelta | None:
        """How late the promised update is, or None when it is not."""
        return self.now - self.update_late_since if self.update_late_since and self.now else None

    postmortem_summary: str = ""  # Markdown: the postmortem's public_summary, when the team opted in
    # A digest of all this view was made from besides the config and statusgen's code, when
    # that is the incident's file and summary alone (resolved in its file; else None). A page's
    # record (statusgen/cache/pages.py) digests it instead of the whole view.
    source_key: str | None = field(default=None, compare=False, repr=False)

    @property
    def is_maintenance(self) -> bool:
        return self.kind == "maintenance"

    @property
    def is_notice(self) -> bool:
        return self.kind == "notice"

    @property
    def impact_label(self) -> str:
        """``Major impact``: the words customers read for the impact, in the catalog's English
        (shown through the site's language, like ``stage_label``)."""
        if self.is_notice:  # impact "none" in the API; no impact to speak of on the page
            return N_("Notice")
        return IMPACT_LABEL.get(self.impact, self.impact.capitalize())

    @property
    def latest_update(self) -> PublicUpdate:
        return self.updates[-1]

    @property
    def stage(self) -> str:
        return self.updates[-1].stage

    @property
    def stage_label(self) -> str:
        return self.updates[-1].stage_label

    @property
    def is_upcoming(self) -> bool:
        return self.is_maintenance and self.stage == "scheduled"

    @property
    def duration(self) -> timedelta | None:
        if self.is_upcoming:
            return None
        end = self.resolved_at or self.now  # a resolved incident has no build time, and needs none
        return max(end - self.started_at, timedelta(0)) if end is not None else None

    @property
    def duration_text(self) -> str:
        """English, for teams' own templates; statusgen's word ``duration`` in the page's language."""
        if self.duration is None:
            return "not started"
        text = duration(self.duration)
        return text if self.resolved_at else f"{text} so far"

    @property
    def component_ids(self) -> tuple[str, ...]:
        return tuple(cid for cid, _ in self.components)

    @property
    def updates_newest_first(self) -> tuple[PublicUpdate, ...]:
        return tuple(reversed(self.updates))


@dataclass(frozen=True)
class PublicStatus:
    """The whole public site's data at one ``now``."""

    now: datetime
    site_name: str
    site_url: str  # ends with "/" or is empty
    company: str
    support_url: str
    page_id: str
    event_domain: str  # after '@' in calendar UIDs: the page_id option (kept across a change of address), else the host
    components: tuple[PublicComponent, ...]
    groups: tuple[PublicGroup, ...]
    ungrouped: tuple[PublicComponent, ...]
    incidents: tuple[PublicIncident, ...]  # newest first by start
    overall: views.OverallStatus
    uptime: Mapping[str, views.Uptime]
    uptime_days: int
    uptime_since: datetime  # 00:00 in the page's zone on the first day of the uptime window
    uptime_weights: str  # the weight table in the site's words: "major outage counts as down, ..."
    history_page_size: int
    feed_size: int
    feed_items: str  # incident | update (statusgen.core.model.FEED_ITEMS)
    timezone: str = "UTC"  # the page's IANA zone: times are shown in it, uptime days are cut in it

    def component(self, component_id: str) -> PublicComponent | None:
        return next((c for c in self.components if c.id == component_id), None)

    @property
    def zone(self) -> tzinfo:
        return load_zone(self.timezone)

    @property
    def zone_text(self) -> str:
        return zone_text(self.timezone, self.zone, self.now.year)

    @property
    def zone_names(self) -> tuple[str, ...]:
        """The names the page zone's clocks take this year (``CET``, ``CEST``); none for UTC."""
        if self.zone is UTC:
            return ()
        year = self.now.year
        return tuple(
            dict.fromkeys(zone_label(datetime(year, m, 1, 12, tzinfo=UTC).astimezone(self.zone)) for m in (1, 7))
        )

    @property
    def component_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.components}

    @property
    def incident_titles(self) -> dict[str, str]:
        return {i.id: i.title for i in self.incidents}

    @property
    def active_incidents(self) -> tuple[PublicIncident, ...]:
        """Open incidents, most severe first (newest first within an impact)."""
        active = [i for i in self.incidents if i.is_active and not i.is_maintenance]
        return tuple(sorted(active, key=lambda i: -IMPACT_RANK.get(i.impact, 0)))  # stable: keeps newest first

    @property
    def recent_days(self) -> int:
        return RECENT_DAYS

    @property
    def recent_resolved(self) -> tuple[PublicIncident, ...]:
        """Incidents and maintenance resolved in the last RECENT_DAYS days, latest first."""
        since = self.now - timedelta(days=RECENT_DAYS)
        recent = [i for i in self.incidents if i.resolved_at is not None and since <= i.resolved_at <= self.now]
        return tuple(sorted(recent, key=lambda i: i.resolved_at or self.now, reverse=True))

    @property
    def active_maintenance(self) -> tuple[PublicIncident, ...]:
        return tuple(i for i in self.incidents if i.is_active and i.is_maintenance)

    @property
    def notices(self) -> tuple[PublicIncident, ...]:
        """Notices shown now (a notice is published from its start until it ends), newest first."""
        return tuple(i for i in self.incidents if i.is_notice and not i.is_resolved)

    @property
    def upcoming_maintenance(self) -> tuple[PublicIncident, ...]:
        """Scheduled maintenance, soonest first."""
        upcoming = [i for i in self.incidents if i.is_upcoming]
        return tuple(sorted(upcoming, key=lambda i: (i.scheduled_for or i.started_at, i.id)))

    def bars(self, component_id: str) -> Bars:
        """A component's uptime bars as the home page draws them (``views.bars``)."""
        return bars(self.uptime[component_id].days)

    def absolute(self, path: str) -> str:
        """An absolute URL for a site path like ``incidents/x/`` (relative when no site_url)."""
        return f"{self.site_url}{path.lstrip('/')}" if self.site_url else "/" + path.lstrip("/")


def project(
    repo: Repository, now: datetime, summaries: Mapping[str, str] | None = None, kept: KeptViews | None = None
) -> PublicStatus:
    """The public projection of ``repo`` at ``now``: the only thing public renderers get.

    ``summaries`` maps incident ids to the public summaries of their postmortems
    (``Repository.public_summaries``): the only postmortem text published. ``kept``: the
    views of incidents resolved in their files that a long-running process keeps from the last
    projection (``core.kept``); this one takes what it can from them and leaves its own.
    """
    summaries = summaries or {}
    config = repo.config
    auto_complete = config.maintenance_auto_complete
    # Maintenance nobody updated in time moves on by its schedule, here, once, so the page, the
    # API, the feeds and the calendar all tell the same story.
    shown = [i for i in repo.incidents if i.is_public_at(now)]
    published = [i.as_of(now, auto_complete=auto_complete) for i in shown]
    statuses = views.component_statuses(config.components, published)
    changed = views.component_changed_at(published, now)
    # Without a `created` option, the earliest moment the page's own history shows (its first
    # incident's start), else now: never a made-up date.
    earliest = min((i.started_at for i in published), default=now)
    component_list: list[PublicComponent] = []
    for c in sorted(config.components, key=lambda c: c.position):
        created = c.created or config.created or earliest
        updated = max(changed.get(c.id, created), created)
        component_list.append(
            PublicComponent(c.id, c.name, c.position, c.group, c.description, statuses[c.id], created, updated)
        )
    components = tuple(component_list)
    groups = tuple(
        PublicGroup(g.id, g.name, g.position, tuple(c for c in components if c.group == g.id))
        for g in sorted(config.groups, key=lambda g: g.position)
    )
    order = {c.id: c.position for c in config.components}
    severity_impact = {s.id: s.impact for s in config.severities}
    severity_name = {s.id: s.name for s in config.severities}
    sources = repo.sources
    if kept is not None:
        kept.begin(config)

    def view(original, incident) -> PublicIncident:
        summary = summaries.get(incident.id, "")
        # Resolved in its file (not by the clock, as a maintenance past its window is): its view
        # is made from the file, its summary and the config alone.
        source = sources.get(incident.id) if incident is original and incident.is_resolved else None

        def make() -> PublicIncident:
            return _incident(incident, now, order, severity_impact, severity_name, summary, config, source)

        if source is None or kept is None:
            return make()
        return kept.view(incident.id, (source, summary), make)  # type: ignore[return-value]

    incidents = tuple(view(original, i) for original, i in zip(shown, published))
    if kept is not None:
        kept.end()
    active = [i for i in incidents if i.is_active]
    overall = views.overall_status(
        statuses,
        (i.impact for i in active if not i.is_maintenance),
        maintenance=any(i.is_maintenance for i in active),
    )
    days = config.uptime_days
    site_url = config.site_url.rstrip("/") + "/" if config.site_url else ""
    return PublicStatus(
        now=now,
        site_name=config.site_name,
        site_url=site_url,
        company=config.company,
        support_url=config.support_url,
        page_id=config.page_id or _page_id(site_url, config.site_name),
        event_domain=config.page_id or urlsplit(site_url).hostname or _page_id(site_url, config.site_name),
        components=components,
        groups=groups,
        ungrouped=tuple(c for c in components if c.group is None),
        incidents=incidents,
        overall=overall,
        uptime=views.uptime(config.components, published, now, days, config.downtime_weights, config.zone),
        uptime_days=days,
        uptime_since=datetime.combine(views.window_days(now, days, config.zone)[0], time(), config.zone),
        uptime_weights=weights_sentence(config.downtime_weights, config.lang),
        history_page_size=config.history_page_size,
        feed_size=config.feed_size,
        feed_items=config.feed_items,
        timezone=config.timezone,
    )


def _incident(
    incident, now, order, severity_impact, severity_name, summary="", config=None, source: str | None = None
) -> PublicIncident:
    updates = []
    for number, (update, changes) in enumerate(zip(incident.updates, incident.status_changes()), 1):
        changes = tuple(sorted(changes, key=lambda c: order.get(c[0], 0)))
        updates.append(
            PublicUpdate(
                f"{incident.id}-{number}",
                number,
                update.at,
                update.stage,
                update.message.strip(),
                changes,
                update.automatic,
                update.cancelled,
            )
        )
    monitoring_at = _monitoring_at(incident)
    published_severity = config is not None and config.public_severity
    return PublicIncident(
        id=incident.id,
        title=incident.title,
        kind=incident.kind,
        impact=views.incident_impact(incident, severity_impact),
        severity=incident.severity if published_severity else None,
        severity_name=severity_name.get(incident.severity) if incident.severity and published_severity else None,
        components=tuple(sorted(incident.components.items(), key=lambda c: order.get(c[0], 0))),
        current=tuple(sorted(incident.current_components().items(), key=lambda c: order.get(c[0], 0))),
        updates=tuple(updates),
        created_at=incident.created_at,
        updated_at=incident.updated_at,
        started_at=incident.started_at,
        resolved_at=incident.resolved_at,
        monitoring_at=monitoring_at,
        scheduled_for=incident.scheduled_for,
        scheduled_until=incident.scheduled_until,
        now=None if incident.is_resolved else now,
        is_active=incident.is_active,
        is_resolved=incident.is_resolved,
        postmortem_summary=summary if incident.is_resolved else "",
        update_late_since=_late_since(incident, config, now),
        is_cancelled=incident.is_cancelled,
        revision=incident.revision,
        source_key=_source_key(source, summary) if source is not None else None,
    )


def _source_key(source: str, summary: str) -> str:
    """What a resolved incident's view is made from besides the config: its file and its summary."""
    return hashlib.sha256(f"public incident\0{source}\0{summary}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _late_since(incident, config, now) -> datetime | None:
    """When the next update an active incident promised fell due, if that is past."""
    if config is None or not incident.is_active:
        return None
    due = next_update_due(incident, config)
    return due if due is not None and due < now else None


def _monitoring_at(incident) -> datetime | None:
    """When the incident last entered monitoring (a maintenance: verifying), or None."""
    entered, previous = None, None
    for update in incident.updates:
        if update.stage in MONITORING_STAGES and previous not in MONITORING_STAGES:
            entered = update.at
        previous = update.stage
    return entered


def _page_id(site_url: str, site_name: str) -> str:
    host = urlsplit(site_url).hostname if site_url else ""
    base = host or site_name
    return "".join(ch if ch.isalnum() else "-" for ch in base.lower()).strip("-") or "status"
