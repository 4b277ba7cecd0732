"""Postmortems: ``<incident id>.postmortem.md`` beside the incident, action items in front matter.

``load_postmortems`` reads and checks them; ``scaffold`` writes a new one from an incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from statusgen.core.errors import Problem, display_path
from statusgen.core.model import Config, Incident, Repository
from statusgen.core.status import weights_sentence
from statusgen.core.times import TimeError, duration, human_long, parse_date
from statusgen.sources import frontmatter
from statusgen.sources.checker import FileCheck, line_of
from statusgen.sources.files import read_source
from statusgen.sources.incidents import file_limit

POSTMORTEM_KEYS = ("incident", "title", "status", "authors", "action_items", "public_summary")
STATUSES = ("draft", "in_review", "published")
ITEM_KEYS = ("id", "action", "type", "priority", "owner", "due", "status", "ticket")
ITEM_REQUIRED = ("id", "action", "type", "priority", "owner", "due", "status")
ITEM_TYPES = ("mitigate", "prevent", "process")
ITEM_PRIORITIES = ("P0", "P1", "P2", "P3", "P4")
ITEM_STATUSES = ("open", "in_progress", "done", "wont_do")
OPEN_STATUSES = ("open", "in_progress")
# How each state reads to a person; a file may use these words too ("won't do", "In progress").
ITEM_STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "done": "Done", "wont_do": "Won't do"}
# Other ways people write the states.
ITEM_STATUS_ALIASES = {
    "todo": "open",
    "to_do": "open",
    "doing": "in_progress",
    "started": "in_progress",
    "complete": "done",
    "completed": "done",
    "closed": "done",
    "wontdo": "wont_do",
    "will_not_do": "wont_do",
    "wontfix": "wont_do",
    "wont_fix": "wont_do",
    "not_doing": "wont_do",
}


def item_status(text: str) -> str | None:
    """The state ``text`` names, as people write it, or None.

    >>> [item_status(t) for t in ("won't do", "Won’t Do", "In progress", "in-progress", "DONE", "maybe")]
    ['wont_do', 'wont_do', 'in_progress', 'in_progress', 'done', None]
    """
    key = re.sub(r"[\s-]+", "_", text.strip().lower().replace("'", "").replace("\u2019", ""))
    key = ITEM_STATUS_ALIASES.get(key, key)
    return key if key in ITEM_STATUSES else None


@dataclass(frozen=True)
class ActionItem:
    id: str
    action: str
    type: str
    priority: str
    owner: str
    due: date
    status: str
    ticket: str = ""
    line: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        """``Won't do``: the state as people write it."""
        return ITEM_STATUS_LABELS[self.status]

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and now.date() > self.due


@dataclass(frozen=True)
class Postmortem:
    incident_id: str
    path: Path
    shown: str
    status: str
    authors: tuple[str, ...]
    action_items: tuple[ActionItem, ...]
    body: str
    title: str = ""
    public_summary: str = ""  # Markdown the team chose to publish on the public incident page and feed


def load_postmortems(repo: Repository) -> tuple[dict[str, Postmortem], list[Problem]]:
    """Incident id -> postmortem, for every incident that has one; and every problem found."""
    result, problems = {}, []
    for incident in repo.incidents:
        if incident.postmortem_path is None:
            continue
        path = incident.postmortem_path
        check = FileCheck(path, display_path(path, repo.config.root))
        data, refused = read_source(path, repo.config.root, file_limit(repo.config))
        if refused:
            problems.append(Problem(check.shown, 0, refused))
            continue
        postmortem = read_postmortem(check, path, data, incident.id)
        problems.extend(check.problems)
        if postmortem is not None:
            result[incident.id] = postmortem
    return result, problems


def read_postmortem(check: FileCheck, path: Path, data: bytes, incident_id: str) -> Postmortem | None:
    """Parse one postmortem; None when it has errors (recorded in ``check``)."""
    root, body, _ = frontmatter.read(check, data)
    if root is None:
        return None
    fields = check.mapping(root, "postmortem front matter")
    if fields is None:
        return None
    check.known_keys(fields, POSTMORTEM_KEYS, "postmortem front matter")
    if "incident" in fields:
        named = check.text(fields["incident"][1], "incident")
        if named and named != incident_id:
            check.error(
                fields["incident"][1], f"incident '{named}' does not match the file name; expected {incident_id}"
            )
    status = "draft"
    if "status" in fields:
        status = check.choice(fields["status"][1], "status", STATUSES) or "draft"
    authors = []
    if "authors" in fields:
        authors = check.text_list(fields["authors"][1], "authors") or []
    title = check.text(fields["title"][1], "title") if "title" in fields else ""
    summary = ""
    if "public_summary" in fields:
        summary = check.text(fields["public_summary"][1], "public_summary") or ""
    items = []
    if "action_items" in fields:
        node = fields["action_items"][1]
        if not (node.tag.endswith(":null")):
            for item_node in check.sequence(node, "action_items") or []:
                item = _action_item(check, item_node)
                if item is not None:
                    if any(i.id == item.id for i in items):
                        check.error(item_node, f"action item id '{item.id}' is used twice in this postmortem")
                    items.append(item)
    if check.failed:
        return None
    return Postmortem(
        incident_id, path, check.shown, status, tuple(authors), tuple(items), body, title or "", summary.strip()
    )


def public_summaries(repo: Repository) -> dict[str, str]:
    """Incident id -> the ``public_summary`` of its postmortem, for postmortems that have one.

    The one part of a postmortem the public site may show: a team opts in per postmortem by
    writing ``public_summary:`` in its front matter. Nothing else of the postmortem is
    returned. A postmortem with errors gives nothing (``statusgen validate`` reports them).
    A postmortem whose file is unchanged since the last build is not read again (its summary
    is kept in ``.statusgen-cache/``, by the file's metadata).
    """
    import os

    from statusgen.cache.parsed import CACHE_DIR, StatCache, code_key

    root = repo.config.root
    limit = file_limit(repo.config)
    cache = StatCache(root / CACHE_DIR / "summaries.json", code_key(_SUMMARY_CODE, str(limit)))
    result = {}
    for incident in repo.incidents:
        path = incident.postmortem_path
        if path is None:
            continue
        shown = display_path(path, root)
        try:
            info = os.stat(path)
        except OSError:
            info = None
        kept = cache.get(shown, info)
        if kept is None:
            check = FileCheck(path, shown)
            data, refused = read_source(path, root, limit)
            postmortem = None if refused else read_postmortem(check, path, data, incident.id)
            kept = [postmortem.public_summary if postmortem is not None else ""]
            if not refused:
                cache.put(shown, info, kept)
        if kept[0]:
            result[incident.id] = kept[0]
    cache.save()
    return result


# What a postmortem's public summary depends on besides its file (for the summaries' cache).
_SUMMARY_CODE = ("sources/postmortems.py", "sources/frontmatter.py", "sources/checker.py", "core/text.py", "sources/files.py")


def _action_item(check: FileCheck, node) -> ActionItem | None:
    fields = check.mapping(node, "an action item")
    if fields is None:
        return None
    before = len(check.problems)
    check.known_keys(fields, ITEM_KEYS, "an action item")
    for key in ITEM_REQUIRED:
        if key not in fields:
            check.error(node, f"action item is missing '{key}'; expected {_ITEM_HINTS[key]}")
    values = {}
    for key in ("id", "action", "owner"):
        if key in fields:
            values[key] = check.text(fields[key][1], key)
    values["ticket"] = check.text(fields["ticket"][1], "ticket", allow_empty=True) if "ticket" in fields else ""
    for key, choices in (("type", ITEM_TYPES), ("priority", ITEM_PRIORITIES)):
        if key in fields:
            values[key] = check.choice(fields[key][1], f"action item {key}", choices)
    if "status" in fields:
        text = check.text(fields["status"][1], "action item status")
        if text is not None:
            values["status"] = item_status(text)
            if values["status"] is None:
                check.error(
                    fields["status"][1],
                    f"action item status '{text}' is not valid; expected one of: "
                    + ", ".join(ITEM_STATUS_LABELS[s].lower() for s in ITEM_STATUSES),
                )
    if "due" in fields:
        text = check.text(fields["due"][1], "due")
        if text is not None:
            try:
                values["due"] = parse_date(text)
            except TimeError as exc:
                check.error(fields["due"][1], f"due: {exc}")
    if any(p.is_error for p in check.problems[before:]):
        return None
    return ActionItem(
        id=values["id"].strip(),
        action=values["action"].strip(),
        type=values["type"],
        priority=values["priority"],
        owner=values["owner"].strip(),
        due=values["due"],
        status=values["status"],
        ticket=(values["ticket"] or "").strip(),
        line=line_of(node),
    )


_ITEM_HINTS = {
    "id": "a short id, like: id: AI-1",
    "action": "what will be done",
    "type": "one of: " + ", ".join(ITEM_TYPES),
    "priority": "one of: " + ", ".join(ITEM_PRIORITIES),
    "owner": "the person responsible",
    "due": "a date, like: due: 2026-12-01",
    "status": "one of: " + ", ".join(ITEM_STATUS_LABELS[s].lower() for s in ITEM_STATUSES),
}


def open_action_items(repo: Repository, postmortems: dict[str, Postmortem], now: datetime):
    """``[(item, incident, postmortem)]`` of every open item: overdue first, then by due date."""
    rows = []
    by_id = {i.id: i for i in repo.incidents}
    for incident_id, postmortem in postmortems.items():
        incident = by_id[incident_id]
        for item in postmortem.action_items:
            if item.is_open:
                rows.append((item, incident, postmortem))
    rows.sort(key=lambda r: (not r[0].is_overdue(now), r[0].due, r[1].id, r[0].id))
    return rows


# -- scaffold ---------------------------------------------------------------------------------


def scaffold(incident: Incident, config: Config, now: datetime) -> str:
    """The text of a new postmortem for ``incident``, with every figure the files allow."""
    from statusgen.views import metrics

    lines = [f"incident: {incident.id}", "status: draft"]
    authors = [incident.commander] if incident.commander else []
    lines.append(f"authors: [{', '.join(authors)}]")
    lines.append("# One entry per action item; the action items page lists every open one.")
    lines.append("#   - id: AI-1")
    lines.append("#     action: What will be done")
    lines.append("#     type: prevent         # mitigate | prevent | process")
    lines.append("#     priority: P2          # P0 (most urgent) .. P4")
    lines.append(f"#     owner: {incident.commander or 'someone'}")
    lines.append(f"#     due: {(now + timedelta(days=14)).date().isoformat()}")
    lines.append("#     status: open          # open | in_progress | done | wont_do")
    lines.append("#     ticket: ABC-123")
    lines.append("action_items: []")
    fields = "\n".join(lines) + "\n"

    names = {c.id: c.name for c in config.components}
    end = incident.resolved_at
    components = ", ".join(names.get(c, c) for c in incident.components) or "none"
    roles = ", ".join(f"{role}: {person}" for role, person in incident.roles.items())
    body = [
        "| | |",
        "|---|---|",
        f"| Incident | {incident.id} |",
        f"| Severity | {incident.severity or '-'} |",
        f"| Components | {components} |",
        f"| Commander | {incident.commander or '-'} |",
    ]
    if roles:
        body.append(f"| Roles | {roles} |")
    body.append(f"| Impact start | {_when(incident.impact_start)} |")
    body.append(f"| Resolved | {_when(end) if end else 'still open at ' + human_long(now)} |")
    body.append(f"| Duration | {duration(incident.duration(now))}{'' if end else ' so far'} |")
    if incident.drill:
        body.append("| Drill | yes: a planned exercise, left out of metrics |")
    body += ["", "## Summary", "", "<!-- What happened, to whom, for how long, and why, in a few sentences. -->", ""]

    body += ["## Impact", ""]
    open_text = f"still open ({duration(incident.duration(now))} so far)"
    spans = [
        ("Duration", incident.impact_start, end, "impact_start → resolved"),
        ("Time to detect", incident.impact_start, incident.detected_at, "impact_start → detected_at"),
        ("Time to acknowledge", incident.detected_at, incident.acknowledged_at, "detected_at → acknowledged_at"),
        ("Time to mitigate", incident.impact_start, incident.mitigated_at, "impact_start → mitigated_at"),
        ("Time to resolve", incident.impact_start, end, "impact_start → resolved"),
    ]
    body += ["| Figure | Value | From |", "|---|---|---|"]
    for label, a, b, what in spans:
        if a and b:
            value = duration(b - a)
        elif what.endswith("resolved") and not end:
            value = open_text
        else:
            value = "not recorded"
        body.append(f"| {label} | {value} | {what} |")
    body.append("")
    downtime = metrics.incident_downtime(incident, now, config.downtime_weights)
    days = int(config.extra.get("error_budget_days", 30) or 30)
    budget_rows = []
    for cid in incident.components:
        component = config.component(cid)
        if component is None or component.slo is None:
            continue
        spent = downtime.get(cid, timedelta(0))
        allowed = timedelta(days=days) * (1 - component.slo / 100)
        share = spent / allowed if allowed else 0
        budget_rows.append(
            f"| {component.name} | {component.slo:g}% | {_minutes(spent)} | {_minutes(allowed)} | {share:.0%} |"
        )
    if budget_rows:
        body += [
            f"Error budget consumed per component, against the {days}-day budget of its SLO "
            f"(weighted: {weights_sentence(config.downtime_weights)}):",
            "",
            "| Component | SLO | Weighted downtime | Budget | Consumed |",
            "|---|---|---|---|---|",
            *budget_rows,
            "",
        ]
    body += ["<!-- Customers affected, requests failed, money involved, support tickets. -->", ""]

    body += ["## Timeline", "", "All times UTC.", ""]
    for at, text in _timeline(incident):
        body.append(f"- {at:%Y-%m-%d %H:%M} - {text}")
    body += ["", "## Root cause", "", "<!-- The technical cause, and why it was possible. -->", ""]
    body += ["## Five whys", ""] + [f"{n}. Why? _to fill in_" for n in range(1, 6)] + [""]
    for heading in ("What went well", "What went poorly", "Where we got lucky"):
        body += [f"## {heading}", "", "- _to fill in_", ""]
    return frontmatter.render(fields, "\n".join(body))


def _when(moment: datetime | None) -> str:
    return human_long(moment) if moment else "not recorded"


def _minutes(delta: timedelta) -> str:
    minutes = delta.total_seconds() / 60
    return f"{minutes:.1f} min" if minutes < 100 else duration(delta)


def _timeline(incident: Incident) -> list[tuple[datetime, str]]:
    """Milestones and updates, in time order; milestones first at equal times."""
    entries = []
    milestones = (
        ("impact_start", "**Impact begins.**"),
        ("detected_at", "Detected."),
        ("acknowledged_at", "Acknowledged."),
        ("mitigated_at", "**Impact mitigated.**"),
    )
    for order, (name, text) in enumerate(milestones):
        value = getattr(incident, name)
        if value:
            entries.append((value, 0, order, text))
    for order, update in enumerate(incident.updates):
        message = " ".join(update.message.split())
        text = f"Update ({update.stage}): {message}"
        if update.internal_note:
            text += f" _Note: {' '.join(update.internal_note.split())}_"
        entries.append((update.at, 1, order, text))
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    return [(at, text) for at, _, _, text in entries]


def postmortem_path(incident: Incident) -> Path:
    from statusgen.sources.incidents import POSTMORTEM_SUFFIX

    return incident.path.with_name(incident.id + POSTMORTEM_SUFFIX)
