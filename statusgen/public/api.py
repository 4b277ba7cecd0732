"""``/api/v2/``: the Atlassian Statuspage public API shape, so existing clients work unchanged.

Field names, nesting and enum values follow Statuspage's public v2 endpoints; timestamps are
Statuspage's (milliseconds and a zone: ``2026-11-28T12:00:00.000Z``). Component and group ids
are the statusgen ids; ``page.id`` comes from the site host. A component's ``updated_at`` is the
last change of its status and its ``created_at`` the ``created`` option (the component's, else
the site's, else the start of the first incident the page shows). An update's ``affected_components`` lists the statuses it changed. Positions number the
component list in order, groups and components alike.
Lists hold at most the 50 most recent items, as Statuspage's do. A notice is an incident with
impact ``none`` (Statuspage's informational incident): ``identified`` while it is shown,
``resolved`` once it has ended.
"""

from __future__ import annotations

import json
from datetime import datetime

from statusgen.core.times import UTC
from statusgen.views.public import PublicIncident, PublicStatus

LIMIT = 50
# A notice's stages in Statuspage's incident statuses.
NOTICE_STATUS = {"posted": "identified", "ended": "resolved"}


def stamp(value: datetime) -> str:
    """``2026-11-28T12:00:00.000Z``: Statuspage's timestamps, with milliseconds and a zone."""
    value = value.astimezone(UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


def _time(value: datetime | None) -> str | None:
    return stamp(value) if value else None


class Api:
    """Builds every endpoint from one PublicStatus; components are serialised once."""

    def __init__(self, status: PublicStatus):
        self.status = status
        times = [i.updated_at for i in status.incidents if i.updated_at <= status.now]
        times += [c.updated_at for c in status.components if c.updated_at <= status.now]
        self.updated_at = max(times, default=status.now)
        # Positions count every item of the component list in order, groups and components alike
        # (as Statuspage numbers them), so no two share a number.
        order = [
            item for g in status.groups for item in (("group", g.id), *(("component", c.id) for c in g.components))
        ]
        order += [("component", c.id) for c in status.ungrouped]
        self.positions = {item: number for number, item in enumerate(order, 1)}
        self.components = {c.id: self._component(c) for c in status.components}

    def page(self) -> dict:
        s = self.status
        return {
            "id": s.page_id,
            "name": s.site_name,
            "url": s.site_url.rstrip("/"),
            "time_zone": "Etc/UTC" if s.timezone == "UTC" else s.timezone,
            "updated_at": stamp(self.updated_at),
        }

    def status_object(self) -> dict:
        return {"indicator": self.status.overall.indicator, "description": self.status.overall.description}

    def _component(self, c) -> dict:
        return {
            "id": c.id,
            "name": c.name,
            "status": c.status,
            "created_at": stamp(c.created_at),
            "updated_at": stamp(c.updated_at),
            "position": self.positions["component", c.id],
            "description": c.description or None,
            "showcase": True,
            "start_date": None,
            "group_id": c.group,
            "page_id": self.status.page_id,
            "group": False,
            "only_show_if_degraded": False,
        }

    def _group(self, g) -> dict:
        created = min((c.created_at for c in g.components), default=self.updated_at)
        updated = max((c.updated_at for c in g.components), default=created)
        return {
            "id": g.id,
            "name": g.name,
            "status": g.status,
            "created_at": stamp(created),
            "updated_at": stamp(updated),
            "position": self.positions["group", g.id],
            "description": None,
            "showcase": False,
            "start_date": None,
            "group_id": None,
            "page_id": self.status.page_id,
            "group": True,
            "only_show_if_degraded": False,
            "components": [c.id for c in g.components],
        }

    def component_list(self) -> list[dict]:
        """Groups first, each followed by its components, then ungrouped components (Statuspage order)."""
        items = []
        for g in self.status.groups:
            items.append(self._group(g))
            items.extend(self.components[c.id] for c in g.components)
        items.extend(self.components[c.id] for c in self.status.ungrouped)
        return items

    def incident(self, i: PublicIncident) -> dict:
        names = self.status.component_names
        updates = []
        for u in i.updates_newest_first:
            affected = [
                {"code": cid, "name": names.get(cid, cid), "old_status": old, "new_status": new}
                for cid, old, new in u.components
            ]
            updates.append(
                {
                    "id": u.id,
                    "status": NOTICE_STATUS.get(u.stage, u.stage) if i.is_notice else u.stage,
                    "body": u.message,
                    "incident_id": i.id,
                    "created_at": stamp(u.at),
                    "updated_at": stamp(u.at),
                    "display_at": stamp(u.at),
                    "affected_components": affected or None,
                    "deliver_notifications": True,
                    "custom_tweet": None,
                    "tweet_id": None,
                }
            )
        data = {
            "id": i.id,
            "name": i.title,
            "status": NOTICE_STATUS.get(i.stage, i.stage) if i.is_notice else i.stage,
            "created_at": stamp(i.created_at),
            "updated_at": stamp(i.updated_at),
            "monitoring_at": _time(i.monitoring_at),
            "resolved_at": _time(i.resolved_at),
            "impact": i.impact,
            "shortlink": self.status.absolute(f"incidents/{i.id}/"),
            "started_at": stamp(i.started_at),
            "page_id": self.status.page_id,
            "incident_updates": updates,
            "components": [self.components[cid] for cid in i.component_ids if cid in self.components],
        }
        if i.is_maintenance:
            data["scheduled_for"] = _time(i.scheduled_for)
            data["scheduled_until"] = _time(i.scheduled_until)
        return data

    def endpoints(self) -> dict[str, dict]:
        """Path under ``api/v2/`` -> JSON object, for every endpoint."""
        s = self.status
        page = self.page()
        status = self.status_object()
        components = self.component_list()
        incidents = [i for i in s.incidents if not i.is_maintenance]
        maintenance = [i for i in s.incidents if i.is_maintenance]
        maintenance_by_start = sorted(maintenance, key=lambda i: (i.scheduled_for or i.started_at, i.id), reverse=True)
        unresolved = [self.incident(i) for i in incidents if not i.is_resolved]
        upcoming = [self.incident(i) for i in reversed(maintenance_by_start) if i.is_upcoming]
        active = [self.incident(i) for i in maintenance_by_start if i.is_active]
        return {
            "summary.json": {
                "page": page,
                "components": components,
                "incidents": unresolved,
                "scheduled_maintenances": active + upcoming,
                "status": status,
            },
            "status.json": {"page": page, "status": status},
            "components.json": {"page": page, "components": components},
            "incidents.json": {"page": page, "incidents": [self.incident(i) for i in incidents[:LIMIT]]},
            "incidents/unresolved.json": {"page": page, "incidents": unresolved},
            "scheduled-maintenances.json": {
                "page": page,
                "scheduled_maintenances": [self.incident(i) for i in maintenance_by_start[:LIMIT]],
            },
            "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": upcoming},
            "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": active},
        }


def all_endpoints(status: PublicStatus) -> dict[str, str]:
    """Site path -> JSON text for every ``api/v2/`` endpoint (stable key order, trailing newline)."""
    return {
        f"api/v2/{path}": json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        for path, data in Api(status).endpoints().items()
    }
