"""Post new incident updates to webhooks: a generic JSON webhook and a Slack incoming webhook.

``statusgen notify --since REV`` (run by CI after a deploy) compares every incident file changed
between REV and HEAD, and posts each update HEAD has that REV had not. Only public fields are
posted (title, severity, stage, components, the message, the next update time, the page link);
drills are never posted.

What was posted is recorded in git notes (``refs/notes/statusgen-notify``), one line per update
and target: ``sent KEY TARGET`` after the webhook accepted it, ``pending KEY TARGET`` for what a
failed run could not post. Every run posts the pending ones too and skips the sent ones, so an
update is posted once even when a job is re-run, and one a failed run missed is not lost.
The URLs come from environment variables named in mkdocs.yml and are never printed; one that
cannot be posted to is reported by its variable's name and its updates wait as pending
(``webhooks`` checks the URLs, posts, and escapes Slack's text). Updates are told apart by
incident id, not file, so moving a file posts nothing again; a REV lost to a force-push falls
back to the last commit notify recorded on, with a warning. Given the time, it also posts what
the clock made due for a maintenance (``reminders``): a reminder before its window, and a notice
when the window starts and when it completes on its own, each once, by the same record.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.authoring.reminders import due_notices
from statusgen.authoring.webhooks import post, slack_escape, slack_link, slack_text, targets
from statusgen.core.errors import StatusgenError
from statusgen.core.model import FINAL_STAGES, Config, Incident, Update
from statusgen.core.status import OPERATIONAL, status_label
from statusgen.core.times import human_long, iso
from statusgen.sources.incident_file import POSTMORTEM_SUFFIX, read_incident

NOTES_REF = "refs/notes/statusgen-notify"
NULL_REV = "0" * 40
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree: "before the first commit"


@dataclass(frozen=True)
class Pending:
    """One update to post: the incident as of HEAD and the update's index in it (or a notice the
    clock made due: ``reminders.Notice``, with its own event and key)."""

    incident: Incident
    index: int
    event: str = "incident.update"
    notice_key: str = ""

    @property
    def update(self) -> Update:
        return self.incident.updates[self.index]

    @property
    def key(self) -> str:
        return self.notice_key or update_key(self.incident, self.update)


@dataclass
class Outcome:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (key, target)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (key, target, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # not tried after a failure
    problems: list[str] = field(default_factory=list)  # webhooks that could not be tried at all


def update_key(incident: Incident, update: Update) -> str:
    return f"{incident.id}/{iso(update.at)}/{update.stage}"


# -- what to post ---------------------------------------------------------------------------------


def new_updates(root: Path, config: Config, since: str | None) -> list[Pending]:
    """Every update of a public incident that HEAD has and ``since`` had not. Updates are
    matched by incident id, not by file: a file moved (or renamed) keeps its updates as sent."""
    if since is None:
        return []
    incidents_dir = config.incidents_dir.strip("/")
    changed = [
        rel
        for rel in _git_lines(
            root, "diff", "--name-only", "--relative", "--no-renames", since, "HEAD", "--", incidents_dir
        )
        if rel.endswith((".yaml", ".yml")) and not rel.endswith(POSTMORTEM_SUFFIX)
    ]
    seen: dict[str, set[tuple[datetime, str]]] = {}  # incident id -> its updates as ``since`` had them
    for rel in changed:
        before = _git_show(root, since, rel)
        old = _read(root, config, rel, before) if before is not None else None
        if old is not None:
            seen.setdefault(old.id, set()).update((u.at, u.stage) for u in old.updates)
    found: list[Pending] = []
    for rel in changed:
        now_text = _git_show(root, "HEAD", rel)
        if now_text is None:  # deleted (or moved: its new path is in the list too)
            continue
        incident = _read(root, config, rel, now_text)
        if incident is None or incident.drill:
            continue
        had = seen.get(incident.id, set())
        found.extend(Pending(incident, i) for i, u in enumerate(incident.updates) if (u.at, u.stage) not in had)
    return found


def resolve_pending(root: Path, config: Config, keys: set[str]) -> list[Pending]:
    """The updates behind ``pending`` keys, as HEAD has them."""
    found: list[Pending] = []
    by_incident: dict[str, set[str]] = {}
    for key in keys:
        by_incident.setdefault(key.split("/", 1)[0], set()).add(key)
    for rel in _git_lines(root, "ls-tree", "-r", "--name-only", "HEAD", "--", config.incidents_dir.strip("/") + "/"):
        stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if stem not in by_incident or not rel.endswith((".yaml", ".yml")):
            continue
        text = _git_show(root, "HEAD", rel)
        incident = _read(root, config, rel, text) if text is not None else None
        if incident is None or incident.drill:
            continue
        found.extend(
            Pending(incident, i) for i, u in enumerate(incident.updates) if update_key(incident, u) in by_incident[stem]
        )
    return found


def maintenance_at_head(root: Path, config: Config) -> list[Incident]:
    """Every maintenance HEAD has, read in one ``git cat-file --batch`` (only files that name
    maintenance are parsed)."""
    blobs = []
    for line in _git_lines(root, "ls-tree", "-r", "HEAD", "--", config.incidents_dir.strip("/") + "/"):
        meta, _, rel = line.partition("\t")
        parts = meta.split()
        wanted = rel.endswith((".yaml", ".yml")) and not rel.endswith(POSTMORTEM_SUFFIX)
        if len(parts) == 3 and parts[1] == "blob" and wanted:
            blobs.append((parts[2], rel))
    if not blobs:
        return []
    batch = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in blobs).encode(),
        capture_output=True,
        check=True,
    ).stdout
    found, position = [], 0
    for _sha, rel in blobs:
        header_end = batch.index(b"\n", position)
        size = int(batch[position:header_end].split()[2])
        data = batch[header_end + 1 : header_end + 1 + size]
        position = header_end + 1 + size + 1
        if b"maintenance" in data:
            incident = _read(root, config, rel, data)
            if incident is not None and incident.is_maintenance:
                found.append(incident)
    return found


def webhook_payload(item: Pending, config: Config) -> dict[str, Any]:
    """The generic JSON webhook's body: public fields only."""
    incident, update = item.incident, item.update
    next_at = next_update_at(item)
    return {
        "event": item.event,
        "page": {"name": config.site_name, "url": config.site_url or None},
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "kind": incident.kind,
            "severity": _severity(item),
            "url": incident_url(config, incident),
            "components": [
                {"id": cid, "name": _name(config, cid), "status": status} for cid, status in components_at(item).items()
            ],
        },
        "update": {
            "key": item.key,
            "at": iso(update.at),
            "stage": update.stage,
            "message": update.message,
            "next_update_at": iso(next_at) if next_at else None,
        },
    }


def slack_payload(item: Pending, config: Config) -> dict[str, Any]:
    """A Slack incoming webhook body: blocks with stage, severity, components, message, next update, link."""
    incident, update = item.incident, item.update
    next_at = next_update_at(item)
    stage = update.stage.replace("_", " ").capitalize()
    affected = ", ".join(f"{_name(config, cid)}: {status_label(status)}" for cid, status in components_at(item).items())
    fields = [
        ("Stage", stage),
        ("Severity", _severity(item) or "none"),
        ("Components", affected or "none"),
        ("Next update", human_long(next_at, config.zone) if next_at else "none promised"),
    ]
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": slack_text(incident.title, 150), "emoji": False}},
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{name}*\n{slack_text(value, 1900)}"} for name, value in fields],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_text(update.message, 3000)}},
    ]
    context = f"{slack_text(config.site_name, 1000)} · {slack_escape(human_long(update.at, config.zone))}"
    link = slack_link(config.site_url, incident.id)
    if link is not None:
        context += f" · <{link}|Incident page>"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return {"text": slack_text(f"[{stage}] {incident.title}: {update.message}", 3000), "blocks": blocks}


def next_update_at(item: Pending) -> datetime | None:
    """When this update promised the next one (its ``next_update``), or None: after a final
    stage, or when the update promised nothing."""
    update = item.update
    if update.stage in FINAL_STAGES:
        return None
    return getattr(update, "next_update", None)


def components_at(item: Pending) -> dict[str, str]:
    """Each affected component's status as of this update."""
    incident = item.incident
    statuses = dict(incident.components)
    for update in incident.updates[: item.index + 1]:
        statuses.update(update.components)
    if item.update.stage in FINAL_STAGES:
        statuses = dict.fromkeys(statuses, OPERATIONAL)
    return statuses


def incident_url(config: Config, incident: Incident) -> str:
    path = f"incidents/{incident.id}/"
    return (config.site_url.rstrip("/") + "/" + path) if config.site_url else "/" + path


# -- posting --------------------------------------------------------------------------------------


def notify(
    root: Path,
    config: Config,
    since: str | None,
    *,
    environ: Mapping[str, str] = os.environ,
    timeout: float = 10.0,
    attempts: int = 3,
    backoff: float = 2.0,
    dry_run: bool = False,
    echo: Callable[[str], None] = print,
    now: datetime | None = None,
) -> Outcome:
    """Post every new (and every pending) update to every configured webhook, once; with
    ``now``, also the maintenance notices due then (``reminders.due_notices``).

    A webhook whose variable does not hold a usable URL is reported (naming the variable) and
    its updates are recorded as pending, as for a failed post; a ``since`` that is not a commit
    here (lost to a force-push) falls back to the last commit notify recorded on, with a warning.
    """
    configured = targets(config, environ)
    outcome = Outcome()
    if not configured:
        echo("notifications are off: mkdocs.yml names no notify_webhook_env or notify_slack_env")
        return outcome
    _git_lines(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if since is not None and not _is_commit(root, since):
        since = _fallback_base(root, since, echo)
    sent, pending = read_record(root)
    items = {item.key: item for item in new_updates(root, config, since)}
    for item in resolve_pending(root, config, {key for key, _ in pending}):
        items.setdefault(item.key, item)
    if now is not None:
        for notice in due_notices(maintenance_at_head(root, config), config, now):
            items.setdefault(notice.key, Pending(notice.incident, notice.index, notice.event, notice.key))
    ordered = sorted(items.values(), key=lambda i: (i.update.at, i.incident.id, i.index))
    builders = {"webhook": webhook_payload, "slack": slack_payload}
    for target, hook in configured.items():
        todo = [item for item in ordered if (item.key, target) not in sent]
        if hook.url is None:
            problem = hook.problem or f"the environment variable {hook.env_name} holds no URL"
            outcome.problems.append(problem)
            echo(f"FAILED: {problem}")
            if todo and not dry_run:
                for item in todo:
                    if (item.key, target) not in pending:
                        record(root, "pending", item.key, target)
                    outcome.skipped.append((item.key, target))
                echo(f"{len(todo)} update{'s' * (len(todo) != 1)} for {target} recorded as pending")
            continue
        for position, item in enumerate(todo):
            if dry_run:
                echo(f"would post {item.key} to {target} ({hook.env_name})")
                continue
            why = post(hook.url, builders[target](item, config), timeout=timeout, attempts=attempts, backoff=backoff)
            if why is None:
                record(root, "sent", item.key, target)
                outcome.sent.append((item.key, target))
                echo(f"posted {item.key} to {target}")
                continue
            outcome.failed.append((item.key, target, why))
            echo(f"FAILED to post {item.key} to {target} ({hook.env_name}): {why}")
            # keep the order readers see: the rest waits for the next run
            for later in [item, *todo[position + 1 :]]:
                if (later.key, target) not in pending:
                    record(root, "pending", later.key, target)
                if later is not item:
                    outcome.skipped.append((later.key, target))
            break
    if not ordered:
        echo("no new updates to post")
    return outcome


def _is_commit(root: Path, rev: str) -> bool:
    result = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], capture_output=True
    )
    return result.returncode == 0


def _fallback_base(root: Path, since: str, echo: Callable[[str], None]) -> str:
    """What to compare HEAD with when ``since`` is not a commit here: the newest ancestor of
    HEAD that notify recorded on (the last run's HEAD, when history was rewritten after it),
    else HEAD's parent, else (a first commit) nothing, so every update is new. A shallow clone
    without the parent cannot tell what is new: that stays an error."""
    lost = f"--since {since} is not a commit here (history rewritten by a force-push, or not fetched)"
    listing = subprocess.run(
        ["git", "-C", str(root), "notes", f"--ref={NOTES_REF}", "list"], capture_output=True, text=True
    )
    noted = {line.split()[1] for line in listing.stdout.splitlines() if len(line.split()) == 2}
    if noted:
        for commit in _git_lines(root, "rev-list", "HEAD"):
            if commit in noted:
                echo(f"warning: {lost}; posting what came after {commit[:12]}, where notify last recorded")
                return commit
    if _is_commit(root, "HEAD^"):
        echo(f"warning: {lost}; posting the updates of the last commit (HEAD^..HEAD) and what is pending")
        return "HEAD^"
    if _git_lines(root, "rev-parse", "--is-shallow-repository") == ["true"]:
        raise StatusgenError(
            f"--since {since}: no such commit here (fetch the full history, e.g. actions/checkout with fetch-depth: 0)"
        )
    echo(f"warning: {lost}; HEAD is the first commit, so each of its updates counts as new")
    return EMPTY_TREE


# -- the record in git notes ----------------------------------------------------------------------


def read_record(root: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(sent, still pending) as ``(key, target)`` pairs, from every note under NOTES_REF."""
    sent: set[tuple[str, str]] = set()
    pending: set[tuple[str, str]] = set()
    listing = subprocess.run(
        ["git", "-C", str(root), "notes", f"--ref={NOTES_REF}", "list"], capture_output=True, text=True
    )
    blobs = [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]
    for blob in blobs:
        text = subprocess.run(
            ["git", "-C", str(root), "cat-file", "blob", blob], capture_output=True, text=True, check=True
        ).stdout
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] in ("sent", "pending"):
                (sent if parts[0] == "sent" else pending).add((parts[1], parts[2]))
    return sent, pending - sent


def record(root: Path, what: str, key: str, target: str) -> None:
    """Append ``what key target`` to the note on HEAD (at once, so a crash loses nothing)."""
    env = dict(os.environ)
    for var, value in (("GIT_AUTHOR_NAME", "statusgen"), ("GIT_COMMITTER_NAME", "statusgen")):
        env.setdefault(var, value)
    for var in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        env.setdefault(var, "statusgen@localhost")
    result = subprocess.run(
        ["git", "-C", str(root), "notes", f"--ref={NOTES_REF}", "append", "-m", f"{what} {key} {target}", "HEAD"],
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode:
        raise StatusgenError(f"could not record '{what} {key} {target}' in git notes: {result.stderr.strip()}")


# -- helpers --------------------------------------------------------------------------------------


def _git_lines(root: Path, *args: str) -> list[str]:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if result.returncode:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise StatusgenError(f"git {args[0]} failed: {detail[-1] if detail else result.returncode}")
    return [line for line in result.stdout.splitlines() if line]


def _git_show(root: Path, rev: str, rel: str) -> bytes | None:
    result = subprocess.run(["git", "-C", str(root), "show", f"{rev}:./{rel}"], capture_output=True)
    return result.stdout if result.returncode == 0 else None


def _read(root: Path, config: Config, rel: str, data: bytes) -> Incident | None:
    incident, problems = read_incident(root / rel, data, config, rel, None)
    return incident


def _severity(item: Pending) -> str | None:
    severity = item.incident.severity
    for update in item.incident.updates[: item.index + 1]:
        severity = update.severity or severity
    return severity


def _name(config: Config, cid: str) -> str:
    component = config.component(cid)
    return component.name if component else cid
