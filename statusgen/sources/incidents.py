"""Files -> model. Reads every incident file, checks every field and rule, and reports
every problem in every file at once as ``path:line: message``.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import yaml

from statusgen.cache.parsed import IncidentCache, lookup_fields
from statusgen.core import lifecycle
from statusgen.core.errors import Problem, display_path
from statusgen.core.fields import INCIDENT_KEYS, TIME_FIELDS, UPDATE_KEYS
from statusgen.core.listing import Listing
from statusgen.core.model import INCIDENT, KINDS, MAINTENANCE, STAGES, Config, Incident, Update, frozen_map
from statusgen.core.status import COMPONENT_STATUSES, UNDER_MAINTENANCE
from statusgen.core.times import TimeError, iso, parse_time
from statusgen.sources.checker import FileCheck, line_of, suggest
from statusgen.sources.config import load_config
from statusgen.sources.files import file_limit, read_source, source_files

ID_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
INCIDENT_FILE_SUFFIXES = (".yaml", ".yml")
POSTMORTEM_SUFFIX = ".postmortem.md"
# The keys of an incident file and of an update come from fields.py, which `statusgen schema` reads too.


def load_incidents(config: Config, now: datetime) -> tuple[list[Incident], list[Problem]]:
    """Every incident (newest first), each with its postmortem file, and every problem found;
    files with errors are left out."""
    postmortems, problems, parsed = parse_incident_files(config)
    incidents = _checked(parsed, postmortems, config, now, problems)
    incidents.sort(key=lambda i: (i.started_at, i.id), reverse=True)
    return incidents, problems


def load_listings(root: Path, *, now: datetime, config: Config | None = None) -> tuple[list[Listing], list[Problem]]:
    """What ``list``, ``due`` and ``validate`` need of every incident (statusgen/core/listing.py),
    newest first, with every problem ``load_incidents`` reports; from the parse cache's small
    index, so no incident is decoded when the files are unchanged."""
    config = config or load_config(root)
    postmortems, problems, cache, files = _cached_files(config)
    items = []
    for path, shown, info, entry in files:
        entry = _indexed(cache, config, path, shown, info, entry, problems)
        if entry is not None:
            items.append((path, shown, *cache.listing(entry, path)))
    cache.save()
    listings = _checked(items, postmortems, config, now, problems)
    listings.sort(key=lambda i: (i.started_at, i.id), reverse=True)
    return listings, problems


def _checked(items, postmortems: set[Path], config: Config, now: datetime, problems: list[Problem]) -> list:
    """The incidents (or listings) of ``items`` that may be used, each with its postmortem
    file; their problems, duplicate ids and the checks that need "now" go to ``problems``."""
    kept = []
    first_seen: dict[str, str] = {}
    for path, shown, incident, file_problems in items:
        problems.extend(file_problems)
        if incident is None:
            continue
        if incident.id in first_seen:
            problems.append(Problem(shown, 1, f"duplicate id '{incident.id}'; also used by {first_seen[incident.id]}"))
            continue
        first_seen[incident.id] = shown
        postmortem = path.with_name(incident.id + POSTMORTEM_SUFFIX)
        if postmortem in postmortems:
            incident = replace(incident, postmortem_path=postmortem)
        problems.extend(_repository_checks(incident, config, now, shown))
        kept.append(incident)
    return kept


def parse_incident_files(config: Config) -> tuple[set[Path], list[Problem], list[tuple]]:
    """Every incident file parsed and checked on its own, through the parse cache.

    Returns the postmortem files, the problems of files that cannot be read, and per readable
    file ``(path, shown path, incident or None, its problems)``.
    """
    postmortems, problems, cache, files = _cached_files(config)
    parsed = []
    for path, shown, info, entry in files:
        data = None
        if entry is not None:
            digest = entry[0]
        else:
            data = _read(path, shown, config, problems)
            if data is None:
                continue
            digest = hashlib.sha256(data).hexdigest()
        result = cache.get(shown, digest, path)
        if result is None:
            if data is None:  # indexed, but not in the large file (a lookup indexed it)
                data = _read(path, shown, config, problems)
                if data is None:
                    continue
                digest = hashlib.sha256(data).hexdigest()
            result = read_incident(path, data, config, shown, cache.runbooks)
            cache.put(shown, digest, result)
        if entry is None or entry[0] != digest:
            cache.remember(shown, info, digest, result)
        parsed.append((path, shown, *result))
    cache.save()
    return postmortems, problems, parsed


def incident_summaries(config: Config) -> list[tuple[Path, tuple[str, str, str, bool] | None]]:
    """Per incident file, ``(id, title, stage, active)`` (None for a file with errors or one
    that cannot be read), from the parse cache's small index: an id lookup at 10,000 incidents
    decodes no incident."""
    _, _, cache, files = _cached_files(config)
    found = []
    for path, shown, info, entry in files:
        entry = _indexed(cache, config, path, shown, info, entry, [])
        found.append((path, lookup_fields(entry[1]) if entry is not None and entry[1] is not None else None))
    cache.save()
    return found


def _indexed(cache: IncidentCache, config: Config, path: Path, shown: str, info, entry, problems) -> list | None:
    """A file's index entry: the one the cache holds for its metadata, else the file read,
    parsed and indexed now; None (with the reason in ``problems``) when it may not be read."""
    if entry is not None:
        return entry
    data = _read(path, shown, config, problems)
    if data is None:
        return None
    result = read_incident(path, data, config, shown, cache.runbooks)
    return cache.remember(shown, info, hashlib.sha256(data).hexdigest(), result)


def _read(path: Path, shown: str, config: Config, problems: list[Problem]) -> bytes | None:
    """The bytes of an incident file, or None with the reason it may not be read in ``problems``."""
    data, refused = read_source(path, config.root, file_limit(config))
    if refused:
        problems.append(Problem(shown, 0, refused))
    return data


def _cached_files(config: Config):
    """The incident files with their metadata and, when it says they are unchanged, their
    index entry: ``(postmortems, problems, cache, [(path, shown, stat or None, entry or None)])``."""
    root = config.root
    incidents_dir = config.incidents_path
    shown_dir = display_path(incidents_dir, root)
    paths, postmortems, problems = scan_incidents(config, shown_dir)
    cache = IncidentCache(root, config, runbook_names(root / config.runbooks_dir))
    limit = file_limit(config)
    base = len(str(incidents_dir)) + 1
    files = []
    for path in paths:
        shown = f"{shown_dir}/{str(path)[base:].replace(os.sep, '/')}"
        try:
            info = os.stat(path)  # before any read, so a change while reading shows next time
        except OSError:
            info = None
        usable = info is not None and stat.S_ISREG(info.st_mode) and info.st_size <= limit
        files.append((path, shown, info if usable else None, cache.known(shown, info) if usable else None))
    return postmortems, problems, cache, files


def scan_incidents(config: Config, shown_dir: str | None = None) -> tuple[list[Path], set[Path], list[Problem]]:
    """Incident files (sorted), postmortem files, and a Problem for each file under the
    incidents folder that must not be read (links out of the repository, special files)."""
    directory = config.incidents_path
    shown_dir = shown_dir or display_path(directory, config.root)
    found, problems = source_files(directory, config.root, (*INCIDENT_FILE_SUFFIXES, POSTMORTEM_SUFFIX), shown_dir)
    paths = [p for p in found if not p.name.endswith(POSTMORTEM_SUFFIX)]
    postmortems = {p for p in found if p.name.endswith(POSTMORTEM_SUFFIX)}
    return paths, postmortems, problems


def runbook_names(directory: Path) -> set[str]:
    if not directory.is_dir():
        return set()
    return {name[:-3] for _, _, names in os.walk(directory) for name in names if name.endswith(".md")}


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


def _incident(check: FileCheck, root, path: Path, config: Config) -> Incident | None:
    fields = check.mapping(root, "an incident file")
    if fields is None:
        return None
    check.known_keys(fields, INCIDENT_KEYS, "an incident")
    lines = {key: line_of(key_node) for key, (key_node, _) in fields.items()}

    def value(key):
        return fields[key][1] if key in fields else None

    def required(key, hint):
        if key not in fields:
            check.error(1, f"missing required field '{key}'; expected {hint}")
            return None
        return fields[key][1]

    kind = check.choice(value("kind"), "kind", KINDS) if "kind" in fields else INCIDENT
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
    severity = None
    if kind == INCIDENT:
        node = required("severity", f"one of: {', '.join(severity_ids)}")
        severity = check.choice(node, "severity", severity_ids) if node is not None else None
    elif "severity" in fields:
        severity = check.choice(value("severity"), "severity", severity_ids)

    component_ids = [c.id for c in config.components]
    default_status = UNDER_MAINTENANCE if kind == MAINTENANCE else None
    components = (
        _components(check, value("components"), "components", component_ids, default_status)
        if "components" in fields
        else {}
    )

    times = {}
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
    else:
        for name in ("scheduled_for", "scheduled_until"):
            if name not in fields:
                check.error(1, f"maintenance needs '{name}'; expected a time like 2026-12-03T02:00:00Z")

    commander = check.text(value("commander"), "commander") if "commander" in fields else ""
    roles = {}
    if "roles" in fields:
        items = check.mapping(value("roles"), "roles") or {}
        for role, (_, person) in items.items():
            roles[role] = check.text(person, f"roles.{role}")
    runbooks = check.text_list(value("runbooks"), "runbooks") if "runbooks" in fields else []
    template = check.text(value("template"), "template") if "template" in fields else ""
    drill = check.boolean(value("drill"), "drill") if "drill" in fields else False

    updates = []
    node = required("updates", "a list of updates, each with at, stage and message")
    if node is not None:
        items = check.sequence(node, "updates")
        if items is not None and not items:
            check.error(node, "updates is empty; expected at least one update")
        for item in items or []:
            update = _update(check, item, kind, component_ids, default_status, severity_ids)
            if update is not None:
                updates.append(update)

    if check.failed:
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
        **times,
    )
    warnings: list[tuple[int, str]] = []
    for line, message in lifecycle.check_incident(incident, config, lines, warnings):
        check.error(line, message)
    for line, message in warnings:
        check.warn(line, message)
    return incident


def _update(check: FileCheck, node, kind, component_ids, default_status, severity_ids) -> Update | None:
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
    if any(p.is_error for p in check.problems[before:]):
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
    )


def _components(check: FileCheck, node, what, component_ids, default_status) -> dict[str, str]:
    """``{component: status}`` from a mapping, or from a plain list when a default exists."""
    result = {}
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
            result[cid] = status
            pairs.append((cid, key_node))
    for cid, key_node in pairs:
        if cid not in component_ids:
            check.error(
                key_node or node,
                f"unknown component '{cid}'{suggest(cid, component_ids)}; expected one of: {', '.join(component_ids)}",
            )
    return result


def check_is_list(node) -> bool:
    return isinstance(node, yaml.SequenceNode)


def _time(check: FileCheck, node, what: str) -> datetime | None:
    text = check.text(node, what)
    if text is None:
        return None
    try:
        return parse_time(text)
    except TimeError as exc:
        check.error(node, f"{what}: {exc}")
        return None


def root_line(root, key: str) -> int:
    """The line of a top-level key of a mapping node (1 when it is absent)."""
    return next((line_of(k) for k, _ in root.value if getattr(k, "value", None) == key), 1)


def _repository_checks(incident: Incident, config: Config, now: datetime, shown: str) -> list[Problem]:
    """Checks that need more than the file: postmortems that are due."""
    problems = []
    if lifecycle.postmortem_overdue(incident, config, now):
        hours = config.postmortem_due_hours
        problems.append(
            Problem(
                shown,
                1,
                f"{incident.severity} resolved more than {hours} h ago has no postmortem; "
                f"run `statusgen postmortem {incident.id}` to start {incident.id}{POSTMORTEM_SUFFIX}",
                "warning",
            )
        )
    return problems
