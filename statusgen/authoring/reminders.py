"""What the clock makes due for a maintenance's subscribers, for ``statusgen notify``.

Nobody commits anything when a maintenance window comes near, starts or ends, so these are
worked out from the time: a reminder ``maintenance_reminder`` minutes before the window starts,
a notice when it starts and one when it completes on its own (``maintenance_auto_complete``),
exactly as the public page shows them (``Incident.as_of``). Each has a key of its own, made
from the maintenance and the time it is about, so notify's record posts it once, and a
rescheduled window gets its own. A notice nobody could post within ``GRACE`` of its time is
left out rather than posted stale, and a window someone started or completed by hand gets no
automatic notice: their update is posted instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from statusgen.authoring.message_words import placeholder_values, sentence
from statusgen.core.language import N_
from statusgen.core.model import Config, Incident, Update
from statusgen.core.times import iso

GRACE = timedelta(hours=24)
# Translators: posted to subscribers before a maintenance window starts; %(window)s is like
# "02:00–04:00 UTC on 3 Dec"
REMINDER = N_("Reminder: the planned maintenance on %(components)s takes place during %(window)s.")


@dataclass(frozen=True)
class Notice:
    """One notice to post: the maintenance as of now with the notice as its update ``index``."""

    incident: Incident
    index: int
    event: str  # maintenance.reminder | maintenance.started | maintenance.completed
    key: str  # <id>/<reminder|started|completed>/<the window's start or end>


def due_notices(incidents: Iterable[Incident], config: Config, now: datetime) -> list[Notice]:
    """Every notice the clock has made due at ``now`` for the maintenance among ``incidents``."""
    found = []
    for incident in incidents:
        start, end = incident.scheduled_for, incident.scheduled_until
        if not incident.is_maintenance or incident.drill or start is None or end is None:
            continue
        current = incident.as_of(now, auto_complete=config.maintenance_auto_complete)
        last = current.updates[-1]
        if last.automatic:
            event, moment = ("started", start) if last.stage == "in_progress" else ("completed", end)
            if now - moment < GRACE:
                key = f"{incident.id}/{event}/{iso(moment)}"
                found.append(Notice(current, len(current.updates) - 1, f"maintenance.{event}", key))
            continue
        reminder = _reminder(incident, config, now)
        if reminder is not None:
            found.append(reminder)
    return found


def _reminder(incident: Incident, config: Config, now: datetime) -> Notice | None:
    """The reminder of a maintenance still scheduled, when ``now`` is between the reminder's
    time and the window's start, and no update told subscribers about it since that time."""
    start, end = incident.scheduled_for, incident.scheduled_until
    if start is None or end is None or not config.maintenance_reminder or incident.stage != "scheduled":
        return None
    moment = start - timedelta(minutes=config.maintenance_reminder)
    if not (moment <= now < start) or incident.updated_at >= moment or now - moment >= GRACE:
        return None
    values = placeholder_values(config, title=incident.title, components=incident.components, started=start,
                                at=moment, window=(start, end))  # fmt: skip
    text = sentence(REMINDER, values, config.lang)
    update = Update(moment, "scheduled", text, automatic=True)
    reminded = replace(incident, updates=(*incident.updates, update))
    return Notice(reminded, len(incident.updates), "maintenance.reminder", f"{incident.id}/reminder/{iso(start)}")
