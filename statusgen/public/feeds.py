"""RSS 2.0 and Atom feeds, made with feedgen: one item per incident, maintenance or notice.

An item holds every public update, newest first; its date is the latest update's, so it
moves when an update is added. Guids are the incident's page URL, which never changes.
Nothing here reads a clock: a feed's own date is its newest item's (or ``now`` when empty).
Titles and item bodies are in the site's language, which the feeds declare.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import datetime, tzinfo
from html import escape

from statusgen.core.language import ENGLISH, Language
from statusgen.core.times import UTC
from statusgen.render.markup import render_prose
from statusgen.views.public import PublicIncident, PublicStatus, PublicUpdate


def incident_html(
    incident: PublicIncident, names: dict[str, str], zone: tzinfo = UTC, language: Language = ENGLISH
) -> str:
    """The item body: affected components, then every update newest first."""
    parts = []
    if incident.postmortem_summary:
        parts.append(f"<p><strong>{escape(language.gettext('Postmortem'))}</strong></p>")
        parts.append(str(render_prose(incident.postmortem_summary)))
    if incident.components:
        affected = language.join([names.get(cid, cid) for cid, _ in incident.components])
        parts.append(f"<p>{escape(language.gettext('Affected: %(components)s') % {'components': affected})}</p>")
    parts.extend(update_html(update, incident.is_notice, zone, language) for update in incident.updates_newest_first)
    return "\n".join(parts)


def update_html(update: PublicUpdate, markdown: bool = False, zone: tzinfo = UTC, language: Language = ENGLISH) -> str:
    """One update in an item body: its stage and time, then its message (a notice's is
    Markdown, sanitized as on its page)."""
    stage, when = escape(language.gettext(update.stage_label)), escape(language.moment(update.at, zone))
    head = f"<p><strong>{stage}</strong> - {when}</p>"
    if markdown:
        return f"{head}\n{render_prose(update.message)}"
    message = "<br>".join(escape(line) for line in update.message.splitlines())
    return f"{head}\n<p>{message}</p>"


def newest(incidents: Iterable[PublicIncident], size: int) -> list[PublicIncident]:
    """The ``size`` most recently updated incidents, newest first (ties by id: deterministic)."""
    return heapq.nlargest(size, incidents, key=lambda i: (i.updated_at, i.id))


def build_feeds(
    status: PublicStatus,
    items: list[PublicIncident],
    path: str,
    title: str,
    link_path: str = "",
    language: Language = ENGLISH,
    bodies: dict[str, str] | None = None,
):
    """``(rss bytes, atom bytes)`` for ``items``, the feed's incidents as ``feed_sets`` chose
    them (newest first); ``path`` is the feeds' folder ('' or 'components/x/').
    ``bodies`` keeps each item's HTML by ``incident <id>`` or ``update <id>`` for the next feed
    of the build: an incident is in both kinds of feed, and in the feed of each component it affects."""
    from feedgen.feed import FeedGenerator

    bodies = {} if bodies is None else bodies

    updated = items[0].updated_at if items else status.now
    home = status.absolute(link_path)
    feeds = []
    for kind in ("rss", "atom"):
        fg = FeedGenerator()
        fg.id(status.absolute(f"{path}feed.{kind}"))
        fg.title(title)
        fg.subtitle(language.gettext("Incidents and maintenance for %(site)s") % {"site": status.site_name})
        links = [(home, "alternate"), (status.absolute(f"{path}feed.{kind}"), "self")]
        if kind == "rss":  # feedgen makes the last link given the RSS <channel><link>: the page, not the feed
            links.reverse()
        for href, rel in links:
            fg.link(href=href, rel=rel)
        fg.language(language.tag)  # RSS <language>, Atom xml:lang
        fg.updated(updated)
        fg.lastBuildDate(updated)
        fg.generator("statusgen")
        if status.company:
            fg.author({"name": status.company})
        if status.feed_items == "update":
            _add_updates(fg, kind, status, items, language, bodies)
        else:
            _add_incidents(fg, kind, status, items, language, bodies)
        feeds.append(fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True))
    return feeds[0], feeds[1]


def _add_incidents(
    fg, kind: str, status: PublicStatus, items: list[PublicIncident], language: Language, bodies: dict[str, str]
) -> None:
    """One item per incident, with every update in it; it changes in place when one is posted."""
    names = status.component_names
    for incident in items:
        body = bodies.get(f"incident {incident.id}")
        if body is None:
            body = bodies[f"incident {incident.id}"] = incident_html(incident, names, status.zone, language)
        _add_entry(
            fg, kind, status.absolute(f"incidents/{incident.id}/"), _title(incident, incident.stage_label, language),
            incident.created_at, incident.updated_at, body,
        )  # fmt: skip


def _add_updates(
    fg, kind: str, status: PublicStatus, items: list[PublicIncident], language: Language, bodies: dict[str, str]
) -> None:
    """One item per update, newest first, linking to the update on its incident's page: each
    update is a new item, which is what chat apps that post only new items need."""
    updates = sorted(
        ((update, incident) for incident in items for update in incident.updates_newest_first),
        key=lambda pair: (pair[0].at, pair[0].id),
        reverse=True,
    )[: status.feed_size]
    for update, incident in updates:
        body = bodies.get(f"update {update.id}")
        if body is None:
            body = bodies[f"update {update.id}"] = update_html(update, incident.is_notice, status.zone, language)
        _add_entry(
            fg, kind, status.absolute(f"incidents/{incident.id}/#update-{update.id}"),
            _title(incident, update.stage_label, language), update.at, update.at, body,
        )  # fmt: skip


def _title(incident: PublicIncident, stage_label: str, language: Language = ENGLISH) -> str:
    """``Incident: API errors (Resolved)``: what it is, its title and the stage it is in."""
    values = {"title": incident.title, "stage": language.gettext(stage_label)}
    if incident.is_maintenance:
        return language.gettext("Maintenance: %(title)s (%(stage)s)") % values
    if incident.is_notice:
        return language.gettext("Notice: %(title)s (%(stage)s)") % values
    return language.gettext("Incident: %(title)s (%(stage)s)") % values


def _add_entry(fg, kind: str, url: str, title: str, published: datetime, updated: datetime, body: str) -> None:
    """One feed item at ``url`` (its id, guid and link), dated by ``published`` and ``updated``."""
    entry = fg.add_entry(order="append")
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(title)
    entry.link(href=url)
    entry.published(published)
    entry.updated(updated)
    if kind == "rss":
        entry.description(body)
        entry.pubDate(updated)
    else:
        entry.content(body, type="html")


def feed_sets(status: PublicStatus, language: Language = ENGLISH) -> list[tuple[str, str, list[PublicIncident]]]:
    """Each pair of feed files of the site: ``(folder, title, items)``, the folder '' (the
    site's own pair) or ``components/<id>/``, and the items newest first."""
    # Translators: the title of the site's feed: "Ledgerline Status: incidents".
    title = language.gettext("%(site)s: incidents") % {"site": status.site_name}
    sets = [("", title, newest(status.incidents, status.feed_size))]
    by_component: dict[str, list[PublicIncident]] = {c.id: [] for c in status.components}
    for incident in status.incidents:
        for cid in incident.component_ids:
            if cid in by_component:
                by_component[cid].append(incident)
    for component in status.components:
        # Translators: the title of a component's feed: "Ledgerline Status: Public API".
        title = language.gettext("%(site)s: %(component)s") % {"site": status.site_name, "component": component.name}
        sets.append((f"components/{component.id}/", title, newest(by_component[component.id], status.feed_size)))
    return sets
