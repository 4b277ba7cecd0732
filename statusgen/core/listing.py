"""What ``list``, ``due``, ``validate`` and id lookups need of an incident, and nothing more.

The parse cache keeps one Listing per incident file in its small index (loadcache.py, which
also holds its JSON shape), so
these commands decode no incident at all: at 10,000 incidents that is the difference between
reading 2 MB and 28 MB of cache. A Listing is worked out from the parsed incident and the
config only (both part of the cache's key), never from "now".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from statusgen.core.model import MAINTENANCE, Config, Incident, frozen_map


@dataclass(frozen=True)
class Listing:
    id: str
    title: str
    kind: str
    severity: str | None
    drill: bool
    stage: str
    is_active: bool
    is_resolved: bool
    started_at: datetime
    resolved_at: datetime | None
    next_update_due: datetime | None  # cadence.next_update_due: the promise the last update made
    components: Mapping[str, str]  # Incident.current_components()
    path: Path | None = field(default=None, compare=False)
    postmortem_path: Path | None = field(default=None, compare=False)

    @property
    def is_maintenance(self) -> bool:
        return self.kind == MAINTENANCE

    def duration(self, now: datetime) -> timedelta:
        return max((self.resolved_at or now) - self.started_at, timedelta(0))

    def overdue_by(self, now: datetime) -> timedelta | None:
        """How late the next update is, or None when it is not (yet) late."""
        due = self.next_update_due
        return now - due if due is not None and now > due else None


def listing_of(incident: Incident, config: Config) -> Listing:
    from statusgen.core.cadence import next_update_due

    return Listing(
        id=incident.id,
        title=incident.title,
        kind=incident.kind,
        severity=incident.severity,
        drill=incident.drill,
        stage=incident.stage,
        is_active=incident.is_active,
        is_resolved=incident.is_resolved,
        started_at=incident.started_at,
        resolved_at=incident.resolved_at,
        next_update_due=next_update_due(incident, config),
        components=frozen_map(incident.current_components()),
        path=incident.path,
        postmortem_path=incident.postmortem_path,
    )
