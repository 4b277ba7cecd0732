"""Pre-written communication templates: one customer message per stage.

Built-in templates live in ``statusgen/authoring/message_templates/``; a team adds or overrides them with
files of the same form in its own directory (``templates_dir``, default ``templates/``).

A template has one opening message per stage (``stages``) and may have a follow-up per stage
(``follow_up``), posted when an update repeats the stage it is in; without one, statusgen's
neutral follow-up for that stage is used, so an opening message is never posted twice.
Messages describe components by their actual statuses through ``{impact}``, ``{peak}`` and
``{still_affected}``, so a partial outage is never called "slower".
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from statusgen.core.errors import Problem, StatusgenError, display_path
from statusgen.core.model import INCIDENT, KINDS, STAGES, Config, frozen_map
from statusgen.core.times import UTC, duration, human, zone_label
from statusgen.sources.checker import Fields, FileCheck, line_of, suggest
from statusgen.sources.files import read_source, source_files

if TYPE_CHECKING:
    import yaml

BUILTIN_DIR = Path(__file__).parent / "message_templates"
DEFAULT_TEMPLATE = {"incident": "generic", "maintenance": "scheduled-maintenance", "notice": "notice"}
PLACEHOLDERS = {
    "title": "the incident's title",
    "components": "the affected components' names, e.g. 'Public API and Checkout'",
    "started": "when impact started, e.g. '14:20 UTC on 22 Nov'",
    "now": "the time of this update",
    "next_update": "when the next update is due",
    "duration": "how long it lasted so far, e.g. '1 h 25 min'",
    "window": "a maintenance window, e.g. '02:00–04:00 UTC on 3 Dec' (after a reschedule: the new one)",
    "previous_window": "the window before a reschedule, e.g. '02:00–03:00 UTC on 3 Dec' (elsewhere: the same as {window})",
    "impact": "each affected component's status now, e.g. 'Checkout is partly unavailable and Public API is slower than usual'",
    "peak": "the worst each component got, e.g. 'Checkout was partly unavailable and Public API was slower than usual'",
    "still_affected": "a sentence naming components not yet working normally, e.g. 'Checkout is still partly "
    "unavailable; we are working on it.' (empty when all are operational)",
    "recovered": "the affected components working normally again, e.g. 'Public API'",
}
KEYS = ("title", "description", "kind", "severity", "stages", "follow_up", "rescheduled", "cancelled")
# Messages a maintenance template has besides its stages: the update `statusgen reschedule`
# posts and the one `statusgen cancel` posts. A team's template without one uses statusgen's.
MAINTENANCE_MESSAGES = {
    "rescheduled": "The planned maintenance on {components} has moved: it now takes place during {window} "
    "(it was planned for {previous_window}). We will post an update by {next_update}.",
    "cancelled": "The planned maintenance on {components}, scheduled for {window}, is cancelled and will not "
    "take place. Nothing changes on your side.",
}
# How a component's status reads in a sentence, worst first: (present, past).
STATUS_WORDS = {
    "major_outage": ("unavailable", "unavailable"),
    "partial_outage": ("partly unavailable", "partly unavailable"),
    "degraded_performance": ("slower than usual", "slower than usual"),
    "under_maintenance": ("under maintenance", "under maintenance"),
    "affected": ("affected", "affected"),
    "operational": ("working normally", "working normally"),
}
# Stages after which a message may claim things are (nearly) back to normal.
RECOVERY_STAGES = ("monitoring", "resolved", "verifying", "completed")
# The follow-up posted when an update repeats its stage and the template has none of its own.
FOLLOW_UP = {
    "investigating": "We are still investigating: {impact}. We will post an update by {next_update}.",
    "identified": "We are still working on a fix: {impact}. We will post an update by {next_update}.",
    "monitoring": "We are still monitoring the fix. {still_affected} We will post an update by {next_update}.",
    "scheduled": "The planned maintenance on {components} is still scheduled for {window}. "
    "We will post an update by {next_update}.",
    "in_progress": "The maintenance on {components} is still in progress, within the planned window ({window}). "
    "We will post an update by {next_update}.",
    "verifying": "We are still checking that everything works as expected after the maintenance on {components}. "
    "We will post an update by {next_update}.",
}


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
    follow_up: Mapping[str, str] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)  # a maintenance's own MAINTENANCE_MESSAGES


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
        if builtin:
            paths = sorted(directory.glob("*.y*ml"))
        else:  # the team's folder: the access rules of every source folder (sources/files.py)
            assert config is not None
            shown_dir = display_path(directory, config.root)
            listed, refusals = source_files(directory, config.root, (".yaml", ".yml"), shown_dir)
            # Templates are not nested: only the folder's own files count.
            paths = [path for path in listed if path.parent == directory]
            problems.extend(p for p in refusals if "/" not in p.path[len(shown_dir) + 1 :])
        for path in paths:
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
    if config is not None:
        problems.extend(_mapped_template_problems(config, templates))
    return templates, problems


def _mapped_template_problems(config: Config, templates: dict[str, Template]) -> list[Problem]:
    """The templates ``alertmanager.templates`` names must exist and be for incidents."""
    mapped = (config.alertmanager or {}).get("templates") or {}
    assert isinstance(mapped, Mapping)
    names = sorted(name for name, t in templates.items() if t.kind == INCIDENT)
    return [
        Problem(
            "mkdocs.yml",
            0,
            f"alertmanager templates maps '{key}' to '{name}', which is not an incident template; "
            f"expected one of: {', '.join(names)}",
        )
        for key, name in mapped.items()
        if name not in names
    ]


def _stage_texts(
    check: FileCheck, node: yaml.Node, what: str, allowed: Collection[str], refusal: str, noun: str
) -> dict[str, str]:
    """``{stage: text}`` from a template's mapping of stages; each problem recorded in ``check``."""
    texts = {}
    for stage, (key_node, text_node) in (check.mapping(node, what) or {}).items():
        if stage not in allowed:
            check.error(
                key_node, f"'{stage}' {refusal}{suggest(stage, allowed)}; expected one of: {', '.join(allowed)}"
            )
            continue
        text = _message(check, text_node, f"{stage} {noun}")
        if text is not None:
            texts[stage] = text
    return texts


def _message(check: FileCheck, node: yaml.Node, label: str) -> str | None:
    """One message of a template, stripped, with each problem of its placeholders recorded in
    ``check`` (None when it is not text)."""
    text = check.text(node, f"the {label}")
    if text is None:
        return None
    for problem in placeholder_problems(text):
        check.error(line_of(node), f"{label}: {problem}")
    return text.strip()


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
        stages = _stage_texts(check, fields["stages"][1], "stages", STAGES[kind], f"is not a {kind} stage", "message")
        for stage in STAGES[kind]:
            if stage not in stages and not any(p.message.startswith(stage) for p in check.problems):
                check.warn(fields["stages"][0], f"no message for stage '{stage}'; -m TEXT will be needed there")
    follow_up = {}
    if "follow_up" in fields:
        allowed = [s for s in STAGES[kind] if s not in ("resolved", "completed")]
        follow_up = _stage_texts(
            check, fields["follow_up"][1], "follow_up", allowed, "cannot have a follow-up", "follow-up"
        )
    messages = _maintenance_messages(check, fields, kind)
    if check.failed:
        return None, check.problems
    template = Template(
        path.stem, title or path.stem, description or "", kind, frozen_map(stages), severity, path, builtin,
        frozen_map(follow_up), frozen_map(messages),
    )  # fmt: skip
    _check_rendering(check, template, fields)
    if check.failed:
        return None, check.problems
    return template, check.problems


def _maintenance_messages(check: FileCheck, fields: Fields, kind: str) -> dict[str, str]:
    """``{name: text}`` of the MAINTENANCE_MESSAGES a template has; only a maintenance's may."""
    messages = {}
    for name in MAINTENANCE_MESSAGES:
        if name not in fields:
            continue
        key_node, text_node = fields[name]
        if kind != "maintenance":
            check.error(key_node, f"'{name}' is a message of maintenance templates; this template is for {kind}s")
            continue
        text = _message(check, text_node, f"{name} message")
        if text is not None:
            messages[name] = text
    return messages


def _check_rendering(check: FileCheck, template: Template, fields: Fields) -> None:
    """Render every message of ``template`` with sample values, as ``new`` and ``update`` will."""
    for key, texts, follow in (("stages", template.stages, False), ("follow_up", template.follow_up, True)):
        for stage in texts:
            try:
                render(template, stage, SAMPLE_VALUES, follow_up=follow)
            except Exception as exc:  # noqa: BLE001 - any failure is the template's problem to report
                node = fields[key][1]
                check.error(line_of(node), f"the {stage} message cannot be rendered ({type(exc).__name__}: {exc})")
    for name in template.messages:
        try:
            render_message(template, name, SAMPLE_VALUES)
        except Exception as exc:  # noqa: BLE001 - any failure is the template's problem to report
            check.error(
                line_of(fields[name][1]), f"the {name} message cannot be rendered ({type(exc).__name__}: {exc})"
            )


def placeholder_problems(text: str) -> list[str]:
    """What is wrong with the ``{placeholders}`` in ``text`` (empty when all are known).

    A placeholder is a plain name, ``{impact}``: no format spec (``{impact:>300000}`` would pad a
    message to any size) and no conversion (``{now!r}``); ``{{`` and ``}}`` are literal braces.
    """
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        return [f"{exc}; write a literal brace as {{{{ or }}}}"]
    problems = []
    for name, spec, conv in fields:
        if spec or conv:
            problems.append(
                f"placeholder {{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}} has a "
                f"{'format spec' if spec else 'conversion'}; expected a plain name, like {{{name or 'impact'}}}"
            )
        elif name not in PLACEHOLDERS:
            problems.append(
                f"unknown placeholder {{{name}}}{suggest(name, PLACEHOLDERS)}; expected one of: "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            )
    return problems


# A literal brace, or a placeholder: what ``fill`` replaces, in one linear pass.
_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Values to render each message of a template with when it is checked.
SAMPLE_VALUES = {name: f"sample {name}" for name in PLACEHOLDERS}


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced by its value and ``{{``/``}}`` by a brace, as
    ``str.format`` does for the plain placeholders templates have; anything else is left as it
    is, so no template text can make it fail or run long."""

    def one(match: re.Match[str]) -> str:
        found = match.group()
        if found in ("{{", "}}"):
            return found[0]
        return values.get(match.group(1), found)

    return _FIELD.sub(one, text)


def render(template: Template, stage: str, values: Mapping[str, str], *, follow_up: bool = False) -> str:
    """The message of ``template`` for ``stage`` with its placeholders filled.

    ``follow_up``: the incident is already in ``stage``, so post the follow-up, not the opening.
    In a recovery stage, a message that does not itself say which components are still affected
    gets the ``{still_affected}`` sentence appended, so it never claims more than is true.
    """
    if follow_up and stage in (template.follow_up or {}):
        text = template.follow_up[stage]
    elif follow_up and stage in FOLLOW_UP:
        text = FOLLOW_UP[stage]
    elif stage in template.stages:
        text = template.stages[stage]
    else:
        raise StatusgenError(f"template '{template.name}' has no message for stage '{stage}'; give one with -m TEXT")
    message = fill(text, values)
    if (
        stage in RECOVERY_STAGES
        and values.get("still_affected")
        and not re.search(r"\{(still_affected|impact)\}", text)
    ):
        message = message.rstrip() + "\n" + values["still_affected"]
    return _tidy(message)


def render_message(template: Template, name: str, values: Mapping[str, str]) -> str:
    """The message ``name`` (one of MAINTENANCE_MESSAGES: ``rescheduled``, ``cancelled``) of a
    maintenance ``template`` with its placeholders filled; statusgen's own when the template
    has none (a team's template written before these messages existed)."""
    if template.kind != "maintenance":
        raise StatusgenError(f"template '{template.name}' is for {template.kind}s; only a maintenance is {name}")
    return _tidy(fill(template.messages.get(name) or MAINTENANCE_MESSAGES[name], values))


def _tidy(message: str) -> str:
    """Trailing spaces and runs of spaces (left by empty placeholders) removed; one final newline."""
    # Line by line, not one pattern over the message: [ \t]+\n retries every space of a long run.
    message = "\n".join(line.rstrip(" \t") for line in message.split("\n"))
    return re.sub(r"(?<=\S) {2,}", " ", message).strip() + "\n"


def placeholder_values(
    config: Config,
    *,
    title: str,
    components: Mapping[str, str] | Iterable[str],
    started: datetime,
    at: datetime,
    next_update: timedelta = timedelta(minutes=30),
    window: tuple[datetime, datetime] | None = None,
    worst: Mapping[str, str] | None = None,
    previous_window: tuple[datetime, datetime] | None = None,
) -> dict[str, str]:
    """The values a template's placeholders are filled with, for one update.

    ``components``: the affected components' statuses now ({id: status}; a plain list of ids
    when they are not known); ``worst``: the worst status each got (default: ``components``).
    """
    statuses = dict(components) if isinstance(components, Mapping) else dict.fromkeys(components, "affected")
    worst = dict(worst) if worst else statuses

    def name(cid: str) -> str:
        component = config.component(cid)
        return component.name if component else cid

    names = [name(cid) for cid in statuses]
    hurt = {cid: status for cid, status in statuses.items() if status != "operational"}
    recovered = [name(cid) for cid, status in statuses.items() if status == "operational"]
    values = {
        "title": title,
        "impact": describe(statuses, name),
        "peak": describe(worst, name, past=True),
        "still_affected": f"{describe(hurt, name, still=True)}; we are working on it." if hurt else "",
        "recovered": join_names(recovered) or "the affected services",
        "components": join_names(names) or "some of our services",
        "started": human(started, zone=config.zone),
        "now": human(at, zone=config.zone),
        "next_update": human(at + next_update, zone=config.zone),
        "duration": duration(at - started),
        "window": "",
    }
    values["window"] = window_text(window, config.zone) if window else ""
    values["previous_window"] = window_text(previous_window, config.zone) if previous_window else values["window"]
    return values


def window_text(window: tuple[datetime, datetime], zone: tzinfo = UTC) -> str:
    """``02:00–04:00 UTC on 3 Dec`` in ``zone``, or from one day to another with both dates (or
    both zone names, when the clocks change inside the window)."""
    start, end = (moment.astimezone(zone) for moment in window)
    if start.date() == end.date() and zone_label(start) == zone_label(end):
        return f"{start:%H:%M}–{end:%H:%M} {zone_label(start)} on {start.day} {start:%b}"
    return f"{human(start, zone=zone)} to {human(end, zone=zone)}"


def describe(
    statuses: Mapping[str, str], name: Callable[[str], str], *, past: bool = False, still: bool = False
) -> str:
    """``Checkout is partly unavailable and Public API is slower than usual``: components grouped
    by status, worst first (``name`` turns an id into a name)."""
    clauses = []
    for status, (present, before) in STATUS_WORDS.items():
        names = [name(cid) for cid, s in statuses.items() if s == status]
        if not names:
            continue
        verb = ("were" if past else "are") if len(names) > 1 else ("was" if past else "is")
        clauses.append(f"{join_names(names)} {verb} {'still ' if still else ''}{before if past else present}")
    if not clauses:
        return "some of our services are affected"
    if len(clauses) == 1:
        return clauses[0]
    return ", ".join(clauses[:-1]) + (", and " if len(clauses) > 2 else " and ") + clauses[-1]


def join_names(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def find(templates: dict[str, Template], name: str) -> Template:
    if name in templates:
        return templates[name]
    raise StatusgenError(f"no template '{name}'{suggest(name, templates)}; `statusgen templates` lists them")
