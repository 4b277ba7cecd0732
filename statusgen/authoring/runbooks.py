"""A new runbook: the text with every section a responder expects, written where its service's runbooks are."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from statusgen.core.errors import StatusgenError, display_path
from statusgen.core.model import Config
from statusgen.sources import frontmatter
from statusgen.sources.runbooks import load_runbooks


def create_runbook(config: Config, name: str, service: str, *, owner: str = "", alerts: Iterable[str] = (),
                   today: date) -> Path:  # fmt: skip
    """Write runbook ``name`` for ``service`` from the scaffold, listing ``alerts``. Refused when
    another runbook has the name or one of the alerts, or the file exists."""
    alerts = list(alerts)
    existing, _ = load_runbooks(config)
    clash = next((r for r in existing if r.name == name), None)
    if clash is not None:
        raise StatusgenError(f"a runbook named '{name}' exists: {clash.shown}; incidents name runbooks by file name")
    claimed = {a.lower(): r for r in existing for a in r.alerts}
    for alert in alerts:
        if alert.lower() in claimed:
            raise StatusgenError(f"alert '{alert}' already leads to {claimed[alert.lower()].shown}")
    path = config.root / config.runbooks_dir / service / f"{name}.md"
    text = scaffold(name, service, owner=owner, today=today, review_every=config.runbook_review_days)
    if alerts:
        text = text.replace("alerts: []", f"alerts: [{', '.join(alerts)}]", 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise StatusgenError(f"{display_path(path, config.root)} already exists") from None
    return path


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
