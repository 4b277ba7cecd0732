"""A cache of parsed incident files, so ``validate``, ``list`` and ``build`` skip YAML at scale.

Parsing and checking an incident file depends only on its bytes, its path, the config and the
names of the runbooks (and on statusgen's own code). The cache keeps, per file, the hash of
its bytes and what ``loader.read_incident`` returned for them (the incident and every problem,
with its line numbers), so a file whose bytes are unchanged is not parsed again and reports
exactly what it reported before. Anything else (config, runbook names, statusgen's code)
changes the whole cache's key.

The files live in ``.statusgen-cache/``, written and read through statusgen/cache/store.py.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from statusgen.cache.store import CACHE_DIR, SignedFile, StatCache, code_key
from statusgen.core.errors import Problem
from statusgen.core.listing import Listing, listing_of
from statusgen.core.model import EMPTY, Config, Incident, Update, frozen_map

_CODE = (
    "sources/incidents.py",
    "sources/incident_file.py",
    "core/lifecycle.py",
    "core/model.py",
    "sources/checker.py",
    "core/times.py",
    "sources/config.py",
    "core/errors.py",
    "cache/parsed.py",
    "cache/store.py",
    "core/text.py",
    "core/fields.py",
    "core/listing.py",
    "core/cadence.py",
)


class KeptIncidents:
    """The incidents a long-running process (``statusgen serve``) keeps decoded between its
    loads: per file, the digest of its bytes and what reading it gave. A rebuild then decodes
    no unchanged incident (at 10,000 incidents, seconds) and parses only the files that
    changed; the large cache file is read once, at the first load."""

    def __init__(self):
        self.key: str | None = None  # the cache generation the files were read under
        # shown path -> (digest of its bytes, incident or None, its problems)
        self.files: dict[str, tuple[str, Incident | None, tuple[Problem, ...]]] = {}


class IncidentCache:
    """Parsed incident files, in two signed files under ``.statusgen-cache/``:

    - ``index.json`` (small, a StatCache): per file, the hash of its bytes, its Listing
      (statusgen/core/listing.py: what ``list``, ``due``, ``validate`` and lookups need) and its
      problems, kept by the file's metadata;
    - ``incidents.json`` (large): per file, its hash and the parsed incident and problems.
      Read only when whole incidents are needed (``load``), not for id lookups.
    """

    def __init__(self, root: Path, config: Config, runbooks: set[str] | None, kept: KeptIncidents | None = None):
        """``kept``: the incidents a long-running process keeps decoded; a load through this
        cache answers from them and leaves in them the files it read."""
        self.dir = Path(root) / CACHE_DIR
        self.config = config
        self.runbooks = runbooks
        self.key = _generation(config, runbooks)
        self.index = StatCache(self.dir / "index.json", self.key)
        self.full = SignedFile(self.dir / "incidents.json", self.key)
        self._full_old: dict[str, list] | None = None
        self.full_new: dict[str, list] = {}
        self.full_changed = False
        if kept is not None and kept.key != self.key:  # the config, runbooks or code changed
            kept.key, kept.files = self.key, {}
        self.kept = kept
        # With incidents kept from an earlier load, the large file is neither read nor written:
        # a file changed since is parsed (one parse costs less than reading every entry).
        self.warm = kept is not None and bool(kept.files)
        self.kept_new: dict[str, tuple[str, Incident | None, tuple[Problem, ...]]] = {}

    def known(self, shown: str, info: os.stat_result | None) -> list | None:
        """``[digest, listing, problems]`` of a file whose metadata says it is unchanged; else None."""
        return self.index.get(shown, info)

    def remember(self, shown: str, info: os.stat_result | None, digest: str, result) -> list:
        """Index a file read in this run; returns its ``[digest, listing, problems]``."""
        entry = index_entry(digest, result, self.config)
        self.index.put(shown, info, entry)
        return entry

    def keep(self, shown: str, info: os.stat_result | None, entry: list) -> None:
        """Index a file read in this run from its ``index_entry`` (made in another process, say)."""
        self.index.put(shown, info, entry)

    @staticmethod
    def listing(entry: list, path: Path) -> tuple[Listing | None, list[Problem]]:
        """The Listing (None for a file with errors) and the problems of an index entry."""
        return (decode_listing(entry[1], path) if entry[1] is not None else None), [Problem(*p) for p in entry[2]]

    def get(self, shown: str, digest: str, path: Path):
        """``(incident or None, problems)`` as read before from bytes with ``digest``; None on a miss."""
        if self.kept is not None:
            known = self.kept.files.get(shown)
            if known is not None and known[0] == digest:
                self.kept_new[shown] = known
                return known[1], list(known[2])
            if self.warm:
                return None
        if self._full_old is None:
            self._full_old = self.full.read().get("files") or {}
        entry = self._full_old.get(shown)
        if entry is None or entry[0] != digest:
            self.full_changed = True
            return None
        self.full_new[shown] = entry
        try:
            result = _incident(entry[1], path) if entry[1] is not None else None, [Problem(*p) for p in entry[2]]
        except (KeyError, TypeError, ValueError):  # an entry from an older shape: read the file again
            self.full_changed = True
            return None
        if self.kept is not None:
            self.kept_new[shown] = (digest, result[0], tuple(result[1]))
        return result

    def put(self, shown: str, digest: str, result) -> None:
        incident, problems = result
        if self.kept is not None:
            self.kept_new[shown] = (digest, incident, tuple(problems))
        self.full_new[shown] = [
            digest,
            _encode(incident) if incident is not None else None,
            [[p.path, p.line, p.message, p.level] for p in problems],
        ]
        self.full_changed = True

    def save(self) -> None:
        """Write what changed. The large file is written only when this run read it (a lookup
        leaves it alone; the next full load finds the files it changed by their hash)."""
        if self.kept is not None and (self.kept_new or self._full_old is not None):  # a whole load
            self.kept.files = self.kept_new
        if self._full_old is not None and (self.full_changed or self.full_new.keys() != self._full_old.keys()):
            self.full.write({"files": self.full_new})
        self.index.save()


def index_entry(digest: str, result, config: Config) -> list:
    """What the index keeps of a file whose bytes hash to ``digest`` and which ``read_incident``
    read as ``result``: ``[digest, encoded Listing or None, encoded problems]`` (JSON values)."""
    incident, problems = result
    return [
        digest,
        encode_listing(listing_of(incident, config)) if incident is not None else None,
        [[p.path, p.line, p.message, p.level] for p in problems],
    ]


def _generation(config: Config, runbooks: set[str] | None) -> str:
    """What every cached result depends on besides the file itself."""
    return code_key(_CODE, _canonical(config), repr(sorted(runbooks) if runbooks is not None else None))


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

# The fields each list holds, in order; tests/cache/test_parse_cache.py checks they are every field a
# file can set, so a field added to the model cannot be dropped by the cache unnoticed.
INCIDENT_FIELDS = (
    "id", "title", "kind", "severity", "components", "times", "commander", "roles", "runbooks", "template",
    "drill", "updates",
)  # fmt: skip
UPDATE_FIELDS = (
    "at", "stage", "message", "internal_note", "components", "severity", "backward", "reopened", "next_update", "line",
    "window", "cancelled",
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
            [_iso(u.window[0]), _iso(u.window[1])] if u.window else None,
            u.cancelled,
        ]
        for u in incident.updates
    ]
    return [
        incident.id, incident.title, incident.kind, incident.severity, dict(incident.components), times,
        incident.commander, dict(incident.roles), list(incident.runbooks), incident.template, incident.drill, updates,
    ]  # fmt: skip


def _incident(values: list, path: Path) -> Incident:
    """An Incident from its cached list. Filled in directly rather than through the frozen
    dataclasses' ``__init__`` (one ``object.__setattr__`` per field, the bulk of a warm load
    at 10,000 incidents); tests/cache/test_parse_cache.py checks the result equals a parsed one."""
    ident, title, kind, severity, components, times, commander, roles, runbooks, template, drill, updates = values
    impact_start, detected_at, acknowledged_at, mitigated_at, scheduled_for, scheduled_until = (
        _time(value) for value in times
    )
    return _filled(
        Incident,
        id=ident,
        title=title,
        kind=kind,
        updates=tuple(
            _filled(
                Update,
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
                automatic=False,
                window=(_time(window[0]), _time(window[1])) if window else None,
                cancelled=cancelled,
            )  # fmt: skip
            for at, stage, message, note, parts, sev, backward, reopened, promised, line, window, cancelled in updates
        ),
        severity=severity,
        components=frozen_map(components),
        impact_start=impact_start,
        detected_at=detected_at,
        acknowledged_at=acknowledged_at,
        mitigated_at=mitigated_at,
        scheduled_for=scheduled_for,
        scheduled_until=scheduled_until,
        commander=commander,
        roles=frozen_map(roles),
        runbooks=tuple(runbooks),
        template=template,
        drill=drill,
        path=path,
        postmortem_path=None,
    )


def _filled(cls, **values):
    instance = object.__new__(cls)
    instance.__dict__.update(values)
    return instance


# -- JSON shape of a Listing (statusgen/core/listing.py), as the index keeps it ----------------------------


def encode_listing(item: Listing) -> list:
    return [
        item.id, item.title, item.kind, item.severity, item.drill, item.stage, item.is_active,
        item.is_resolved, _iso(item.started_at), _iso(item.resolved_at), _iso(item.next_update_due),
        dict(item.components),
    ]  # fmt: skip


def decode_listing(values: list, path: Path) -> Listing:
    """A Listing from its cached list, filled in directly like ``_incident`` (``list`` and
    ``validate`` decode one per incident); tests/cache/test_parse_cache.py checks it equals one made
    from the parsed incident."""
    ident, title, kind, severity, drill, stage, active, resolved, started, ended, due, components = values
    return _filled(
        Listing,
        id=ident,
        title=title,
        kind=kind,
        severity=severity,
        drill=drill,
        stage=stage,
        is_active=active,
        is_resolved=resolved,
        started_at=datetime.fromisoformat(started),
        resolved_at=datetime.fromisoformat(ended) if ended is not None else None,
        next_update_due=datetime.fromisoformat(due) if due is not None else None,
        components=MappingProxyType(components) if components else EMPTY,  # the decoded dict is this Listing's own
        path=path,
        postmortem_path=None,
    )  # fmt: skip


def lookup_fields(values: list) -> tuple[str, str, str, bool]:
    """``(id, title, stage, active)`` straight from an encoded Listing (what an id lookup needs)."""
    return values[0], values[1], values[5], values[6]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None
