"""Runbooks: markdown files with front matter under ``runbooks/<service>/<name>.md``.

Loading checks every field with ``path:line`` problems; ``check_runbooks`` is what
``statusgen validate`` runs (review dates, alert names, and optionally Prometheus rule files).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from statusgen.core.errors import Problem, display_path
from statusgen.core.model import Config, Repository
from statusgen.core.times import TimeError, parse_date
from statusgen.sources import frontmatter
from statusgen.sources.checker import FileCheck, line_of
from statusgen.sources.files import read_source, source_files
from statusgen.sources.incidents import file_limit

RUNBOOK_KEYS = ("title", "service", "owner", "severity", "alerts", "last_reviewed", "review_every")
REQUIRED_KEYS = ("title", "service", "owner", "last_reviewed")
# The sections a responder expects, in the order they read them.
SECTIONS = ("Symptoms", "Impact", "Diagnosis", "Mitigation", "Recovery", "Escalation", "What not to do")
ALERT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
RESERVED_DIRS = ("alerts",)  # /runbooks/alerts/ holds the alert pages
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Runbook:
    """One runbook file."""

    name: str  # the file stem; what incidents list under `runbooks:`
    path: Path
    shown: str  # the path as printed in problems
    rel: str  # path under the runbooks directory, like api/api-high-latency.md
    title: str
    service: str
    owner: str
    last_reviewed: date
    review_every: int  # days
    severity: str = ""
    alerts: tuple[str, ...] = ()
    alert_lines: tuple[int, ...] = ()
    body: str = ""
    body_line: int = 1
    sections: tuple[str, ...] = field(default=(), compare=False)

    @property
    def review_due(self) -> date:
        return self.last_reviewed + timedelta(days=self.review_every)

    def is_stale(self, now: datetime) -> bool:
        """True once the review date has passed."""
        return now.date() > self.review_due


def alert_slug(alert: str) -> str:
    """The alert's part of its stable URL: ``/runbooks/alerts/<slug>/``."""
    return alert.lower()


def load_runbooks(config: Config) -> tuple[list[Runbook], list[Problem]]:
    """Every runbook under the runbooks directory (sorted by path), and every problem found.

    Files with errors are left out. Cross-file checks (duplicate names, one alert claimed by
    two runbooks) are included.
    """
    directory = config.root / config.runbooks_dir
    if not directory.is_dir():
        return [], []
    default_days = int(config.extra.get("runbook_review_days", 90) or 90)
    severities = [s.id for s in config.severities]
    runbooks = []
    limit = file_limit(config)
    paths, problems = source_files(directory, config.root, (".md",), display_path(directory, config.root))
    for path in paths:
        check = FileCheck(path, display_path(path, config.root))
        data, refused = read_source(path, config.root, limit)
        if refused:
            problems.append(Problem(check.shown, 0, refused))
            continue
        runbook = read_runbook(check, path, data, directory, default_days, severities)
        problems.extend(check.problems)
        if runbook is not None:
            runbooks.append(runbook)
    problems.extend(_cross_checks(runbooks))
    bad = {p.path for p in problems if p.is_error}
    return [r for r in runbooks if r.shown not in bad], problems


def read_runbook(
    check: FileCheck, path: Path, data: bytes, directory: Path, default_days: int = 90, severities=()
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
    values = {}
    for key in ("title", "service", "owner"):
        if key in fields:
            values[key] = check.text(fields[key][1], key)
    severity = ""
    if "severity" in fields:
        severity = check.choice(fields["severity"][1], "severity", severities) if severities else None
        if not severities:
            severity = check.text(fields["severity"][1], "severity")
    last_reviewed = None
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
    alerts, alert_lines = [], []
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
    missing = [s for s in SECTIONS if _norm(s) not in {_norm(h) for h in sections}]
    if missing:
        check.warn(
            body_line,
            "runbook has no section for: " + ", ".join(missing) + "; responders expect '## " + missing[0] + "'",
        )
    if check.failed:
        return None
    return Runbook(
        name=name,
        path=path,
        shown=check.shown,
        rel=rel,
        title=values["title"].strip(),
        service=service.strip(),
        owner=values["owner"].strip(),
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


def _norm(heading: str) -> str:
    return re.sub(r"[^a-z]+", " ", heading.lower()).strip()


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


def check_runbooks(config: Config, now: datetime, alert_rules_paths: Iterable[Path] = ()) -> list[Problem]:
    """Every runbook problem ``statusgen validate`` reports.

    Field errors, stale reviews (warnings) and, for each Prometheus rule file given, alerts
    with no runbook and runbooks naming alerts that no rule defines.
    """
    runbooks, problems = load_runbooks(config)
    problems.extend(stale_problems(runbooks, now))
    paths = list(alert_rules_paths)
    if paths:
        from statusgen.sources.alert_rules import compare_with_runbooks, read_alert_rules

        rules, rule_problems = [], []
        for path in paths:
            found, found_problems = read_alert_rules(Path(path), config.root)
            rules.extend(found)
            rule_problems.extend(found_problems)
        problems.extend(rule_problems)
        if not any(p.is_error for p in rule_problems):
            problems.extend(compare_with_runbooks(rules, runbooks, config.site_url))
    return problems


def used_by(repo: Repository) -> dict[str, list]:
    """Runbook name -> the incidents that used it (newest first), drills included."""
    result: dict[str, list] = {}
    for incident in repo.incidents:
        for name in incident.runbooks:
            result.setdefault(name, []).append(incident)
    return result


def scaffold(name: str, service: str, *, owner: str = "", today: date, review_every: int = 90) -> str:
    """The text of a new runbook with every section a responder expects."""
    title = name.replace("-", " ").replace("_", " ").capitalize()
    fields = (
        f"title: {title}\n"
        f"service: {service}\n"
        f"owner: {owner or 'team-' + service}\n"
        "severity: SEV2\n"
        "alerts: []            # exact alert names from the alerting rules, like [APIHighLatencyP95]\n"
        f"last_reviewed: {today.isoformat()}\n"
        f"review_every: {review_every}       # days\n"
    )
    body = """\
## Symptoms

- Which alert fires, on what condition, for how long.
- What customers or other teams report.

## Impact

Who is affected and how badly; what depends on this service.

## Diagnosis

1. First check, with the exact command and what healthy output looks like.

   ```console
   $ command --to-run
   ```

## Mitigation

1. **Action.**
   - When: the condition that calls for it.
   - Command: `the exact command`
   - Verify: how to tell it worked.
   - Risk: what can go wrong.

## Recovery

- Undo temporary changes once the service is healthy.

## Escalation

- Primary: the owning team's on-call.

## What not to do

- Actions that make this failure worse.
"""
    return frontmatter.render(fields, body)


# -- what an alert's page shows ---------------------------------------------------------------

# The runbook sections an alert page quotes, each by its own heading first, else the usual one.
TRIGGER_SECTIONS = ("Trigger", "When it fires", "Symptoms")
FIRST_STEP_SECTIONS = ("First steps", "Mitigation")
ROLLBACK_SECTIONS = ("Rollback", "Recovery")
FIRST_STEPS = 3  # list items taken from a Mitigation section when there is no "First steps"


@dataclass(frozen=True)
class AlertPage:
    """Everything the page of one alert shows, as data (the page itself renders it)."""

    alert: str
    runbook: Runbook
    rules: tuple = ()  # AlertRule: expression, labels, severity, for; several per alert possible
    trigger: str = ""  # Markdown from the runbook
    first_steps: str = ""
    rollback: str = ""
    incidents: tuple = ()  # the most recent incidents that used the runbook, newest first

    @property
    def severities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.severity for rule in self.rules if rule.severity))


def section(body: str, names: Iterable[str]) -> tuple[str, str]:
    """``(heading, Markdown)`` of the first ``##`` section whose heading is one of ``names``
    (compared loosely: case and punctuation do not matter), or ``("", "")``."""
    wanted = [_norm(name) for name in names]
    found: dict[str, tuple[str, list[str]]] = {}
    current, fenced = None, False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match and len(match.group(1)) <= 2:
            key = _norm(match.group(2))
            current = key if key in wanted and key not in found else None
            if current:
                found[current] = (match.group(2), [])
            continue
        if current:
            found[current][1].append(line)
    for key in wanted:
        if key in found:
            heading, lines = found[key]
            return heading, "\n".join(lines).strip()
    return "", ""


def first_items(markdown: str, count: int) -> str:
    """The first ``count`` top-level list items of ``markdown`` (with their indented lines)."""
    items: list[list[str]] = []
    for line in markdown.splitlines():
        if re.match(r"^(\d+[.)]|[-*+])\s", line):
            if len(items) == count:
                break
            items.append([line])
        elif items and (line.startswith((" ", "\t")) or not line.strip()):
            items[-1].append(line)
        elif items:
            break
    return "\n".join("\n".join(item).rstrip() for item in items)


def alert_pages(repo: Repository, runbooks: Iterable[Runbook], rules: dict | None = None, recent: int = 5):
    """Alert name -> AlertPage for every alert a runbook lists: the alert's rules (from
    ``alert_rules.load_alert_rules``), the runbook's trigger, first steps and rollback, and the
    ``recent`` newest incidents that used the runbook."""
    rules = rules or {}
    users = used_by(repo)
    pages = {}
    for runbook in runbooks:
        _, trigger = section(runbook.body, TRIGGER_SECTIONS)
        heading, steps = section(runbook.body, FIRST_STEP_SECTIONS)
        if _norm(heading) != _norm(FIRST_STEP_SECTIONS[0]):
            steps = first_items(steps, FIRST_STEPS) or steps
        _, rollback = section(runbook.body, ROLLBACK_SECTIONS)
        incidents = tuple(users.get(runbook.name, ())[:recent])
        for alert in runbook.alerts:
            pages[alert] = AlertPage(alert, runbook, tuple(rules.get(alert, ())), trigger, steps, rollback, incidents)
    return pages
