"""The ``alertmanager`` option: how `statusgen new --from-alert` maps an alert's labels to
components, severities, statuses and a message template (statusgen.authoring.alerts)."""

from __future__ import annotations

import re

import yaml

from statusgen.core.model import Component, Severity
from statusgen.sources.checker import FileCheck, suggest

# A message template's name as `statusgen templates` lists it (which exist: validate checks).
TEMPLATE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def read_alertmanager(
    check: FileCheck, node: yaml.Node, components: tuple[Component, ...], severities: tuple[Severity, ...]
) -> dict[str, tuple[str, ...] | dict[str, str]]:
    """``alertmanager``: how `statusgen new --from-alert` maps alert labels (statusgen.authoring.alerts)."""
    from statusgen.core.status import COMPONENT_STATUSES

    fields = check.mapping(node, "alertmanager") or {}
    check.known_keys(fields, ("component_labels", "components", "severities", "statuses", "templates"), "alertmanager")
    result: dict[str, tuple[str, ...] | dict[str, str]] = {}
    if "component_labels" in fields:
        result["component_labels"] = tuple(check.text_list(fields["component_labels"][1], "component_labels") or ())
    if "templates" in fields:
        # alert name, or label=value -> message template (which template exists: validate checks)
        chosen: dict[str, str] = {}
        for key, (_, value_node) in (check.mapping(fields["templates"][1], "alertmanager templates") or {}).items():
            value = check.text(value_node, f"alertmanager templates of '{key}'")
            if value is None:
                continue
            if not TEMPLATE_NAME.match(value):
                check.error(
                    value_node,
                    f"alertmanager templates maps '{key}' to '{value}', which is not a template name; "
                    "expected a name like high-latency (statusgen templates lists them)",
                )
                continue
            chosen[key] = value
        result["templates"] = chosen
    for key, what, choices in (
        ("components", "component", [c.id for c in components]),
        ("severities", "severity", [s.id for s in severities]),
        ("statuses", "component status", list(COMPONENT_STATUSES)),
    ):
        if key not in fields:
            continue
        mapped: dict[str, str] = {}
        for label, (_, value_node) in (check.mapping(fields[key][1], f"alertmanager {key}") or {}).items():
            value = check.text(value_node, f"alertmanager {key} of '{label}'")
            if value is None:  # recorded by check.text: load_config refuses this config
                continue
            if value not in choices:
                check.error(
                    value_node,
                    f"alertmanager {key} maps '{label}' to '{value}'{suggest(value, choices)}, which is not a {what}; "
                    f"expected one of: {', '.join(choices)}",
                )
                continue
            mapped[label] = value
        result[key] = mapped
    return result
