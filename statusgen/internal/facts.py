"""What an internal incident page says about its incident, in the site's language: the facts
table (kind, people, milestones, duration), each component's impact window, and the updates
with their internal notes. Codes from the incident file (kind, stage, severity, a component's
status) are shown as the file has them: responders type them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from statusgen.core.language import N_, Language
from statusgen.core.model import Incident
from statusgen.core.status import status_label
from statusgen.render.markup import render_markdown

# The milestones of an incident, each as its facts table names it.
MILESTONES = (
    ("impact_start", N_("Impact start")),
    # Translators: in an incident's facts: when the problem was detected (a date and time follows).
    ("detected_at", N_("Detected")),
    ("acknowledged_at", N_("Acknowledged")),
    ("mitigated_at", N_("Mitigated")),
    # Translators: in an incident's facts: when the incident was resolved (a date and time follows).
    ("resolved_at", N_("Resolved")),
)

When = Callable[[datetime], str]  # an instant in the site's language and zone


def incident_facts(
    incident: Incident, names: Mapping[str, str], language: Language, when: When, now: datetime
) -> list[tuple[str, str]]:
    """``(label, value)`` of each row of the incident's facts table."""
    _ = language.gettext
    components = language.series(
        # Translators: a component and its status as the incident file writes it: "API (partial_outage)".
        _("%(component)s (%(status)s)") % {"component": names.get(c, c), "status": s}
        for c, s in incident.components.items()
    )
    facts = [
        # Translators: in an incident's facts: incident, maintenance or notice, as the file says.
        (_("Kind"), incident.kind),
        (_("Severity"), incident.severity or "-"),
        # Translators: in an incident's facts: the stage it has reached, as the file says.
        (_("Stage"), incident.stage),
        (_("Components"), components or "-"),
        # Translators: the incident commander, who leads the response.
        (_("Commander"), incident.commander or "-"),
    ]
    # Translators: in an incident's facts: a role in the response and who took it ("Role: scribe").
    facts += [(_("Role: %(role)s") % {"role": role}, person) for role, person in incident.roles.items()]
    for field, label in MILESTONES:
        value = getattr(incident, field)
        # Translators: a milestone of an incident with no time in its file.
        facts.append((_(label), when(value) if value else _("not recorded")))
    length = language.duration(incident.duration(now))
    # Translators: how long an incident that is still open has lasted until the page was built.
    facts.append((_("Duration"), length if incident.resolved_at else _("%(duration)s so far") % {"duration": length}))
    return facts


def impact_windows(
    incident: Incident, names: Mapping[str, str], language: Language, when: When, now: datetime
) -> list[tuple[str, str, str, str, str]]:
    """``(component, status, from, to, length)`` of each stretch a component was affected."""
    return [
        (names.get(cid, cid), language.gettext(status_label(status)), when(start), when(end),
         language.duration(end - start))
        for cid, status, start, end in incident.status_windows(now)
    ]  # fmt: skip


def update_entries(incident: Incident, language: Language, when: When) -> list[dict]:
    """Each update: when, its stage (as the file writes it), the message and the internal note as
    HTML; an update statusgen added itself (a maintenance window began or ended) in the site's words."""
    return [
        {
            "when": when(u.at),
            "stage": u.stage.replace("_", " "),
            "message": render_markdown((language.gettext(u.message) if u.automatic else u.message).strip()),
            "note": render_markdown(u.internal_note.strip()) if u.internal_note else None,
            "automatic": u.automatic,
        }
        for u in incident.updates
    ]
