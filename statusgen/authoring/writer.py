"""Rewrite incident files that people also edit by hand.

Every change is a round trip through ruamel.yaml, so comments, key order and formatting
elsewhere in the file survive. The new text is checked by the loader before it is written,
the write is atomic (temporary file, then rename) and a lock serialises concurrent commands:
``create`` and ``append`` expect the caller to hold it (``locked``) from reading the incident
to writing it, as statusgen.authoring.incidents does.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from statusgen.core import lifecycle
from statusgen.core.errors import StatusgenError, ValidationError, display_path
from statusgen.core.model import MAINTENANCE, STAGES, Config, Incident
from statusgen.core.text import slugify
from statusgen.core.times import iso
from statusgen.sources.incident_file import INCIDENT_FILE_SUFFIXES, read_incident

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import LiteralScalarString

LOCK_NAME = ".statusgen.lock"
LOCK_TIMEOUT = 30.0  # seconds to wait for another command's edit
MILESTONES = ("impact_start", "detected_at", "acknowledged_at", "mitigated_at")


class UtcTime(str):
    """A time written as a plain YAML timestamp: ``2026-11-22T14:20:00Z``."""


def _yaml() -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.representer.add_representer(
        UtcTime, lambda rep, value: rep.represent_scalar("tag:yaml.org,2002:timestamp", str(value))
    )
    return yaml


def _time(value: datetime) -> UtcTime:
    return UtcTime(iso(value))


def _block(text: str) -> LiteralScalarString:
    from ruamel.yaml.scalarstring import LiteralScalarString

    block: LiteralScalarString = LiteralScalarString(text.strip() + "\n")  # ruamel types its __new__ as Any
    return block


def _indent_style(text: str) -> tuple[int, int]:
    """(sequence indent, dash offset) that the file already uses for lists of mappings."""
    match = re.search(r"^( *)[\w-]+:[ \t]*\n( *)- ", text, re.MULTILINE)
    if not match:
        return 4, 2
    offset = len(match.group(2)) - len(match.group(1))
    return offset + 2, offset


def dump(doc: CommentedMap, like: str = "") -> str:
    """YAML text for ``doc``, indenting lists and ending lines the way ``like`` (the old text) does."""
    yaml = _yaml()
    sequence, offset = _indent_style(like)
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    out = io.StringIO()
    yaml.dump(doc, out)
    text = out.getvalue()
    # A file written with CRLF line endings (an editor on Windows) keeps them: mixing in LF
    # lines would show every line as changed in some diffs and editors.
    if like.count("\r\n") * 2 > like.count("\n"):
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text


@contextlib.contextmanager
def locked(config: Config) -> Iterator[None]:
    """Hold the repository's edit lock, so two commands never interleave a read and a write.

    filelock picks the operating system's lock (fcntl on Unix, msvcrt on Windows, a lock file
    where neither exists), so this works wherever Python runs."""
    from filelock import FileLock, Timeout

    directory = config.incidents_path
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK_NAME
    try:
        with FileLock(str(path), timeout=LOCK_TIMEOUT):
            yield
    except Timeout:
        raise StatusgenError(
            f"{display_path(path, config.root)}: another statusgen command has held the edit lock for "
            f"{LOCK_TIMEOUT:g} s; nothing was changed. Try again when it has finished"
        ) from None


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def create(
    config: Config,
    *,
    title: str,
    kind: str,
    severity: str | None,
    components: dict[str, str],
    message: str,
    at: datetime,
    slug: str | None = None,
    stage: str | None = None,
    impact_start: datetime | None = None,
    scheduled: tuple[datetime, datetime] | None = None,
    milestones: dict[str, datetime] | None = None,
    commander: str = "",
    template: str = "",
    note: str = "",
    next_update: datetime | None = None,
    runbooks: tuple[str, ...] = (),
) -> Path:
    """Create ``incidents/YYYY/YYYY-MM-DD-slug.yaml`` with its first update; return its path.

    The slug comes from ``slug`` (what the responder typed: a title or a template's name),
    else from ``title``. The caller holds the edit lock (``locked``), so the id it picks stays
    free until the file is written."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    start = scheduled[0] if scheduled else (impact_start or at)
    stage = stage or STAGES[kind][0]
    path = free_path(config, start, slug or title)
    incident_id = path.stem

    doc = CommentedMap()
    doc["id"] = incident_id
    doc["title"] = title
    doc["kind"] = kind
    if severity:
        doc["severity"] = severity
    if template:
        doc["template"] = template
    doc["components"] = CommentedMap(components)
    if kind == MAINTENANCE:
        if scheduled is None:
            raise StatusgenError("a maintenance needs its window: scheduled=(start, end)")
        doc["scheduled_for"] = _time(scheduled[0])
        doc["scheduled_until"] = _time(scheduled[1])
    else:
        doc["impact_start"] = _time(impact_start or at)
    for name in MILESTONES[1:]:
        if milestones and milestones.get(name):
            doc[name] = _time(milestones[name])
    if commander:
        doc["commander"] = commander
    if runbooks:
        doc["runbooks"] = CommentedSeq(runbooks)
        doc["runbooks"].fa.set_flow_style()
    window = scheduled if kind == MAINTENANCE else None  # the window the first update announces
    update = _update(at, stage, message, components, severity, note, next_update=next_update, window=window)
    doc["updates"] = CommentedSeq([update])
    doc.yaml_set_start_comment(
        f"{'Maintenance' if kind == MAINTENANCE else 'Incident'} created by `statusgen new`. "
        "Edit freely; `statusgen validate` checks it."
    )
    write_new(config, path, doc)
    return path


def free_path(config: Config, start: datetime, slug: str) -> Path:
    """``incidents/YYYY/YYYY-MM-DD-slug.yaml`` for a new file starting at ``start``, numbered
    (``-2``, ``-3``, ...) past the ids already taken. The caller holds the edit lock."""
    directory = config.incidents_path / f"{start:%Y}"
    base = f"{start:%Y-%m-%d}-{slugify(slug)}"
    incident_id, number = base, 1
    while any((directory / f"{incident_id}{s}").exists() for s in INCIDENT_FILE_SUFFIXES):
        number += 1
        incident_id = f"{base}-{number}"
    return directory / f"{incident_id}.yaml"


def write_new(config: Config, path: Path, doc: CommentedMap) -> Incident:
    """Write the new incident file ``doc`` at ``path`` (with the schema's modeline when the
    repository has one), after the loader has checked it; ValidationError and nothing written
    otherwise."""
    text = dump(doc)
    schema_file = config.root / "incident.schema.json"
    if schema_file.is_file():  # written by `statusgen init`: editors check the file as it is typed
        from statusgen.sources.schema import modeline

        text = modeline(os.path.relpath(schema_file, path.parent).replace(os.sep, "/")) + "\n" + text
    incident = _check(config, path, text)
    write_atomic(path, text)
    return incident


def new_update(at: datetime, stage: str, message: str) -> CommentedMap:
    """An update with only its time, stage and message (a notice's), ready for a new file."""
    return _update(at, stage, message, {}, None, "")


def read_current(config: Config, path: Path) -> tuple[str, Incident]:
    """The text of the incident file at ``path`` and the incident it holds, as an edit sees
    them: read under the loader's rules, and refused while the file has errors."""
    text = _read_text(config, path)
    return text, _current(config, path, text)


def append(
    config: Config,
    path: Path,
    old_text: str,
    incident: Incident,
    change: lifecycle.StatusChange,
    *,
    stage: str,
    message: str,
    at: datetime,
    severity: str | None = None,
    note: str = "",
    backward: bool = False,
    reopened: bool = False,
    milestones: dict[str, datetime] | None = None,
    next_update: datetime | None = None,
    window: tuple[datetime, datetime] | None = None,
    cancelled: bool = False,
) -> Incident:
    """Append one update to ``incident`` (read from ``path`` as ``old_text`` under the edit lock,
    which the caller still holds), recording the statuses of ``change``; return the incident as
    written. ``window``: a maintenance's new window, written to ``scheduled_for`` and
    ``scheduled_until`` and recorded on the update as the one it announced; ``cancelled`` marks
    the update that calls a maintenance off. Refused with StatusgenError when the lifecycle
    forbids the move, when ``at`` is before the last update, or when a reopening has nothing to
    restore."""
    where = display_path(path, config.root)
    error = lifecycle.transition_error(incident.kind, incident.stage, stage, backward=backward, reopened=reopened)
    if error:
        raise StatusgenError(f"{where}: {error}")
    if at < incident.updated_at:
        raise StatusgenError(
            f"{where}: --at {iso(at)} is before the last update ({iso(incident.updated_at)}); updates are append-only"
        )
    error = lifecycle.restore_error(incident, change)
    if error:
        raise StatusgenError(f"{where}: {error}")
    doc: CommentedMap = _yaml().load(old_text)  # a mapping: the loader has just read this text
    _set_worst(doc, incident, change.worst)
    if severity and severity != incident.severity:
        doc["severity"] = severity
    _set_milestones(doc, milestones or {})
    if window is not None:
        doc["scheduled_for"], doc["scheduled_until"] = _time(window[0]), _time(window[1])
    recorded = dict(change.recorded)
    doc["updates"].append(
        _update(at, stage, message, recorded, severity, note, backward, reopened, next_update, window, cancelled)
    )
    text = dump(doc, old_text)
    new = _check(config, path, text)
    write_atomic(path, text)
    return new


def _update(
    at: datetime,
    stage: str,
    message: str,
    components: Mapping[str, str],
    severity: str | None,
    note: str,
    backward: bool = False,
    reopened: bool = False,
    next_update: datetime | None = None,
    window: tuple[datetime, datetime] | None = None,
    cancelled: bool = False,
) -> CommentedMap:
    from ruamel.yaml.comments import CommentedMap

    update = CommentedMap()
    update["at"] = _time(at)
    update["stage"] = stage
    if severity:
        update["severity"] = severity
    if backward:
        update["backward"] = True
    if reopened:
        update["reopened"] = True
    if cancelled:
        update["cancelled"] = True
    if window is not None:  # the window this update announced: `validate` compares the file's with it
        update["scheduled_for"], update["scheduled_until"] = _time(window[0]), _time(window[1])
    update["message"] = _block(message)
    if note:
        update["internal_note"] = _block(note) if "\n" in note.strip() else note
    if components:
        update["components"] = CommentedMap(components)
    if next_update:
        update["next_update"] = _time(next_update)
    return update


def _set_worst(doc: CommentedMap, incident: Incident, worst: Mapping[str, str]) -> None:
    """Write the statuses of ``worst`` that differ from the incident's top-level map into it."""
    from ruamel.yaml.comments import CommentedMap

    if not worst:  # nothing to write (a notice has no components at all)
        return
    if "components" not in doc or doc["components"] is None:
        doc["components"] = CommentedMap()
    top = doc["components"]
    for cid, status in worst.items():
        if incident.components.get(cid) != status:
            top[cid] = status


def _set_milestones(doc: CommentedMap, milestones: dict[str, datetime]) -> None:
    keys = list(doc.keys())
    for name in MILESTONES:
        if name not in milestones:
            continue
        value = _time(milestones[name])
        if name in doc:
            doc[name] = value
            continue
        earlier = [k for k in MILESTONES[: MILESTONES.index(name)] if k in keys]
        position = keys.index(earlier[-1]) + 1 if earlier else keys.index("updates")
        doc.insert(position, name, value)
        keys = list(doc.keys())


def _read_text(config: Config, path: Path) -> str:
    """The text of an incident file, read under the loader's rules (no links out of the
    repository, no special files, the size limit)."""
    from statusgen.sources.files import OversizeError, file_limit, read_limited, refusal

    shown = display_path(path, config.root)
    problem = refusal(path, config.root)
    if problem:
        raise StatusgenError(f"{shown}: {problem}")
    try:
        return read_limited(path, file_limit(config)).decode("utf-8-sig")
    except OversizeError as exc:
        raise StatusgenError(f"{shown}: {exc}") from None
    except UnicodeDecodeError:
        raise StatusgenError(f"{shown}: not valid UTF-8; run `statusgen validate` for details") from None


def _current(config: Config, path: Path, text: str) -> Incident:
    incident, problems = read_incident(path, text.encode(), config, display_path(path, config.root))
    if incident is None:
        raise ValidationError([p for p in problems if p.is_error], note="Fix these first; nothing was changed.")
    return incident


def _check(config: Config, path: Path, text: str) -> Incident:
    """The incident ``text`` describes, or ValidationError: nothing is written then."""
    shown = display_path(path, config.root)
    incident, problems = read_incident(path, text.encode(), config, shown)
    errors = [p for p in problems if p.is_error]
    if incident is None or errors:
        raise ValidationError(errors, note="The change would make the file invalid, so nothing was written.")
    return incident
