"""The rules of an incident's life, as a table, and the checks that apply them.

Pure functions over the model: the loader runs them on every file and the CLI runs them
on the file it is about to write, so a rule is enforced in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from statusgen.core.model import FINAL_STAGES, INCIDENT, MAINTENANCE, STAGES, Config, Incident
from statusgen.core.status import OPERATIONAL, rolled_up
from statusgen.core.times import iso as _iso

if TYPE_CHECKING:
    from statusgen.core.listing import Listing

# What moving from one stage to another needs.
ALLOWED = "allowed"  # forward, or another update in the same stage
BACKWARD = "backward"  # back to an earlier active stage: only with an explicit flag, recorded
REOPEN = "reopen"  # out of a final stage: only by reopening
REFUSED = "refused"

# The stage `statusgen resolve` and `statusgen reopen` move each kind to.
RESOLVING = {INCIDENT: "resolved", MAINTENANCE: "completed"}
REOPENING = {INCIDENT: "investigating", MAINTENANCE: "in_progress"}


def move(kind: str, before: str, after: str) -> str:
    """Classify the move ``before -> after`` for an incident or maintenance.

    >>> move("incident", "monitoring", "identified")
    'backward'
    """
    order = STAGES[kind]
    if before in FINAL_STAGES:
        return REFUSED if after in FINAL_STAGES else REOPEN
    if order.index(after) >= order.index(before):
        return ALLOWED
    return BACKWARD


def transition_error(
    kind: str, before: str | None, after: str, *, backward: bool = False, reopened: bool = False
) -> str | None:
    """Why an update in stage ``after`` may not follow one in ``before``, or None if it may."""
    stages = STAGES[kind]
    if after not in stages:
        return f"stage '{after}' is not valid here; {kind} stages are: {', '.join(stages)}"
    if before is None:
        if reopened or backward:
            return "the first update cannot reopen or go back"
        return None
    rule = move(kind, before, after)
    if rule == ALLOWED and not reopened and not backward:
        return None
    if rule == ALLOWED:
        flag = "reopened" if reopened else "backward"
        return f"'{flag}: true' is only for a move back; {before} -> {after} is forward"
    if rule == BACKWARD:
        if backward:
            return None
        return (
            f"stage cannot go back from {before} to {after}; "
            f"pass --backward (it is recorded as 'backward: true') if that is what happened"
        )
    if rule == REOPEN:
        if reopened:
            return None
        return f"the {kind} is {before}; run `statusgen reopen` before posting a '{after}' update"
    return f"the {kind} is already {before}; a second '{after}' update is not allowed"


@dataclass(frozen=True)
class StatusChange:
    """What one update does to an incident's components."""

    recorded: Mapping[str, str]  # the statuses the update itself writes down
    current: Mapping[str, str]  # every affected component's status as the update leaves it
    worst: Mapping[str, str]  # the top-level map: each component's worst status so far
    restored: bool = False  # a reopening that took its statuses from the resolution


def statuses_after(incident: Incident, stage: str, given: Mapping[str, str], *, reopened: bool = False) -> StatusChange:
    """The component statuses an update in ``stage`` leaves, with ``given`` set by the responder.

    Resolving returns every affected component to operational, except the ones ``given``
    leaves in another status. Reopening a resolved incident sets ``given``, or, when it names
    none, restores the statuses the components had when the incident was resolved (the file
    then records them). Any other update sets ``given`` and keeps the rest as they are. The
    worst-status map is the incident's raised by what the update records (``rolled_up``).
    The message placeholders and the written file both come from this one result.
    """
    given = dict(given)
    restored = False
    if stage in FINAL_STAGES:
        recorded = dict.fromkeys(incident.current_components(), OPERATIONAL) | given
        current = dict(recorded)
    elif reopened and incident.is_resolved:
        restored = not given
        recorded = given or incident.statuses_when_resolved()
        current = dict.fromkeys(incident.current_components(), OPERATIONAL) | recorded
    else:
        recorded = given
        current = dict(incident.current_components()) | given
    return StatusChange(recorded, current, rolled_up(incident.components, recorded), restored)


def restore_error(incident: Incident, change: StatusChange) -> str | None:
    """Why a reopening that names no components cannot be written, or None if it can: the
    resolution left every component operational, so there is nothing to restore."""
    if change.restored and not change.recorded and incident.components:
        return (
            f"every component was already operational when the {incident.kind} was {incident.stage}, "
            "so there is no status to restore; name the affected components with -c ID=STATUS"
        )
    return None


def check_incident(
    incident: Incident, config: Config, lines: dict[str, int], warnings: list[tuple[int, str]] | None = None
) -> list[tuple[int, str]]:
    """Every lifecycle rule ``incident`` breaks, as ``(line, message)`` pairs.

    ``lines`` maps top-level field names to their line in the file. Things that are allowed but
    probably wrong are appended to ``warnings`` (same form) when it is given.
    """
    problems: list[tuple[int, str]] = []
    warnings = [] if warnings is None else warnings
    rank = {s.id: s.rank for s in config.severities}
    start_line = lines.get("impact_start", lines.get("scheduled_for", 1))

    previous = None
    severity = _first_severity(incident)
    for update in incident.updates:
        error = transition_error(
            incident.kind,
            previous.stage if previous else None,
            update.stage,
            backward=update.backward,
            reopened=update.reopened,
        )
        if error:
            problems.append((update.line, error))
        if previous and update.at < previous.at:
            problems.append(
                (
                    update.line,
                    f"update at {_iso(update.at)} is earlier than the one before it ({_iso(previous.at)}); updates are append-only",
                )
            )
        if incident.kind == INCIDENT and incident.impact_start and update.at < incident.impact_start:
            problems.append(
                (update.line, f"update at {_iso(update.at)} predates impact_start ({_iso(incident.impact_start)})")
            )
        if update.severity and severity and update.severity in rank and severity in rank:
            active = previous is None or previous.stage not in FINAL_STAGES
            if rank[update.severity] > rank[severity] and active and not update.reopened:
                problems.append(
                    (
                        update.line,
                        f"severity cannot go down from {severity} to {update.severity} while the incident is active; escalate only",
                    )
                )
        if update.severity:
            severity = update.severity
        if update.stage in FINAL_STAGES:
            for cid, status in update.components.items():
                if status != OPERATIONAL:
                    warnings.append(
                        (
                            update.line,
                            f"the {incident.kind} is {update.stage} but this update leaves '{cid}' {status}; "
                            "the status page shows it operational once nothing active affects it: set it "
                            f"operational, or keep the {incident.kind} open",
                        )
                    )
        previous = update

    active = incident.kind == INCIDENT and not incident.is_resolved
    by_updates = 99 if severity is None else rank.get(severity, 99)
    if active and incident.severity in rank and rank[incident.severity] > by_updates:
        problems.append(
            (
                lines.get("severity", 1),
                f"severity {incident.severity} is lower than {severity} set by an update; severity only escalates while active",
            )
        )

    milestones = [
        ("impact_start", incident.impact_start),
        ("detected_at", incident.detected_at),
        ("acknowledged_at", incident.acknowledged_at),
        ("mitigated_at", incident.mitigated_at),
    ]
    present = [(name, value) for name, value in milestones if value is not None]
    for (first, a), (second, b) in zip(present, present[1:]):
        if b < a:
            problems.append(
                (
                    lines.get(second, start_line),
                    f"{second} ({_iso(b)}) is before {first} ({_iso(a)}); milestones go in order",
                )
            )
    resolved_at = incident.resolved_at
    if resolved_at:
        for name, value in present:
            if value > resolved_at:
                problems.append(
                    (
                        lines.get(name, 1),
                        f"{name} ({_iso(value)}) is after the incident was {incident.stage} ({_iso(resolved_at)})",
                    )
                )

    begins, ends = incident.scheduled_for, incident.scheduled_until
    if incident.is_maintenance and begins is not None and ends is not None and ends <= begins:
        problems.append((lines.get("scheduled_until", 1), "scheduled_until must be after scheduled_for"))
    return problems


def postmortem_overdue(incident: Incident | Listing, config: Config, now: datetime) -> bool:
    """True when a resolved incident of a severity that needs a postmortem has none in time
    (a Listing has all this reads)."""
    if incident.is_maintenance or incident.drill or incident.postmortem_path is not None:
        return False
    if incident.severity not in config.postmortem_severities or not incident.resolved_at:
        return False
    return now - incident.resolved_at > timedelta(hours=config.postmortem_due_hours)


def _first_severity(incident: Incident) -> str | None:
    """The severity the incident was declared with, when its first update records it."""
    return incident.updates[0].severity if incident.updates else None
