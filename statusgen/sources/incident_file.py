"""One incident file -> an Incident: every field and lifecycle rule checked, every problem
reported with its line (``path:line: what is wrong, what was expected``)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import yaml

from statusgen.core import lifecycle
from statusgen.core.errors import Problem
from statusgen.core.fields import INCIDENT_KEYS, NOT_FOR_NOTICE, NOT_IN_NOTICE_UPDATES, TIME_FIELDS, UPDATE_KEYS
from statusgen.core.model import INCIDENT, KINDS, MAINTENANCE, NOTICE, STAGES, Config, Incident, Update, frozen_map
from statusgen.core.status import COMPONENT_STATUSES, UNDER_MAINTENANCE
from statusgen.core.times import TimeError, iso, parse_time
from statusgen.sources.checker import Fields, FileCheck, line_of, suggest

ID_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
INCIDENT_FILE_SUFFIXES = (".yaml", ".yml")
POSTMORTEM_SUFFIX = ".postmortem.md"


def read_incident(
    path: Path, data: bytes, config: Config, shown: str, runbooks: set[str] | None = None
) -> tuple[Incident | None, list[Problem]]:
    """Parse and check one incident file's bytes. Returns (incident or None, problems).

    With ``runbooks`` (the known runbook names), references to others are warnings.
    """
    check = FileCheck(path, shown)
    root = check.parse(data)
    incident = None
    if root is not None:
        incident = _incident(check, root, path, config)
        if incident is not None and runbooks is not None:
            for name in incident.runbooks:
                if name not in runbooks:
                    check.warn(
                        root_line(root, "runbooks"),
                        f"runbook '{name}' not found under {config.runbooks_dir}/{suggest(name, runbooks)}",
                    )
    if check.failed:
        return None, check.problems
    return incident, check.problems


def _incident(check: FileCheck, root: yaml.Node, path: Path, config: Config) -> Incident | None:
    fields = check.mapping(root, "an incident file")
    if fields is None:
        return None
    check.known_keys(fields, INCIDENT_KEYS, "an incident")
    lines = {key: line_of(key_node) for key, (key_node, _) in fields.items()}

    def required(key: str, hint: str) -> yaml.Node | None:
        if key not in fields:
            check.error(1, f"missing required field '{key}'; expected {hint}")
            return None
        return fields[key][1]

    kind = check.choice(fields["kind"][1], "kind", KINDS) if "kind" in fields else INCIDENT
    kind = kind or INCIDENT
    incident_id = None
    node = required("id", f"the file name without .yaml: id: {path.stem}")
    if node is not None:
        incident_id = check.text(node, "id")
        if incident_id and incident_id != path.stem:
            check.error(node, f"id '{incident_id}' does not match the file name; expected id: {path.stem}")
        elif incident_id and not ID_PATTERN.match(incident_id):
            check.error(node, f"id '{incident_id}' must look like YYYY-MM-DD-short-name (lowercase, digits, '-')")
    node = required("title", "a short public title, like: title: Elevated API latency")
    title = check.text(node, "title") if node is not None else None

    severity_ids = [s.id for s in config.severities]
    severity: str | None = None
    if kind == INCIDENT:
        node = required("severity", f"one of: {', '.join(severity_ids)}")
        severity = check.choice(node, "severity", severity_ids) if node is not None else None
    elif "severity" in fields:
        severity = check.choice(fields["severity"][1], "severity", severity_ids)

    component_ids = [c.id for c in config.components]
    default_status = UNDER_MAINTENANCE if kind == MAINTENANCE else None
    components = (
        _components(check, fields["components"][1], "components", component_ids, default_status)
        if "components" in fields
        else {}
    )

    times: dict[str, datetime | None] = {}
    for name in TIME_FIELDS:
        if name in fields:
            times[name] = _time(check, fields[name][1], name)
    if kind == INCIDENT:
        if "impact_start" not in fields:
            check.error(
                1,
                "missing required field 'impact_start'; expected when customers were first affected, like 2026-11-22T14:20:00Z",
            )
        for name in ("scheduled_for", "scheduled_until"):
            if name in fields:
                check.error(fields[name][0], f"'{name}' is only for maintenance; add 'kind: maintenance' or remove it")
    elif kind == MAINTENANCE:
        for name in ("scheduled_for", "scheduled_until"):
            if name not in fields:
                check.error(1, f"maintenance needs '{name}'; expected a time like 2026-12-03T02:00:00Z")
    else:
        for name in NOT_FOR_NOTICE:
            if name in fields:
                check.error(
                    fields[name][0],
                    f"'{name}' is not for a notice (it affects no component and has no severity); "
                    "remove it, or make it 'kind: incident'",
                )

    commander = check.text(fields["commander"][1], "commander") if "commander" in fields else ""
    roles: dict[str, str] = {}
    if "roles" in fields:
        for role, (_, person) in (check.mapping(fields["roles"][1], "roles") or {}).items():
            person_name = check.text(person, f"roles.{role}")
            if person_name is not None:  # else recorded: the file is left out
                roles[role] = person_name
    runbooks = check.text_list(fields["runbooks"][1], "runbooks") if "runbooks" in fields else []
    template = check.text(fields["template"][1], "template") if "template" in fields else ""
    drill = check.boolean(fields["drill"][1], "drill") if "drill" in fields else False

    updates: list[Update] = []
    node = required("updates", "a list of updates, each with at, stage and message")
    if node is not None:
        items = check.sequence(node, "updates")
        if items is not None and not items:
            check.error(node, "updates is empty; expected at least one update")
        for item in items or []:
            if kind == NOTICE:
                _notice_update_fields(check, item)
            update = _update(check, item, kind, component_ids, default_status, severity_ids)
            if update is not None:
                updates.append(update)

    # Without an id or a title an error was recorded, so check.failed already holds.
    if check.failed or incident_id is None or title is None:
        return None
    incident = Incident(
        id=incident_id,
        title=title.strip(),
        kind=kind,
        severity=severity,
        components=frozen_map(components),
        commander=commander or "",
        roles=frozen_map(roles),
        runbooks=tuple(runbooks or ()),
        template=template or "",
        drill=bool(drill),
        updates=tuple(updates),
        path=path,
        postmortem_path=None,  # the file's postmortem is found beside it (_checked)
        **times,
    )
    warnings: list[tuple[int, str]] = []
    for line, message in lifecycle.check_incident(incident, config, lines, warnings):
        check.error(line, message)
    for line, message in warnings:
        check.warn(line, message)
    return incident


def _update(
    check: FileCheck,
    node: yaml.Node,
    kind: str,
    component_ids: list[str],
    default_status: str | None,
    severity_ids: list[str],
) -> Update | None:
    fields = check.mapping(node, "an update")
    if fields is None:
        return None
    before = len(check.problems)
    check.known_keys(fields, UPDATE_KEYS, "an update")
    for key, hint in (
        ("at", "a time like 2026-11-22T14:36:00Z"),
        ("stage", f"one of: {', '.join(STAGES[kind])}"),
        ("message", "the public text of the update"),
    ):
        if key not in fields:
            check.error(node, f"update is missing '{key}'; expected {hint}")
    at = _time(check, fields["at"][1], "at") if "at" in fields else None
    stage = check.choice(fields["stage"][1], "stage", STAGES[kind]) if "stage" in fields else None
    message = check.text(fields["message"][1], "message") if "message" in fields else None
    note = (
        check.text(fields["internal_note"][1], "internal_note", allow_empty=True) if "internal_note" in fields else ""
    )
    components = (
        _components(check, fields["components"][1], "update components", component_ids, default_status)
        if "components" in fields
        else {}
    )
    severity = check.choice(fields["severity"][1], "severity", severity_ids) if "severity" in fields else None
    backward = check.boolean(fields["backward"][1], "backward") if "backward" in fields else False
    reopened = check.boolean(fields["reopened"][1], "reopened") if "reopened" in fields else False
    next_update = _time(check, fields["next_update"][1], "next_update") if "next_update" in fields else None
    if next_update and at and next_update <= at:
        check.error(
            fields["next_update"][1],
            f"next_update ({iso(next_update)}) is not after the update's time ({iso(at)}); "
            "expected when the next update is promised",
        )
    window = _announced_window(check, node, fields)
    cancelled = check.boolean(fields["cancelled"][1], "cancelled") if "cancelled" in fields else False
    # Without at, stage or message an error was recorded, so the check above already holds.
    if any(p.is_error for p in check.problems[before:]) or at is None or stage is None or message is None:
        return None
    return Update(
        at=at,
        stage=stage,
        message=message.strip(),
        internal_note=(note or "").strip(),
        components=frozen_map(components),
        severity=severity,
        backward=bool(backward),
        reopened=bool(reopened),
        next_update=next_update,
        line=line_of(node),
        window=window,
        cancelled=bool(cancelled),
    )


def _announced_window(check: FileCheck, node: yaml.Node, fields: Fields) -> tuple[datetime, datetime] | None:
    """The maintenance window an update records (both its ends, or neither)."""
    given = [name for name in ("scheduled_for", "scheduled_until") if name in fields]
    if not given:
        return None
    if len(given) == 1:
        other = "scheduled_until" if given[0] == "scheduled_for" else "scheduled_for"
        check.error(
            fields[given[0]][0], f"update has {given[0]} without {other}; expected both ends of the window it announced"
        )
        return None
    start = _time(check, fields["scheduled_for"][1], "scheduled_for")
    end = _time(check, fields["scheduled_until"][1], "scheduled_until")
    return (start, end) if start is not None and end is not None else None


def _notice_update_fields(check: FileCheck, node: yaml.Node) -> None:
    """An error for each field a notice's update may not have (it sets no status, no
    severity, and promises no next update)."""
    if not isinstance(node, yaml.MappingNode):
        return  # _update reports it
    for key, _ in node.value:
        name = getattr(key, "value", None)
        if name in NOT_IN_NOTICE_UPDATES:
            check.error(key, f"'{name}' is not for a notice's update; a notice's updates have at, stage and message")


def _components(
    check: FileCheck, node: yaml.Node, what: str, component_ids: list[str], default_status: str | None
) -> dict[str, str]:
    """``{component: status}`` from a mapping, or from a plain list when a default exists."""
    result: dict[str, str] = {}
    pairs: list[tuple[str, yaml.Node | None]]
    if default_status and check_is_list(node):
        for item in check.text_list(node, what) or []:
            result[item] = default_status
        pairs = [(item, None) for item in result]
    else:
        items = check.mapping(node, what)
        if items is None:
            return {}
        pairs = []
        for cid, (key_node, status_node) in items.items():
            status = check.choice(status_node, f"status of '{cid}'", COMPONENT_STATUSES)
            if status is not None:  # else recorded: the incident or update is left out
                result[cid] = status
            pairs.append((cid, key_node))
    for cid, where in pairs:
        if cid not in component_ids:
            check.error(
                where or node,
                f"unknown component '{cid}'{suggest(cid, component_ids)}; expected one of: {', '.join(component_ids)}",
            )
    return result


def check_is_list(node: yaml.Node) -> bool:
    return isinstance(node, yaml.SequenceNode)


def _time(check: FileCheck, node: yaml.Node, what: str) -> datetime | None:
    text = check.text(node, what)
    if text is None:
        return None
    try:
        return parse_time(text)
    except TimeError as exc:
        check.error(node, f"{what}: {exc}")
        return None


def root_line(root: yaml.Node, key: str) -> int:
    """The line of a top-level key of a mapping node (1 when it is absent)."""
    return next((line_of(k) for k, _ in root.value if getattr(k, "value", None) == key), 1)
