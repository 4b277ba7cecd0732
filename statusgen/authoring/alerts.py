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
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.core.errors import Problem, ValidationError
from statusgen.core.model import Config
from statusgen.core.status import COMPONENT_STATUSES, STATUS_RANK
from statusgen.core.times import TimeError
from statusgen.sources.checker import suggest

DEFAULT_COMPONENT_LABELS = ("component", "service")
DEFAULT_SEVERITIES = {"critical": "SEV2", "page": "SEV2", "error": "SEV3", "warning": "SEV3", "info": "SEV4"}
DEFAULT_STATUSES = {
    "critical": "partial_outage", "page": "partial_outage", "error": "partial_outage",
    "warning": "degraded_performance", "info": "degraded_performance",
}  # fmt: skip
RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$")


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


def read_payload(path: Path, shown: str) -> dict[str, Any]:
    """The payload's JSON; ValidationError (``file:line: ...``) when it is not a version 4 payload."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError(
            [Problem(shown, 0, "not UTF-8 text; expected an Alertmanager webhook payload (JSON)")]
        ) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            [Problem(shown, exc.lineno, f"not JSON: {exc.msg}; expected an Alertmanager webhook payload")]
        ) from None
    problems = []
    if not isinstance(data, dict):
        problems.append("the payload must be a JSON object with 'alerts'")
    else:
        if str(data.get("version", "")) != "4":
            problems.append(f'version is {data.get("version")!r}; expected "4" (Alertmanager\'s webhook payload)')
        alerts = data.get("alerts")
        if not isinstance(alerts, list) or not alerts:
            problems.append("'alerts' must be a non-empty list of alerts")
        else:
            for number, alert in enumerate(alerts, 1):
                if not isinstance(alert, dict) or not isinstance(alert.get("labels"), dict):
                    problems.append(f"alert {number} has no 'labels' object")
                elif not RFC3339.match(str(alert.get("startsAt", ""))):
                    problems.append(
                        f"alert {number} ({alert['labels'].get('alertname', '?')}): startsAt "
                        f"{alert.get('startsAt')!r} is not a time like 2026-11-22T15:58:12Z"
                    )
    if problems:
        raise ValidationError([Problem(shown, 0, message) for message in problems])
    payload: dict[str, Any] = data  # a JSON object, checked above
    return payload


def declaration(payload: dict[str, Any], config: Config, runbook_alerts: Mapping[str, str], shown: str) -> Declaration:
    """The incident ``payload`` describes, mapped with ``config.alertmanager``.

    ``runbook_alerts`` maps an alert name to the runbook that lists it. Raises ValidationError
    listing everything that cannot be mapped.
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
        name = labels.get("alertname", "?")
        level = labels.get("severity", "").lower()
        starts.append(_time(alert["startsAt"]))
        if level:
            if level in severity_map and severity_map[level] in severity_ids:
                severities.append(severity_map[level])
            elif level.upper() in severity_ids:
                severities.append(level.upper())
            else:
                problems.append(
                    f"alert {name}: severity label '{level}' maps to no severity; expected one of: "
                    f"{', '.join(sorted(severity_map))}, or map it in mkdocs.yml (alertmanager: severities: "
                    f"{{{level}: SEV3}})"
                )
        status = labels.get("component_status") or status_map.get(level, "partial_outage")
        if status not in COMPONENT_STATUSES:
            problems.append(
                f"alert {name}: component_status '{status}'{suggest(status, COMPONENT_STATUSES)} is not a component "
                f"status; expected one of: {', '.join(COMPONENT_STATUSES)}"
            )
            continue
        found = _components(labels, labels_to_try, component_map, known)
        if not found:
            tried = ", ".join(f"{k}={labels[k]}" for k in labels_to_try if k in labels) or "none of them present"
            values = [labels[k] for k in labels_to_try if k in labels]
            hint = next((suggest(v, known) for v in values if suggest(v, known)), "")
            problems.append(
                f"alert {name}: no label names a status page component (looked at {', '.join(labels_to_try)}: "
                f"{tried}){hint}; expected one of: {', '.join(known)}, or map a label value in mkdocs.yml "
                "(alertmanager: components: {VALUE: COMPONENT})"
            )
        for cid in found:
            if STATUS_RANK[status] > STATUS_RANK.get(components.get(cid, "operational"), 0):
                components[cid] = status
        if name in runbook_alerts and runbook_alerts[name] not in runbooks:
            runbooks.append(runbook_alerts[name])
    if problems:
        raise ValidationError([Problem(shown, 0, message) for message in problems])

    first = firing[0]
    alertname = str(first["labels"].get("alertname", "alert"))
    common = payload.get("commonAnnotations") or {}
    summary = str(common.get("summary") or (first.get("annotations") or {}).get("summary") or "").strip()
    warnings = [
        f"alert {a['labels'].get('alertname', '?')} has no runbook; list it under 'alerts' in one"
        for a in firing
        if str(a["labels"].get("alertname", "")) not in runbook_alerts
    ]
    return Declaration(
        alertname=alertname,
        title=summary or words(alertname),
        severity=min(severities, key=rank.__getitem__) if severities else None,
        components=components,
        impact_start=min(starts),
        runbooks=tuple(runbooks),
        note=_note(payload, firing),
        slug=words(alertname),
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


def _note(payload: dict[str, Any], firing: list[dict[str, Any]]) -> str:
    """The internal note: which alerts fired, with their labels and links (never published)."""
    lines = []
    for alert in firing:
        labels = alert["labels"]
        shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "alertname")
        lines.append(f"{labels.get('alertname', '?')} firing since {alert['startsAt']} ({shown})")
        if alert.get("generatorURL"):
            lines.append(f"  {alert['generatorURL']}")
    if payload.get("externalURL"):
        lines.append(f"Alertmanager: {payload['externalURL']}")
    return "Declared from an Alertmanager payload.\n" + "\n".join(lines)
