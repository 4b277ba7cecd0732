"""JSON Schema (draft 2020-12) of an incident file, generated from fields.py (the table the
loader takes its keys from) and the repository's config (component ids, severities), for
editors: ``# yaml-language-server: $schema=...`` at the top of an incident file.

The schema says what the loader checks field by field; rules that need more than one file or
the clock (stages only move forward, times never go backwards, ids match the file name) stay
``statusgen validate``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from statusgen.core.fields import (
    INCIDENT_FIELDS,
    MAINTENANCE_ONLY,
    MAINTENANCE_UPDATE_ONLY,
    NOT_FOR_NOTICE,
    NOT_IN_NOTICE_UPDATES,
    REQUIRED_BY_KIND,
    UPDATE_FIELDS,
    Field,
)
from statusgen.core.model import DEFAULT_SEVERITIES, INCIDENT, KINDS, MAINTENANCE, NOTICE, STAGES, Config
from statusgen.core.status import COMPONENT_STATUSES
from statusgen.sources.incident_file import ID_PATTERN

DRAFT = "https://json-schema.org/draft/2020-12/schema"
MODELINE = "# yaml-language-server: $schema={path}"
# What parse_time accepts, as written in files: a date, a time and a zone (Z or an offset).
TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?([zZ]|[+-]\d{2}(:?\d{2})?)$"
# The loader reads text from any YAML scalar (title: 404 is the text '404'), never empty.
TEXT = {"type": ["string", "number", "boolean"], "pattern": r"\S"}
NOTE = {"type": ["string", "number", "boolean"]}


def incident_schema(config: Config | None = None) -> dict[str, Any]:
    """The schema of one incident file; with ``config``, component ids and severities are its own."""
    severities = [s.id for s in (config.severities if config else DEFAULT_SEVERITIES)]
    component_ids = [c.id for c in config.components] if config else None
    component_id = {"enum": component_ids} if component_ids else {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]*$"}
    types: dict[str, dict[str, Any]] = {
        "text": TEXT,
        "note": NOTE,
        "id": {"type": "string", "pattern": ID_PATTERN.pattern},
        "time": {"type": "string", "pattern": TIME_PATTERN},
        "bool": {"type": "boolean"},
        "kind": {"enum": list(KINDS)},
        "severity": {"enum": severities},
        "stage": {"enum": sorted({s for stages in STAGES.values() for s in stages}, key=_stage_order)},
        "components": {
            "anyOf": [
                {
                    "type": "object",
                    "propertyNames": component_id,
                    "additionalProperties": {"enum": list(COMPONENT_STATUSES)},
                },
                {"type": "array", "items": component_id},  # maintenance only; see below
            ]
        },
        "text_list": {"type": "array", "items": TEXT},
        "text_map": {"type": "object", "additionalProperties": TEXT},
    }
    update = _object(UPDATE_FIELDS, types)
    # The window an update announced: both ends or neither.
    update["dependentRequired"] = {"scheduled_for": ["scheduled_until"], "scheduled_until": ["scheduled_for"]}
    types["updates"] = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/update"}}
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "title": "statusgen incident file",
        "description": "One incident, maintenance or notice. `statusgen validate` checks this and the rules across updates.",
        **_object(INCIDENT_FIELDS, types),
        "$defs": {"update": update},
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": MAINTENANCE}}, "required": ["kind"]},
                "then": {
                    "required": list(REQUIRED_BY_KIND[MAINTENANCE]),
                    "properties": {
                        "updates": {"items": {"properties": {"stage": {"enum": list(STAGES[MAINTENANCE])}}}}
                    },
                },
                "else": {
                    "if": {"properties": {"kind": {"const": NOTICE}}, "required": ["kind"]},
                    "then": {
                        "not": {"anyOf": [{"required": [name]} for name in NOT_FOR_NOTICE]},
                        "properties": {
                            "updates": {
                                "items": {
                                    "properties": {"stage": {"enum": list(STAGES[NOTICE])}},
                                    "not": {"anyOf": [{"required": [name]} for name in NOT_IN_NOTICE_UPDATES]},
                                }
                            }
                        },
                    },
                    "else": {
                        "required": list(REQUIRED_BY_KIND[INCIDENT]),
                        "not": {"anyOf": [{"required": [name]} for name in MAINTENANCE_ONLY]},
                        "properties": {
                            "components": {"type": "object"},
                            "updates": {
                                "items": {
                                    "properties": {
                                        "stage": {"enum": list(STAGES[INCIDENT])},
                                        "components": {"type": "object"},
                                    }
                                }
                            },
                        },
                    },
                },
            }
        ],
    }
    # Only a maintenance's updates announce a window or cancel it.
    maintenance = {"properties": {"kind": {"const": MAINTENANCE}}, "required": ["kind"]}
    only = {"not": {"anyOf": [{"required": [name]} for name in MAINTENANCE_UPDATE_ONLY]}}
    schema["allOf"].append({"if": {"not": maintenance}, "then": {"properties": {"updates": {"items": only}}}})
    return schema


def modeline(path: str) -> str:
    """The first line that points an editor at the schema file ``path`` (relative to the YAML file)."""
    return MODELINE.format(path=path)


def _object(fields: Mapping[str, Field], types: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [name for name, field in fields.items() if field.required],
        "properties": {name: {**types[field.kind], "description": field.doc} for name, field in fields.items()},
    }


def _stage_order(stage: str) -> tuple[int, int]:
    for group, stages in enumerate(STAGES.values()):
        if stage in stages:
            return group, stages.index(stage)
    return 99, 0  # pragma: no cover
