"""The internal site: runbooks, alert pages, incidents with notes, postmortems, action items, metrics.

Every page is a template in the packaged theme (``statusgen/theme/internal/*.html``, escaped by
name; a team's ``overrides/`` can replace any of them), and this module only builds what each
page shows. Documents (runbooks, postmortems) and the index pages go through mkdocs, so
material's search indexes them and their Markdown bodies are converted there and then
sanitized (``content``). The thousands of incident pages are rendered directly
(statusgen/render/direct.py) and reach search as compact entries written from the data
(``post_build``). Lists that grow with history are split into pages or years.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property, lru_cache, partial
from pathlib import Path

from markupsafe import Markup, escape

from statusgen.core.cadence import overdue_by
from statusgen.core.model import Incident, Repository
from statusgen.core.status import status_label
from statusgen.core.times import duration
from statusgen.core.times import human_long as _human_long
from statusgen.internal.charts import month_label, severity_chart
from statusgen.render.direct import DirectPages, NavFragments
from statusgen.render.markup import render_markdown, sanitize_html
from statusgen.sources.alert_rules import load_alert_rules
from statusgen.sources.frontmatter import python_markdown_lists
from statusgen.sources.postmortems import load_postmortems, open_action_items
from statusgen.sources.runbooks import (
    FIRST_STEP_SECTIONS,
    alert_pages,
    alert_slug,
    load_runbooks,
    section,
    stale_problems,
    used_by,
)
from statusgen.views import metrics as m

log = logging.getLogger("mkdocs.plugins.statusgen.internal")
# The same instants are printed on several pages; formatting one costs more than looking it up.
human_long = lru_cache(maxsize=1 << 17)(_human_long)

CSS_URI = "assets/statusgen-internal.css"
ALERTS_JSON = "runbooks/alerts.json"
METRICS_JSON = "metrics.json"
LEVEL_TEXT = {"ok": "OK", "50%": "50% used", "80%": "80% used", "exhausted": "Exhausted"}
PAGE_SIZE = 500  # rows per page of the incident list and the action items
RUNBOOK_RECENT = 20  # incidents listed on a runbook's own page; the rest on its incidents pages
ARCHIVE_RECENT = 50  # postmortems listed on the archive's first page


@dataclass(frozen=True)
class Pager:
    """Where one page of a split list sits: its number, the count, and its neighbours' URLs."""

    number: int
    count: int
    previous_url: str | None
    next_url: str | None
    urls: tuple[str, ...]  # every page's URL, for a numbered list of links


class InternalSite:
    """Builds every page of the internal site from one repository at one ``now``."""

    def __init__(self, repo: Repository, now: datetime, mkdocs_config=None):
        repo = _as_of(repo, now)
        self.repo = repo
        self.config = repo.config
        self.now = now
        self.runbooks, self.runbook_problems = load_runbooks(repo.config)
        self.postmortems, self.postmortem_problems = load_postmortems(repo)
        self.runbook_by_name = {r.name: r for r in self.runbooks}
        self.by_id = {i.id: i for i in repo.incidents}
        self.used_by = used_by(repo)
        self.alerts = {alert: r for r in self.runbooks for alert in r.alerts}
        self.metrics = m.compute(repo, self.postmortems.values(), now)
        self.names = {c.id: c.name for c in self.config.components}
        self.missing = [i for i in repo.incidents if _postmortem_overdue(i, self.config, now)]
        self.missing_ids = {i.id for i in self.missing}
        for problem in self.runbook_problems + self.postmortem_problems:
            (log.warning if problem.is_error else log.info)(str(problem))
        self._pages: dict[str, tuple[str, str, str, object]] | None = None
        self.bodies: dict[str, Markup] = {}  # src_uri -> sanitized HTML of a document's body
        self.direct: DirectPages | None = None
        self.nav_object = None
        self._env = None
        if mkdocs_config is not None:
            _markdown_extensions(mkdocs_config)
            # The header says which site this is: nobody should mistake it for the public page.
            mkdocs_config["site_name"] = f"{self.config.company or self.config.site_name} internal"

    # -- plugin hooks --------------------------------------------------------------------------

    def files(self, files, mkdocs_config):
        """Add every mkdocs page (replacing any docs_dir page at the same path) and register the
        directly rendered ones."""
        from mkdocs.structure.files import File, InclusionLevel

        generated = {}
        for uri, (template, title, body, _) in self.pages().items():
            front = f"---\ntemplate: {template}\ntitle: {json.dumps(title)}\n---\n\n"
            generated[uri] = front + body
        generated[CSS_URI] = CSS
        for name, data in ((ALERTS_JSON, self.alerts_json(mkdocs_config)), (METRICS_JSON, self.metrics.as_json())):
            generated[name] = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        nav = self.nav()
        in_nav = set(_nav_uris(nav))
        self.direct = DirectPages(mkdocs_config)
        for incident in self.repo.incidents:
            self.direct.add(incident_url(incident.id), incident.title, "internal/incident.html",
                            partial(self.incident_view, incident), "article")  # fmt: skip
        for runbook in self.runbooks:
            self._runbook_incident_pages(runbook)
        taken = {u + "index.html" for u in self.direct.urls}
        for uri, content in generated.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            # Pages reached by links (alerts, postmortems) are not nav entries; saying so keeps
            # mkdocs from listing them at every build.
            inclusion = InclusionLevel.UNDEFINED if uri in in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(mkdocs_config, uri, content=content, inclusion=inclusion))
        for file in list(files):
            if file.src_uri in taken:
                files.remove(file)
        if CSS_URI not in mkdocs_config["extra_css"]:
            mkdocs_config["extra_css"].append(CSS_URI)
        mkdocs_config["nav"] = nav
        return files

    def env(self, env):
        self._env = env
        self._navs = NavFragments(env)
        env.filters["utc"] = human_long
        return env

    def nav_built(self, nav):
        self.nav_object = nav

    def content(self, html: str, page) -> str:
        """A document's body as mkdocs converted it, cleaned before any page embeds it."""
        # Markup: sanitized just now; removing an empty header row cannot make markup of text.
        clean = Markup(_EMPTY_HEADER_ROW.sub("", sanitize_html(html)))
        self.bodies[page.file.src_uri] = clean
        return str(clean)

    def page_context(self, context, page, mkdocs_config):
        context["statusgen_internal"] = True
        context["statusgen_built"] = human_long(self.now)  # for the footer
        if page.file.inclusion.is_not_in_nav() and self._env is not None and context.get("nav"):
            context["sg_nav"] = self._navs.get(context)  # same for all such pages at one depth
        entry = self.pages().get(page.file.src_uri)
        if entry is not None:
            view = entry[3]
            context.update(view() if callable(view) else view)
            context["body"] = self.bodies.get(page.file.src_uri, Markup(""))  # bodies: sanitized in content()
        return context

    def template_context(self, context, name, mkdocs_config):
        # Pages that are not documents (404.html) wear the internal footer too.
        context["statusgen_internal"] = True
        context["statusgen_built"] = human_long(self.now)
        if name == "sitemap.xml" and self.direct is not None:
            context["pages"] = self.direct.sitemap_pages(context["pages"])
        return context

    def post_build(self, mkdocs_config):
        """Write the directly rendered pages, then add incidents to the search index as compact
        entries (alerts.json and metrics.json are generated files: see ``files``)."""
        site_dir = Path(mkdocs_config["site_dir"])
        if self.direct is not None and self._env is not None:
            extra = {"statusgen_internal": True}  # no build time: see statusgen/internal-footer.html
            self.direct.write(self._env, site_dir, nav=self.nav_object, extra=extra)
        index = site_dir / "search" / "search_index.json"
        if index.is_file():
            data = json.loads(index.read_text(encoding="utf-8"))
            data["docs"].extend(self.search_entries())
            index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    # -- data ----------------------------------------------------------------------------------

    def alerts_json(self, mkdocs_config=None) -> dict[str, str]:
        """Alert name -> the URL of its alert page.

        Absolute when the internal build has its own site_url; root-relative otherwise (the
        public site's URL would be wrong here).
        """
        base = ""
        url = (mkdocs_config or {}).get("site_url") or ""
        if url and url.rstrip("/") != self.config.site_url.rstrip("/"):
            base = url.rstrip("/")
        return {alert: f"{base}/runbooks/alerts/{alert_slug(alert)}/" for alert in sorted(self.alerts)}

    def search_entries(self) -> list[dict]:
        """One compact search entry per incident, from its data (and its internal notes, which
        is what a responder searches for: the error they are looking at)."""
        entries = []
        for incident in self.repo.incidents:
            components = ", ".join(self.names.get(c, c) for c in incident.components)
            notes = " ".join(u.internal_note.strip() for u in incident.updates if u.internal_note)
            text = (
                f"{incident.id} {incident.started_at:%Y-%m-%d} {incident.kind} {incident.severity or ''} "
                f"{incident.stage} {components}. {notes}"
            )
            entries.append({"location": incident_url(incident.id), "title": incident.title, "text": _plain(text)})
        return entries

    def nav(self) -> list:
        by_service = defaultdict(list)
        for runbook in self.runbooks:
            by_service[runbook.service].append({escape(runbook.title): runbook_uri(runbook)})
        # Titles escaped here: material's navigation prints them as they are.
        return [
            {"Home": "index.md"},
            {
                "Runbooks": [
                    {"All runbooks": "runbooks/index.md"},
                    {"Alerts": "runbooks/alerts/index.md"},
                    *({escape(service): items} for service, items in sorted(by_service.items())),
                ]
            },
            {"Incidents": "incidents/index.md"},
            {"Postmortems": "postmortems/index.md"},
            {"Action items": "action-items.md"},
            {"Metrics": "metrics.md"},
        ]

    def pages(self) -> dict[str, tuple[str, str, str, object]]:
        """``src_uri -> (template, title, markdown body, view)`` of every mkdocs page; the view
        is a dict or a function making one (called when mkdocs renders that page)."""
        if self._pages is None:
            home = f"{self.config.company or self.config.site_name} internal"
            pages = {
                "index.md": ("internal/home.html", home, "", self.home_view),
                "runbooks/index.md": ("internal/runbooks.html", "Runbooks", "", self.runbooks_view),
                "runbooks/alerts/index.md": ("internal/alerts.html", "Alerts", "", self.alerts_view),
            }
            for runbook in self.runbooks:
                body = python_markdown_lists(runbook.body).strip() + "\n"
                pages[runbook_uri(runbook)] = ("internal/runbook.html", runbook.title, body,
                                               partial(self.runbook_view, runbook))  # fmt: skip
                for alert in runbook.alerts:
                    pages[alert_uri(alert)] = (
                        "internal/alert.html",
                        alert,
                        "",
                        partial(self.alert_view, alert, runbook),
                    )
            incidents = self.repo.incidents
            count = _page_count(len(incidents))
            for number in range(1, count + 1):
                title = "Incidents" if number == 1 else f"Incidents, page {number}"
                pages[_list_uri("incidents", number)] = ("internal/incidents.html", title, "",
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
            items = len(open_action_items(self.repo, self.postmortems, self.now))
            for number in range(1, _page_count(items) + 1):
                title = "Action items" if number == 1 else f"Action items, page {number}"
                uri = "action-items.md" if number == 1 else f"action-items/page/{number}.md"
                pages[uri] = ("internal/action-items.html", title, "", partial(self.action_items_view, number))
            pages["metrics.md"] = ("internal/metrics.html", "Metrics", "", self.metrics_view)
            self._pages = pages
        return self._pages

    # -- views ---------------------------------------------------------------------------------

    def home_view(self) -> dict:
        items = open_action_items(self.repo, self.postmortems, self.now)
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
            "site_url": self._site_url(),
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
        count = _page_count(len(incidents))
        chunk = incidents[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        return {
            "runbook": runbook,
            "incidents": [self._incident_row(i) for i in chunk],
            "incident_count": len(incidents),
            "pager": _pager(number, count, lambda n: runbook_incidents_url(runbook, n)),
        }

    @cached_property
    def alert_data(self) -> dict:
        """Alert name -> AlertPage: its rules from the ``alert_rules`` files, the runbook's
        trigger, first steps and rollback, and recent incidents (read once, on first use)."""
        rules, problems = load_alert_rules(self.config)
        for problem in problems:  # a rule file that does not read must not pass unnoticed
            log.warning(str(problem))
        return alert_pages(self.repo, self.runbooks, rules)

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
            "rule_files": list(self.config.extra.get("alert_rules") or ()),
            "trigger": markdown(data.trigger) if data else None,
            "first_steps": markdown(data.first_steps) if data else None,
            "first_heading": first_heading,
            "first_anchor": _slug(first_heading) if first_heading else "",
            "rollback": markdown(data.rollback) if data else None,
            "recent": [self._incident_row(i) for i in data.incidents] if data else [],
            "incident_count": len(self.used_by.get(runbook.name, [])),
        }

    def alerts_view(self) -> dict:
        return {"alerts": sorted(self.alerts.items(), key=lambda kv: kv[0].lower()), "site_url": self._site_url()}

    def incidents_view(self, number: int) -> dict:
        incidents = self.repo.incidents
        count = _page_count(len(incidents))
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
        years = {}
        for index, incident in enumerate(incidents):
            years.setdefault(incident.started_at.year, index // PAGE_SIZE + 1)
        return {
            "rows": rows,
            "total": len(incidents),
            "pager": _pager(number, count, lambda n: _list_url("incidents", n)),
            "years": [(year, _list_url("incidents", n)) for year, n in years.items()] if count > 1 else [],
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
            facts.append((label, human_long(value) if value else "not recorded"))
        facts.append(("Duration", duration(incident.duration(self.now)) + ("" if incident.resolved_at else " so far")))
        windows = [
            (self.names.get(cid, cid), status_label(status), human_long(start), human_long(end),
             duration(end - start))
            for cid, status, start, end in incident.status_windows(self.now)
        ]  # fmt: skip
        updates = [
            {
                "when": human_long(u.at),
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
            "resolved": human_long(incident.resolved_at) if incident.resolved_at else "",
            "as_of": "" if incident.is_resolved else human_long(self.now),  # its page changes with "now" anyway
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

        def entry(incident, postmortem):
            return {
                "incident": incident,
                "postmortem": postmortem,
                "open_items": sum(item.is_open for item in postmortem.action_items),
            }

        by_month = defaultdict(list)
        for incident, postmortem in chosen:
            by_month[month_label(m.month_key(incident.started_at))].append(entry(incident, postmortem))
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
        counts = defaultdict(int)
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
        rows = open_action_items(self.repo, self.postmortems, self.now)
        count = _page_count(len(rows))
        chunk = rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        completion = self.metrics.completion
        missing = []
        if number == 1:
            for incident in self.missing:
                late = self.now - incident.resolved_at - timedelta(hours=self.config.postmortem_due_hours)
                missing.append((incident, human_long(incident.resolved_at), duration(late)))
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
            "pager": _pager(number, count, lambda n: "action-items/" if n == 1 else f"action-items/page/{n}/"),
            "first_page": number == 1,
            "missing": missing,
            "postmortem_severities": "/".join(sorted(self.config.postmortem_severities)),
            "due_hours": self.config.postmortem_due_hours,
        }

    def metrics_view(self) -> dict:
        mx = self.metrics
        severities = [s.id for s in self.config.severities]
        completion = mx.completion

        def stats_rows(groups: dict) -> list:
            return [(name, [_fmt(values[k]) for k in m.METRICS]) for name, values in groups.items()]

        def budgets(rows) -> list:
            return [
                {
                    "name": b.component.name,
                    "slo": f"{b.slo:g}%",
                    "availability": b.availability_text,
                    "downtime": _duration(b.downtime),
                    "allowed": _duration(b.allowed),
                    "consumed": f"{b.consumed:.0%}",
                    "level": b.level,
                    "flag": LEVEL_TEXT[b.level],
                    "tone": "bad" if b.level in ("exhausted", "80%") else "warn",
                }
                for b in rows
            ]

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
            "rolling_from": human_long(self.now - timedelta(days=mx.rolling_days)),
            "rolling": budgets(mx.rolling),
            "monthly": [
                (month_label(key), key == m.month_key(self.now), budgets(rows), _month_span(key, self.now))
                for key, rows in reversed(mx.monthly)
            ],
        }

    # -- helpers -------------------------------------------------------------------------------

    def missing_postmortems(self) -> list[Incident]:
        return list(self.missing)

    def _incident_row(self, incident: Incident) -> dict:
        return {"incident": incident, "postmortem": incident.id in self.postmortems}

    def _runbook_incident_pages(self, runbook) -> None:
        incidents = self.used_by.get(runbook.name, [])
        if len(incidents) <= RUNBOOK_RECENT:
            return
        for number in range(1, _page_count(len(incidents)) + 1):
            title = f"Incidents that used {runbook.title}" + ("" if number == 1 else f", page {number}")
            self.direct.add(runbook_incidents_url(runbook, number), title, "internal/runbook-incidents.html",
                            partial(self.runbook_incidents_view, runbook, number), "article")  # fmt: skip

    def _site_url(self) -> str:
        return "https://<internal site>/"

    def problems(self):
        return self.runbook_problems + self.postmortem_problems + stale_problems(self.runbooks, self.now)


def _as_of(repo: Repository, now: datetime) -> Repository:
    """The repository as it stands at ``now``: a maintenance whose window has begun or ended is
    in progress or completed, as on the public site (``maintenance_auto_complete``)."""
    auto_complete = bool(repo.config.extra.get("maintenance_auto_complete", True))
    incidents = tuple(i.as_of(now, auto_complete=auto_complete) for i in repo.incidents)
    if all(a is b for a, b in zip(incidents, repo.incidents)):
        return repo
    return replace(repo, incidents=incidents)


def _postmortem_overdue(incident, config, now) -> bool:
    from statusgen.core.lifecycle import postmortem_overdue

    return postmortem_overdue(incident, config, now)


def _nav_uris(nav):
    for entry in nav:
        for value in entry.values():
            if isinstance(value, str):
                yield value
            else:
                yield from _nav_uris(value)


def _page_count(rows: int) -> int:
    return max(1, -(-rows // PAGE_SIZE))


def _list_uri(base: str, number: int) -> str:
    return f"{base}/index.md" if number == 1 else f"{base}/page/{number}.md"


def _list_url(base: str, number: int) -> str:
    return f"{base}/" if number == 1 else f"{base}/page/{number}/"


def _pager(number: int, count: int, url) -> Pager:
    return Pager(
        number=number,
        count=count,
        previous_url=url(number - 1) if number > 1 else None,
        next_url=url(number + 1) if number < count else None,
        urls=tuple(url(n) for n in range(1, count + 1)),
    )


# A Markdown table written without headings (``| | |``, as the postmortem scaffold starts)
# renders an empty first row: left out, the table keeps its body.
_EMPTY_HEADER_ROW = re.compile(r"<thead>\s*<tr>(?:\s*<th(?:\s[^>]*)?>\s*</th>)+\s*</tr>\s*</thead>\s*")


def _plain(text: str) -> str:
    return " ".join(text.split())


# -- markdown --------------------------------------------------------------------------------------

# What runbooks and postmortems are written with: code blocks inside list steps (superfences),
# admonitions, and anchors on headings for the alert pages' "jump to" links.
EXTENSIONS = ("toc", "tables", "admonition", "attr_list", "md_in_html", "pymdownx.superfences")


def _markdown_extensions(mkdocs_config) -> None:
    extensions = mkdocs_config["markdown_extensions"]
    for name in EXTENSIONS:
        if name not in extensions:
            extensions.append(name)
    if "fenced_code" in extensions:  # superfences replaces it (and handles fences in lists)
        extensions.remove("fenced_code")


# -- where pages live (src URIs for mkdocs pages, URLs for every page) ---------------------------


def runbook_uri(runbook) -> str:
    return f"runbooks/{runbook.rel}"


def runbook_url(runbook) -> str:
    return f"runbooks/{runbook.rel[:-3]}/"


def runbook_incidents_url(runbook, number: int) -> str:
    return runbook_url(runbook) + ("incidents/" if number == 1 else f"incidents/page/{number}/")


def alert_uri(alert: str) -> str:
    return f"runbooks/alerts/{alert_slug(alert)}.md"


def alert_url(alert: str) -> str:
    return f"runbooks/alerts/{alert_slug(alert)}/"


def incident_url(incident_id: str) -> str:
    return f"incidents/{incident_id}/"


def postmortem_uri(incident_id: str) -> str:
    return f"postmortems/{incident_id}.md"


def postmortem_url(incident_id: str) -> str:
    return f"postmortems/{incident_id}/"


def _slug(heading: str) -> str:
    from markdown.extensions.toc import slugify

    return slugify(heading, "-")


def _fmt(stat: m.Stat) -> str:
    if stat.mean is None:
        return f"- (0 of {stat.total})"
    return f"{_duration(stat.mean)} ({stat.counted} of {stat.total})"


def _month_span(key: str, now: datetime) -> str:
    """``1 Nov 2026, 00:00 UTC to 22 Nov 2026, 16:00 UTC``: the part of a month its figures cover."""
    start, stop = m.month_bounds(key)
    return f"{human_long(start)} to {human_long(min(stop, now))}"


def _duration(delta: timedelta) -> str:
    if delta < timedelta(hours=1):
        minutes = delta.total_seconds() / 60
        return f"{minutes:.1f} min" if minutes % 1 else f"{minutes:.0f} min"
    return duration(delta)


CSS = """\
.sg-flag { display: inline-block; padding: 0 .4em; border-radius: .2em; font-size: .85em;
  background: var(--md-default-fg-color--lightest); color: var(--md-default-fg-color); white-space: nowrap; }
.sg-flag--warn { background: #f9a825; color: #000; }
.sg-flag--bad { background: #c62828; color: #fff; }
.sg-chart svg { max-width: 100%; height: auto; }
.sg-chart text { fill: var(--md-default-fg-color, #333); font-size: 11px; }
.sg-pager { display: flex; gap: 1em; flex-wrap: wrap; }
.md-typeset pre.sg-expr > code { white-space: pre-wrap; word-break: break-word; }
/* The header's hidden second title (the page's, shown by material's script on scroll) sits
   shifted right: clipped, so it never widens a phone's page. */
.md-header__title { overflow: hidden; }
.sg-means { font-size: .8em; color: var(--md-default-fg-color--light); margin: .2em 0 .6em; }
/* Figure tables: one line per figure, scrolling sideways on a narrow screen (with or without
   material's script, which wraps tables in its own scrolling box inside this one). */
.sg-table { overflow-x: auto; max-width: 100%; margin: .6em 0 1.2em; }
.md-typeset .sg-table table:not([class]) { display: table; max-width: none; margin: 0; font-size: .7rem; }
.md-typeset .sg-table table:not([class]) th, .md-typeset .sg-table table:not([class]) td {
  white-space: nowrap; padding: .55em 1em; min-width: 0; }
.md-typeset .sg-table table:not([class]) td:not(:first-child):not([align]) {
  text-align: right; font-variant-numeric: tabular-nums; }
/* Action items: the action wraps at a readable width, the rest stays on one line. */
.md-typeset .sg-table--items table:not([class]) td:not(:first-child):not([align]) { text-align: left; }
.md-typeset .sg-table--items table:not([class]) td:nth-child(2) { white-space: normal; min-width: 14rem; }
"""
