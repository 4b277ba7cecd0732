"""Pre-written communication templates: one customer message per stage.

Built-in templates live in ``statusgen/authoring/message_templates/``; a team adds or overrides them with
files of the same form in its own directory (``templates_dir``, default ``templates/``). Each
may have a folder per language (``templates/de/``): a site in that language takes a template
from the team's language folder, else the team's folder, else statusgen's in that language,
else statusgen's English one. The words statusgen fills in come from ``message_words``.

A template has one opening message per stage (``stages``) and may have a follow-up per stage
(``follow_up``), posted when an update repeats the stage it is in; without one, statusgen's
neutral follow-up for that stage is used, so an opening message is never posted twice.
Messages describe components by their actual statuses through ``{impact}``, ``{peak}`` and
``{still_affected}``, so a partial outage is never called "slower".
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from statusgen.authoring.message_words import FOLLOW_UP as FOLLOW_UP
from statusgen.authoring.message_words import MAINTENANCE_MESSAGES as MAINTENANCE_MESSAGES
from statusgen.authoring.message_words import fill as fill
from statusgen.authoring.message_words import follow_up_text, maintenance_text
from statusgen.authoring.message_words import placeholder_values as placeholder_values
from statusgen.authoring.message_words import window_text as window_text
from statusgen.core.errors import Problem, StatusgenError, display_path
from statusgen.core.language import ENGLISH, PSEUDO, SHIPPED, SOURCE, Language
from statusgen.core.model import INCIDENT, KINDS, STAGES, Config, frozen_map
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
# Stages after which a message may claim things are (nearly) back to normal.
RECOVERY_STAGES = ("monitoring", "resolved", "verifying", "completed")
# The folders of a templates folder that hold one language's templates: named by the language's
# code or its tag (``pt_BR``, ``pt-BR``).
LANGUAGE_FOLDERS = {folder: code for code in SHIPPED for folder in (code, code.replace("_", "-"))}


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


def template_language(config: Config | None) -> str:
    """The language whose templates a site's messages take: the site's; English for the
    pseudo-locale (its markers are for statusgen's words, not a team's)."""
    if config is None or config.language == PSEUDO:
        return SOURCE
    return config.language


def load_templates(config: Config | None) -> tuple[dict[str, Template], list[Problem]]:
    """The templates of the site's language (``template_language``), by name: statusgen's
    English ones, overlaid with statusgen's in the language, the team's own, and the team's in
    the language (each later one wins); returns (templates by name, problems). The team's
    folders of other languages are checked too, so ``validate`` reports them."""
    language = template_language(config)
    layers: list[tuple[list[Path], bool, bool]] = [(sorted(BUILTIN_DIR.glob("*.y*ml")), True, True)]
    if language != SOURCE:
        layers.append((sorted((BUILTIN_DIR / language).glob("*.y*ml")), True, True))
    problems: list[Problem] = []
    if config is not None:
        team, found = _team_files(config, language)
        layers += team
        problems += found
    templates: dict[str, Template] = {}
    for paths, builtin, used in layers:
        for path in paths:
            root = config.root if config else path.parent
            shown = display_path(path, root)
            data, refused = (path.read_bytes(), None) if builtin else read_source(path, root)
            if refused:
                problems.append(Problem(shown, 0, refused))
                continue
            template, found = read_template(path, shown, builtin, data)
            problems.extend(found)
            if template is not None and used:
                templates[template.name] = template
    if config is not None:
        problems.extend(_mapped_template_problems(config, templates))
    return templates, problems


def _team_files(config: Config, language: str) -> tuple[list[tuple[list[Path], bool, bool]], list[Problem]]:
    """The team's template files as layers (paths, builtin, used), lowest first: its folder's
    own, then each language folder's (used when it is ``language``'s); and the files the access
    rules of every source folder refuse (sources/files.py)."""
    directory = config.root / config.templates_dir
    shown_dir = display_path(directory, config.root)
    listed, refusals = source_files(directory, config.root, (".yaml", ".yml"), shown_dir)

    def folder(parts: tuple[str, ...] | list[str]) -> str | None:
        """The language folder a file is in ("" for the folder's own files); None elsewhere."""
        if len(parts) == 1:
            return ""
        return parts[0] if len(parts) == 2 and parts[0] in LANGUAGE_FOLDERS else None

    # Templates are not nested: only the folder's own files and its language folders' count.
    own: list[Path] = []
    by_folder: dict[str, list[Path]] = {}
    for path in listed:
        name = folder(path.relative_to(directory).parts)
        if name is not None:
            (by_folder.setdefault(name, []) if name else own).append(path)
    layers = [(own, False, True)]
    layers += [(paths, False, LANGUAGE_FOLDERS[name] == language) for name, paths in sorted(by_folder.items())]
    problems = [p for p in refusals if folder(p.path[len(shown_dir) + 1 :].split("/")) is not None]
    return layers, problems


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


# Values to render each message of a template with when it is checked.
SAMPLE_VALUES = {name: f"sample {name}" for name in PLACEHOLDERS}


def render(
    template: Template,
    stage: str,
    values: Mapping[str, str],
    *,
    follow_up: bool = False,
    lang: Language = ENGLISH,
) -> str:
    """The message of ``template`` for ``stage`` with its placeholders filled.

    ``follow_up``: the incident is already in ``stage``, so post the follow-up, not the opening
    (statusgen's own in ``lang``, the site's language, when the template has none).
    In a recovery stage, a message that does not itself say which components are still affected
    gets the ``{still_affected}`` sentence appended, so it never claims more than is true.
    """
    if follow_up and stage in (template.follow_up or {}):
        text = template.follow_up[stage]
    elif follow_up and stage in FOLLOW_UP:
        text = follow_up_text(stage, lang)
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


def render_message(template: Template, name: str, values: Mapping[str, str], lang: Language = ENGLISH) -> str:
    """The message ``name`` (one of MAINTENANCE_MESSAGES: ``rescheduled``, ``cancelled``) of a
    maintenance ``template`` with its placeholders filled; statusgen's own in ``lang`` (the
    site's language) when the template has none (a team's template written before these
    messages existed)."""
    if template.kind != "maintenance":
        raise StatusgenError(f"template '{template.name}' is for {template.kind}s; only a maintenance is {name}")
    return _tidy(fill(template.messages.get(name) or maintenance_text(name, lang), values))


def _tidy(message: str) -> str:
    """Trailing spaces and runs of spaces (left by empty placeholders) removed; one final newline."""
    # Line by line, not one pattern over the message: [ \t]+\n retries every space of a long run.
    message = "\n".join(line.rstrip(" \t") for line in message.split("\n"))
    return re.sub(r"(?<=\S) {2,}", " ", message).strip() + "\n"


def find(templates: dict[str, Template], name: str) -> Template:
    if name in templates:
        return templates[name]
    raise StatusgenError(f"no template '{name}'{suggest(name, templates)}; `statusgen templates` lists them")
