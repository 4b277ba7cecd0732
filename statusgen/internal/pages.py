"""What each page of the internal site shows: which pages there are (those mkdocs renders and
those statusgen renders itself) and, per page, the function that builds its template's context
(called when that page is rendered)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, lru_cache, partial
from typing import Any

from statusgen.core.cadence import overdue_by
from statusgen.core.markdown import python_markdown_lists
from statusgen.core.model import Config, Incident, Repository
from statusgen.internal import metrics_page
from statusgen.internal.charts import month_label
from statusgen.internal.facts import impact_windows, incident_facts, update_entries
from statusgen.internal.metrics_page import completion_rate
from statusgen.internal.urls import (
    action_items_uri,
    action_items_url,
    alert_url,
    incident_url,
    list_uri,
    list_url,
    postmortem_uri,
    postmortem_url,
    runbook_incidents_url,
    runbook_uri,
    runbook_url,
)
from statusgen.render.markup import own_id, render_markdown
from statusgen.render.paging import page_count, pager
from statusgen.views import metrics as m
from statusgen.views.internal import (
    FIRST_STEP_SECTIONS,
    AlertPage,
    alert_pages,
    level_phrase,
    missing_postmortems,
    open_action_items,
    section,
    used_by,
)

# src_uri -> (template, title, markdown body, the page's view: called when mkdocs renders it)
PageEntry = tuple[str, str, str, Callable[[], dict[str, Any]]]

# mkdocs' pages of one document: what they show says how current it is (a runbook's review date), and
# their footer says nothing of the build's time, so a rebuild can keep them while they do not change.
UNDATED = frozenset({"internal/runbook.html", "internal/postmortem.html"})
PAGE_SIZE = 500  # rows per page of the incident list, the action items and a runbook's incidents
RUNBOOK_RECENT = 20  # incidents listed on a runbook's own page; the rest on its incidents pages
SITE_URL = "https://<internal site>/"  # how the runbook and alert lists write the internal address in examples


@dataclass(frozen=True)
class IncidentLine:
    """What one line of a list of incidents shows of it (``incident_line`` in
    statusgen/theme/internal/macros.html). A runbook's page lists twenty incidents and is
    digested at every build to tell whether it changed (statusgen/render/page_records.py):
    twenty whole incidents, every update of each, would be most of that work."""

    id: str
    title: str
    started_at: datetime
    severity: str | None
    drill: bool


@dataclass(frozen=True)
class RunbookLink:
    """What a link to a runbook shows of it (``runbook_link`` in statusgen/theme/internal/macros.html):
    an incident's page digests its links at every build, not each runbook's whole text."""

    rel: str
    title: str


def site_name(config: Config) -> str:
    """``Acme internal``: the internal site's name, so nobody mistakes it for the public page."""
    # Translators: the internal site's name: the company's name, then a word saying it is internal.
    return config.lang.gettext("%(company)s internal") % {"company": config.company or config.site_name}


class InternalPages:
    """What every page of the internal site shows, from one repository (as of ``now``) at ``now``."""

    def __init__(self, repo: Repository, now: datetime):
        self.repo = repo
        self.config = repo.config
        self.now = now
        self.language = language = self.config.lang
        self.when = lru_cache(maxsize=1 << 17)(partial(language.moment, zone=self.config.zone))  # once per instant
        self.runbooks = repo.runbooks
        self.postmortems = repo.postmortems
        self.runbook_by_name = {r.name: r for r in self.runbooks}
        self.runbook_links = {r.name: RunbookLink(r.rel, r.title) for r in self.runbooks}
        self.by_id = {i.id: i for i in repo.incidents}
        self.used_by = used_by(repo)
        self.alerts = {alert: r for r in self.runbooks for alert in r.alerts}
        self.metrics = m.compute(repo, self.postmortems.values(), now)
        self.names = {c.id: c.name for c in self.config.components}
        self.missing = missing_postmortems(repo, now)
        self.missing_ids = {i.id for i in self.missing}
        self._pages: dict[str, PageEntry] | None = None

    @cached_property
    def open_items(self) -> list:
        return open_action_items(self.repo, self.postmortems, self.now)

    def mkdocs_pages(self) -> dict[str, PageEntry]:
        """``src_uri -> (template, title, markdown body, view)`` of every mkdocs page; the view
        is a dict or a function making one (called when mkdocs renders that page)."""
        if self._pages is None:
            _ = self.language.gettext
            pages: dict[str, PageEntry] = {
                "index.md": ("internal/home.html", site_name(self.config), "", self.home_view),
                "runbooks/index.md": ("internal/runbooks.html", _("Runbooks"), "", self.runbooks_view),
                "runbooks/alerts/index.md": ("internal/alerts.html", _("Alerts"), "", self.alerts_view),
            }
            for runbook in self.runbooks:
                body = python_markdown_lists(runbook.body).strip() + "\n"
                pages[runbook_uri(runbook)] = ("internal/runbook.html", runbook.title, body,
                                               partial(self.runbook_view, runbook))  # fmt: skip
            incidents = self.repo.incidents
            count = page_count(len(incidents), PAGE_SIZE)
            for number in range(1, count + 1):
                title = _("Incidents") if number == 1 else _("Incidents, page %(number)s") % {"number": number}
                pages[list_uri("incidents", number)] = ("internal/incidents.html", title, "",
                                                        partial(self.incidents_view, number))  # fmt: skip
            pages["postmortems/index.md"] = ("internal/postmortems.html", _("Postmortems"), "",
                                             partial(self.archive_view, None))  # fmt: skip
            for year in self._postmortem_years():
                # Translators: the title of one year's page of the postmortem archive.
                title = _("Postmortems of %(year)s") % {"year": year}
                pages[f"postmortems/{year}.md"] = ("internal/postmortems.html", title, "",
                                                   partial(self.archive_view, year))  # fmt: skip
            for incident_id, postmortem in self.postmortems.items():
                incident = self.by_id[incident_id]
                title = _("Postmortem: %(title)s") % {"title": postmortem.title or incident.title}
                body = python_markdown_lists(postmortem.body).strip() + "\n"
                pages[postmortem_uri(incident_id)] = ("internal/postmortem.html", title, body,
                                                      partial(self.postmortem_view, incident, postmortem))  # fmt: skip
            for number in range(1, page_count(len(self.open_items), PAGE_SIZE) + 1):
                title = _("Action items") if number == 1 else _("Action items, page %(number)s") % {"number": number}
                pages[action_items_uri(number)] = ("internal/action-items.html", title, "",
                                                   partial(self.action_items_view, number))  # fmt: skip
            pages["metrics.md"] = ("internal/metrics.html", _("Metrics"), "", self.metrics_view)
            self._pages = pages
        return self._pages

    def direct_pages(self) -> list[tuple[str, str, str, partial, dict[str, Any]]]:
        """``(url, title, template, view, keys)`` of every page statusgen renders itself: one per
        incident, one per alert (pages of data, with no Markdown of their own), and the incidents
        that used a runbook, when they are too many for its page. ``keys``: what the page's view
        is made from, for its record (DirectPages.add's ``sources`` and ``view_key``)."""
        _ = self.language.gettext
        found = [(incident_url(i.id), i.title, "internal/incident.html", partial(self.incident_view, i),
                  self._incident_keys(i)) for i in self.repo.incidents]  # fmt: skip
        for runbook in self.runbooks:
            found.extend((alert_url(alert), alert, "internal/alert.html", partial(self.alert_view, alert, runbook), {})
                         for alert in runbook.alerts)  # fmt: skip
        for runbook in self.runbooks:
            incidents = self.used_by.get(runbook.name, [])
            if len(incidents) <= RUNBOOK_RECENT:
                continue
            for number in range(1, page_count(len(incidents), PAGE_SIZE) + 1):
                title = (
                    _("Incidents that used %(runbook)s") % {"runbook": runbook.title}
                    if number == 1
                    else _("Incidents that used %(runbook)s, page %(number)s")
                    % {"runbook": runbook.title, "number": number}
                )
                found.append((runbook_incidents_url(runbook, number), title, "internal/runbook-incidents.html",
                              partial(self.runbook_incidents_view, runbook, number), {}))  # fmt: skip
        return found

    def home_view(self) -> dict:
        items = self.open_items
        return {
            "now": self.now,
            "active": [i for i in self.repo.incidents if i.is_active and not i.is_maintenance],
            # incident id -> how late its promised update is ("17 min"), for late ones only
            "overdue": {
                i.id: self.language.duration(late)
                for i in self.repo.incidents
                if i.is_active and (late := overdue_by(i, self.config, self.now))
            },
            "open_items": len(items),
            "overdue_items": sum(1 for row in items if row[0].is_overdue(self.now)),
            "missing": self.missing,
            "runbooks": self.runbooks,
            "stale": [r for r in self.runbooks if r.is_stale(self.now)],
            "alerts": self.alerts,
            "rolling_days": self.metrics.rolling_days,
            # components past a level of their budget, each in words ("API 80% used")
            "hot": [
                level_phrase(b.component.name, b.level, self.language) for b in self.metrics.rolling if b.level != "ok"
            ],
        }

    def runbooks_view(self) -> dict:
        by_service = defaultdict(list)
        for runbook in self.runbooks:
            by_service[runbook.service].append(runbook)
        return {
            "runbooks": self.runbooks,
            "stale": [r for r in self.runbooks if r.is_stale(self.now)],
            "by_service": sorted(by_service.items()),
            "site_url": SITE_URL,
        }

    def runbook_view(self, runbook) -> dict:
        incidents = self.used_by.get(runbook.name, [])
        return {
            "runbook": runbook,
            "stale_days": (self.now.date() - runbook.review_due).days if runbook.is_stale(self.now) else None,
            "incidents": [self._incident_row(i) for i in incidents[:RUNBOOK_RECENT]],
            "incident_count": len(incidents),
            "all_incidents_url": runbook_incidents_url(runbook, 1) if len(incidents) > RUNBOOK_RECENT else None,
        }

    def runbook_incidents_view(self, runbook, number: int) -> dict:
        incidents = self.used_by.get(runbook.name, [])
        count = page_count(len(incidents), PAGE_SIZE)
        chunk = incidents[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        return {
            "runbook": runbook,
            "incidents": [self._incident_row(i) for i in chunk],
            "incident_count": len(incidents),
            "pager": pager(number, count, lambda n: runbook_incidents_url(runbook, n)),
        }

    @cached_property
    def alert_data(self) -> dict[str, AlertPage]:
        """Alert name -> AlertPage: its rules from the ``alert_rules`` files, the runbook's
        trigger, first steps and rollback, and recent incidents (worked out on first use)."""
        return alert_pages(self.repo, self.runbooks, self.repo.alert_rules)

    def alert_view(self, alert: str, runbook) -> dict:
        data = self.alert_data.get(alert)
        rules = data.rules if data else ()
        first_heading = section(runbook.body, FIRST_STEP_SECTIONS)[0]

        def markdown(text: str):  # nested steps re-indented as on the runbook's own page
            return render_markdown(python_markdown_lists(text)) if text.strip() else None

        return {
            "alert": alert,
            "runbook": runbook,
            "stale": runbook.is_stale(self.now),
            "sections": [(s, _slug(s)) for s in runbook.sections],
            "others": [a for a in runbook.alerts if a != alert],
            "rules": [
                {
                    "expr": rule.expr,
                    "for": rule.for_,
                    "severity": rule.severity,
                    "labels": [(k, v) for k, v in rule.labels if k != "severity"],
                    "summary": rule.annotation("summary"),
                    "description": rule.annotation("description"),
                    "group": rule.group,
                    "source": f"{rule.shown}:{rule.line}",
                }
                for rule in rules
            ],
            "rule_files": list(self.config.alert_rules),
            "trigger": markdown(data.trigger) if data else None,
            "first_steps": markdown(data.first_steps) if data else None,
            "first_heading": first_heading,
            "first_anchor": _slug(first_heading) if first_heading else "",
            "rollback": markdown(data.rollback) if data else None,
            "recent": [self._incident_row(i) for i in data.incidents] if data else [],
            "incident_count": len(self.used_by.get(runbook.name, [])),
        }

    def alerts_view(self) -> dict:
        return {"alerts": sorted(self.alerts.items(), key=lambda kv: kv[0].lower()), "site_url": SITE_URL}

    def incidents_view(self, number: int) -> dict:
        incidents = self.repo.incidents
        count = page_count(len(incidents), PAGE_SIZE)
        chunk = incidents[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        rows = []
        for incident in chunk:
            rows.append(
                {
                    "incident": incident,
                    "duration": self.language.duration(incident.duration(self.now)),
                    "postmortem": incident.id in self.postmortems,
                    "missing": incident.id in self.missing_ids,
                }
            )
        years: dict[int, int] = {}
        for index, incident in enumerate(incidents):
            years.setdefault(incident.started_at.year, index // PAGE_SIZE + 1)
        return {
            "rows": rows,
            "total": len(incidents),
            "pager": pager(number, count, lambda n: list_url("incidents", n)),
            "years": [(year, list_url("incidents", n)) for year, n in years.items()] if count > 1 else [],
        }

    def _incident_keys(self, incident: Incident) -> dict[str, Any]:
        """An incident page's record takes the incident by its file. The view of one resolved in its
        file is made only of that file, its postmortem (there or overdue), the runbooks it links and
        the config: keyed by those, an unchanged page is kept without its view being made."""
        source = self.repo.sources.get(incident.id)
        if source is None:
            return {}
        keys: dict[str, Any] = {"sources": {"incident": f"{source}\0{incident.postmortem_path}"}}
        if incident.is_resolved:
            links = [(name, self.runbook_links.get(name)) for name in incident.runbooks]
            keys["view_key"] = repr((source, str(incident.postmortem_path), incident.id in self.postmortems,
                                     incident.id in self.missing_ids, links))  # fmt: skip
        return keys

    def incident_view(self, incident: Incident) -> dict:
        language, when = self.language, self.when
        facts = incident_facts(incident, self.names, language, when, self.now)
        windows = impact_windows(incident, self.names, language, when, self.now)
        updates = update_entries(incident, language, when)
        return {
            "incident": incident,
            "facts": facts,
            "runbooks": [(name, self.runbook_links.get(name)) for name in incident.runbooks],
            "runbook_url": runbook_url,
            "has_postmortem": incident.id in self.postmortems,
            "postmortem_url": postmortem_url(incident.id),
            "missing": incident.id in self.missing_ids,
            "resolved": self.when(incident.resolved_at) if incident.resolved_at else "",
            "as_of": "" if incident.is_resolved else self.when(self.now),  # its page changes with "now" anyway
            "windows": windows,
            "updates": updates,
        }

    def _postmortem_entries(self):
        return sorted(
            ((self.by_id[i], p) for i, p in self.postmortems.items()),
            key=lambda e: (e[0].started_at, e[0].id),
            reverse=True,
        )

    def _postmortem_years(self) -> list[int]:
        return sorted({i.started_at.year for i, _ in self._postmortem_entries()}, reverse=True)

    def archive_view(self, year: int | None) -> dict:
        """The archive: the first page has the latest year (or the latest entries), each year its own."""
        entries = self._postmortem_entries()
        years = self._postmortem_years()
        shown_year = year if year is not None else (years[0] if years else None)
        chosen = [e for e in entries if e[0].started_at.year == shown_year]
        zone = self.config.zone

        def entry(incident, postmortem):
            return {
                "incident": incident,
                "postmortem": postmortem,
                "open_items": sum(item.is_open for item in postmortem.action_items),
            }

        by_month = defaultdict(list)
        for incident, postmortem in chosen:
            by_month[month_label(m.month_key(incident.started_at, zone), self.language)].append(
                entry(incident, postmortem)
            )
        by_severity = []
        for severity in self.config.severities:
            rows = [entry(i, p) for i, p in chosen if i.severity == severity.id]
            if rows:
                # Translators: a severity's id and its name, as a heading of the postmortem archive: "SEV1: Critical".
                label = self.language.gettext("%(id)s: %(name)s") % {"id": severity.id, "name": severity.name}
                by_severity.append((label, rows))
        by_component = []
        for component in self.config.components:
            rows = [entry(i, p) for i, p in chosen if component.id in i.components]
            if rows:
                by_component.append((component.name, rows))
        counts: defaultdict[int, int] = defaultdict(int)
        for incident, _ in entries:
            counts[incident.started_at.year] += 1
        return {
            "total": len(entries),
            "year": shown_year,
            "first_page": year is None,
            "years": [(y, counts[y], f"postmortems/{y}/") for y in years] if len(years) > 1 else [],
            "missing": self.missing if year is None else [],
            "postmortem_severities": "/".join(sorted(self.config.postmortem_severities)),
            "due_hours": self.config.postmortem_due_hours,
            "by_month": list(by_month.items()),
            "by_severity": by_severity,
            "by_component": by_component,
        }

    def postmortem_view(self, incident: Incident, postmortem) -> dict:
        return {
            "incident": incident,
            "postmortem": postmortem,
            # a list in the language's form ("A, B and C"; "A、B、C")
            "components": self.language.join([self.names.get(c, c) for c in incident.components]) or "-",
            "duration": self.language.duration(incident.duration(self.now)),
            "items": [(item, item.is_overdue(self.now)) for item in postmortem.action_items],
        }

    def action_items_view(self, number: int) -> dict:
        rows = self.open_items
        count = page_count(len(rows), PAGE_SIZE)
        chunk = rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        completion = self.metrics.completion
        missing = []
        if number == 1:
            for incident in self.missing:
                if incident.resolved_at is None:  # missing_postmortems lists resolved incidents only
                    continue
                late = self.now - incident.resolved_at - timedelta(hours=self.config.postmortem_due_hours)
                missing.append((incident, self.when(incident.resolved_at), self.language.duration(late)))
        return {
            "now": self.now,
            "rows": [
                (item, incident, (self.now.date() - item.due).days if item.is_overdue(self.now) else None)
                for item, incident, _ in chunk
            ],
            "total": len(rows),
            "overdue": sum(item.is_overdue(self.now) for item, _, _ in rows),
            "completion": completion,
            "rate": completion_rate(completion.rate, 0, self.language),
            "pager": pager(number, count, action_items_url),
            "first_page": number == 1,
            "missing": missing,
            "postmortem_severities": "/".join(sorted(self.config.postmortem_severities)),
            "due_hours": self.config.postmortem_due_hours,
        }

    def metrics_view(self) -> dict:
        return metrics_page.metrics_view(self.metrics, self.config, self.names, self.now, self.when)

    def _incident_row(self, incident: Incident) -> dict:
        line = IncidentLine(incident.id, incident.title, incident.started_at, incident.severity, incident.drill)
        return {"incident": line, "postmortem": incident.id in self.postmortems}


def _slug(heading: str) -> str:
    """The id of a runbook's heading as its page has it (mkdocs' toc slug, in people's namespace:
    statusgen/render/markup.py)."""
    from markdown.extensions.toc import slugify

    return own_id(slugify(heading, "-"))
