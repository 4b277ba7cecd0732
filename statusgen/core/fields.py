"""The fields of an incident file and of each update: one table that the loader takes its keys
from and ``statusgen schema`` turns into a JSON Schema, so the two cannot drift apart.

``kind`` names how the loader reads the value (see loader.py): ``text`` any non-empty scalar,
``note`` a scalar that may be empty, ``id`` the file name's id, ``time`` an ISO 8601 time with a
zone, ``bool`` true/false, ``kind`` incident, maintenance or notice, ``severity`` a configured severity,
``stage`` a stage of the incident's kind, ``components`` {component: status} (or, for
maintenance, a list of components), ``text_list`` a list of text, ``text_map`` {name: text},
``updates`` a list of updates. tests/sources/test_schema.py checks, field by field, that a wrong value
fails both the loader and the schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from statusgen.core.model import INCIDENT, MAINTENANCE


@dataclass(frozen=True)
class Field:
    kind: str
    doc: str
    required: bool = False  # in every file; the rules by kind are below


INCIDENT_FIELDS: dict[str, Field] = {
    "id": Field("id", "The file name without .yaml: YYYY-MM-DD-short-name. Stable forever; used in URLs.", True),
    "title": Field("text", "Short public title, like: Elevated API latency.", True),
    "kind": Field("kind", "incident (the default), maintenance, or notice (news: no components, no severity)."),
    "severity": Field("severity", "SEV1 (worst) .. SEV4; only escalates while the incident is active."),
    "template": Field("text", "The message template later updates take their text from."),
    "components": Field("components", "Each affected component's worst status while active."),
    "impact_start": Field("time", "When customers were first affected (incidents: required)."),
    "detected_at": Field("time", "When the problem was detected (drives MTTD)."),
    "acknowledged_at": Field("time", "When on-call acknowledged the page (drives MTTA)."),
    "mitigated_at": Field("time", "When the impact was mitigated."),
    "scheduled_for": Field("time", "Maintenance: when the window starts. Notice (optional): when it is first shown."),
    "scheduled_until": Field("time", "Maintenance: when the window ends. Notice (optional): when it ends."),
    "commander": Field("text", "Incident commander. Internal: never published."),
    "roles": Field("text_map", "Other roles, like {comms: bob}. Internal."),
    "runbooks": Field("text_list", "Runbooks used, by file name. Internal."),
    "drill": Field("bool", "A drill: on the internal site only, left out of the public page and metrics."),
    "updates": Field("updates", "The timeline: append-only, times never go backwards.", True),
}

UPDATE_FIELDS: dict[str, Field] = {
    "at": Field("time", "When this update was posted.", True),
    "stage": Field("stage", "The stage this update moves to.", True),
    "message": Field("text", "The public text of the update (Markdown).", True),
    "internal_note": Field("note", "Internal note: never published."),
    "components": Field("components", "Component statuses set at this update."),
    "severity": Field("severity", "Severity set at this update (escalation)."),
    "backward": Field("bool", "An explicit move back to an earlier stage."),
    "reopened": Field("bool", "The update that reopened a resolved incident."),
    "next_update": Field("time", "When this update promised the next one (statusgen new/update fill it in)."),
    "scheduled_for": Field("time", "Maintenance: the window's start this update announced (new, reschedule)."),
    "scheduled_until": Field("time", "Maintenance: the window's end this update announced (new, reschedule)."),
    "cancelled": Field("bool", "Maintenance: this completing update calls it off (statusgen cancel)."),
}

# Fields required (or allowed) only for one kind of file.
REQUIRED_BY_KIND = {INCIDENT: ("severity", "impact_start"), MAINTENANCE: ("scheduled_for", "scheduled_until")}
MAINTENANCE_ONLY = ("scheduled_for", "scheduled_until")
MAINTENANCE_UPDATE_ONLY = ("scheduled_for", "scheduled_until", "cancelled")
# Fields a notice may not have: it affects no component, has no severity and no milestones.
NOT_FOR_NOTICE = ("severity", "components", "impact_start", "detected_at", "acknowledged_at", "mitigated_at")
NOT_IN_NOTICE_UPDATES = ("components", "severity", "next_update")

TIME_FIELDS = tuple(name for name, field in INCIDENT_FIELDS.items() if field.kind == "time")
INCIDENT_KEYS = tuple(INCIDENT_FIELDS)
UPDATE_KEYS = tuple(UPDATE_FIELDS)
