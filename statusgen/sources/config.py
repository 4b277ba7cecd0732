"""Read the statusgen settings from the ``statusgen`` plugin entry of mkdocs.yml.

This runs without importing mkdocs, so the CLI starts fast; the mkdocs plugin uses it too.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import yaml

from statusgen.core.errors import Problem, StatusgenError, ValidationError, display_path
from statusgen.core.model import DEFAULT_SEVERITIES, FEED_ITEMS, SITES, Component, Config, Group, Severity, frozen_map
from statusgen.core.status import DEFAULT_WEIGHTS, WEIGHTED_STATUSES
from statusgen.core.times import UTC, TimeError, load_zone, parse_date, parse_time
from statusgen.sources import thirdparty
from statusgen.sources.alert_mapping import read_alertmanager
from statusgen.sources.checker import Entry, Fields, FileCheck, scalar
from statusgen.sources.site_settings import check_site_settings, site_language, url_problem

CONFIG_FILE = "mkdocs.yml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
IMPACTS = ("critical", "major", "minor", "none")

PAGE_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Option:
    """One option of the statusgen plugin: its name, the YAML type mkdocs accepts for it, how
    load_config reads it, and one line for people. Its default is the Config field's."""

    name: str
    yaml_type: type | tuple[type, ...]
    read: (
        str  # path | text | url | switch | whole | minutes | site | feed_items | page_id | timezone | env_name | custom
    )
    doc: str

    @property
    def default(self) -> object:
        spec = Config.__dataclass_fields__[self.name]
        if spec.default is not MISSING:
            return spec.default
        return spec.default_factory() if spec.default_factory is not MISSING else None


# Every option of the plugin, once: load_config reads them, the mkdocs plugin declares them.
OPTIONS: tuple[Option, ...] = (
    Option("enabled", bool, "switch", "Switch the plugin off."),
    Option("site", str, "site", "Which site a plain `mkdocs build` renders: public or internal."),
    Option("incidents_dir", str, "path", "Folder of the incident files, inside the repository."),
    Option("runbooks_dir", str, "path", "Folder of the runbooks, inside the repository."),
    Option("templates_dir", str, "path", "Folder of the team's own message templates, inside the repository."),
    Option("public_dir", str, "text", "Where `statusgen build` writes the public site."),
    Option("internal_dir", str, "text", "Where `statusgen build` writes the internal site."),
    Option("company", str, "text", "The company name the pages and messages show."),
    Option("support_url", str, "url", "Where customers get help: https://, http:// or mailto:."),
    Option("uptime_days", int, "whole", "Days of uptime history on the public page."),
    Option("history_page_size", int, "whole", "Incidents per page of the public history."),
    Option("feed_size", int, "whole", "Entries in each feed."),
    Option("feed_items", str, "feed_items",
           "incident: one feed item per incident, updated in place; update: one item per update (chat apps)."),
    Option("runbook_review_days", int, "whole", "Days after its last review that a runbook counts as stale."),
    Option("error_budget_days", int, "whole", "Days of the rolling window of the error budgets."),
    Option("max_file_kb", int, "whole", "Size limit of one incident, runbook or postmortem file, in KB."),
    Option("maintenance_auto_complete", bool, "switch",
           "Complete a scheduled maintenance at the end of its window when nobody updated it."),
    Option("maintenance_reminder", int, "minutes",
           "Minutes before a maintenance window starts that `statusgen notify` posts a reminder (0: none)."),
    Option("public_severity", bool, "switch",
           "Show severity ids (SEV2) beside the impact words customers read on the public site."),
    Option("notify_webhook_env", str, "env_name", "NAME of the environment variable holding the webhook URL."),
    Option("notify_slack_env", str, "env_name", "NAME of the environment variable holding the Slack webhook URL."),
    Option("timezone", str, "timezone",
           "The IANA time zone times are shown in, like Europe/Berlin; named beside every time. Default UTC."),
    Option("language", str, "custom",
           "The language of both sites' words, dates and numbers when it is not theme.language's."),
    Option("page_id", str, "page_id",
           "A stable id of the page, kept when its address changes: the API's page.id and calendar event UIDs."),
    Option("groups", list, "custom", "Groups of components: {id, name}."),
    Option("components", list, "custom", "Components customers see: {id, name, group, slo}."),
    Option("severities", list, "custom", "Severities, worst first: {id, name, description, impact}."),
    Option("postmortem_severities", list, "custom", "Severities whose incidents need a postmortem."),
    Option("postmortem_due_hours", int, "custom", "Hours after resolution a postmortem is due."),
    Option("update_cadence", dict, "custom", "Minutes between updates per severity."),
    Option("alertmanager", dict, "custom", "How `statusgen new --from-alert` maps alerts."),
    Option("downtime_weights", dict, "custom",
           "Share of a minute counted as down per status, for uptime and error budgets alike."),
    Option("created", (str, date, datetime), "custom", "When the page and its components were created."),
    Option("alert_rules", list, "custom", "Prometheus rule files (globs in the repository) the alert pages describe."),
)  # fmt: skip
OPTION_NAMES = tuple(option.name for option in OPTIONS)


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding mkdocs.yml."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / CONFIG_FILE).is_file():
            return directory
    raise StatusgenError(
        f"{start}: no {CONFIG_FILE} here or above; run statusgen inside a status repository or pass -C DIR"
    )


def load_config(root: Path) -> Config:
    """Read ``root/mkdocs.yml``; raise ValidationError listing every problem in it."""
    path = root / CONFIG_FILE
    check = FileCheck(path, display_path(path, root))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StatusgenError(f"{check.shown}: cannot be read: {exc.strerror}") from None
    config = _read(check, root, check.parse(data))
    if config is None or check.failed:  # no config only after an error was recorded
        raise ValidationError(check.problems)
    return config


def config_warnings(root: Path) -> list[Problem]:
    """The warnings of a usable mkdocs.yml (``load_config`` stops only on errors)."""
    path = root / CONFIG_FILE
    check = FileCheck(path, display_path(path, root))
    try:
        _read(check, root, check.parse(path.read_bytes()))
    except OSError:
        return []
    return [problem for problem in check.problems if not problem.is_error]


def _read(check: FileCheck, root: Path, node: yaml.Node | None) -> Config | None:
    if node is None:
        return None
    top = check.mapping(node, CONFIG_FILE)
    if top is None:
        return None
    thirdparty.config_problems(check, top, root)
    check_site_settings(check, top)
    site_name = scalar(top, "site_name") or "Status"
    site_url = scalar(top, "site_url") or ""
    options_node = _plugin_options(check, top)
    if options_node is None:
        check.error(node, "no 'statusgen' entry under plugins; expected plugins: [statusgen: {components: ...}]")
        return None
    options = check.mapping(options_node, "the statusgen plugin options") if isinstance(options_node, yaml.Node) else {}
    if options is None:
        return None
    check.known_keys(options, OPTION_NAMES, "the statusgen plugin options")
    values: dict[str, object] = {}
    for option in OPTIONS:
        if option.name in options and option.read != "custom":
            value = _simple(check, option, options[option.name][1])
            if value is not None:
                values[option.name] = value
    groups = _groups(check, options.get("groups"))
    components = _components(check, options.get("components"), groups)
    severities = _severities(check, options.get("severities"))
    if "postmortem_severities" in options:
        chosen = check.text_list(options["postmortem_severities"][1], "postmortem_severities") or []
        known = [s.id for s in severities]
        for name in chosen:
            if name not in known:
                check.error(
                    options["postmortem_severities"][1],
                    f"postmortem_severities names '{name}'; expected one of: {', '.join(known)}",
                )
        values["postmortem_severities"] = frozenset(chosen)
    if "postmortem_due_hours" in options:
        hours = check.number(options["postmortem_due_hours"][1], "postmortem_due_hours")
        values["postmortem_due_hours"] = int(hours or 48)
    if "alertmanager" in options:
        values["alertmanager"] = frozen_map(
            read_alertmanager(check, options["alertmanager"][1], components, severities)
        )
    if "update_cadence" in options:
        values["update_cadence"] = frozen_map(_cadence(check, options["update_cadence"][1], [s.id for s in severities]))
    if "downtime_weights" in options:
        values["downtime_weights"] = _weights(check, options["downtime_weights"][1])
    if "created" in options:
        values["created"] = _created(check, options["created"][1])
    values["language"] = site_language(check, top, options.get("language"))
    if "alert_rules" in options:
        values["alert_rules"] = _alert_rules(check, options["alert_rules"][1])
    values = {k: v for k, v in values.items() if v is not None}
    return Config(
        root=root,
        site_name=site_name,
        site_url=site_url,
        components=components,
        groups=groups,
        severities=severities,
        # Each value has the type of its Config field (the readers above), but the names come
        # from the OPTIONS table, so mypy cannot pair a value with its field.
        **values,  # type: ignore[arg-type]
    )


def _simple(check: FileCheck, option: Option, node: yaml.Node) -> object:
    """The value of an option read the plain way (``option.read``), or None when it is wrong."""
    name = option.name
    if option.read in ("path", "text", "url"):
        value = check.text(node, name, allow_empty=True)
        if value and option.read == "path" and (Path(value).is_absolute() or ".." in Path(value).parts):
            check.error(node, f"{name} '{value}' leaves the repository; expected a folder inside it")
        # Printed into links, feeds and messages: only web (and mail) URLs, never javascript: or data:.
        problem = url_problem(value, name, mail=True) if value and option.read == "url" else None
        if problem is not None:
            check.error(node, problem)
            return None
        return value
    if option.read == "switch":
        return check.boolean(node, name)
    if option.read == "whole":
        number = check.number(node, name)
        if number is not None and (number < 1 or number != int(number)):
            check.error(node, f"{name} must be a whole number above 0, not {number:g}")
        return int(number) if number else option.default
    if option.read == "minutes":  # 0 (none) up to a week
        number = check.number(node, name)
        if number is not None and not (0 <= number <= 10080 and number == int(number)):
            check.error(node, f"{name} must be whole minutes from 0 (none) to 10080 (a week), not {number:g}")
        return int(number) if number is not None and 0 <= number <= 10080 else option.default
    if option.read == "site":
        return check.choice(node, name, SITES)
    if option.read == "feed_items":
        return check.choice(node, name, FEED_ITEMS)
    if option.read == "timezone":
        zone_name = check.text(node, name)
        if zone_name is None:
            return None
        try:
            load_zone(zone_name)
        except TimeError as exc:
            check.error(node, f"timezone {exc}")
            return None
        return zone_name
    if option.read == "page_id":
        page_id = check.text(node, name)
        if page_id is not None and not PAGE_ID.fullmatch(page_id):
            check.error(
                node,
                f"page_id '{page_id}' must be 3 to 64 lowercase letters, digits or '-'; expected one like acme-4k2x9q",
            )
            return None
        return page_id
    env_name = check.text(node, name)
    if env_name is not None and not ENV_NAME.match(env_name):
        check.error(
            node,
            f"{name} is the NAME of an environment variable holding the URL, like STATUS_WEBHOOK_URL; "
            "never put the URL itself in mkdocs.yml",
        )
        return None
    return env_name or None


def _plugin_options(check: FileCheck, top: Fields) -> yaml.Node | Fields | None:
    """The node of the statusgen plugin's options (an empty dict when it has none)."""
    if "plugins" not in top:
        return None
    plugins = top["plugins"][1]
    entries: list[tuple[yaml.Node, yaml.Node | None]]
    if isinstance(plugins, yaml.MappingNode):
        entries = [(k, v) for k, v in plugins.value]
    elif isinstance(plugins, yaml.SequenceNode):
        entries = []
        for item in plugins.value:
            if isinstance(item, yaml.ScalarNode):
                entries.append((item, None))
            elif isinstance(item, yaml.MappingNode):
                entries.extend(item.value)
    else:
        return None
    for key, value in entries:
        if isinstance(key, yaml.ScalarNode) and key.value == "statusgen":
            if value is None or value.tag == "tag:yaml.org,2002:null":
                return {}
            return value
    return None


def _groups(check: FileCheck, entry: Entry | None) -> tuple[Group, ...]:
    if entry is None:
        return ()
    groups: list[Group] = []
    for position, node in enumerate(check.sequence(entry[1], "groups") or [], 1):
        fields = check.mapping(node, "a group")
        if fields is None:
            continue
        check.known_keys(fields, ("id", "name"), "a group")
        group_id = _id(check, fields, node, "group")
        name = check.text(fields["name"][1], "group name") if "name" in fields else group_id
        if group_id:
            if any(g.id == group_id for g in groups):
                check.error(node, f"group id '{group_id}' is used twice; ids must be unique")
            groups.append(Group(group_id, name or group_id, position))
    return tuple(groups)


def _components(check: FileCheck, entry: Entry | None, groups: tuple[Group, ...]) -> tuple[Component, ...]:
    if entry is None:
        check.error(1, "the statusgen plugin options have no 'components'; expected a list of {id, name, group}")
        return ()
    group_ids = [g.id for g in groups]
    components: list[Component] = []
    for position, node in enumerate(check.sequence(entry[1], "components") or [], 1):
        fields = check.mapping(node, "a component")
        if fields is None:
            continue
        check.known_keys(fields, ("id", "name", "group", "description", "slo", "created"), "a component")
        component_id = _id(check, fields, node, "component")
        if not component_id:
            continue
        if any(c.id == component_id for c in components):
            check.error(node, f"component id '{component_id}' is used twice; ids must be unique")
        name = check.text(fields["name"][1], "component name") if "name" in fields else component_id
        group = None
        if "group" in fields:
            group = check.choice(fields["group"][1], "group", group_ids) if group_ids else None
            if not group_ids:
                check.error(fields["group"][1], "component names a group but no groups are defined")
        description = (
            check.text(fields["description"][1], "description", allow_empty=True) if "description" in fields else ""
        )
        slo = None
        if "slo" in fields:
            slo = check.number(fields["slo"][1], "slo")
            if slo is not None and not 0 < slo < 100:
                check.error(fields["slo"][1], f"slo {slo:g} is out of range; expected a percentage like 99.9")
                slo = None
        created = _created(check, fields["created"][1]) if "created" in fields else None
        components.append(
            Component(component_id, name or component_id, position, group, description or "", slo, created)
        )
    return tuple(components)


def _weights(check: FileCheck, node: yaml.Node) -> dict[str, Decimal] | None:
    """``downtime_weights: {major_outage: 1, partial_outage: 0.3, degraded_performance: 0}``."""
    fields = check.mapping(node, "downtime_weights")
    if fields is None:
        return None
    check.known_keys(fields, WEIGHTED_STATUSES, "downtime_weights")
    weights = dict(DEFAULT_WEIGHTS)
    for status, (_, value_node) in fields.items():
        if status not in WEIGHTED_STATUSES:
            continue
        number = check.number(value_node, f"the weight of {status}")
        if number is None:
            continue
        if not 0 <= number <= 1:
            check.error(value_node, f"the weight of {status} is {number:g}; expected a share between 0 and 1")
            continue
        weights[status] = Decimal(value_node.value.replace("_", ""))
    return weights


def _alert_rules(check: FileCheck, node: yaml.Node) -> tuple[str, ...]:
    """``alert_rules: [prometheus/rules/*.yml]``: Prometheus rule files, globs inside the repository."""
    patterns = check.text_list(node, "alert_rules") or []
    kept = []
    for pattern in patterns:
        if pattern.startswith(("/", "~")) or ".." in Path(pattern).parts:
            check.error(
                node,
                f"alert_rules: '{pattern}' leaves the repository; expected a path inside it, like prometheus/*.yml",
            )
        else:
            kept.append(pattern)
    return tuple(kept)


def _created(check: FileCheck, node: yaml.Node) -> datetime | None:
    """A ``created`` date (midnight UTC) or time."""
    text = check.text(node, "created")
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            return datetime.combine(parse_date(text), time(), UTC)
        return parse_time(text)
    except TimeError as exc:
        check.error(node, f"created: {exc}")
        return None


def _severities(check: FileCheck, entry: Entry | None) -> tuple[Severity, ...]:
    if entry is None:
        return DEFAULT_SEVERITIES
    severities = []
    for rank, node in enumerate(check.sequence(entry[1], "severities") or [], 1):
        fields = check.mapping(node, "a severity")
        if fields is None:
            continue
        check.known_keys(fields, ("id", "name", "impact", "description"), "a severity")
        if "id" not in fields:
            check.error(node, "a severity has no 'id'; expected something like SEV1")
            continue
        severity_id = check.text(fields["id"][1], "severity id")
        name = check.text(fields["name"][1], "severity name") if "name" in fields else severity_id
        impact = check.choice(fields["impact"][1], "impact", IMPACTS) if "impact" in fields else "minor"
        description = (
            check.text(fields["description"][1], "description", allow_empty=True) if "description" in fields else ""
        )
        if severity_id:
            severities.append(Severity(severity_id, name or severity_id, rank, impact or "minor", description or ""))
    return tuple(severities) or DEFAULT_SEVERITIES


def _cadence(check: FileCheck, node: yaml.Node, severity_ids: list[str]) -> dict[str, int]:
    """``update_cadence``: minutes between updates per severity, e.g. {SEV1: 30, SEV2: 60}."""
    result = {}
    for name, (key_node, value_node) in (check.mapping(node, "update_cadence") or {}).items():
        if name not in severity_ids:
            check.error(key_node, f"update_cadence names '{name}'; expected one of: {', '.join(severity_ids)}")
            continue
        minutes = check.number(value_node, f"update_cadence of {name}")
        if minutes is None:
            continue
        if minutes != int(minutes) or not 5 <= minutes <= 24 * 60:
            check.error(value_node, f"update_cadence of {name} is {minutes:g}; expected whole minutes from 5 to 1440")
            continue
        result[name] = int(minutes)
    return result


def _id(check: FileCheck, fields: Fields, node: yaml.Node, what: str) -> str | None:
    if "id" not in fields:
        check.error(node, f"a {what} has no 'id'; expected a short lowercase id like 'api'")
        return None
    value = check.text(fields["id"][1], f"{what} id")
    if value is not None and not ID_PATTERN.match(value):
        check.error(fields["id"][1], f"{what} id '{value}' must be lowercase letters, digits, '-' or '_'")
        return None
    return value
