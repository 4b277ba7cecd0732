"""What each page of the internal site shows: which pages there are (those mkdocs renders and
those statusgen renders itself) and, per page, the function that builds its template's context
(called when that page is rendered)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cached_property, lru_cache, partial
from typing import Any

from markupsafe import Markup

from statusgen.core.cadence import overdue_by
from statusgen.core.markdown import python_markdown_lists
from statusgen.core.model import Incident, Repository
from statusgen.core.status import status_label
from statusgen.core.times import duration, human_long
from statusgen.internal.charts import month_label, severity_chart
from statusgen.internal.urls import (
    action_items_uri,
    action_items_url,
    alert_uri,
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
    LEVEL_TEXT,
    AlertPage,
    alert_pages,
    budget_rows,
    missing_postmortems,
    month_span,
    open_action_items,
    section,
    stat_text,
    used_by,
)

# src_uri -> (template, title, markdown body, the page's view: called when mkdocs renders it)
PageEntry = tuple[str, str, str, Callable[[], dict[str, Any]]]

PAGE_SIZE = 500  # rows per page of the incident list, the action items and a runbook's incidents
RUNBOOK_RECENT = 20  # incidents listed on a runbook's own page; the rest on its incidents pages
SITE_URL = "https://<internal site>/"  # how the runbook and alert lists write the internal address in examples


class InternalPages:
    """What every page of the internal site shows, from one repository (as of ``now``) at ``now``."""

    def __init__(self, repo: Repository, now: datetime):
        self.repo = repo
        self.config = repo.config
        self.now = now
        self.when = lru_cache(maxsize=1 << 17)(partial(human_long, zone=self.config.zone))  # once per instant
        self.runbooks = repo.runbooks
        self.postmortems = repo.postmortems
        self.runbook_by_name = {r.name: r for r in self.runbooks}
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
            home = f"{self.config.company or self.config.site_name} internal"
            pages: dict[str, PageEntry] = {
                "index.md": ("internal/home.html", home, "", self.home_view),
                "runbooks/index.md": ("internal/runbooks.html", "Runbooks", "", self.runbooks_view),
                "runbooks/alerts/index.md": ("internal/alerts.html", "Alerts", "", self.alerts_view),
            }
            for runbook in self.runbooks:
                body = python_markdown_lists(runbook.body).strip() + "\n"
                pages[runbook_uri(runbook)] = ("internal/runbook.html", runbook.title, body,
                                               partial(self.runbook_view, runbook))  # fmt: skip
                for alert in runbook.alerts:
                    pages[alert_uri(alert)] = ("internal/alert.html", alert, "",
                                               partial(self.alert_view, alert, runbook))  # fmt: skip
            incidents = self.repo.incidents
            count = page_count(len(incidents), PAGE_SIZE)
            for number in range(1, count + 1):
                title = "Incidents" if number == 1 else f"Incidents, page {number}"
                pages[list_uri("incidents", number)] = ("internal/incidents.html", title, "",
                                                        partial(self.incidents_view, number))  # fmt: skip
            pages["postmortems/index.md"] = ("internal/postmortems.html", "Postmortems", "",
                                             partial(self.archive_view, None))  # fmt: skip
            for year in self._postmortem_years():
                pages[f"postmortems/{year}.md"] = ("internal/postmortems.html", f"Postmortems of {year}", "",
                                                   partial(self.archive_view, year))  # fmt: skip
            for incident_id, postmortem in self.postmortems.items():
                incident = self.by_id[incident_id]
                title = f"Postmortem: {postmortem.title or incident.title}"
                body = python_markdown_lists(postmortem.body).strip() + "\n"
                pages[postmortem_uri(incident_id)] = ("internal/postmortem.html", title, body,
                                                      partial(self.postmortem_view, incident, postmortem))  # fmt: skip
            for number in range(1, page_count(len(self.open_items), PAGE_SIZE) + 1):
                title = "Action items" if number == 1 else f"Action items, page {number}"
                pages[action_items_uri(number)] = ("internal/action-items.html", title, "",
                                                   partial(self.action_items_view, number))  # fmt: skip
            pages["metrics.md"] = ("internal/metrics.html", "Metrics", "", self.metrics_view)
            self._pages = pages
        return self._pages

    def direct_pages(self) -> list[tuple[str, str, str, partial]]:
        """``(url, title, template, view)`` of every page statusgen renders itself: one per
        incident, and the incidents that used a runbook, when they are too many for its page."""
        found = [(incident_url(i.id), i.title, "internal/incident.html", partial(self.incident_view, i))
                 for i in self.repo.incidents]  # fmt: skip
        for runbook in self.runbooks:
            incidents = self.used_by.get(runbook.name, [])
            if len(incidents) <= RUNBOOK_RECENT:
                continue
            for number in range(1, page_count(len(incidents), PAGE_SIZE) + 1):
                title = f"Incidents that used {runbook.title}" + ("" if number == 1 else f", page {number}")
                found.append((runbook_incidents_url(runbook, number), title, "internal/runbook-incidents.html",
                              partial(self.runbook_incidents_view, runbook, number)))  # fmt: skip
        return found

    def home_view(self) -> dict:
        items = self.open_items
        return {
            "now": self.now,
            "active": [i for i in self.repo.incidents if i.is_active and not i.is_maintenance],
            # incident id -> how late its promised update is ("17 min"), for late ones only
            "overdue": {
                i.id: duration(late)
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
            "hot": [(b.component.name, LEVEL_TEXT[b.level].lower()) for b in self.metrics.rolling if b.level != "ok"],
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
                    "duration": duration(incident.duration(self.now)),
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

    def incident_view(self, incident: Incident) -> dict:
        facts = [
            ("Kind", incident.kind),
            ("Severity", incident.severity or "-"),
            ("Stage", incident.stage),
            ("Components", ", ".join(f"{self.names.get(c, c)} ({s})" for c, s in incident.components.items()) or "-"),
            ("Commander", incident.commander or "-"),
        ]
        facts += [(f"Role: {role}", person) for role, person in incident.roles.items()]
        for label, value in (
            ("Impact start", incident.impact_start),
            ("Detected", incident.detected_at),
            ("Acknowledged", incident.acknowledged_at),
            ("Mitigated", incident.mitigated_at),
            ("Resolved", incident.resolved_at),
        ):
            facts.append((label, self.when(value) if value else "not recorded"))
        facts.append(("Duration", duration(incident.duration(self.now)) + ("" if incident.resolved_at else " so far")))
        windows = [
            (self.names.get(cid, cid), status_label(status), self.when(start), self.when(end),
             duration(end - start))
            for cid, status, start, end in incident.status_windows(self.now)
        ]  # fmt: skip
        updates = [
            {
                "when": self.when(u.at),
                "stage": u.stage.replace("_", " "),
                "message": render_markdown(u.message.strip()),
                "note": render_markdown(u.internal_note.strip()) if u.internal_note else None,
                "automatic": u.automatic,
            }
            for u in incident.updates
        ]
        return {
            "incident": incident,
            "facts": facts,
            "runbooks": [(name, self.runbook_by_name.get(name)) for name in incident.runbooks],
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
            by_month[month_label(m.month_key(incident.started_at, zone))].append(entry(incident, postmortem))
        by_severity = []
        for severity in self.config.severities:
            rows = [entry(i, p) for i, p in chosen if i.severity == severity.id]
            if rows:
                by_severity.append((f"{severity.id}: {severity.name}", rows))
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
            "components": ", ".join(self.names.get(c, c) for c in incident.components) or "-",
            "duration": duration(incident.duration(self.now)),
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
                missing.append((incident, self.when(incident.resolved_at), duration(late)))
        return {
            "now": self.now,
            "rows": [
                (item, incident, (self.now.date() - item.due).days if item.is_overdue(self.now) else None)
                for item, incident, _ in chunk
            ],
            "total": len(rows),
            "overdue": sum(item.is_overdue(self.now) for item, _, _ in rows),
            "completion": completion,
            "rate": "n/a" if completion.rate is None else f"{completion.rate:.0%}",
            "pager": pager(number, count, action_items_url),
            "first_page": number == 1,
            "missing": missing,
            "postmortem_severities": "/".join(sorted(self.config.postmortem_severities)),
            "due_hours": self.config.postmortem_due_hours,
        }

    def metrics_view(self) -> dict:
        mx, zone = self.metrics, self.config.zone
        this_month = m.month_key(self.now, zone)
        severities = [s.id for s in self.config.severities]
        completion = mx.completion

        def stats_rows(groups: dict) -> list:
            return [(name, [stat_text(values[k]) for k in m.METRICS]) for name, values in groups.items()]

        return {
            "now": self.now,
            "mx": mx,
            "definitions": [(m.LABELS[k], m.DEFINITIONS[k]) for k in m.METRICS],
            "short_labels": [m.SHORT_LABELS[k] for k in m.METRICS],
            "overall": stats_rows({"All": mx.overall}),
            "by_severity": stats_rows(mx.by_severity),
            "by_component": stats_rows({self.names.get(k, k): v for k, v in mx.by_component.items()}),
            # Made by our own code from numbers and escaped labels (charts.py): markup, not text.
            "chart": Markup(severity_chart(mx.per_month, severities)),  # SVG of numbers; charts.py escapes names
            "severities": severities,
            "per_month": [
                (month_label(key), [counts[s] for s in severities], sum(counts.values()))
                for key, counts in mx.per_month
            ],  # fmt: skip
            "rate": "n/a" if completion.rate is None else f"{completion.rate:.1%}",
            "completion": completion,
            # The configured weight table in words (the public uptime uses the same one).
            "weights": m.budget_explanation(mx.weights),
            "rolling_from": self.when(self.now - timedelta(days=mx.rolling_days)),
            "rolling": budget_rows(mx.rolling),
            "monthly": [
                (month_label(key), key == this_month, budget_rows(rows), month_span(key, self.now, zone))
                for key, rows in reversed(mx.monthly)
            ],
        }

    def _incident_row(self, incident: Incident) -> dict:
        return {"incident": incident, "postmortem": incident.id in self.postmortems}


def _slug(heading: str) -> str:
    """The id of a runbook's heading as its page has it (mkdocs' toc slug, in people's namespace:
    statusgen/render/markup.py)."""
    from markdown.extensions.toc import slugify

    return own_id(slugify(heading, "-"))
