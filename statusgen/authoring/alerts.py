"""Declare an incident from a Prometheus Alertmanager webhook payload (``statusgen new --from-alert``).

The payload is what Alertmanager POSTs to a webhook receiver (version "4")::

    {"version": "4", "status": "firing", "receiver": "...", "externalURL": "...",
     "groupLabels": {...}, "commonLabels": {...}, "commonAnnotations": {...},
     "alerts": [{"status": "firing", "labels": {"alertname": ..., ...},
                 "annotations": {"summary": ...}, "startsAt": "2026-11-22T15:58:12.345Z",
                 "generatorURL": "..."}]}

Only firing alerts count. How they map, and the defaults (``alertmanager`` in mkdocs.yml)::

    alertmanager:
      component_labels: [component, service]   # labels whose value names a component
      components: {ledger-api: api}            # label values that are not component ids
      severities: {critical: SEV2, warning: SEV3, info: SEV4}    # the alert's `severity` label
      statuses: {critical: partial_outage, warning: degraded_performance, info: degraded_performance}

A critical alert declares a SEV2, not a SEV1: severity only goes up while an incident is
active, so the responder escalates (`statusgen update ID -s SEV1`) once the impact is known,
and an automatic declaration never overstates it. A label ``component_status`` on an alert
sets its component's status directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from statusgen.core.errors import Problem, ValidationError
from statusgen.core.model import Config
from statusgen.core.status import COMPONENT_STATUSES, STATUS_RANK, status_label, worst_status
from statusgen.core.text import printable
from statusgen.core.times import TimeError
from statusgen.sources.checker import suggest

DEFAULT_COMPONENT_LABELS = ("component", "service")
DEFAULT_SEVERITIES = {"critical": "SEV2", "page": "SEV2", "error": "SEV3", "warning": "SEV3", "info": "SEV4"}
DEFAULT_STATUSES = {
    "critical": "partial_outage", "page": "partial_outage", "error": "partial_outage",
    "warning": "degraded_performance", "info": "degraded_performance",
}  # fmt: skip
RFC3339 = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)\Z")
# Limits: what a payload may be, and how much of it an incident file keeps (it must stay far
# below max_file_kb, so validate and build accept it).
MAX_PAYLOAD_BYTES = 16 * 1024 * 1024
MAX_DIGITS = 40  # a JSON number with more digits is no count Alertmanager sends
TITLE_LIMIT = 200  # characters of a title made from many component names
NOTE_ALERTS = 50  # alerts listed in the internal note; the rest are counted
NOTE_LINE_LIMIT = 1000  # characters of one alert's line in the note
SHOWN_LIMIT = 60  # characters of a value quoted in an error message
MAX_PROBLEMS = 50  # problems listed; the rest are counted
MAX_WARNINGS = 10  # alerts without a runbook named; the rest are counted
FIRST_YEAR, LAST_YEAR = 1970, 9998  # of startsAt (in UTC)
STATUSES = ("firing", "resolved")
TEXT_FIELDS = ("receiver", "groupKey", "externalURL")  # top-level strings, when present
TEXT_MAPS = ("groupLabels", "commonLabels", "commonAnnotations")  # top-level {string: string}
ALERT_TEXT_FIELDS = ("generatorURL", "fingerprint")


@dataclass(frozen=True)
class Declaration:
    """What a payload says about the incident to declare."""

    alertname: str
    title: str
    severity: str | None
    components: dict[str, str]
    impact_start: datetime
    runbooks: tuple[str, ...] = ()
    note: str = ""
    slug: str = ""
    warnings: tuple[str, ...] = field(default=())
    template: str | None = None  # the message template ``alertmanager.templates`` picks


class _TooManyDigits(ValueError):
    pass


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _TooManyDigits(text)
    return int(text)


def read_payload(path: Path, shown: str) -> dict[str, Any]:
    """The payload's JSON, checked against Alertmanager's webhook shape (version 4): its types,
    its times and its size. ValidationError listing every problem (``file:line: ...``)."""

    def refuse(line: int, message: str) -> ValidationError:
        return ValidationError([Problem(shown, line, message)])

    expected = "expected an Alertmanager webhook payload (JSON)"
    try:
        size = path.stat().st_size
        if size > MAX_PAYLOAD_BYTES:
            raise refuse(0, f"is {size:,} bytes; {expected} of at most {MAX_PAYLOAD_BYTES:,} bytes")
        data = json.loads(path.read_bytes().decode("utf-8-sig"), parse_int=_int)
    except UnicodeDecodeError:
        raise refuse(0, "not UTF-8 text; expected an Alertmanager webhook payload (JSON)") from None
    except json.JSONDecodeError as exc:
        raise refuse(exc.lineno, f"not JSON: {exc.msg}; expected an Alertmanager webhook payload") from None
    except _TooManyDigits as exc:
        raise refuse(0, f"holds a number of {len(str(exc))} digits; {expected}") from None
    except RecursionError:
        raise refuse(0, f"is nested too deeply to read; {expected}") from None
    except ValueError as exc:  # anything else json cannot turn into Python values
        raise refuse(0, f"cannot be read ({type(exc).__name__}); {expected}") from None
    except OSError as exc:
        raise refuse(0, f"cannot be read: {exc.strerror or type(exc).__name__}") from None
    problems = payload_problems(data)
    if problems:
        raise ValidationError([Problem(shown, 0, message) for message in _capped(problems)])
    payload: dict[str, Any] = data  # a JSON object, checked above
    return payload


def payload_problems(data: object) -> list[str]:
    """Everything in ``data`` that is not Alertmanager's webhook payload, version 4: ``{"version":
    "4", "status": "firing"|"resolved", "receiver": str, "groupLabels"/"commonLabels"/
    "commonAnnotations": {str: str}, "externalURL": str, "alerts": [{"status", "labels": {str:
    str}, "annotations": {str: str}, "startsAt": RFC 3339 time, "endsAt", "generatorURL",
    "fingerprint"}]}``. The fields statusgen reads are required (version, alerts, each alert's
    labels and startsAt); the others are checked when present."""
    if not isinstance(data, dict):
        return [f"the payload is {_kind(data)}; expected a JSON object with 'alerts' (Alertmanager's webhook payload)"]
    problems: list[str] = []
    version = data.get("version")
    if isinstance(version, (dict, list)) or str(version) != "4":
        problems.append(f'version is {_shown(version)}; expected "4" (Alertmanager\'s webhook payload)')
    status = data.get("status")
    if status is not None and status not in STATUSES:
        problems.append(f'status is {_shown(status)}; expected "firing" or "resolved"')
    for key in TEXT_FIELDS:
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(f"'{key}' is {_kind(data[key])}; expected text")
    truncated = data.get("truncatedAlerts")
    if truncated is not None and (not isinstance(truncated, int) or isinstance(truncated, bool) or truncated < 0):
        problems.append(f"'truncatedAlerts' is {_shown(truncated)}; expected a count (0 or more)")
    for key in TEXT_MAPS:
        if data.get(key) is not None:
            problems.extend(_map_problems(data[key], f"'{key}'"))
    alerts = data.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        problems.append("'alerts' must be a non-empty list of alerts")
        return problems
    for number, alert in enumerate(alerts, 1):
        if not isinstance(alert, dict) or not isinstance(alert.get("labels"), dict):
            problems.append(f"alert {number} has no 'labels' object")
            continue
        problems.extend(_map_problems(alert["labels"], f"alert {number}: 'labels'"))
        name = alert["labels"].get("alertname", "?")
        where = f"alert {number} ({_cut(name, SHOWN_LIMIT) if isinstance(name, str) else '?'})"
        if alert.get("annotations") is not None:
            problems.extend(_map_problems(alert["annotations"], f"{where}: 'annotations'"))
        if alert.get("status") is not None and alert["status"] not in STATUSES:
            problems.append(f'{where}: status is {_shown(alert["status"])}; expected "firing" or "resolved"')
        for key in ALERT_TEXT_FIELDS:
            if alert.get(key) is not None and not isinstance(alert[key], str):
                problems.append(f"{where}: '{key}' is {_kind(alert[key])}; expected text")
        starts = alert.get("startsAt")
        why = _time_problem(starts)
        if why is not None:
            problems.append(f"{where}: startsAt {_shown(starts)} is not a time like 2026-11-22T15:58:12Z{why}")
        ends = alert.get("endsAt")
        if ends is not None and (not isinstance(ends, str) or RFC3339.match(ends) is None):
            problems.append(f"{where}: endsAt {_shown(ends)} is not a time like 2026-11-22T16:58:12Z")
    return problems


def _map_problems(value: object, what: str) -> list[str]:
    """A labels or annotations map: a JSON object of text values."""
    if not isinstance(value, dict):
        return [f"{what} is {_kind(value)}; expected an object of names and text values"]
    wrong = [(key, item) for key, item in value.items() if not isinstance(item, str)]
    if not wrong:
        return []
    key, item = wrong[0]
    more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
    return [f"{what}: '{_cut(key, SHOWN_LIMIT)}' is {_kind(item)}{more}; expected text"]


def _time_problem(value: object) -> str | None:
    """None when ``value`` is an RFC 3339 time statusgen can use, else why not (``: ...``, or
    an empty string when the form is wrong)."""
    if not isinstance(value, str) or RFC3339.match(value) is None:
        return ""
    try:
        moment = _time(value).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return ": no such date or time, or out of range"
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return f": out of range; expected a time in the years {FIRST_YEAR}..{LAST_YEAR}"
    return None


def _capped(problems: list[str]) -> list[str]:
    """``problems`` without repeats, at most MAX_PROBLEMS of them (the last counting the rest)."""
    unique = list(dict.fromkeys(problems))
    if len(unique) <= MAX_PROBLEMS:
        return unique
    return [*unique[: MAX_PROBLEMS - 1], f"... and {len(unique) - MAX_PROBLEMS + 1:,} more problems like these"]


def _kind(value: object) -> str:
    """What a JSON value is, for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def _shown(value: object) -> str:
    """A value quoted in an error message: short, and printable on a terminal."""
    if isinstance(value, (dict, list)):
        return _kind(value)
    return printable(_cut(repr(value), SHOWN_LIMIT))


def declaration(payload: dict[str, Any], config: Config, runbook_alerts: Mapping[str, str], shown: str) -> Declaration:
    """The incident ``payload`` (checked by ``read_payload``) describes, mapped with
    ``config.alertmanager``.

    ``runbook_alerts`` maps an alert name to the runbook that lists it. Raises ValidationError
    listing everything that cannot be mapped. Text taken from the payload is cut to what an
    incident file keeps (the note to NOTE_ALERTS alerts),
    and the note says what was cut.
    """
    settings = config.alertmanager or {}
    labels_to_try = tuple(settings.get("component_labels") or DEFAULT_COMPONENT_LABELS)
    component_map = _label_map(settings, "components")
    severity_map = DEFAULT_SEVERITIES | _label_map(settings, "severities")
    status_map = DEFAULT_STATUSES | _label_map(settings, "statuses")
    known = [c.id for c in config.components]
    severity_ids = [s.id for s in config.severities]
    rank = {s.id: s.rank for s in config.severities}

    firing = [a for a in payload["alerts"] if a.get("status", payload.get("status", "firing")) == "firing"]
    if not firing:
        raise ValidationError([Problem(shown, 0, "no alert in the payload is firing; there is nothing to declare")])
    problems: list[str] = []
    components: dict[str, str] = {}
    severities: list[str] = []
    starts: list[datetime] = []
    runbooks: list[str] = []
    for alert in firing:
        labels = {str(k): str(v) for k, v in alert["labels"].items()}
        alertname = labels.get("alertname", "?")
        name = _brief(alertname)
        level = labels.get("severity", "").lower()
        starts.append(_time(alert["startsAt"]))
        if level:
            if level in severity_map and severity_map[level] in severity_ids:
                severities.append(severity_map[level])
            elif level.upper() in severity_ids:
                severities.append(level.upper())
            else:
                problems.append(
                    f"alert {name}: severity label '{_brief(level)}' maps to no severity; expected one of: "
                    f"{', '.join(sorted(severity_map))}, or map it in mkdocs.yml (alertmanager: severities: "
                    f"{{{_brief(level)}: SEV3}})"
                )
        status = labels.get("component_status") or status_map.get(level, "partial_outage")
        if status not in COMPONENT_STATUSES:
            problems.append(
                f"alert {name}: component_status '{_brief(status)}'{_suggest(status, COMPONENT_STATUSES)} is not a "
                f"component status; expected one of: {', '.join(COMPONENT_STATUSES)}"
            )
            continue
        found = _components(labels, labels_to_try, component_map, known)
        if not found:
            tried = (
                ", ".join(f"{k}={_brief(labels[k])}" for k in labels_to_try if k in labels) or "none of them present"
            )
            values = [labels[k] for k in labels_to_try if k in labels]
            hint = next((_suggest(v, known) for v in values if _suggest(v, known)), "")
            problems.append(
                f"alert {name}: no label names a status page component (looked at {', '.join(labels_to_try)}: "
                f"{tried}){hint}; expected one of: {', '.join(known)}, or map a label value in mkdocs.yml "
                "(alertmanager: components: {VALUE: COMPONENT})"
            )
        for cid in found:
            if STATUS_RANK[status] > STATUS_RANK.get(components.get(cid, "operational"), 0):
                components[cid] = status
        if alertname in runbook_alerts and runbook_alerts[alertname] not in runbooks:
            runbooks.append(runbook_alerts[alertname])
    if problems:
        raise ValidationError([Problem(shown, 0, message) for message in _capped(problems)])

    first = firing[0]
    alertname = str(first["labels"].get("alertname", "alert"))
    cut: list[str] = []
    names = dict.fromkeys(str(a["labels"].get("alertname", "?")) for a in firing)
    missing = [name for name in names if name not in runbook_alerts]
    warnings = [
        f"alert {_brief(name)} has no runbook; list it under 'alerts' in one" for name in missing[:MAX_WARNINGS]
    ]
    if len(missing) > MAX_WARNINGS:
        warnings.append(f"{len(missing) - MAX_WARNINGS} more alerts have no runbook")
    note = _note(payload, firing, cut)  # first: it says what it cut, and the warnings repeat that
    warnings.extend(f"cut: {line}" for line in cut)
    slug = words(_cut(alertname, TITLE_LIMIT))
    return Declaration(
        template=chosen_template(firing, _label_map(settings, "templates")),
        alertname=alertname,
        title=public_title(components, config),
        severity=min(severities, key=rank.__getitem__) if severities else None,
        components=components,
        impact_start=min(starts),
        runbooks=tuple(runbooks),
        note=note,
        slug=slug,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def declaration_from_file(config: Config, path: Path) -> Declaration:
    """The incident the Alertmanager payload in the file ``path`` describes: ``declaration``
    with the runbooks that list the firing alerts (ValidationError when it cannot be mapped)."""
    from statusgen.sources.runbooks import load_runbooks

    payload = read_payload(path, str(path))
    runbooks, _ = load_runbooks(config)
    alerts = {alert: runbook.name for runbook in runbooks for alert in runbook.alerts}
    return declaration(payload, config, alerts, str(path))


def chosen_template(firing: list[dict[str, Any]], templates: Mapping[str, str]) -> str | None:
    """The template ``alertmanager.templates`` maps the first firing alert it can to: by the
    alert's name, else by one of its labels written ``label=value``; None when none is mapped."""
    for alert in firing:
        labels = {str(k): str(v) for k, v in alert["labels"].items()}
        if labels.get("alertname") in templates:
            return templates[labels["alertname"]]
        for key, value in labels.items():
            if f"{key}={value}" in templates:
                return templates[f"{key}={value}"]
    return None


def words(name: str) -> str:
    """``APIHighLatencyP95`` -> ``API High Latency P95`` (so the id reads api-high-latency-p95)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name).replace("_", " ").strip()


def _label_map(settings: Mapping[str, tuple[str, ...] | Mapping[str, str]], key: str) -> dict[str, str]:
    """One of the ``alertmanager`` option's maps of label values (``components``, ``severities``,
    ``statuses``); empty when it is not set."""
    mapped = settings.get(key)
    return dict(mapped) if isinstance(mapped, Mapping) else {}


def _components(
    labels: Mapping[str, str], labels_to_try: tuple[str, ...], component_map: Mapping[str, str], known: list[str]
) -> list[str]:
    found: list[str] = []
    for key in labels_to_try:
        value = labels.get(key)
        if value is None:
            continue
        cid = value if value in known else component_map.get(value)
        if cid in known and cid not in found:
            found.append(cid)
    return found


def _time(text: str) -> datetime:
    """An RFC 3339 time from Alertmanager (nanoseconds allowed), to the second."""
    match = RFC3339.match(text)
    if match is None:  # read_payload refuses such a payload
        raise TimeError(f"'{text}' is not a time like 2026-11-22T15:58:12Z")
    zone = "+00:00" if match.group(2) == "Z" else match.group(2)
    return datetime.fromisoformat(match.group(1) + zone)


def public_title(components: Mapping[str, str], config: Config) -> str:
    """The public title of a declaration from alerts: what customers feel, in the page's own
    words (``Partial outage of Checkout and Public API``). An alert's summary is written for
    engineers and may name hosts and internals, so it goes to the internal note instead."""
    names = [c.name for c in config.components if c.id in components]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return _cut(f"{status_label(worst_status(components.values()))} of {listed}", TITLE_LIMIT)


def _note(payload: dict[str, Any], firing: list[dict[str, Any]], cut: list[str]) -> str:
    """The internal note: the alerts' summary and description, which alerts fired, with their
    labels and links (never published); at most NOTE_ALERTS alerts, each line cut to
    NOTE_LINE_LIMIT, and what was cut."""
    lines = []
    annotations = payload.get("commonAnnotations") or firing[0].get("annotations") or {}
    for key in ("summary", "description"):
        if annotations.get(key):
            lines.append(_line(f"{key.capitalize()}: {annotations[key]}"))
    for alert in firing[:NOTE_ALERTS]:
        labels = alert["labels"]
        shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "alertname")
        lines.append(_line(f"{labels.get('alertname', '?')} firing since {alert['startsAt']} ({shown})"))
        if alert.get("generatorURL"):
            lines.append(_line(f"  {alert['generatorURL']}"))
    if payload.get("externalURL"):
        lines.append(_line(f"Alertmanager: {payload['externalURL']}"))
    if len(firing) > NOTE_ALERTS:
        cut.append(f"{len(firing) - NOTE_ALERTS:,} more firing alerts are not listed (the note lists {NOTE_ALERTS}).")
    if any(line.endswith(_CUT_MARK) for line in lines):
        cut.append(f"Lines marked {_CUT_MARK.strip()} are cut to {NOTE_LINE_LIMIT} characters.")
    return "\n".join(["Declared from an Alertmanager payload.", *lines, *cut])


_CUT_MARK = " [cut]"


def _line(text: str) -> str:
    """One line of the note: printable (forbidden characters shown as escapes), one line, cut
    (and marked) at NOTE_LINE_LIMIT characters."""
    line = printable(text).replace("\n", " ").replace("\t", " ")
    return line if len(line) <= NOTE_LINE_LIMIT else line[: NOTE_LINE_LIMIT - len(_CUT_MARK)] + _CUT_MARK


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _brief(text: str) -> str:
    """A value from the payload inside a message: cut, printable."""
    return printable(_cut(text, SHOWN_LIMIT))


def _suggest(value: str, choices: list[str] | tuple[str, ...]) -> str:
    return suggest(value, list(choices)) if len(value) <= SHOWN_LIMIT else ""
