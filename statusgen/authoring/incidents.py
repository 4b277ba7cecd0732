"""Declare incidents and post their updates: the workflow behind ``statusgen new``, ``update``,
``resolve``, ``reopen``, and a maintenance's ``reschedule`` and ``cancel``, usable without the
command line.

Each action holds the repository's edit lock from reading the incident to writing it. Under
the lock it reads the incident as it is now, takes the time from ``clock`` (unless a time was
given), renders the customer message from that state and appends the update, so two
responders posting at the same moment are written one after the other, both in order. The
component statuses an update leaves come from ``core.lifecycle.statuses_after``; the message
placeholders and the written file share that one result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from statusgen.authoring import writer
from statusgen.authoring.messages import (
    DEFAULT_TEMPLATE,
    Template,
    find,
    load_templates,
    placeholder_values,
    render,
    render_message,
)
from statusgen.core import lifecycle
from statusgen.core.cadence import next_promise
from statusgen.core.errors import StatusgenError, display_path
from statusgen.core.model import INCIDENT, MAINTENANCE, STAGES, Config, Incident
from statusgen.core.status import OPERATIONAL
from statusgen.sources.checker import suggest
from statusgen.sources.lookup import DATE_PREFIX, Candidate, candidates, short_reference, similar_active

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from statusgen.authoring.alerts import Declaration as AlertDeclaration

Clock = Callable[[], datetime]  # the current time, asked for once the edit lock is held


@dataclass(frozen=True)
class Declared:
    """What ``declare`` wrote."""

    path: Path
    title: str
    kind: str
    stage: str
    promise: datetime | None  # when the first update promises the next one
    reference: str  # the shortest name the next command can use for the incident
    warnings: tuple[str, ...] = ()  # what the alert payload could not map

    @property
    def commit_message(self) -> str:
        return f"{self.kind} {self.path.stem}: {self.stage}"


@dataclass(frozen=True)
class Posted:
    """What ``post_update``, ``resolve`` or ``reopen`` wrote."""

    path: Path
    incident: Incident  # as written
    promise: datetime | None  # when this update promises the next one
    reopened: bool = False
    named: bool = False  # the responder gave component statuses
    action: str = ""  # rescheduled | cancelled: what the update did besides its stage

    @property
    def left_affected(self) -> dict[str, str]:
        """The components a resolution left in another status than operational."""
        if not self.incident.is_resolved:
            return {}
        return {cid: s for cid, s in self.incident.updates[-1].components.items() if s != OPERATIONAL}

    @property
    def reopen_summary(self) -> str:
        """One line saying which statuses a reopening set, and whether they were restored or given."""
        changes = self.incident.updates[-1].components
        shown = ", ".join(f"{cid}={status}" for cid, status in changes.items()) or "no components"
        if self.named:
            return f"reopened with the statuses given: {shown}"
        before = self.incident.updates[-2].stage
        return f"reopened with the statuses it had when {before}: {shown} (pass -c ID=STATUS to set others)"

    @property
    def commit_message(self) -> str:
        incident = self.incident
        if self.action:
            return f"{incident.kind} {incident.id}: {self.action}"
        return f"{incident.kind} {incident.id}: {incident.stage}{' (reopened)' if self.reopened else ''}"


def check_components(config: Config, components: Mapping[str, str]) -> None:
    """StatusgenError naming the first component id that ``config`` does not define."""
    known = [c.id for c in config.components]
    for cid in components:
        if cid not in known:
            raise StatusgenError(f"unknown component '{cid}'{suggest(cid, known)}; expected one of: {', '.join(known)}")


def template_for(config: Config, kind: str, name: str | None = None, message: str | None = None) -> Template | None:
    """The template a declaration of ``kind`` takes its message (and defaults) from.

    The one ``name``d, else the kind's default unless the responder wrote their own
    ``message``: then None. StatusgenError when there is no such template, or when it is for
    the other kind (a maintenance template for an incident).
    """
    if not name and message:
        return None
    template = _template(config, name or DEFAULT_TEMPLATE[kind])
    if template.kind != kind:
        raise StatusgenError(f"template '{template.name}' is for {template.kind}s; this is a {kind}")
    return template


def declare(
    config: Config,
    *,
    kind: str,
    title: str | None,
    severity: str | None,
    components: Mapping[str, str],
    clock: Clock,
    at: datetime | None = None,
    template: Template | None = None,
    template_named: bool = False,
    message: str | None = None,
    stage: str | None = None,
    impact_start: datetime | None = None,
    scheduled: tuple[datetime, datetime] | None = None,
    milestones: Mapping[str, datetime] | None = None,
    commander: str = "",
    note: str = "",
    next_minutes: int | None = None,
    alert: AlertDeclaration | None = None,
    force: bool = False,
) -> Declared:
    """Declare an incident (or schedule a maintenance): write its file with the first update.

    ``title`` defaults to the template's; the message is ``message``, else ``template``'s for
    the first stage (``stage``, default the kind's first). ``template_named``: the responder
    chose the template, so the file records it. ``at`` is the time of the first update, else
    ``clock()`` under the edit lock; ``impact_start`` defaults to it. ``alert`` (from
    ``alerts.declaration_from_file``) adds its note and runbooks. The id comes from what the
    responder typed: their title, else the template's name, else the alert's name. An active
    incident with a similar title is refused unless ``force``. Raises StatusgenError (or
    ValidationError) and writes nothing when a check fails.
    """
    slug = (
        (title if not alert or title != alert.title else None)
        or (template.name if template and template_named else None)
        or (alert.slug if alert else None)
    )
    title = title or (template.title if template else None)
    if title is None:
        raise StatusgenError(f"a {kind} needs a title: give one, or a template that has one")
    components = dict(components)
    check_components(config, components)
    stage = stage or STAGES[kind][0]
    note = "\n".join(n for n in (note, alert.note if alert else "") if n)
    with writer.locked(config):
        known = candidates(config)
        if kind == INCIDENT and not force:
            _refuse_similar(known, title)
        at = at if at is not None else clock()
        impact = impact_start or at
        promise = next_promise(config, kind, stage, severity, at, scheduled, next_minutes)
        values = _values(
            config, title=title, components=components, worst=None, started=scheduled[0] if scheduled else impact,
            at=at, promise=promise, window=scheduled,
        )  # fmt: skip
        text = message or render(template or _template(config, DEFAULT_TEMPLATE[kind]), stage, values, lang=config.lang)
        path = writer.create(
            config,
            title=title,
            slug=slug or title,
            kind=kind,
            severity=severity,
            components=components,
            message=text,
            at=at,
            stage=stage,
            impact_start=None if kind == MAINTENANCE else impact,
            scheduled=scheduled,
            milestones=dict(milestones or {}),
            commander=commander,
            template=template.name if template and template_named else "",
            note=note,
            next_update=promise,
            runbooks=alert.runbooks if alert else (),
        )
        reference = short_reference([*known, Candidate(path.stem, title, stage, True, path)], path)
    return Declared(path, title, kind, stage, promise, reference, alert.warnings if alert else ())


class UpdateOptions(TypedDict, total=False):
    """The options of ``post_update``, ``resolve`` and ``reopen``; see ``post_update``."""

    at: datetime | None
    message: str | None
    template_name: str | None
    components: Mapping[str, str] | None
    severity: str | None
    note: str
    backward: bool
    milestones: Mapping[str, datetime] | None
    next_minutes: int | None


def post_update(config: Config, path: Path, *, stage: str, clock: Clock, **options: Unpack[UpdateOptions]) -> Posted:
    """Append an update in ``stage`` to the incident in the file ``path``.

    Options (all keywords): ``at`` (the update's time; default ``clock()`` under the edit
    lock), ``message`` (default: the template's message for the stage, or its follow-up when
    the incident is already in it), ``template_name`` (default: the incident's template),
    ``components`` (statuses to set: {id: status}), ``severity`` (escalate), ``note``
    (internal), ``backward`` (allow a move back), ``milestones`` ({name: time}) and
    ``next_minutes`` (the promise of the next update; default the severity's cadence).
    Refused with StatusgenError, nothing written, when the lifecycle forbids the move or
    ``at`` is before the last update.
    """
    return _post(config, path, lambda kind: stage, clock=clock, **options)


def resolve(config: Config, path: Path, *, clock: Clock, **options: Unpack[UpdateOptions]) -> Posted:
    """Resolve the incident in the file ``path`` (complete a maintenance): every component
    returns to operational unless ``components`` leaves it in another status. Options as for
    ``post_update``."""
    return _post(config, path, lifecycle.RESOLVING.__getitem__, clock=clock, **options)


def reopen(config: Config, path: Path, *, clock: Clock, **options: Unpack[UpdateOptions]) -> Posted:
    """Reopen the resolved incident in the file ``path`` with a new first-stage update marked
    as reopened. Without ``components`` the statuses at the resolution are restored (and
    written down); StatusgenError when the resolution left none to restore. Options as for
    ``post_update``; the message comes from the incident's template."""
    return _post(config, path, lifecycle.REOPENING.__getitem__, clock=clock, reopened=True, **options)


def _post(
    config: Config,
    path: Path,
    stage_of: Callable[[str], str],
    *,
    clock: Clock,
    at: datetime | None = None,
    message: str | None = None,
    template_name: str | None = None,
    components: Mapping[str, str] | None = None,
    severity: str | None = None,
    note: str = "",
    backward: bool = False,
    reopened: bool = False,
    milestones: Mapping[str, datetime] | None = None,
    next_minutes: int | None = None,
) -> Posted:
    """Shared body of post_update, resolve and reopen; ``stage_of`` gives the stage for a kind."""
    given = dict(components or {})
    check_components(config, given)
    with writer.locked(config):
        old_text, current = writer.read_current(config, path)
        if current.is_cancelled:
            raise StatusgenError(f"{display_path(path, config.root)}: {lifecycle.CANCELLED}")
        stage = stage_of(current.kind)
        at = at if at is not None else clock()
        change = lifecycle.statuses_after(current, stage, given, reopened=reopened)
        window = _window(current)
        promise = next_promise(config, current.kind, stage, severity or current.severity, at, window, next_minutes)
        began = current.is_maintenance and stage == "in_progress" and not current.is_active
        values = _values(
            config, title=current.title, components=change.current, worst=change.worst,
            started=at if began else current.started_at, at=at, promise=promise, window=window,
        )  # fmt: skip
        if not message:
            template = _template(config, template_name or current.template or DEFAULT_TEMPLATE[current.kind])
            follow_up = stage == current.stage and not reopened
            message = render(template, stage, values, follow_up=follow_up, lang=config.lang)
        incident = writer.append(
            config, path, old_text, current, change, stage=stage, message=message, at=at, severity=severity,
            note=note or "", backward=backward, reopened=reopened, milestones=dict(milestones or {}),
            next_update=promise,
        )  # fmt: skip
    return Posted(path, incident, promise, reopened, bool(given))


def reschedule(
    config: Config,
    path: Path,
    *,
    clock: Clock,
    start: datetime | None = None,
    end: datetime | None = None,
    at: datetime | None = None,
    message: str | None = None,
    template_name: str | None = None,
    note: str = "",
    next_minutes: int | None = None,
) -> Posted:
    """Move the window of the maintenance in the file ``path`` to ``start``..``end`` (either
    may be None: that end stays) and post an update that says so, in one write.

    The message is ``message``, else the template's ``rescheduled`` message (statusgen's own
    when the template has none), with ``{window}`` the new window and ``{previous_window}`` the
    one subscribers were told last. The update records the window it announced, so
    ``validate`` can tell a window changed by hand from one announced. Refused with
    StatusgenError, nothing written, for an incident, a completed or cancelled maintenance, a
    window that ends before it starts or before now, or a start moved after work began
    (``core.lifecycle.reschedule_error``). Other arguments as for ``post_update``.
    """
    with writer.locked(config):
        old_text, current = writer.read_current(config, path)
        at = at if at is not None else clock()
        auto = config.maintenance_auto_complete
        error = lifecycle.reschedule_error(current, start, end, at, auto_complete=auto)
        window = lifecycle.new_window(current, start, end)
        if error or window is None:
            raise StatusgenError(f"{display_path(path, config.root)}: {error}")
        change = lifecycle.statuses_after(current, current.stage, {})
        promise = next_promise(config, current.kind, current.stage, current.severity, at, window, next_minutes)
        if not message:
            values = _values(
                config, title=current.title, components=change.current, worst=change.worst,
                started=current.started_at, at=at, promise=promise, window=window,
                previous_window=current.announced_window or _window(current),
            )  # fmt: skip
            template = _incident_template(config, current, template_name)
            message = render_message(template, "rescheduled", values, config.lang)
        incident = writer.append(
            config, path, old_text, current, change, stage=current.stage, message=message, at=at, note=note,
            next_update=promise, window=window,
        )  # fmt: skip
    return Posted(path, incident, promise, action="rescheduled")


def cancel(
    config: Config,
    path: Path,
    *,
    clock: Clock,
    at: datetime | None = None,
    message: str | None = None,
    template_name: str | None = None,
    note: str = "",
) -> Posted:
    """Call off the maintenance in the file ``path`` before it starts: a final update (stage
    completed, marked ``cancelled: true``) with ``message``, else the template's ``cancelled``
    message. Its calendar event is then cancelled and it never counts as downtime. Refused
    with StatusgenError, nothing written, for an incident or a maintenance someone started,
    completed or cancelled (``core.lifecycle.cancel_error``).
    """
    with writer.locked(config):
        old_text, current = writer.read_current(config, path)
        where = display_path(path, config.root)
        if current.is_cancelled:
            raise StatusgenError(f"{where}: {lifecycle.CANCELLED}")
        stage = lifecycle.RESOLVING[MAINTENANCE]
        error = lifecycle.cancel_error(current.kind, current.stage, stage)
        if error:
            raise StatusgenError(f"{where}: {error}")
        at = at if at is not None else clock()
        change = lifecycle.statuses_after(current, stage, {})
        if not message:
            values = _values(
                config, title=current.title, components=change.current, worst=change.worst,
                started=current.started_at, at=at, promise=None, window=_window(current),
            )  # fmt: skip
            template = _incident_template(config, current, template_name)
            message = render_message(template, "cancelled", values, config.lang)
        incident = writer.append(
            config, path, old_text, current, change, stage=stage, message=message, at=at, note=note, cancelled=True
        )
    return Posted(path, incident, None, action="cancelled")


def _incident_template(config: Config, incident: Incident, name: str | None) -> Template:
    """The template named ``name``, else the incident's own, else its kind's default."""
    return _template(config, name or incident.template or DEFAULT_TEMPLATE[incident.kind])


def _template(config: Config, name: str) -> Template:
    """The template called ``name`` (built-in or the team's), or StatusgenError."""
    templates, _ = load_templates(config)
    return find(templates, name)


def _window(incident: Incident) -> tuple[datetime, datetime] | None:
    """A maintenance's window (the loader refuses a maintenance without both times); None for an incident."""
    if incident.is_maintenance and incident.scheduled_for is not None and incident.scheduled_until is not None:
        return incident.scheduled_for, incident.scheduled_until
    return None


def _values(
    config: Config,
    *,
    title: str,
    components: Mapping[str, str],
    worst: Mapping[str, str] | None,
    started: datetime,
    at: datetime,
    promise: datetime | None,
    window: tuple[datetime, datetime] | None,
    previous_window: tuple[datetime, datetime] | None = None,
) -> dict[str, str]:
    """The placeholder values of an update posted at ``at`` that promises the next by ``promise``."""
    return placeholder_values(
        config, title=title, components=components, worst=worst, started=started, at=at,
        next_update=(promise - at) if promise else timedelta(minutes=30), window=window or None,
        previous_window=previous_window,
    )  # fmt: skip


def _refuse_similar(known: list[Candidate], title: str) -> None:
    """StatusgenError when an active incident among ``known`` has a title like ``title``."""
    other = similar_active(known, title)
    if other is not None:
        raise StatusgenError(
            f"an active incident has a similar title: {other.describe()}. Update it instead "
            f"(`statusgen update {DATE_PREFIX.sub('', other.id)} --stage ...`), or pass --force to declare "
            "a second incident"
        )
