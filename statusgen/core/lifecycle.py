"""The rules of an incident's life, as a table, and the checks that apply them.

Pure functions over the model: the loader runs them on every file and the CLI runs them
on the file it is about to write, so a rule is enforced in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from statusgen.core.model import FINAL_STAGES, INCIDENT, MAINTENANCE, NOTICE, STAGES, Config, Incident, Update
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
RESOLVING = {INCIDENT: "resolved", MAINTENANCE: "completed", NOTICE: "ended"}
REOPENING = {INCIDENT: "investigating", MAINTENANCE: "in_progress", NOTICE: "posted"}


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
        problems.extend((update.line, message) for message in _maintenance_update_problems(incident, previous, update))
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
    if incident.kind != INCIDENT and begins is not None and ends is not None and ends <= begins:
        problems.append(
            (
                lines.get("scheduled_until", 1),
                f"scheduled_until ({_iso(ends)}) is not after scheduled_for ({_iso(begins)}); "
                f"expected the end of the {'window' if incident.is_maintenance else 'notice'} after its start",
            )
        )
    if incident.is_maintenance and incident.window_unannounced:
        changed = "scheduled_until" if _window_differs(incident, 1) else "scheduled_for"
        warnings.append((lines.get(changed, 1), window_change_warning(incident)))
    return problems


def _maintenance_update_problems(incident: Incident, previous: Update | None, update: Update) -> list[str]:
    """What is wrong with the window an update records, its ``cancelled`` mark, or an update
    that follows a cancellation."""
    problems = []
    if previous is not None and previous.cancelled:
        problems.append(f"no update may follow a cancellation: {CANCELLED}")
    if update.cancelled:
        error = cancel_error(incident.kind, previous.stage if previous else None, update.stage)
        if error:
            problems.append(error)
    if update.window is not None:
        if incident.kind != MAINTENANCE:
            problems.append(
                f"scheduled_for and scheduled_until on an update are for maintenance; this is a {incident.kind}"
            )
        elif update.window[1] <= update.window[0]:
            problems.append(
                f"the window this update announces ends ({_iso(update.window[1])}) before it starts "
                f"({_iso(update.window[0])}); expected scheduled_until after scheduled_for"
            )
    return problems


# A cancelled maintenance stays cancelled: what happens instead is a new maintenance.
CANCELLED = (
    "the maintenance is cancelled, and a cancellation is final; schedule a new maintenance "
    "(`statusgen new --maintenance`) instead"
)


def cancel_error(kind: str, before: str | None, after: str) -> str | None:
    """Why an update moving ``before -> after`` cannot cancel a ``kind``, or None if it can:
    only a maintenance nobody has started yet is cancelled, by the update that completes it."""
    if kind != MAINTENANCE:
        return f"only a scheduled maintenance can be cancelled; this is a{'n' if kind[0] in 'aeiou' else ''} {kind}"
    if after != RESOLVING[MAINTENANCE]:
        return f"'cancelled: true' goes on the update that ends the maintenance (stage: {RESOLVING[MAINTENANCE]}), not on {after}"
    if before is None:
        return "the first update cannot cancel the maintenance; it announces it"
    if before in FINAL_STAGES:
        return f"the maintenance is already {before}; it cannot be cancelled"
    if before != "scheduled":
        return (
            f"the maintenance is {before.replace('_', ' ')}, so it has started; "
            "complete it (`statusgen resolve`) instead of cancelling"
        )
    return None


def new_window(incident: Incident, start: datetime | None, end: datetime | None) -> tuple[datetime, datetime] | None:
    """The window ``incident`` has with ``start`` and ``end`` (None: keep that end); None when
    it has no window (not a maintenance)."""
    if incident.kind != MAINTENANCE or incident.scheduled_for is None or incident.scheduled_until is None:
        return None
    return start or incident.scheduled_for, end or incident.scheduled_until


def reschedule_error(
    incident: Incident, start: datetime | None, end: datetime | None, at: datetime, *, auto_complete: bool = True
) -> str | None:
    """Why ``incident`` cannot move to a window from ``start`` to ``end`` (None: keep that end)
    at ``at``, or None if it can.

    Only a maintenance that is not completed (by a person, or at the end of its window by
    statusgen) moves; once someone started it, only its end does. The new window must end
    after it starts and after ``at``, and differ from what subscribers were last told.
    """
    window = new_window(incident, start, end)
    if window is None:
        return f"only a maintenance has a window to reschedule; this is a{'n' if incident.kind[0] in 'aeiou' else ''} {incident.kind}"
    if start is None and end is None:
        return "give the new window: --start TIME, --end TIME, or both"
    start, end = window
    if end <= start:
        return f"the new window ends ({_iso(end)}) before it starts ({_iso(start)}); expected --end after --start"
    now = incident.as_of(at, auto_complete=auto_complete)
    if now.is_cancelled:
        return CANCELLED
    if now.is_resolved:
        how = " automatically, at the end of its window" if now.updates[-1].automatic else ""
        return (
            f"the maintenance was completed{how} ({_iso(now.updates[-1].at)}); a completed maintenance cannot be "
            "rescheduled: schedule a new one (`statusgen new --maintenance`)"
        )
    if end <= at:
        return f"the new window ends ({_iso(end)}) before now ({_iso(at)}); expected an end in the future"
    if incident.stage != "scheduled" and start != incident.scheduled_for:
        return (
            f"the maintenance is {incident.stage.replace('_', ' ')} since {_iso(incident.started_at)}; "
            "only its end can move now (--end)"
        )
    if window == (incident.scheduled_for, incident.scheduled_until) and not incident.window_unannounced:
        return f"the maintenance is already scheduled for {_iso(start)} to {_iso(end)}; nothing to change"
    return None


def window_change_warning(incident: Incident) -> str:
    """What ``validate`` says of a window changed by hand without an update that announced it."""
    announced = incident.announced_window
    line = next((u.line for u in reversed(incident.updates) if u.window is not None), 0)
    start, end = incident.scheduled_for, incident.scheduled_until
    old = f"{_iso(announced[0])} to {_iso(announced[1])}" if announced else "none"
    new = f"{_iso(start)} to {_iso(end)}" if start and end else "none"
    return (
        f"the window ({new}) is not the one the updates announced ({old}, at line {line}), so subscribers, "
        f"the messages and calendars still have the old one; announce it with `statusgen reschedule {incident.id} "
        f"--start {_iso(start) if start else 'TIME'} --end {_iso(end) if end else 'TIME'}`, or add an update "
        "whose scheduled_for and scheduled_until say so"
    )


def _window_differs(incident: Incident, index: int) -> bool:
    """Whether the start (0) or end (1) of the window differs from the one last announced."""
    announced = incident.announced_window
    current = (incident.scheduled_for, incident.scheduled_until)
    return announced is not None and announced[index] != current[index]


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
