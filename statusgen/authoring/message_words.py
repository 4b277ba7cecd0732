"""The words statusgen fills into a message template's placeholders, and its own sentences
(the neutral follow-ups and a maintenance's rescheduled and cancelled messages), in the site's
language.

Each sentence shape is one catalog message with ``%(name)s`` placeholders (the gettext form
Babel checks), translated through the site's ``Language``; its dates, times, durations and
lists come from the Language too. Sentences statusgen uses as templates (``FOLLOW_UP``,
``MAINTENANCE_MESSAGES``) are turned into template text (``{name}``) by ``template_text``
once translated, so they are filled exactly as a team's template is. English is the source
language: its words are the message ids, so English messages are the ones statusgen always wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, tzinfo

from statusgen.core.language import ENGLISH, N_, SOURCE, Language
from statusgen.core.model import Config
from statusgen.core.times import UTC, zone_label

# The follow-up posted when an update repeats its stage and the template has none of its own.
FOLLOW_UP_MESSAGES = {
    # Translators: posted when an update repeats the stage an incident is in. %(impact)s is each
    # affected component's status ("Checkout is partly unavailable"); %(next_update)s a time.
    "investigating": N_("We are still investigating: %(impact)s. We will post an update by %(next_update)s."),
    "identified": N_("We are still working on a fix: %(impact)s. We will post an update by %(next_update)s."),
    "monitoring": N_("We are still monitoring the fix. %(still_affected)s We will post an update by %(next_update)s."),
    "scheduled": N_(
        "The planned maintenance on %(components)s is still scheduled for %(window)s. "
        "We will post an update by %(next_update)s."
    ),
    "in_progress": N_(
        "The maintenance on %(components)s is still in progress, within the planned window (%(window)s). "
        "We will post an update by %(next_update)s."
    ),
    "verifying": N_(
        "We are still checking that everything works as expected after the maintenance on %(components)s. "
        "We will post an update by %(next_update)s."
    ),
}
# Messages a maintenance template has besides its stages: the update `statusgen reschedule`
# posts and the one `statusgen cancel` posts. A team's template without one uses statusgen's.
MAINTENANCE_MESSAGE_IDS = {
    "rescheduled": N_(
        "The planned maintenance on %(components)s has moved: it now takes place during %(window)s "
        "(it was planned for %(previous_window)s). We will post an update by %(next_update)s."
    ),
    "cancelled": N_(
        "The planned maintenance on %(components)s, scheduled for %(window)s, is cancelled and will not "
        "take place. Nothing changes on your side."
    ),
}

_PERCENT_FIELD = re.compile(r"%\((\w+)\)s|%%|[{}]")


def template_text(message: str) -> str:
    """A catalog message (``%(impact)s``, ``%%``) as template text (``{impact}``, ``%``), with
    a brace a translation may hold doubled, so it is filled like a template's message."""

    def one(match: re.Match[str]) -> str:
        found = match.group()
        if match.group(1):
            return "{" + match.group(1) + "}"
        return "%" if found == "%%" else found * 2

    return _PERCENT_FIELD.sub(one, message)


# A literal brace, or a placeholder (with the full stop after it): what ``fill`` replaces, in
# one linear pass.
_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}(\.?)")
# Placeholders whose value may end with an abbreviation's full stop in some languages ("22. Nov.",
# "1 Std."): a sentence that ends with one takes that stop as its own, as writers do.
ABBREVIATED = frozenset({"started", "now", "next_update", "window", "previous_window", "duration"})


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced by its value and ``{{``/``}}`` by a brace, as
    ``str.format`` does for the plain placeholders templates have; anything else is left as it
    is, so no template text can make it fail or run long."""

    def one(match: re.Match[str]) -> str:
        found, name, stop = match.group(), match.group(1), match.group(2)
        if found in ("{{", "}}"):
            return found[0]
        if name not in values:
            return found
        value = values[name]
        return value if stop and name in ABBREVIATED and value.endswith(".") else value + stop

    return _FIELD.sub(one, text)


# The English texts, as a template's messages are written: what `statusgen templates show` prints.
FOLLOW_UP = {stage: template_text(message) for stage, message in FOLLOW_UP_MESSAGES.items()}
MAINTENANCE_MESSAGES = {name: template_text(message) for name, message in MAINTENANCE_MESSAGE_IDS.items()}


def sentence(message: str, values: Mapping[str, str], lang: Language = ENGLISH) -> str:
    """The catalog ``message`` in ``lang`` with its ``%(name)s`` filled from ``values``, the way
    a template's placeholders are."""
    return fill(template_text(lang.gettext(message)), values)


def follow_up_text(stage: str, lang: Language = ENGLISH) -> str:
    """statusgen's follow-up for ``stage`` in ``lang``, as template text."""
    return template_text(lang.gettext(FOLLOW_UP_MESSAGES[stage]))


def maintenance_text(name: str, lang: Language = ENGLISH) -> str:
    """statusgen's ``rescheduled`` or ``cancelled`` message in ``lang``, as template text."""
    return template_text(lang.gettext(MAINTENANCE_MESSAGE_IDS[name]))


Clause = Callable[[Language, int], str]
# How components in one status read in a sentence, worst first: now, at their worst (past),
# and still (after a recovery that is not complete). Each takes the number of components.
CLAUSES: dict[str, dict[str, Clause]] = {
    "major_outage": {
        # Translators: %(names)s is one component's name or a list of them ("Checkout", "Checkout
        # and Public API"). Clauses like this one, one per status, are joined as a list ("X is
        # unavailable and Y is slower than usual") that customer messages put after a colon.
        "now": lambda lang, n: lang.ngettext("%(names)s is unavailable", "%(names)s are unavailable", n),
        "past": lambda lang, n: lang.ngettext("%(names)s was unavailable", "%(names)s were unavailable", n),
        "still": lambda lang, n: lang.ngettext("%(names)s is still unavailable", "%(names)s are still unavailable", n),
    },
    "partial_outage": {
        "now": lambda lang, n: lang.ngettext("%(names)s is partly unavailable", "%(names)s are partly unavailable", n),
        "past": lambda lang, n: lang.ngettext(
            "%(names)s was partly unavailable", "%(names)s were partly unavailable", n
        ),
        "still": lambda lang, n: lang.ngettext(
            "%(names)s is still partly unavailable", "%(names)s are still partly unavailable", n
        ),
    },
    "degraded_performance": {
        "now": lambda lang, n: lang.ngettext("%(names)s is slower than usual", "%(names)s are slower than usual", n),
        "past": lambda lang, n: lang.ngettext("%(names)s was slower than usual", "%(names)s were slower than usual", n),
        "still": lambda lang, n: lang.ngettext(
            "%(names)s is still slower than usual", "%(names)s are still slower than usual", n
        ),
    },
    "under_maintenance": {
        "now": lambda lang, n: lang.ngettext("%(names)s is under maintenance", "%(names)s are under maintenance", n),
        "past": lambda lang, n: lang.ngettext("%(names)s was under maintenance", "%(names)s were under maintenance", n),
        "still": lambda lang, n: lang.ngettext(
            "%(names)s is still under maintenance", "%(names)s are still under maintenance", n
        ),
    },
    # components named without a status (a plain list of ids)
    "affected": {
        "now": lambda lang, n: lang.ngettext("%(names)s is affected", "%(names)s are affected", n),
        "past": lambda lang, n: lang.ngettext("%(names)s was affected", "%(names)s were affected", n),
        "still": lambda lang, n: lang.ngettext("%(names)s is still affected", "%(names)s are still affected", n),
    },
    "operational": {
        "now": lambda lang, n: lang.ngettext("%(names)s is working normally", "%(names)s are working normally", n),
        "past": lambda lang, n: lang.ngettext("%(names)s was working normally", "%(names)s were working normally", n),
        # never said: a component still affected is not operational
        "still": lambda lang, n: lang.ngettext("%(names)s is working normally", "%(names)s are working normally", n),
    },
}
# Translators: the words of {impact} when no component is named
SOME_AFFECTED = N_("some of our services are affected")
# Translators: the words of {components} when no component is named ("the planned maintenance on ...")
SOME_SERVICES = N_("some of our services")
# Translators: the words of {recovered} when no component is working normally again yet
AFFECTED_SERVICES = N_("the affected services")
# Translators: the {still_affected} sentence of a message; %(status)s says which components are
# not working normally yet, e.g. "Checkout is still partly unavailable"
STILL_AFFECTED = N_("%(status)s; we are working on it.")
# Translators: a time and a date in a customer message: "14:20 UTC on 22 Nov" ("since ...", "by ...")
MOMENT = N_("%(time)s on %(date)s")
# Translators: a maintenance window within one day: "02:00–04:00 UTC on 3 Dec" (%(end)s has the zone)
SAME_DAY_WINDOW = N_("%(start)s–%(end)s on %(date)s")
# Translators: a maintenance window over more than one day: "22:00 UTC on 3 Dec to 02:00 UTC on 4 Dec"
LONG_WINDOW = N_("%(start)s to %(end)s")


def join(lang: Language, names: list[str]) -> str:
    """Names as a list: ``A, B and C`` in English (statusgen's form since its first message),
    the language's own list in the others."""
    if lang.code != SOURCE:
        return lang.join(names)
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def moment_text(value: datetime, zone: tzinfo = UTC, lang: Language = ENGLISH) -> str:
    """``14:20 UTC on 22 Nov``: a time in a customer message, in ``zone`` (named) and ``lang``."""
    value = value.astimezone(zone)
    return lang.gettext(MOMENT) % {"time": lang.clock(value, zone), "date": lang.short_day(value)}


def window_text(window: tuple[datetime, datetime], zone: tzinfo = UTC, lang: Language = ENGLISH) -> str:
    """``02:00–04:00 UTC on 3 Dec`` in ``zone``, or from one day to another with both dates (or
    both zone names, when the clocks change inside the window)."""
    start, end = (moment.astimezone(zone) for moment in window)
    if start.date() == end.date() and zone_label(start) == zone_label(end):
        values = {
            "start": lang.clock(start, zone, named=False),
            "end": lang.clock(end, zone),
            "date": lang.short_day(start),
        }
        return lang.gettext(SAME_DAY_WINDOW) % values
    return lang.gettext(LONG_WINDOW) % {"start": moment_text(start, zone, lang), "end": moment_text(end, zone, lang)}


def describe(
    statuses: Mapping[str, str],
    name: Callable[[str], str],
    *,
    past: bool = False,
    still: bool = False,
    lang: Language = ENGLISH,
) -> str:
    """``Checkout is partly unavailable and Public API is slower than usual``: components grouped
    by status, worst first (``name`` turns an id into a name)."""
    form = "past" if past else "still" if still else "now"
    clauses = []
    for status, forms in CLAUSES.items():
        names = [name(cid) for cid, s in statuses.items() if s == status]
        if names:
            clauses.append(forms[form](lang, len(names)) % {"names": join(lang, names)})
    if not clauses:
        return lang.gettext(SOME_AFFECTED)
    if lang.code != SOURCE:
        return lang.join(clauses)
    if len(clauses) == 1:
        return clauses[0]
    return ", ".join(clauses[:-1]) + (", and " if len(clauses) > 2 else " and ") + clauses[-1]


def placeholder_values(
    config: Config,
    *,
    title: str,
    components: Mapping[str, str] | Iterable[str],
    started: datetime,
    at: datetime,
    next_update: timedelta = timedelta(minutes=30),
    window: tuple[datetime, datetime] | None = None,
    worst: Mapping[str, str] | None = None,
    previous_window: tuple[datetime, datetime] | None = None,
) -> dict[str, str]:
    """The values a template's placeholders are filled with, for one update, in the site's
    language (``config.lang``).

    ``components``: the affected components' statuses now ({id: status}; a plain list of ids
    when they are not known); ``worst``: the worst status each got (default: ``components``).
    """
    lang, zone = config.lang, config.zone
    statuses = dict(components) if isinstance(components, Mapping) else dict.fromkeys(components, "affected")
    worst = dict(worst) if worst else statuses

    def name(cid: str) -> str:
        component = config.component(cid)
        return component.name if component else cid

    names = [name(cid) for cid in statuses]
    hurt = {cid: status for cid, status in statuses.items() if status != "operational"}
    recovered = [name(cid) for cid, status in statuses.items() if status == "operational"]
    still = describe(hurt, name, still=True, lang=lang)
    values = {
        "title": title,
        "impact": describe(statuses, name, lang=lang),
        "peak": describe(worst, name, past=True, lang=lang),
        "still_affected": lang.gettext(STILL_AFFECTED) % {"status": still} if hurt else "",
        "recovered": join(lang, recovered) or lang.gettext(AFFECTED_SERVICES),
        "components": join(lang, names) or lang.gettext(SOME_SERVICES),
        "started": moment_text(started, zone, lang),
        "now": moment_text(at, zone, lang),
        "next_update": moment_text(at + next_update, zone, lang),
        "duration": lang.duration(at - started),
        "window": "",
    }
    values["window"] = window_text(window, zone, lang) if window else ""
    values["previous_window"] = window_text(previous_window, zone, lang) if previous_window else values["window"]
    return values
