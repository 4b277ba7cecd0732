"""Pre-written communication templates: one customer message per stage.

Built-in templates live in ``statusgen/messages/``; a team adds or overrides them with
files of the same form in its own directory (``templates_dir``, default ``templates/``).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from .errors import Problem, StatusgenError, display_path
from .files import read_source
from .model import KINDS, STAGES, Config, frozen_map
from .timeutil import duration, human
from .yamlnodes import FileCheck, line_of, suggest

BUILTIN_DIR = Path(__file__).parent / "messages"
DEFAULT_TEMPLATE = {"incident": "generic", "maintenance": "scheduled-maintenance"}
PLACEHOLDERS = {
    "title": "the incident's title",
    "components": "the affected components' names, e.g. 'Public API and Checkout'",
    "started": "when impact started, e.g. '14:20 UTC on 22 Nov'",
    "now": "the time of this update",
    "next_update": "when the next update is due",
    "duration": "how long it lasted so far, e.g. '1 h 25 min'",
    "window": "a maintenance window, e.g. '02:00–04:00 UTC on 3 Dec'",
}
KEYS = ("title", "description", "kind", "severity", "stages")


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    description: str
    kind: str
    stages: Mapping[str, str] = field(default_factory=dict)
    severity: str | None = None
    source: Path | None = None
    builtin: bool = True


def load_templates(config: Config | None) -> tuple[dict[str, Template], list[Problem]]:
    """Built-in templates overlaid with the team's own; returns (templates by name, problems)."""
    templates: dict[str, Template] = {}
    problems: list[Problem] = []
    directories = [(BUILTIN_DIR, True)]
    if config is not None:
        directories.append((config.root / config.templates_dir, False))
    for directory, builtin in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.y*ml")):
            root = config.root if config else path.parent
            shown = display_path(path, root)
            data, refused = (path.read_bytes(), None) if builtin else read_source(path, root)
            if refused:
                problems.append(Problem(shown, 0, refused))
                continue
            template, found = read_template(path, shown, builtin, data)
            problems.extend(found)
            if template is not None:
                templates[template.name] = template
    return templates, problems


def read_template(
    path: Path, shown: str, builtin: bool = False, data: bytes | None = None
) -> tuple[Template | None, list[Problem]]:
    check = FileCheck(path, shown)
    node = check.parse(path.read_bytes() if data is None else data)
    fields = check.mapping(node, "a template") if node is not None else None
    if fields is None:
        return None, check.problems
    check.known_keys(fields, KEYS, "a template")
    kind = check.choice(fields["kind"][1], "kind", KINDS) if "kind" in fields else "incident"
    kind = kind or "incident"
    title = check.text(fields["title"][1], "title") if "title" in fields else path.stem.replace("-", " ").capitalize()
    description = check.text(fields["description"][1], "description") if "description" in fields else ""
    severity = check.text(fields["severity"][1], "severity") if "severity" in fields else None
    stages = {}
    if "stages" not in fields:
        check.error(1, f"missing 'stages'; expected a message for each of: {', '.join(STAGES[kind])}")
    else:
        items = check.mapping(fields["stages"][1], "stages") or {}
        for stage, (key_node, text_node) in items.items():
            if stage not in STAGES[kind]:
                check.error(
                    key_node,
                    f"'{stage}' is not a {kind} stage{suggest(stage, STAGES[kind])}; expected one of: {', '.join(STAGES[kind])}",
                )
                continue
            text = check.text(text_node, f"the {stage} message")
            if text is None:
                continue
            for problem in placeholder_problems(text):
                check.error(line_of(text_node), f"{stage} message: {problem}")
            stages[stage] = text.strip()
        for stage in STAGES[kind]:
            if stage not in stages and not any(p.message.startswith(stage) for p in check.problems):
                check.warn(fields["stages"][0], f"no message for stage '{stage}'; -m TEXT will be needed there")
    if check.failed:
        return None, check.problems
    template = Template(
        path.stem, title or path.stem, description or "", kind, frozen_map(stages), severity, path, builtin
    )
    return template, check.problems


def placeholder_problems(text: str) -> list[str]:
    """What is wrong with the ``{placeholders}`` in ``text`` (empty when all are known)."""
    try:
        names = [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        return [f"{exc}; write a literal brace as {{{{ or }}}}"]
    return [
        f"unknown placeholder {{{name}}}{suggest(name, PLACEHOLDERS)}; expected one of: "
        + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        for name in names
        if name not in PLACEHOLDERS
    ]


def render(template: Template, stage: str, values: Mapping[str, str]) -> str:
    """The message of ``template`` for ``stage`` with its placeholders filled."""
    if stage not in template.stages:
        raise StatusgenError(f"template '{template.name}' has no message for stage '{stage}'; give one with -m TEXT")
    return template.stages[stage].format_map(values).strip() + "\n"


def placeholder_values(
    config: Config,
    *,
    title: str,
    components,
    started: datetime,
    at: datetime,
    next_update: timedelta = timedelta(minutes=30),
    window: tuple[datetime, datetime] | None = None,
) -> dict[str, str]:
    """The values a template's placeholders are filled with, for one update."""
    names = [config.component(cid).name if config.component(cid) else cid for cid in components]
    values = {
        "title": title,
        "components": join_names(names) or "some of our services",
        "started": human(started),
        "now": human(at),
        "next_update": human(at + next_update),
        "duration": duration(at - started),
        "window": "",
    }
    if window:
        start, end = window
        same_day = start.date() == end.date()
        values["window"] = (
            f"{start:%H:%M}–{end:%H:%M} UTC on {start.day} {start:%b}"
            if same_day
            else f"{human(start)} to {human(end)}"
        )
    return values


def join_names(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def find(templates: dict[str, Template], name: str) -> Template:
    if name in templates:
        return templates[name]
    raise StatusgenError(f"no template '{name}'{suggest(name, templates)}; `statusgen templates` lists them")
