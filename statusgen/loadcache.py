"""A cache of parsed incident files, so ``validate``, ``list`` and ``build`` skip YAML at scale.

Parsing and checking an incident file depends only on its bytes, its path, the config and the
names of the runbooks (and on statusgen's own code). The cache keeps, per file, the hash of
its bytes and what ``loader.read_incident`` returned for them (the incident and every problem,
with its line numbers), so a file whose bytes are unchanged is not parsed again and reports
exactly what it reported before. Anything else (config, runbook names, statusgen's code)
changes the whole cache's key.

It lives in ``.statusgen-cache/`` under the repository, which ignores itself in git; deleting
it is always safe. It is JSON (never pickle) and signed with a key kept outside the
repository (``~/.cache/statusgen/key``), so a cache committed by someone else is ignored rather
than trusted: it could otherwise make a bad file look valid.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import datetime
from pathlib import Path

from .errors import Problem
from .model import Config, Incident, Update, frozen_map

CACHE_DIR = ".statusgen-cache"
FORMAT = 2
_CODE = (
    "loader.py",
    "lifecycle.py",
    "model.py",
    "yamlnodes.py",
    "timeutil.py",
    "config.py",
    "errors.py",
    "loadcache.py",
    "text.py",
    "fields.py",
)


class IncidentCache:
    """Parsed incident files by display path and content hash; ``save`` writes it if it changed."""

    def __init__(self, root: Path, config: Config, runbooks: set[str] | None):
        self.path = Path(root) / CACHE_DIR / "incidents.json"
        self.key = _generation(config, runbooks)
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        self.changed = False
        self.secret = _secret()
        if self.secret is not None:
            self.old = self._read()

    def get(self, shown: str, data: bytes, path: Path):
        """``(incident or None, problems)`` as read before from the same bytes; None on a miss."""
        digest = hashlib.sha256(data).hexdigest()
        entry = self.old.get(shown)
        if entry is None or entry[0] != digest:
            self.changed = True
            return None, digest
        self.new[shown] = entry
        try:
            return (
                _incident(entry[1], path) if entry[1] is not None else None,
                [Problem(*p) for p in entry[2]],
            ), digest
        except (KeyError, TypeError, ValueError):  # an entry from an older shape: read the file again
            self.changed = True
            return None, digest

    def put(self, shown: str, digest: str, result) -> None:
        incident, problems = result
        self.new[shown] = [
            digest,
            _encode(incident) if incident is not None else None,
            [[p.path, p.line, p.message, p.level] for p in problems],
        ]
        self.changed = True

    def save(self) -> None:
        """Write the cache when anything changed (files added, edited or removed); never fails a command."""
        if self.secret is None or (not self.changed and self.new.keys() == self.old.keys()):
            return
        body = json.dumps({"format": FORMAT, "key": self.key, "files": self.new}, separators=(",", ":"))
        signature = hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()
        write_cache_file(self.path, signature + "\n" + body)

    def _read(self) -> dict:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return {}
        signature, _, body = text.partition("\n")
        expected = hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature, expected):
            return {}
        try:
            data = json.loads(body)
        except ValueError:
            return {}
        if data.get("format") != FORMAT or data.get("key") != self.key:
            return {}
        return data.get("files") or {}


def write_cache_file(path: Path, text: str) -> None:
    """Write one file of ``.statusgen-cache/`` atomically (the folder ignores itself in git).
    Never fails a command: in a read-only checkout there is simply no cache."""
    try:
        path.parent.mkdir(exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# statusgen's cache: safe to delete\n*\n")
        fd, temp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except OSError:
        pass


def _secret() -> bytes | None:
    """This user's key for signing caches (made on first use); None when it cannot be kept."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / "statusgen" / "key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key + "\n")
        return bytes.fromhex(key)
    except FileExistsError:
        try:
            return bytes.fromhex(path.read_text().strip())
        except (OSError, ValueError):
            return None
    except OSError:
        return None


def _generation(config: Config, runbooks: set[str] | None) -> str:
    """What every cached result depends on besides the file itself."""
    digest = hashlib.sha256()
    digest.update(_canonical(config).encode())
    digest.update(repr(sorted(runbooks) if runbooks is not None else None).encode())
    here = Path(__file__).parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _canonical(value) -> str:
    """A stable text of ``value``: sets sorted (their order changes with each process's hash seed)."""
    if is_dataclass(value):
        return f"{type(value).__name__}({', '.join(f'{f.name}={_canonical(getattr(value, f.name))}' for f in fields(value))})"
    if isinstance(value, Mapping):
        return (
            "{"
            + ", ".join(
                f"{_canonical(k)}: {_canonical(v)}" for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))
            )
            + "}"
        )
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_canonical(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_canonical(v) for v in value) + "]"
    return repr(value)


# -- JSON shape of an incident: fixed field lists, decoded without per-field lookups ------------------

# The fields each list holds, in order; tests/test_loadcache.py checks they are every field a
# file can set, so a field added to the model cannot be dropped by the cache unnoticed.
INCIDENT_FIELDS = (
    "id", "title", "kind", "severity", "components", "times", "commander", "roles", "runbooks", "template",
    "drill", "updates",
)  # fmt: skip
UPDATE_FIELDS = (
    "at", "stage", "message", "internal_note", "components", "severity", "backward", "reopened", "next_update", "line",
)  # fmt: skip
_INCIDENT_TIMES = ("impact_start", "detected_at", "acknowledged_at", "mitigated_at", "scheduled_for", "scheduled_until")


def _encode(incident: Incident) -> list:
    times = [_iso(getattr(incident, name)) for name in _INCIDENT_TIMES]
    updates = [
        [
            _iso(u.at),
            u.stage,
            u.message,
            u.internal_note,
            dict(u.components),
            u.severity,
            u.backward,
            u.reopened,
            _iso(u.next_update),
            u.line,
        ]
        for u in incident.updates
    ]
    return [
        incident.id, incident.title, incident.kind, incident.severity, dict(incident.components), times,
        incident.commander, dict(incident.roles), list(incident.runbooks), incident.template, incident.drill, updates,
    ]  # fmt: skip


def _incident(values: list, path: Path) -> Incident:
    ident, title, kind, severity, components, times, commander, roles, runbooks, template, drill, updates = values
    return Incident(
        id=ident,
        title=title,
        kind=kind,
        severity=severity,
        components=frozen_map(components),
        commander=commander,
        roles=frozen_map(roles),
        runbooks=tuple(runbooks),
        template=template,
        drill=drill,
        updates=tuple(
            Update(
                at=_time(at),
                stage=stage,
                message=message,
                internal_note=note,
                components=frozen_map(parts),
                severity=sev,
                backward=backward,
                reopened=reopened,
                next_update=_time(promised),
                line=line,
            )  # fmt: skip
            for at, stage, message, note, parts, sev, backward, reopened, promised, line in updates
        ),
        path=path,
        **{name: _time(value) for name, value in zip(_INCIDENT_TIMES, times)},
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None
