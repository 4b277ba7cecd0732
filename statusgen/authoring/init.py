"""``statusgen init``: write a ready status repository from the files in ``statusgen/authoring/scaffold/``.

The scaffold files ship as package data. Those that name the company, the components or a
date carry ``@@NAME@@`` markers, filled here; every value that lands in YAML is written as a
JSON string (valid YAML), so no name can break the file. Nothing is written until every file
is rendered and no target exists, and each file is created exclusively: ``init`` never
replaces a file, even one that appears while it runs. Nor does it write through a symbolic
link: not into a target that is one, nor into a linked folder inside it (``.github -> elsewhere``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from statusgen.authoring.pins import Pin, dependency_pins, requirements_text, statusgen_pin
from statusgen.core.errors import StatusgenError
from statusgen.core.model import Config
from statusgen.core.text import slugify
from statusgen.core.times import human, iso
from statusgen.sources.config import ID_PATTERN
from statusgen.sources.requirements import REQUIREMENTS_FILE
from statusgen.sources.site_settings import url_problem

SCAFFOLD_DIR = Path(__file__).parent / "scaffold"
SCHEMA_FILE = "incident.schema.json"
# Entries of a directory that do not make it "non-empty" (a fresh `git init` or clone).
IGNORED_ENTRIES = {".git"}
MARKER = re.compile(r"@@([A-Z0-9_]+)@@")
DEFAULT_COMPONENTS = (("api", "API"), ("web", "Website"))


@dataclass(frozen=True)
class Answers:
    """What ``init`` asks: the company, the public address and the components (id, name)."""

    company: str
    site_url: str
    components: tuple[tuple[str, str], ...]


def parse_component(text: str) -> tuple[str, str]:
    """``api=Public API`` -> ``("api", "Public API")``; raise StatusgenError for a bad one."""
    cid, sep, name = text.partition("=")
    cid, name = cid.strip(), name.strip()
    if not sep or not name:
        raise StatusgenError(f"component '{text}': expected ID=Name, like api=Public API")
    if not ID_PATTERN.match(cid):
        raise StatusgenError(
            f"component id '{cid}' must be lowercase letters, digits, '-' or '_' (it is used in URLs), like api"
        )
    _one_line(name, f"component '{cid}' name")
    return cid, name


def check_answers(answers: Answers) -> None:
    """Raise StatusgenError naming everything wrong with ``answers``."""
    _one_line(answers.company, "company name")
    problem = url_problem(answers.site_url, "the site URL")
    if problem is not None:  # the rule validate applies to site_url in mkdocs.yml
        raise StatusgenError(problem)
    if not answers.components:
        raise StatusgenError("no components; give at least one, like --component api=API")
    ids = [cid for cid, _ in answers.components]
    twice = sorted({cid for cid in ids if ids.count(cid) > 1})
    if twice:
        raise StatusgenError(f"component id {', '.join(repr(c) for c in twice)} is given twice; ids must be unique")


def plan(answers: Answers, now: datetime, pin: Pin | None = None) -> dict[str, str]:
    """Every file ``init`` writes: relative path -> text. ``pin`` names statusgen in
    requirements.txt and the pre-commit hooks (default: the running statusgen, as it can be
    installed elsewhere); what statusgen runs on is pinned as installed now."""
    check_answers(answers)
    pin = pin or statusgen_pin()
    values = _values(answers, now) | {"HOOK_REQUIREMENT": json.dumps([pin.line])}
    files: dict[str, str] = {
        SCHEMA_FILE: _schema_text(answers),
        REQUIREMENTS_FILE: requirements_text(pin, dependency_pins()),
    }
    for source in sorted(SCAFFOLD_DIR.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        rel = source.relative_to(SCAFFOLD_DIR).as_posix()
        files[_target(rel, values)] = fill(source.read_text(encoding="utf-8"), values, rel)
    return dict(sorted(files.items()))


def fill(text: str, values: dict[str, str], name: str = "") -> str:
    """Replace every ``@@KEY@@``; a marker without a value is a bug in the scaffold."""

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"scaffold file {name}: no value for @@{key}@@")
        return values[key]

    return MARKER.sub(value, text)


def conflicts(directory: Path, files: dict[str, str]) -> list[str]:
    """The files of ``files`` that already exist in ``directory``."""
    return [rel for rel in files if (directory / rel).exists() or (directory / rel).is_symlink()]


def is_empty(directory: Path) -> bool:
    return not directory.exists() or not [p for p in directory.iterdir() if p.name not in IGNORED_ENTRIES]


def check_target(directory: Path, shown: str, *, force: bool = False) -> None:
    """StatusgenError unless ``init`` may write into ``directory`` (shown to the user as ``shown``):
    it must be a directory, or not exist yet, never a symbolic link, and be empty unless ``force``."""
    if directory.is_symlink():
        raise StatusgenError(
            f"{shown}: is a symbolic link; init never writes through a link: give the folder it points to, or a new one"
        )
    if directory.exists() and not directory.is_dir():
        raise StatusgenError(f"{shown}: not a directory")
    if not force and not is_empty(directory):
        raise StatusgenError(
            f"{shown}/ is not empty; init writes into an empty directory (or pass --force to add its "
            "files beside yours: it never replaces one)"
        )


def schema_text(config: Config | None) -> str:
    """The incident file's JSON Schema for ``config`` (None: outside a repository), as written."""
    from statusgen.sources.schema import incident_schema

    return json.dumps(incident_schema(config), indent=2, ensure_ascii=False) + "\n"


def schema_is_current(path: Path, text: str) -> bool:
    """Whether the file ``path`` holds the schema ``text``; StatusgenError when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8") == text
    except OSError as exc:
        raise StatusgenError(f"{path}: cannot be read: {exc.strerror}") from None


def write_schema(path: Path, text: str) -> bool:
    """Write the schema ``text`` to ``path``; False, writing nothing, when it already holds it."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def linked(directory: Path, files: dict[str, str]) -> list[str]:
    """The folders (and files) on the way to ``files`` inside ``directory``, and ``directory``
    itself (as ``.``), that are symbolic links: init writes through none of them."""
    found = ["."] if directory.is_symlink() else []
    for rel in files:
        parts = rel.split("/")
        for end in range(1, len(parts) + 1):
            part = "/".join(parts[:end])
            if part not in found and (directory / part).is_symlink():
                found.append(part)
    return found


def write(directory: Path, files: dict[str, str]) -> list[str]:
    """Create every file (exclusively: an existing file is never replaced) and the folders they
    need, following no symbolic link; return the paths. StatusgenError, before writing anything,
    when the way to one of them is a link."""
    links = linked(directory, files)
    if links:
        raise StatusgenError(
            f"{', '.join(links)} in {directory} {'is a symbolic link' if len(links) == 1 else 'are symbolic links'}; "
            "init never writes through a link, so it wrote nothing"
        )
    written = []
    for rel, text in files.items():
        *folders, name = rel.split("/")
        dir_fd = _open_folder(directory, create=True)
        try:
            for folder in folders:
                inner = _open_folder(Path(folder), create=True, dir_fd=dir_fd)
                os.close(dir_fd)
                dir_fd = inner
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(name, flags, 0o644, dir_fd=dir_fd)
        finally:
            os.close(dir_fd)
        with open(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(rel)
    return written


def _open_folder(path: Path, *, create: bool, dir_fd: int | None = None) -> int:
    """A descriptor of the folder ``path`` (made when missing and ``create``), never through a link."""
    if create:
        try:
            if dir_fd is None:
                path.mkdir(parents=True)
            else:
                os.mkdir(path, dir_fd=dir_fd)
        except FileExistsError:
            pass
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except OSError as exc:
        raise StatusgenError(
            f"{path}: cannot be opened as a folder ({exc.strerror}); init never writes through a link"
        ) from None
    if not stat.S_ISDIR(os.fstat(fd).st_mode):  # pragma: no cover - O_DIRECTORY refuses it first
        os.close(fd)
        raise StatusgenError(f"{path}: not a folder")
    return fd


# -- helpers --------------------------------------------------------------------------------------


def _schema_text(answers: Answers) -> str:
    """incident.schema.json for the config init writes (what `statusgen schema` prints there)."""
    from statusgen.core.model import Component, Group

    config = Config(
        root=Path("."),
        site_name=f"{answers.company} Status",
        site_url=answers.site_url,
        components=tuple(
            Component(cid, name, position, "services", "", 99.9)
            for position, (cid, name) in enumerate(answers.components, 1)
        ),
        groups=(Group("services", "Services", 1),),
    )
    return schema_text(config)


def _one_line(text: str, what: str) -> None:
    if not text.strip():
        raise StatusgenError(f"{what} is empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise StatusgenError(f"{what} must be one line of text without control characters")


def _target(rel: str, values: dict[str, str]) -> str:
    """Where a scaffold file goes: ``dot-x`` -> ``.x``, and the example files get their names."""
    rel = "/".join("." + part[4:] if part.startswith("dot-") else part for part in rel.split("/"))
    if rel == "incidents/example.yaml":
        return f"incidents/{values['YEAR']}/{values['INCIDENT_ID']}.yaml"
    if rel == "runbooks/example.md":
        return f"runbooks/{values['COMPONENT']}/{values['RUNBOOK']}.md"
    return rel


def page_id(answers: Answers, now: datetime) -> str:
    """A page id for ``page_id``: the company's name and a short digest of what init was given,
    the same for the same answers and time (so init's output is reproducible)."""
    name = slugify(answers.company) or "status"
    digest = hashlib.sha256(f"{answers.company}\n{answers.site_url}\n{iso(now)}".encode()).hexdigest()[:8]
    return f"{name}-{digest}"


def _values(answers: Answers, now: datetime) -> dict[str, str]:
    first_id, first_name = answers.components[0]
    start = (now - timedelta(days=2)).replace(hour=10, minute=5, second=0, microsecond=0)
    times = [start + timedelta(minutes=m) for m in (0, 4, 8, 30, 55, 85)]
    host = urlsplit(answers.site_url).hostname or "example.com"
    site_name = f"{answers.company} Status"
    components = []
    for cid, name in answers.components:
        components += [
            f"        - id: {cid}",
            f"          name: {json.dumps(name, ensure_ascii=False)}",
            "          group: services",
            "          slo: 99.9",
            f"          created: {now:%Y-%m-%d}",
        ]
    values = {
        "COMPANY": answers.company,
        "COMPANY_YAML": json.dumps(answers.company, ensure_ascii=False),
        "SITE_NAME": site_name,
        "SITE_NAME_YAML": json.dumps(site_name, ensure_ascii=False),
        "DESCRIPTION_YAML": json.dumps(
            f"Live status, incidents and scheduled maintenance for {answers.company}.", ensure_ascii=False
        ),
        "SITE_URL": answers.site_url,
        "SITE_BASE": answers.site_url.rstrip("/") + "/",  # for paths under the site: SITE_BASE + "embed/"
        "SITE_URL_YAML": json.dumps(answers.site_url),
        "DOMAIN": host.removeprefix("status."),
        "COMPONENTS": "\n".join(components),
        "COMPONENT": first_id,
        "COMPONENT_NAME": first_name,
        "COMPONENT_NAME_YAML": json.dumps(f"{first_name} is down", ensure_ascii=False),
        "ALERT": "".join(part.capitalize() for part in re.split(r"[-_]", first_id)) + "Down",
        "RUNBOOK": f"{first_id}-down",
        "YEAR": f"{start:%Y}",
        "INCIDENT_ID": f"{start:%Y-%m-%d}-example-slow-responses",
        "TODAY": f"{now:%Y-%m-%d}",
        "SCHEMA_FILE": SCHEMA_FILE,
        "PAGE_ID": page_id(answers, now),
    }
    for index, at in enumerate(times):
        values[f"T{index}"] = iso(at)
        values[f"HUMAN_T{index}"] = human(at)
    return values
