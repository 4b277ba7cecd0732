"""``maintenance.ics``: scheduled maintenance as an RFC 5545 calendar, written by hand.

UIDs are ``<incident id>@<page_id>`` (the option, kept when the address changes), else
``<incident id>@<site host>``. SEQUENCE is the maintenance's ``revision``: the updates after
the first, plus each later update that announced a new window (``statusgen reschedule``), plus
one while the window in the file differs from the one last announced (edited by hand; ``validate``
warns), so a calendar app replaces the event whenever its window, text or status changes.
DTSTAMP and LAST-MODIFIED are the latest update's time, never the build clock. A cancelled
maintenance keeps its event with STATUS:CANCELLED, so subscribed calendars drop it. Times are
UTC (``Z``). The words are in the site's language (the keys are iCalendar's); a calendar in
another language than English says which (``LANGUAGE=``).
"""

from __future__ import annotations

import re
from datetime import datetime

from statusgen.core.language import ENGLISH, SOURCE, Language
from statusgen.core.times import UTC
from statusgen.views.public import PublicIncident, PublicStatus

_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and line breaks. Any line break
    (CRLF, a bare CR, the Unicode separators) becomes ``\\n``: a raw one would end the
    content line and let the text write calendar properties of its own."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _BREAKS.sub("\\\\n", text)


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 sequence; lines end in CRLF."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # back off a continuation byte
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts) + "\r\n"


def event(incident: PublicIncident, status: PublicStatus, host: str, language: Language = ENGLISH) -> list[str]:
    names = status.component_names
    affected = language.join([names.get(cid, cid) for cid, _ in incident.components])
    latest = incident.updates[-1]
    # Translators: a maintenance's latest update in a calendar event: "Scheduled: We will upgrade..."
    description = language.gettext("%(stage)s: %(message)s") % {
        "stage": language.gettext(latest.stage_label),
        "message": latest.message,
    }
    if affected:
        description += "\n\n" + language.gettext("Affected: %(components)s") % {"components": affected}
    url = status.absolute(f"incidents/{incident.id}/")
    description += f"\n\n{url}"
    start = incident.scheduled_for or incident.started_at
    end = incident.scheduled_until or incident.resolved_at or start
    tagged = _language(language)
    summary = language.gettext("Maintenance: %(title)s") % {"title": incident.title}
    lines = [
        "BEGIN:VEVENT",
        f"UID:{incident.id}@{host}",
        f"DTSTAMP:{_time(incident.updated_at)}",
        f"DTSTART:{_time(start)}",
        f"DTEND:{_time(max(end, start))}",
        f"SEQUENCE:{incident.revision}",
        f"SUMMARY{tagged}:{escape_text(summary)}",
        f"DESCRIPTION{tagged}:{escape_text(description)}",
        f"URL:{url}",
        f"CREATED:{_time(incident.created_at)}",
        f"LAST-MODIFIED:{_time(incident.updated_at)}",
        "STATUS:CANCELLED" if incident.is_cancelled else "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
    ]
    if affected:
        lines.append(f"CATEGORIES:{','.join(escape_text(names.get(cid, cid)) for cid, _ in incident.components)}")
    lines.append("END:VEVENT")
    return lines


def _language(language: Language) -> str:
    """The ``LANGUAGE`` parameter of a text property; none for English, a calendar's default."""
    return "" if language.code == SOURCE else f";LANGUAGE={language.tag}"


def calendar(status: PublicStatus, language: Language = ENGLISH) -> bytes:
    """Every maintenance with a schedule (past ones too), ordered by start then id."""
    host = status.event_domain
    maintenance = [i for i in status.incidents if i.is_maintenance]
    maintenance.sort(key=lambda i: (i.scheduled_for or i.started_at, i.id))
    # outside the f-strings, where the catalog's extractor finds them
    name = language.gettext("%(site)s: scheduled maintenance") % {"site": status.site_name}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//statusgen//maintenance calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:UTC",
    ]
    for incident in maintenance:
        lines.extend(event(incident, status, host, language))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines).encode("utf-8")
