"""Post new incident updates to webhooks: a generic JSON webhook and a Slack incoming webhook.

``statusgen notify --since REV`` (run by CI after a deploy) compares every incident file changed
between REV and HEAD, and posts each update HEAD has that REV had not. Only public fields are
posted (title, severity, stage, components, the message, the next update time, the page link);
drills are never posted.

What was posted is recorded in git notes (``refs/notes/statusgen-notify``), one line per update
and target: ``sent KEY TARGET`` after the webhook accepted it, ``pending KEY TARGET`` for what a
failed run could not post. Every run posts the pending ones too and skips the sent ones, so an
update is posted once even when a job is re-run, and one a failed run missed is not lost.
The URLs come from environment variables named in mkdocs.yml and are never printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen.core.errors import StatusgenError
from statusgen.core.model import FINAL_STAGES, Config, Incident, Update
from statusgen.core.status import OPERATIONAL, status_label
from statusgen.core.times import human_long, iso
from statusgen.sources.incident_file import POSTMORTEM_SUFFIX, read_incident

NOTES_REF = "refs/notes/statusgen-notify"
TARGETS = {"webhook": "notify_webhook_env", "slack": "notify_slack_env"}
NULL_REV = "0" * 40


@dataclass(frozen=True)
class Pending:
    """One update to post: the incident as of HEAD and the update's index in it."""

    incident: Incident
    index: int

    @property
    def update(self) -> Update:
        return self.incident.updates[self.index]

    @property
    def key(self) -> str:
        return update_key(self.incident, self.update)


@dataclass
class Outcome:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (key, target)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (key, target, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # not tried after a failure


def update_key(incident: Incident, update: Update) -> str:
    return f"{incident.id}/{iso(update.at)}/{update.stage}"


# -- what to post ---------------------------------------------------------------------------------


def targets(config: Config, environ: Mapping[str, str] = os.environ) -> dict[str, tuple[str, str]]:
    """``{target: (env var name, url)}`` for each configured webhook; an error when a named
    variable is empty or not an http(s) URL (the message names the variable, never its value)."""
    found: dict[str, tuple[str, str]] = {}
    for target, option in TARGETS.items():
        name = getattr(config, option)
        if not name:
            continue
        url = environ.get(name, "").strip()
        if not url:
            raise StatusgenError(
                f"mkdocs.yml: {option} names the environment variable {name}, which is not set or empty; "
                f"set it to the {target} URL (in CI: a repository secret of that name)"
            )
        if not url.startswith(("https://", "http://")):
            raise StatusgenError(f"the environment variable {name} does not hold an http(s) URL")
        found[target] = (name, url)
    return found


def new_updates(root: Path, config: Config, since: str | None) -> list[Pending]:
    """Every update of a public incident that HEAD has and ``since`` had not."""
    if since is None:
        return []
    found: list[Pending] = []
    incidents_dir = config.incidents_dir.strip("/")
    for rel in _git_lines(
        root, "diff", "--name-only", "--relative", "--no-renames", since, "HEAD", "--", incidents_dir
    ):
        if not rel.endswith((".yaml", ".yml")) or rel.endswith(POSTMORTEM_SUFFIX):
            continue
        now_text = _git_show(root, "HEAD", rel)
        if now_text is None:  # deleted
            continue
        incident = _read(root, config, rel, now_text)
        if incident is None or incident.drill:
            continue
        before = _git_show(root, since, rel)
        old = _read(root, config, rel, before) if before is not None else None
        seen = {(u.at, u.stage) for u in old.updates} if old is not None else set()
        found.extend(Pending(incident, i) for i, u in enumerate(incident.updates) if (u.at, u.stage) not in seen)
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


def webhook_payload(item: Pending, config: Config) -> dict[str, Any]:
    """The generic JSON webhook's body: public fields only."""
    incident, update = item.incident, item.update
    next_at = next_update_at(item)
    return {
        "event": "incident.update",
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
    url = incident_url(config, incident)
    next_at = next_update_at(item)
    stage = update.stage.replace("_", " ").capitalize()
    affected = ", ".join(f"{_name(config, cid)}: {status_label(status)}" for cid, status in components_at(item).items())
    fields = [
        ("Stage", stage),
        ("Severity", _severity(item) or "none"),
        ("Components", affected or "none"),
        ("Next update", human_long(next_at) if next_at else "none promised"),
    ]
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(incident.title, 150), "emoji": False}},
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{name}*\n{_slack_escape(value)}"} for name, value in fields],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": _cut(_slack_escape(update.message), 3000)}},
    ]
    context = f"{_slack_escape(config.site_name)} · {human_long(update.at)}"
    if url.startswith(("https://", "http://")):
        context += f" · <{url}|Incident page>"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return {"text": _cut(f"[{stage}] {incident.title}: {update.message}", 3000), "blocks": blocks}


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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:  # a webhook that redirects is not followed
        return None


def post(
    url: str,
    body: Mapping[str, Any],
    *,
    timeout: float,
    attempts: int,
    backoff: float,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """POST ``body`` as JSON; retry server errors, 429 and network errors with exponential backoff.
    Returns None when accepted, else why not (never containing the URL)."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    opener = urllib.request.build_opener(_NoRedirect)
    why = "not tried"
    for attempt in range(attempts):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": "application/json", "User-Agent": "statusgen"}
        )
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read(65536)
                if 200 <= response.status < 300:
                    return None
                why = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            why = f"HTTP {exc.code}"
            if exc.code < 500 and exc.code != 429:
                return why  # the request itself is wrong: retrying will not help
        except (TimeoutError, OSError, urllib.error.URLError) as exc:
            reason = getattr(exc, "reason", exc)
            why = (
                "timed out" if isinstance(reason, TimeoutError) or "timed out" in str(reason) else type(reason).__name__
            )
    return f"{why} after {attempts} attempt{'s' * (attempts != 1)}"


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
) -> Outcome:
    """Post every new (and every pending) update to every configured webhook, once."""
    configured = targets(config, environ)
    outcome = Outcome()
    if not configured:
        echo("notifications are off: mkdocs.yml names no notify_webhook_env or notify_slack_env")
        return outcome
    _git_lines(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if since is not None:
        try:
            _git_lines(root, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
        except StatusgenError:
            raise StatusgenError(
                f"--since {since}: no such commit here (fetch the full history, e.g. actions/checkout with fetch-depth: 0)"
            ) from None
    sent, pending = read_record(root)
    items = {item.key: item for item in new_updates(root, config, since)}
    for item in resolve_pending(root, config, {key for key, _ in pending}):
        items.setdefault(item.key, item)
    ordered = sorted(items.values(), key=lambda i: (i.update.at, i.incident.id, i.index))
    builders = {"webhook": webhook_payload, "slack": slack_payload}
    for target, (env_name, url) in configured.items():
        todo = [item for item in ordered if (item.key, target) not in sent]
        for position, item in enumerate(todo):
            if dry_run:
                echo(f"would post {item.key} to {target} ({env_name})")
                continue
            why = post(url, builders[target](item, config), timeout=timeout, attempts=attempts, backoff=backoff)
            if why is None:
                record(root, "sent", item.key, target)
                outcome.sent.append((item.key, target))
                echo(f"posted {item.key} to {target}")
                continue
            outcome.failed.append((item.key, target, why))
            echo(f"FAILED to post {item.key} to {target} ({env_name}): {why}")
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


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
