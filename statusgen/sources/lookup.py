"""Find the incident a person means from what they typed: one rule for every command.

1. the exact id;
2. else the one *active* incident whose id or title contains the text (case-insensitive);
3. else the one incident of all whose id or title contains it;
4. else an error listing the candidates, with the closest ids and titles as "did you mean".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from statusgen.core.errors import StatusgenError, ValidationError, display_path
from statusgen.core.model import Config, Incident
from statusgen.sources.incident_file import INCIDENT_FILE_SUFFIXES, POSTMORTEM_SUFFIX, read_incident
from statusgen.sources.incidents import incident_summaries

SHOWN = 5  # candidates listed in an error
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@dataclass(frozen=True)
class Candidate:
    """What a lookup knows of one incident file, even when the file has errors."""

    id: str
    title: str
    stage: str
    active: bool
    path: Path

    def describe(self) -> str:
        state = f", {self.stage}" if self.stage else ""
        title = f"'{self.title}'" if self.title else "(file has errors)"
        return f"{self.id} ({title}{state})"


def candidates(config: Config) -> list[Candidate]:
    """Every incident file under the incidents directory, newest first."""
    found = []
    for path, summary in incident_summaries(config):  # the parse cache's index: fast at 10,000 files
        if summary is None:
            found.append(Candidate(path.stem, "", "", False, path))
        else:
            found.append(Candidate(*summary, path))
    found.sort(key=lambda c: c.id, reverse=True)
    return found


def find_incident(config: Config, text: str) -> Path:
    """The file of the incident ``text`` names (see the module's rule), or a StatusgenError."""
    text = text.strip()
    if re.match(r"^\d{4}-", text):
        for suffix in INCIDENT_FILE_SUFFIXES:
            direct = config.incidents_path / text[:4] / f"{text}{suffix}"
            if direct.is_file():
                return direct
    return resolve(candidates(config), text).path


def read_found(config: Config, path: Path) -> Incident:
    """The incident in the file ``find_incident`` returned, with its postmortem file when it has
    one; ValidationError naming the file's errors when it cannot be read as an incident."""
    incident, problems = read_incident(path, path.read_bytes(), config, display_path(path, config.root))
    if incident is None:
        raise ValidationError([p for p in problems if p.is_error])
    postmortem = path.with_name(incident.id + POSTMORTEM_SUFFIX)
    return replace(incident, postmortem_path=postmortem) if postmortem.exists() else incident


def similar_active(found: list[Candidate], title: str) -> Candidate | None:
    """The first active incident of ``found`` whose title is ``title`` or close to it (case and
    spacing aside), or None."""
    wanted = " ".join(title.lower().split())
    for other in found:
        if not other.active or not other.title:
            continue
        theirs = " ".join(other.title.lower().split())
        if theirs == wanted or difflib.SequenceMatcher(None, wanted, theirs).ratio() >= 0.8:
            return other
    return None


def short_reference(found: list[Candidate], path: Path) -> str:
    """The shortest text that names the incident at ``path`` among ``found``: its id without
    the date when that finds it, else the full id."""
    tail = DATE_PREFIX.sub("", path.stem)
    try:
        if tail and resolve(sorted(found, key=lambda c: c.id, reverse=True), tail).path == path:
            return tail
    except StatusgenError:
        pass
    return path.stem


def resolve(found: list[Candidate], text: str) -> Candidate:
    """The one candidate ``text`` names; StatusgenError otherwise."""
    for candidate in found:
        if candidate.id == text:
            return candidate
    needle = text.lower()
    matches = [c for c in found if needle and (needle in c.id.lower() or needle in c.title.lower())]
    active = [c for c in matches if c.active]
    for pool in (active, matches):
        if len(pool) == 1:
            return pool[0]
        if len(pool) > 1:
            listed = "; ".join(c.describe() for c in pool[:SHOWN])
            more = f" and {len(pool) - SHOWN} more" if len(pool) > SHOWN else ""
            which = "active incidents" if pool is active else "incidents"
            raise StatusgenError(
                f"'{text}' matches {len(pool)} {which}: {listed}{more}; give more of the id, or the full id"
            )
    if not found:
        raise StatusgenError(f"no incident '{text}': there are no incidents yet; `statusgen new` declares one")
    hint = did_you_mean(found, text)
    raise StatusgenError(f"no incident '{text}'{hint} (`statusgen list` shows the ids)")


def _similarity(matcher: difflib.SequenceMatcher[str], part: str) -> float:
    """``matcher``'s ratio against ``part``, skipped (0) when the cheap upper bounds already
    rule out 0.6: with 10,000 incidents a typo must still be answered at once."""
    matcher.set_seq1(part)
    if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
        return 0.0
    return matcher.ratio()


def did_you_mean(found: list[Candidate], text: str) -> str:
    """``; did you mean A or B?`` from the ids, id tails and titles closest to ``text``."""
    keys: dict[str, Candidate] = {}
    for candidate in found:
        for key in (candidate.id.lower(), DATE_PREFIX.sub("", candidate.id.lower()), candidate.title.lower()):
            if key:
                keys.setdefault(key, candidate)
    # Compare against whole keys and against each word run of the same length, so "latncy"
    # finds "...-high-latency" as well as "High latency".
    needle = text.lower()
    matcher = difflib.SequenceMatcher(None, "", needle)  # the typed text indexed once, as b
    scored: dict[str, float] = {}
    for key, candidate in keys.items():
        parts = [key, *re.split(r"[\s_-]+", key)]
        width = len(re.split(r"[\s_-]+", needle))
        words = re.split(r"[\s_-]+", key)
        parts += ["-".join(words[i : i + width]) for i in range(len(words) - width + 1)]
        best = max(_similarity(matcher, part) for part in parts if part)
        if best >= 0.6:
            scored[candidate.id] = max(scored.get(candidate.id, 0), best + (0.05 if candidate.active else 0))
    close = sorted(scored, key=lambda cid: (-scored[cid], cid))[:3]
    if not close:
        return ""
    by_id = {c.id: c for c in found}
    return "; did you mean " + " or ".join(by_id[cid].describe() for cid in close) + "?"
