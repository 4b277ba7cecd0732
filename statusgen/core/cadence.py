"""How often an active incident owes customers an update, and whether it is late.

Each update may promise the next one (``next_update`` in the file, written by ``statusgen new``
and ``update``). When it does not, the promise is the severity's cadence after the update.
Defaults follow common incident practice; a team sets its own in mkdocs.yml::

    plugins:
      - statusgen:
          update_cadence: {SEV1: 30, SEV2: 60, SEV3: 120, SEV4: 240}   # minutes

Lower severities get long cadences: their updates come mostly at milestones (a new stage),
and the cadence is the longest the page may stay silent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from statusgen.core.model import Config, Incident
from statusgen.core.times import duration, human

DEFAULT_CADENCE = {"SEV1": 30, "SEV2": 60, "SEV3": 120, "SEV4": 240}
FALLBACK_MINUTES = 60  # a severity a team added without a cadence
MAINTENANCE_MINUTES = 60  # an in-progress maintenance


def cadence(config: Config, severity: str | None) -> timedelta:
    """Time between updates for ``severity`` (the team's setting, else the default)."""
    team = (config.update_cadence or {}).get(severity) if severity is not None else None
    minutes = team or DEFAULT_CADENCE.get(severity or "", FALLBACK_MINUTES)
    return timedelta(minutes=int(minutes))


def next_promise(config: Config, incident_kind: str, stage: str, severity: str | None, at: datetime,
                 window: tuple[datetime, datetime] | None = None, minutes: int | None = None) -> datetime | None:  # fmt: skip
    """When an update posted at ``at`` promises the next one (None after a final stage).

    A scheduled maintenance promises its next update at the start of its window."""
    if stage in ("resolved", "completed") or incident_kind == "notice":  # a notice promises no update
        return None
    if minutes:
        return at + timedelta(minutes=minutes)
    if incident_kind == "maintenance":
        if stage == "scheduled" and window and window[0] > at:
            return window[0]
        return at + timedelta(minutes=MAINTENANCE_MINUTES)
    return at + cadence(config, severity)


def next_update_due(incident: Incident, config: Config) -> datetime | None:
    """When ``incident`` owes its next update: the last update's promise, else its severity's
    cadence after it. None for resolved incidents, for maintenance not in progress, and for
    notices (they promise no update)."""
    if incident.is_resolved or incident.is_notice:
        return None
    last = incident.updates[-1]
    if last.next_update:
        return last.next_update
    if incident.is_maintenance:
        return None if not incident.is_active else last.at + timedelta(minutes=MAINTENANCE_MINUTES)
    return last.at + cadence(config, incident.severity)


def overdue_by(incident: Incident, config: Config, now: datetime) -> timedelta | None:
    """How late the next update is, or None when it is not (yet) late."""
    due = next_update_due(incident, config)
    if due is None or now <= due:
        return None
    return now - due


def due_text(incident: Incident, config: Config, now: datetime) -> str:
    """``update overdue by 17 min`` / ``next update due in 12 min (16:30 UTC)`` / ``''``."""
    due = next_update_due(incident, config)
    if due is None:
        return ""
    if now > due:
        return f"update overdue by {duration(now - due)}"
    return f"next update due in {duration(due - now)} ({human(due, with_date=False, zone=config.zone)})"


def overdue_mark(incident: Incident, config: Config, now: datetime) -> str:
    """`` · **update overdue by 17 min**`` (Markdown) for a late active incident, else ``''``."""
    late = overdue_by(incident, config, now)
    return f" · **update overdue by {duration(late)}**" if late else ""
