"""The one status vocabulary: component statuses from best to worst (Statuspage's names),
their labels, ranks and page indicators, the worst-status roll-up, and the downtime weights
that public uptime and internal error budgets share. Every site, the CLI and notify use these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

from statusgen.core.language import ENGLISH, N_, Language

# Component statuses, from best to worst. The names are Statuspage's.
OPERATIONAL = "operational"
UNDER_MAINTENANCE = "under_maintenance"
DEGRADED = "degraded_performance"
PARTIAL_OUTAGE = "partial_outage"
MAJOR_OUTAGE = "major_outage"
COMPONENT_STATUSES = (OPERATIONAL, UNDER_MAINTENANCE, DEGRADED, PARTIAL_OUTAGE, MAJOR_OUTAGE)
STATUS_RANK = {status: rank for rank, status in enumerate(COMPONENT_STATUSES)}

# Share of a minute counted as down, for public uptime and internal error budgets alike. The
# default is Statuspage's: a major outage is down, a partial outage 30% down, degraded
# performance and maintenance are up. Teams may set the three outage weights in mkdocs.yml
# (`downtime_weights`); maintenance and operational are always 0.
WEIGHTED_STATUSES = (MAJOR_OUTAGE, PARTIAL_OUTAGE, DEGRADED)
DEFAULT_WEIGHTS: Mapping[str, Decimal] = MappingProxyType(
    {
        OPERATIONAL: Decimal(0),
        UNDER_MAINTENANCE: Decimal(0),
        DEGRADED: Decimal(0),
        PARTIAL_OUTAGE: Decimal("0.3"),
        MAJOR_OUTAGE: Decimal(1),
    }
)


def worst_status(statuses: Iterable[str]) -> str:
    """The worst of some component statuses; operational when there are none."""
    return max(statuses, key=STATUS_RANK.__getitem__, default=OPERATIONAL)


# Statuspage's page indicators, best to worst, with the words it uses for them.
INDICATORS = ("none", "minor", "major", "critical")
INDICATOR_RANK = {name: rank for rank, name in enumerate(INDICATORS)}
INDICATOR_TEXT = {
    "none": N_("All Systems Operational"),
    "minor": N_("Minor Service Outage"),
    "major": N_("Partial System Outage"),
    "critical": N_("Major System Outage"),
}
MAINTENANCE_TEXT = N_("Service Under Maintenance")
# Statuspage's indicator while maintenance is under way and nothing worse is happening.
MAINTENANCE_INDICATOR = "maintenance"
# The component status that puts the page at each indicator.
STATUS_INDICATOR = {
    OPERATIONAL: "none",
    UNDER_MAINTENANCE: "none",
    DEGRADED: "minor",
    PARTIAL_OUTAGE: "major",
    MAJOR_OUTAGE: "critical",
}
STATUS_LABEL = {
    OPERATIONAL: N_("Operational"),
    UNDER_MAINTENANCE: N_("Under maintenance"),
    DEGRADED: N_("Degraded performance"),
    PARTIAL_OUTAGE: N_("Partial outage"),
    MAJOR_OUTAGE: N_("Major outage"),
}
# What customers read for an incident's impact (Statuspage's levels). The team chooses each
# severity's impact in mkdocs.yml (`severities: [{id, name, impact}]`); the status API reports
# the same impact, so the page and the API never disagree.
IMPACT_LABEL = {
    "critical": N_("Critical impact"),
    "major": N_("Major impact"),
    "minor": N_("Minor impact"),
    "none": N_("Low impact"),
    "maintenance": N_("Maintenance"),
}
# The stages of incidents, maintenance and notices, as readers see them.
STAGE_LABEL = {
    "investigating": N_("Investigating"),
    "identified": N_("Identified"),
    "monitoring": N_("Monitoring"),
    "resolved": N_("Resolved"),
    "scheduled": N_("Scheduled"),
    "in_progress": N_("In progress"),
    "verifying": N_("Verifying"),
    "completed": N_("Completed"),
    "posted": N_("Posted"),
    "ended": N_("Ended"),
}


# A component status inside a sentence ("partial outage 47 min", "major outage counts as
# down"): its own words, not a lowercased label, since some languages capitalize nouns.
# Translators: a component status in the middle of a sentence, e.g. "partial outage 47 min".
STATUS_WORDS = {
    OPERATIONAL: N_("operational"),
    UNDER_MAINTENANCE: N_("under maintenance"),
    DEGRADED: N_("degraded performance"),
    PARTIAL_OUTAGE: N_("partial outage"),
    MAJOR_OUTAGE: N_("major outage"),
}
# Translators: maintenance in the middle of a sentence: "degraded performance and maintenance count as up".
MAINTENANCE_WORD = N_("maintenance")


def listed(language: Language, parts: list[str] | tuple[str, ...]) -> str:
    """Clauses that each say something of their own, one after another with the language's
    list comma and no "and": ``partial outage 47 min, 1 incident``."""
    pattern = language.locale.list_patterns["standard"]["middle"]
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = pattern.format(text, part)
    return text


def weight_phrase(weight: Decimal, language: Language = ENGLISH) -> str:
    """How a minute in a status counts: ``as up``, ``as down``, ``as 30% down``."""
    if weight == 0:
        # Translators: how a minute in a status counts, after "counts" or "counted": "counts as up".
        return language.gettext("as up")
    if weight == 1:
        # Translators: how a minute in a status counts, after "counts" or "counted": "counts as down".
        return language.gettext("as down")
    share = (Decimal(weight) * 100).normalize()
    digits = max(0, -int(share.as_tuple().exponent))
    # Translators: how a minute in a status counts, after "counts" or "counted": "counts as 30% down".
    return language.gettext("as %(percent)s down") % {"percent": language.percent(share, digits)}


def weights_sentence(weights: Mapping[str, Decimal] = DEFAULT_WEIGHTS, language: Language = ENGLISH) -> str:
    """``major outage counts as down, partial outage as 30% down, degraded performance and
    maintenance as up``: the weight table in words, for the pages that show a figure."""
    groups: dict[Decimal, list[str]] = {}
    for status in (*WEIGHTED_STATUSES, UNDER_MAINTENANCE):
        word = MAINTENANCE_WORD if status == UNDER_MAINTENANCE else STATUS_WORDS[status]
        groups.setdefault(Decimal(weights.get(status, Decimal(0))), []).append(language.gettext(word))
    parts = []
    for index, (weight, words) in enumerate(groups.items()):
        values = {"statuses": language.join(words), "weight": weight_phrase(weight, language)}
        if index == 0:
            # Translators: the first clause of "major outage counts as down, partial outage as 30% down, ...".
            text = language.ngettext("%(statuses)s counts %(weight)s", "%(statuses)s count %(weight)s", len(words))
        else:
            # Translators: a later clause of "major outage counts as down, partial outage as 30% down":
            # the verb of the first clause is left out in English; repeat it if your language needs it.
            text = language.gettext("%(statuses)s %(weight)s")
        parts.append(text % values)
    return listed(language, parts)


def rolled_up(worst: Mapping[str, str], statuses: Mapping[str, str]) -> dict[str, str]:
    """``worst`` (component id -> its worst status so far) raised by ``statuses``: a component
    keeps the worse of the two; an operational status adds nothing."""
    result = dict(worst)
    for cid, status in statuses.items():
        if status == OPERATIONAL:
            continue
        if STATUS_RANK.get(status, 0) > STATUS_RANK.get(result.get(cid, OPERATIONAL), 0):
            result[cid] = status
    return result


def status_label(status: str) -> str:
    """``Partial outage`` for ``partial_outage``; an unknown status as it is."""
    return STATUS_LABEL.get(status, status)
