"""Files -> model. Reads every incident file (each through sources/incident_file.py, or its
entry in the parse cache), adds the checks across files, and reports every problem in every file
at once as ``path:line: message``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from statusgen.cache.parsed import IncidentCache, KeptIncidents, index_entry, lookup_fields
from statusgen.core import cadence, lifecycle  # noqa: F401  # cadence: listing_of's, loaded before any fork
from statusgen.core.errors import Problem, display_path
from statusgen.core.listing import Listing
from statusgen.core.model import Config, Incident
from statusgen.sources import parallel
from statusgen.sources.config import load_config
from statusgen.sources.files import file_limit, read_source, source_files
from statusgen.sources.incident_file import INCIDENT_FILE_SUFFIXES, POSTMORTEM_SUFFIX, read_incident

# An incident file read and checked on its own: ``(path, shown path, incident or None, its problems)``.
Parsed: TypeAlias = "tuple[Path, str, Incident | None, list[Problem]]"
# A parse cache index entry, as JSON: ``[digest, encoded listing or None, encoded problems]``.
IndexEntry: TypeAlias = "list[Any]"
# An incident file to read: ``(path, shown path, metadata or None, its index entry or None)``.
_File: TypeAlias = "tuple[Path, str, os.stat_result | None, IndexEntry | None]"
# What _checked keeps: whole incidents, or the Listings of the parse cache's index.
_Kept = TypeVar("_Kept", Incident, Listing)


def load_incidents(
    config: Config, now: datetime, kept: KeptIncidents | None = None
) -> tuple[list[Incident], list[Problem], dict[str, str]]:
    """Every incident (newest first), each with its postmortem file, every problem found (files
    with errors are left out), and per incident id the digest of its file's bytes and path.
    ``kept``: incidents a long-running process keeps decoded between loads (statusgen serve)."""
    postmortems, problems, parsed, digests = parse_incident_files(config, kept)
    incidents = _checked(parsed, postmortems, config, now, problems)
    incidents.sort(key=lambda i: (i.started_at, i.id), reverse=True)
    sources = {i.id: digests[str(i.path)] for i in incidents if str(i.path) in digests}
    return incidents, problems, sources


def load_listings(root: Path, *, now: datetime, config: Config | None = None) -> tuple[list[Listing], list[Problem]]:
    """What ``list``, ``due`` and ``validate`` need of every incident (statusgen/core/listing.py),
    newest first, with every problem ``load_incidents`` reports; from the parse cache's small
    index, so no incident is decoded when the files are unchanged."""
    config = config or load_config(root)
    postmortems, problems, cache, files = _cached_files(config)
    entries = _index_entries(cache, config, files, problems)
    listing = cache.listing
    items = [
        (path, shown, *listing(entry, path)) for (path, shown, _, _), entry in zip(files, entries) if entry is not None
    ]
    cache.save()
    listings = _checked(items, postmortems, config, now, problems)
    listings.sort(key=lambda i: (i.started_at, i.id), reverse=True)
    return listings, problems


def _checked(
    items: Iterable[tuple[Path, str, _Kept | None, list[Problem]]],
    postmortems: set[Path],
    config: Config,
    now: datetime,
    problems: list[Problem],
) -> list[_Kept]:
    """The incidents (or listings) of ``items`` that may be used, each with its postmortem
    file; their problems, duplicate ids and the checks that need "now" go to ``problems``."""
    kept: list[_Kept] = []
    first_seen: dict[str, str] = {}
    # By text, not a Path each: at 10,000 incidents Path arithmetic is a fair part of a warm load.
    beside = {os.path.normcase(str(p)): p for p in postmortems}
    for path, shown, incident, file_problems in items:
        problems.extend(file_problems)
        if incident is None:
            continue
        if incident.id in first_seen:
            problems.append(Problem(shown, 1, f"duplicate id '{incident.id}'; also used by {first_seen[incident.id]}"))
            continue
        first_seen[incident.id] = shown
        postmortem = beside.get(os.path.normcase(os.path.join(os.path.dirname(path), incident.id + POSTMORTEM_SUFFIX)))
        if postmortem is not None:
            incident = replace(incident, postmortem_path=postmortem)
        problems.extend(_repository_checks(incident, config, now, shown))
        kept.append(incident)
    return kept


def parse_incident_files(
    config: Config, kept: KeptIncidents | None = None
) -> tuple[set[Path], list[Problem], list[Parsed], dict[str, str]]:
    """Every incident file parsed and checked on its own, through the parse cache.

    Returns the postmortem files, the problems of files that cannot be read, per readable
    file ``(path, shown path, incident or None, its problems)``, and per file (``str(path)``)
    a digest of its bytes and shown path: what its incident was read from, the config aside.
    """
    postmortems, problems, cache, files = _cached_files(config, kept)
    parsed: list[Parsed] = []
    digests: dict[str, str] = {}
    for path, shown, info, entry in files:
        data = None
        if entry is not None:
            digest = entry[0]
        else:
            data = _read(path, shown, config, problems)
            if data is None:
                continue
            digest = hashlib.sha256(data).hexdigest()
        result: tuple[Incident | None, list[Problem]] | None = cache.get(shown, digest, path)
        if result is None:
            if data is None:  # indexed, but not in the large file (a lookup indexed it)
                data = _read(path, shown, config, problems)
                if data is None:
                    continue
                digest = hashlib.sha256(data).hexdigest()
            result = read_incident(path, data, config, shown, cache.runbooks)
            cache.put(shown, digest, result)
        if entry is None or entry[0] != digest:
            cache.remember(shown, info, digest, result)
        parsed.append((path, shown, *result))
        digests[str(path)] = f"{digest} {shown}"
    cache.save()
    return postmortems, problems, parsed, digests


def incident_summaries(config: Config) -> list[tuple[Path, tuple[str, str, str, bool] | None]]:
    """Per incident file, ``(id, title, stage, active)`` (None for a file with errors or one
    that cannot be read), from the parse cache's small index: an id lookup at 10,000 incidents
    decodes no incident."""
    _, _, cache, files = _cached_files(config)
    entries = _index_entries(cache, config, files, [])
    cache.save()
    return [
        (path, lookup_fields(entry[1]) if entry is not None and entry[1] is not None else None)
        for (path, _, _, _), entry in zip(files, entries)
    ]


def _index_entries(
    cache: IncidentCache, config: Config, files: list[_File], problems: list[Problem]
) -> list[IndexEntry | None]:
    """Each file's index entry: the one the cache holds for its metadata, else the file read,
    parsed and indexed now (many files in parallel: ``parallel.mapped``); None (with the reason
    in ``problems``, in the files' order) for a file that may not be read."""
    unread = [(path, shown) for path, shown, _, entry in files if entry is None]
    if not unread:
        return [entry for _, _, _, entry in files]
    runbooks = cache.runbooks

    def index(file: tuple[Path, str]) -> list[Any]:
        """``[why the file may not be read, or None, its index entry or None]``"""
        path, shown = file
        data, refused = read_source(path, config.root, file_limit(config))
        if data is None:
            return [refused, None]
        result = read_incident(path, data, config, shown, runbooks)
        return [None, index_entry(hashlib.sha256(data).hexdigest(), result, config)]

    fresh = iter(parallel.mapped(index, unread))
    entries: list[IndexEntry | None] = []
    for _, shown, info, entry in files:
        if entry is None:
            refused, entry = next(fresh)
            if refused is not None:
                problems.append(Problem(shown, 0, refused))
            else:
                cache.keep(shown, info, entry)
        entries.append(entry)
    return entries


def _read(path: Path, shown: str, config: Config, problems: list[Problem]) -> bytes | None:
    """The bytes of an incident file, or None with the reason it may not be read in ``problems``."""
    data, refused = read_source(path, config.root, file_limit(config))
    if refused:
        problems.append(Problem(shown, 0, refused))
    return data


def _cached_files(
    config: Config, kept: KeptIncidents | None = None
) -> tuple[set[Path], list[Problem], IncidentCache, list[_File]]:
    """The incident files with their metadata and, when it says they are unchanged, their
    index entry: ``(postmortems, problems, cache, [(path, shown, stat or None, entry or None)])``."""
    root = config.root
    incidents_dir = config.incidents_path
    shown_dir = display_path(incidents_dir, root)
    paths, postmortems, problems = scan_incidents(config, shown_dir)
    cache = IncidentCache(root, config, runbook_names(root / config.runbooks_dir), kept)
    limit = file_limit(config)
    base = len(str(incidents_dir)) + 1
    files: list[_File] = []
    for path in paths:
        shown = f"{shown_dir}/{str(path)[base:].replace(os.sep, '/')}"
        try:
            info = os.stat(path)  # before any read, so a change while reading shows next time
        except OSError:
            info = None
        usable = info is not None and stat.S_ISREG(info.st_mode) and info.st_size <= limit
        files.append((path, shown, info if usable else None, cache.known(shown, info) if usable else None))
    return postmortems, problems, cache, files


def scan_incidents(config: Config, shown_dir: str | None = None) -> tuple[list[Path], set[Path], list[Problem]]:
    """Incident files (sorted), postmortem files, and a Problem for each file under the
    incidents folder that must not be read (links out of the repository, special files)."""
    directory = config.incidents_path
    shown_dir = shown_dir or display_path(directory, config.root)
    found, problems = source_files(directory, config.root, (*INCIDENT_FILE_SUFFIXES, POSTMORTEM_SUFFIX), shown_dir)
    paths = [p for p in found if not p.name.endswith(POSTMORTEM_SUFFIX)]
    postmortems = {p for p in found if p.name.endswith(POSTMORTEM_SUFFIX)}
    return paths, postmortems, problems


def runbook_names(directory: Path) -> set[str]:
    if not directory.is_dir():
        return set()
    return {name[:-3] for _, _, names in os.walk(directory) for name in names if name.endswith(".md")}


def _repository_checks(incident: Incident | Listing, config: Config, now: datetime, shown: str) -> list[Problem]:
    """Checks that need more than the file: postmortems that are due."""
    problems = []
    if lifecycle.postmortem_overdue(incident, config, now):
        hours = config.postmortem_due_hours
        problems.append(
            Problem(
                shown,
                1,
                f"{incident.severity} resolved more than {hours} h ago has no postmortem; "
                f"run `statusgen postmortem {incident.id}` to start {incident.id}{POSTMORTEM_SUFFIX}",
                "warning",
            )
        )
    return problems
