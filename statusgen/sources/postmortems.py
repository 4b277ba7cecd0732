"""Postmortems: ``<incident id>.postmortem.md`` beside the incident, action items in front matter.

``load_postmortems`` reads and checks them, through a parse cache kept by each file's metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from statusgen.cache.store import CACHE_DIR, StatCache, code_key
from statusgen.core.documents import ITEM_STATUS_LABELS, ITEM_STATUSES, ActionItem, Postmortem
from statusgen.core.errors import Problem
from statusgen.core.listing import Listing
from statusgen.core.model import Config, Incident
from statusgen.core.times import TimeError, parse_date
from statusgen.sources import frontmatter
from statusgen.sources.checker import FileCheck, line_of
from statusgen.sources.files import ShownPaths, file_limit, read_kept

POSTMORTEM_KEYS = ("incident", "title", "status", "authors", "action_items", "public_summary")
STATUSES = ("draft", "in_review", "published")
ITEM_KEYS = ("id", "action", "type", "priority", "owner", "due", "status", "ticket")
ITEM_REQUIRED = ("id", "action", "type", "priority", "owner", "due", "status")
ITEM_TYPES = ("mitigate", "prevent", "process")
ITEM_PRIORITIES = ("P0", "P1", "P2", "P3", "P4")
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


def load_postmortems(
    config: Config, incidents: Iterable[Incident | Listing]
) -> tuple[dict[str, Postmortem], list[Problem]]:
    """Incident id -> postmortem, for each of ``incidents`` (Incidents, or Listings) that has
    one, and every problem found; files with errors are left out.

    A postmortem whose file is unchanged since the last load is not read again: what reading
    it gave is kept in ``.statusgen-cache/``, by the file's metadata.
    """
    root = config.root
    limit = file_limit(config)
    cache = StatCache(root / CACHE_DIR / "postmortems.json", code_key(_CODE, str(limit)))
    shown_path = ShownPaths(config.incidents_path, root)
    result: dict[str, Postmortem] = {}
    problems: list[Problem] = []
    for incident in incidents:
        path = incident.postmortem_path
        if path is None:
            continue
        shown = shown_path(path)

        def parse(check: FileCheck, data: bytes, path: Path = path, incident_id: str = incident.id) -> list[Any] | None:
            postmortem = read_postmortem(check, path, data, incident_id)
            return _encode(postmortem) if postmortem is not None else None

        encoded, found = read_kept(cache, path, shown, root, limit, parse)
        problems.extend(found)
        if encoded is not None:
            result[incident.id] = _decode(encoded, incident.id, path, shown)
    cache.save()
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
    authors: list[str] = []
    if "authors" in fields:
        authors = check.text_list(fields["authors"][1], "authors") or []
    title = check.text(fields["title"][1], "title") if "title" in fields else ""
    summary = ""
    if "public_summary" in fields:
        summary = check.text(fields["public_summary"][1], "public_summary") or ""
    items: list[ActionItem] = []
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


def public_summaries(postmortems: Mapping[str, Postmortem]) -> dict[str, str]:
    """Incident id -> the ``public_summary`` of its postmortem, for published postmortems that have one.

    The one part of a postmortem the public site may show: a team opts in per postmortem by
    writing ``public_summary:`` in its front matter, and the summary appears once the
    postmortem's status is ``published`` (a draft or one in review is still being written and
    checked). A postmortem with errors gives nothing (it is not loaded; ``statusgen validate``
    reports it).
    """
    return {
        incident_id: p.public_summary
        for incident_id, p in postmortems.items()
        if p.status == "published" and p.public_summary
    }


# What a parsed postmortem depends on besides its file (the key of its parse cache).
_CODE = (
    "sources/postmortems.py", "sources/frontmatter.py", "sources/checker.py", "sources/files.py", "core/text.py",
    "core/times.py", "core/documents.py", "core/errors.py",
)  # fmt: skip


def _encode(p: Postmortem) -> list[Any]:
    items = [[i.id, i.action, i.type, i.priority, i.owner, i.due.isoformat(), i.status, i.ticket, i.line]
             for i in p.action_items]  # fmt: skip
    return [p.status, list(p.authors), items, p.body, p.title, p.public_summary]


def _decode(values: list[Any], incident_id: str, path: Path, shown: str) -> Postmortem:
    status, authors, items, body, title, summary = values
    action_items = tuple(
        ActionItem(ident, action, kind, priority, owner, date.fromisoformat(due), state, ticket, line)
        for ident, action, kind, priority, owner, due, state, ticket, line in items
    )
    return Postmortem(incident_id, path, shown, status, tuple(authors), action_items, body, title, summary)


def _action_item(check: FileCheck, node: yaml.Node) -> ActionItem | None:
    fields = check.mapping(node, "an action item")
    if fields is None:
        return None
    before = len(check.problems)
    check.known_keys(fields, ITEM_KEYS, "an action item")
    for key in ITEM_REQUIRED:
        if key not in fields:
            check.error(node, f"action item is missing '{key}'; expected {_ITEM_HINTS[key]}")
    values: dict[str, str | None] = {}
    for key in ("id", "action", "owner"):
        if key in fields:
            values[key] = check.text(fields[key][1], key)
    values["ticket"] = check.text(fields["ticket"][1], "ticket", allow_empty=True) if "ticket" in fields else ""
    for key, choices in (("type", ITEM_TYPES), ("priority", ITEM_PRIORITIES)):
        if key in fields:
            values[key] = check.choice(fields[key][1], f"action item {key}", choices)
    status = None
    if "status" in fields:
        text = check.text(fields["status"][1], "action item status")
        if text is not None:
            status = item_status(text)
            if status is None:
                check.error(
                    fields["status"][1],
                    f"action item status '{text}' is not valid; expected one of: "
                    + ", ".join(ITEM_STATUS_LABELS[s].lower() for s in ITEM_STATUSES),
                )
    due = None
    if "due" in fields:
        text = check.text(fields["due"][1], "due")
        if text is not None:
            try:
                due = parse_date(text)
            except TimeError as exc:
                check.error(fields["due"][1], f"due: {exc}")
    ident, action, kind, priority, owner = (values.get(key) for key in ("id", "action", "type", "priority", "owner"))
    # A required field missing or wrong was recorded as an error: a None never gets past the first test.
    if (
        any(p.is_error for p in check.problems[before:])
        or ident is None
        or action is None
        or kind is None
        or priority is None
        or owner is None
        or due is None
        or status is None
    ):
        return None
    return ActionItem(
        id=ident.strip(),
        action=action.strip(),
        type=kind,
        priority=priority,
        owner=owner.strip(),
        due=due,
        status=status,
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
