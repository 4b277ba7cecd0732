"""A new postmortem: its text, with every figure the incident's file allows, written beside the incident."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from statusgen.core.errors import StatusgenError, display_path
from statusgen.core.model import Config, Incident
from statusgen.core.status import weights_sentence
from statusgen.core.times import duration, human_long
from statusgen.sources import frontmatter
from statusgen.sources.incident_file import POSTMORTEM_SUFFIX
from statusgen.views import metrics


def scaffold(incident: Incident, config: Config, now: datetime) -> str:
    """The text of a new postmortem for ``incident``, with every figure the files allow."""
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
    days = config.error_budget_days
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
    """Where the postmortem of ``incident`` goes: beside its file."""
    if incident.path is None:
        raise StatusgenError(f"{incident.id} was not read from a file, so its postmortem has no place to go")
    return incident.path.with_name(incident.id + POSTMORTEM_SUFFIX)


def write_postmortem(incident: Incident, text: str, root: Path) -> Path:
    """Write ``text`` as the postmortem of ``incident``, beside its file; an existing one is
    never replaced."""
    path = postmortem_path(incident)
    try:
        with open(path, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise StatusgenError(
            f"{display_path(path, root)} already exists; edit it, or delete it to start again"
        ) from None
    return path
