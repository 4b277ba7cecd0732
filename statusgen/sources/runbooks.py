"""Runbooks: markdown files with front matter under ``runbooks/<service>/<name>.md``.

Loading checks every field with ``path:line`` problems, and across files that names and alerts
are unique; ``stale_problems`` is the review-date check ``statusgen validate`` adds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from statusgen.cache.store import CACHE_DIR, StatCache, code_key
from statusgen.core.documents import Runbook, alert_slug
from statusgen.core.errors import Problem
from statusgen.core.markdown import HEADING, heading_key
from statusgen.core.model import Config
from statusgen.core.times import TimeError, parse_date
from statusgen.sources import frontmatter
from statusgen.sources.checker import FileCheck, line_of
from statusgen.sources.files import ShownPaths, file_limit, read_kept, source_files

RUNBOOK_KEYS = ("title", "service", "owner", "severity", "alerts", "last_reviewed", "review_every")
REQUIRED_KEYS = ("title", "service", "owner", "last_reviewed")
# The sections a responder expects, in the order they read them.
SECTIONS = ("Symptoms", "Impact", "Diagnosis", "Mitigation", "Recovery", "Escalation", "What not to do")
ALERT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
RESERVED_DIRS = ("alerts",)  # /runbooks/alerts/ holds the alert pages


def load_runbooks(config: Config) -> tuple[list[Runbook], list[Problem]]:
    """Every runbook under the runbooks directory (sorted by path), and every problem found.

    Files with errors are left out. Cross-file checks (duplicate names, one alert claimed by
    two runbooks) are included. A runbook whose file is unchanged since the last load is not
    read again: what reading it gave is kept in ``.statusgen-cache/``, by the file's metadata.
    """
    directory = config.root / config.runbooks_dir
    if not directory.is_dir():
        return [], []
    default_days = config.runbook_review_days
    severities = [s.id for s in config.severities]
    runbooks: list[Runbook] = []
    limit = file_limit(config)
    key = code_key(_CODE, str(limit), config.runbooks_dir, str(default_days), repr(severities))
    cache = StatCache(config.root / CACHE_DIR / "runbooks.json", key)
    shown_path = ShownPaths(directory, config.root)
    paths, problems = source_files(directory, config.root, (".md",), shown_path.shown_dir)
    for path in paths:
        shown = shown_path(path)

        def parse(check: FileCheck, data: bytes, path: Path = path) -> list[Any] | None:
            runbook = read_runbook(check, path, data, directory, default_days, severities)
            return _encode(runbook) if runbook is not None else None

        encoded, found = read_kept(cache, path, shown, config.root, limit, parse)
        problems.extend(found)
        if encoded is not None:
            runbooks.append(_decode(encoded, path, shown))
    cache.save()
    problems.extend(_cross_checks(runbooks))
    bad = {p.path for p in problems if p.is_error}
    return [r for r in runbooks if r.shown not in bad], problems


# What a parsed runbook depends on besides its file and the config (the key of its parse cache).
_CODE = (
    "sources/runbooks.py", "sources/frontmatter.py", "sources/checker.py", "sources/files.py", "core/text.py",
    "core/times.py", "core/documents.py", "core/errors.py", "core/markdown.py",
)  # fmt: skip


def _encode(r: Runbook) -> list[Any]:
    return [r.rel, r.title, r.service, r.owner, r.last_reviewed.isoformat(), r.review_every, r.severity,
            list(r.alerts), list(r.alert_lines), r.body, r.body_line, list(r.sections)]  # fmt: skip


def _decode(values: list[Any], path: Path, shown: str) -> Runbook:
    rel, title, service, owner, reviewed, every, severity, alerts, lines, body, body_line, sections = values
    return Runbook(path.stem, path, shown, rel, title, service, owner, date.fromisoformat(reviewed), every,
                   severity, tuple(alerts), tuple(lines), body, body_line, tuple(sections))  # fmt: skip


def read_runbook(
    check: FileCheck,
    path: Path,
    data: bytes,
    directory: Path,
    default_days: int = 90,
    severities: Collection[str] = (),
) -> Runbook | None:
    """Parse one runbook; None when it has errors (recorded in ``check``)."""
    rel = path.relative_to(directory).as_posix()
    name = path.stem
    if not NAME.match(name):
        check.error(1, f"runbook file name '{path.name}' must be lowercase letters, digits, '-' or '_', ending in .md")
    parts = rel.split("/")
    if parts[0] in RESERVED_DIRS:
        check.error(1, f"'{parts[0]}/' is reserved for the alert pages; move the runbook to another directory")
    root, body, body_line = frontmatter.read(check, data)
    if root is None:
        return None
    fields = check.mapping(root, "runbook front matter")
    if fields is None:
        return None
    check.known_keys(fields, RUNBOOK_KEYS, "runbook front matter")
    for key in REQUIRED_KEYS:
        if key not in fields:
            check.error(1, f"front matter is missing '{key}'; expected {_HINTS[key]}")
    values: dict[str, str | None] = {}
    for key in ("title", "service", "owner"):
        if key in fields:
            values[key] = check.text(fields[key][1], key)
    severity: str | None = ""
    if "severity" in fields:
        severity = check.choice(fields["severity"][1], "severity", severities) if severities else None
        if not severities:
            severity = check.text(fields["severity"][1], "severity")
    last_reviewed: date | None = None
    if "last_reviewed" in fields:
        text = check.text(fields["last_reviewed"][1], "last_reviewed")
        if text is not None:
            try:
                last_reviewed = parse_date(text)
            except TimeError as exc:
                check.error(fields["last_reviewed"][1], f"last_reviewed: {exc}")
    review_every = default_days
    if "review_every" in fields:
        number = check.number(fields["review_every"][1], "review_every")
        if number is not None:
            if number < 1 or number != int(number):
                check.error(fields["review_every"][1], f"review_every must be a whole number of days, not {number:g}")
            review_every = int(number)
    alerts: list[str] = []
    alert_lines: list[int] = []
    if "alerts" in fields:
        node = fields["alerts"][1]
        for item in check.sequence(node, "alerts") or []:
            alert = check.text(item, "each alert name")
            if alert is None:
                continue
            if not ALERT_NAME.match(alert):
                check.error(
                    item, f"alert name '{alert}' must be letters, digits, '_', '.' or '-', as in the alert rule"
                )
                continue
            if alert in alerts:
                check.error(item, f"alert '{alert}' is listed twice")
                continue
            alerts.append(alert)
            alert_lines.append(line_of(item))
    service = values.get("service")
    if service and len(parts) > 1 and parts[0] != service:
        check.warn(fields["service"][1], f"service '{service}' differs from the directory '{parts[0]}/' it is in")
    sections = _sections(body)
    missing = [s for s in SECTIONS if heading_key(s) not in {heading_key(h) for h in sections}]
    if missing:
        check.warn(
            body_line,
            "runbook has no section for: " + ", ".join(missing) + "; responders expect '## " + missing[0] + "'",
        )
    title, owner = values.get("title"), values.get("owner")
    # A required field missing or wrong was recorded as an error, so check.failed already holds.
    if check.failed or title is None or service is None or owner is None or last_reviewed is None:
        return None
    return Runbook(
        name=name,
        path=path,
        shown=check.shown,
        rel=rel,
        title=title.strip(),
        service=service.strip(),
        owner=owner.strip(),
        last_reviewed=last_reviewed,
        review_every=review_every,
        severity=severity or "",
        alerts=tuple(alerts),
        alert_lines=tuple(alert_lines),
        body=body,
        body_line=body_line,
        sections=tuple(sections),
    )


_HINTS = {
    "title": "a short title, like: title: API high latency",
    "service": "the service it is for, like: service: api",
    "owner": "the owning team, like: owner: team-platform",
    "last_reviewed": "the date of the last review, like: last_reviewed: 2026-11-01",
}


def _sections(body: str) -> list[str]:
    headings, fenced = [], False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match and len(match.group(1)) == 2:
            headings.append(match.group(2))
    return headings


def _cross_checks(runbooks: list[Runbook]) -> list[Problem]:
    problems = []
    by_name: dict[str, Runbook] = {}
    by_slug: dict[str, tuple[str, Runbook]] = {}
    for runbook in runbooks:
        if runbook.name in by_name:
            problems.append(
                Problem(
                    runbook.shown,
                    1,
                    f"runbook name '{runbook.name}' is also used by {by_name[runbook.name].shown}; "
                    "incidents name runbooks by file name, so names must be unique",
                )
            )
        else:
            by_name[runbook.name] = runbook
        for alert, line in zip(runbook.alerts, runbook.alert_lines):
            slug = alert_slug(alert)
            if slug in by_slug:
                other_alert, other = by_slug[slug]
                same = "is also claimed" if other_alert == alert else f"clashes with '{other_alert}'"
                problems.append(
                    Problem(
                        runbook.shown,
                        line,
                        f"alert '{alert}' {same} by {other.shown}; each alert leads to one runbook "
                        f"(its page is /runbooks/alerts/{slug}/)",
                    )
                )
            else:
                by_slug[slug] = (alert, runbook)
    return problems


def stale_problems(runbooks: Iterable[Runbook], now: datetime) -> list[Problem]:
    """A warning for each runbook past its review date."""
    problems = []
    for runbook in runbooks:
        if runbook.is_stale(now):
            days = (now.date() - runbook.review_due).days
            problems.append(
                Problem(
                    runbook.shown,
                    1,
                    f"runbook review overdue by {days} days (last reviewed {runbook.last_reviewed}, "
                    f"review every {runbook.review_every} days); review it and set last_reviewed",
                    "warning",
                )
            )
    return problems
