"""Where the internal site's pages live: src URIs of the mkdocs pages, URLs of every page."""

from __future__ import annotations

from statusgen.core.documents import Runbook, alert_slug


def runbook_uri(runbook: Runbook) -> str:
    return f"runbooks/{runbook.rel}"


def runbook_url(runbook: Runbook) -> str:
    return f"runbooks/{runbook.rel[:-3]}/"


def runbook_incidents_url(runbook: Runbook, number: int) -> str:
    return runbook_url(runbook) + ("incidents/" if number == 1 else f"incidents/page/{number}/")


def alert_url(alert: str) -> str:
    return f"runbooks/alerts/{alert_slug(alert)}/"


def incident_url(incident_id: str) -> str:
    return f"incidents/{incident_id}/"


def postmortem_uri(incident_id: str) -> str:
    return f"postmortems/{incident_id}.md"


def postmortem_url(incident_id: str) -> str:
    return f"postmortems/{incident_id}/"


def list_uri(base: str, number: int) -> str:
    return f"{base}/index.md" if number == 1 else f"{base}/page/{number}.md"


def list_url(base: str, number: int) -> str:
    return f"{base}/" if number == 1 else f"{base}/page/{number}/"


def action_items_uri(number: int) -> str:
    return "action-items.md" if number == 1 else f"action-items/page/{number}.md"


def action_items_url(number: int) -> str:
    return "action-items/" if number == 1 else f"action-items/page/{number}/"
