"""The internal site: runbooks, alert pages, incidents with notes, postmortems, action items, metrics.

Every page is generated as markdown (so material's search indexes it and the standard look
applies) through ``File.generated``. The mkdocs plugin creates one ``InternalSite`` per build
and calls ``files``, ``page_context`` and ``post_build``.
"""

from __future__ import annotations

import html
import json
import logging
import posixpath
from collections import defaultdict
from datetime import datetime, timedelta

from ..cadence import overdue_mark
from ..model import COMPONENT_STATUSES, OPERATIONAL, Incident, Repository
from ..timeutil import duration, human_long
from . import metrics as m
from .charts import month_label, severity_chart
from .frontmatter import python_markdown_lists
from .postmortems import load_postmortems, open_action_items
from .runbooks import alert_slug, load_runbooks, stale_problems, used_by

log = logging.getLogger("mkdocs.plugins.statusgen.internal")

CSS_URI = "assets/statusgen-internal.css"
ALERTS_JSON = "runbooks/alerts.json"
METRICS_JSON = "metrics.json"
STATUS_NAMES = {
    "operational": "Operational",
    "under_maintenance": "Under maintenance",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
}
LEVEL_TEXT = {"ok": "OK", "50%": "50% used", "80%": "80% used", "exhausted": "Exhausted"}


class InternalSite:
    """Builds every page of the internal site from one repository at one ``now``."""

    def __init__(self, repo: Repository, now: datetime, mkdocs_config=None):
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
        for problem in self.runbook_problems + self.postmortem_problems:
            (log.warning if problem.is_error else log.info)(str(problem))
        self._pages: dict[str, str] | None = None
        if mkdocs_config is not None:
            _markdown_extensions(mkdocs_config)
            # The header says which site this is: nobody should mistake it for the public page.
            mkdocs_config["site_name"] = f"{self.config.company or self.config.site_name} internal"

    # -- plugin hooks --------------------------------------------------------------------------

    def files(self, files, mkdocs_config):
        """Add every generated page (replacing any docs_dir page at the same path)."""
        from mkdocs.structure.files import File, InclusionLevel

        generated = dict(self.pages())
        generated[CSS_URI] = CSS
        for name, data in ((ALERTS_JSON, self.alerts_json(mkdocs_config)), (METRICS_JSON, self.metrics.as_json())):
            generated[name] = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        nav = self.nav()
        in_nav = set(_nav_uris(nav))
        for uri, content in generated.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            # Pages reached by links (alerts, incidents, postmortems) are not nav entries; saying so
            # keeps mkdocs from listing thousands of them at every build.
            inclusion = InclusionLevel.UNDEFINED if uri in in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(mkdocs_config, uri, content=content, inclusion=inclusion))
        if CSS_URI not in mkdocs_config["extra_css"]:
            mkdocs_config["extra_css"].append(CSS_URI)
        mkdocs_config["nav"] = nav
        return files

    def page_context(self, context, page, mkdocs_config):
        context["statusgen_internal"] = True
        return context

    def env(self, env):
        return env

    def post_build(self, mkdocs_config):
        """Nothing to write: alerts.json and metrics.json are generated files (see ``files``)."""

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

    def nav(self) -> list:
        by_service = defaultdict(list)
        for runbook in self.runbooks:
            by_service[runbook.service].append({runbook.title: runbook_uri(runbook)})
        return [
            {"Home": "index.md"},
            {
                "Runbooks": [
                    {"All runbooks": "runbooks/index.md"},
                    {"Alerts": "runbooks/alerts/index.md"},
                    *({service: items} for service, items in sorted(by_service.items())),
                ]
            },
            {"Incidents": "incidents/index.md"},
            {"Postmortems": "postmortems/index.md"},
            {"Action items": "action-items.md"},
            {"Metrics": "metrics.md"},
        ]

    def pages(self) -> dict[str, str]:
        """``src_uri -> markdown`` of every page; computed once."""
        if self._pages is None:
            pages = {"index.md": self.home_page(), "runbooks/index.md": self.runbooks_page()}
            pages["runbooks/alerts/index.md"] = self.alerts_page()
            for runbook in self.runbooks:
                pages[runbook_uri(runbook)] = self.runbook_page(runbook)
                for alert in runbook.alerts:
                    pages[alert_uri(alert)] = self.alert_page(alert, runbook)
            pages["incidents/index.md"] = self.incidents_page()
            for incident in self.repo.incidents:
                pages[incident_uri(incident.id)] = self.incident_page(incident)
            pages["postmortems/index.md"] = self.archive_page()
            for incident_id, postmortem in self.postmortems.items():
                pages[postmortem_uri(incident_id)] = self.postmortem_page(self.by_id[incident_id], postmortem)
            pages["action-items.md"] = self.action_items_page()
            pages["metrics.md"] = self.metrics_page()
            self._pages = pages
        return self._pages

    # -- pages ---------------------------------------------------------------------------------

    def home_page(self) -> str:
        here = "index.md"
        active = [i for i in self.repo.incidents if i.is_active and not i.is_maintenance]
        stale = [r for r in self.runbooks if r.is_stale(self.now)]
        items = open_action_items(self.repo, self.postmortems, self.now)
        overdue = [row for row in items if row[0].is_overdue(self.now)]
        missing = self.missing_postmortems()
        hot = [b for b in self.metrics.rolling if b.level != "ok"]
        out = [
            f"# {self.config.company or self.config.site_name} internal",
            "",
            f"Runbooks, incidents with their internal notes, postmortems and metrics, as of {human_long(self.now)}. "
            "Not for customers: the public status page is built separately.",
            "",
            "## Right now",
            "",
        ]
        if active:
            for incident in active:
                out.append(
                    f"- {link(here, incident_uri(incident.id), incident.title)}: {incident.severity}, "
                    f"{incident.stage}, since {human_long(incident.started_at)}{_drill(incident)}"
                    f"{overdue_mark(incident, self.config, self.now)}"
                )
        else:
            out.append("- No open incidents.")
        out += [
            f"- {link(here, 'action-items.md', f'{len(items)} open action items')}, {len(overdue)} overdue; "
            f"{len(missing)} postmortems missing.",
            f"- {link(here, 'runbooks/index.md', f'{len(self.runbooks)} runbooks')}, {len(stale)} past their review date; "
            f"{link(here, 'runbooks/alerts/index.md', f'{len(self.alerts)} alerts')} lead to them.",
            f"- Error budgets ({self.metrics.rolling_days} days): "
            + (
                ", ".join(f"{b.component.name} {LEVEL_TEXT[b.level].lower()}" for b in hot)
                if hot
                else "every component within budget"
            )
            + f". See {link(here, 'metrics.md', 'metrics')}.",
            "",
        ]
        return "\n".join(out)

    def runbooks_page(self) -> str:
        here = "runbooks/index.md"
        stale = [r for r in self.runbooks if r.is_stale(self.now)]
        out = [
            "# Runbooks",
            "",
            f"{len(self.runbooks)} runbooks; {len(stale)} past their review date. Every alert has a stable page, "
            f"`/runbooks/alerts/<alertname in lowercase>/`, so an alerting rule's annotation can be "
            f"`runbook_url: {self._site_url()}runbooks/alerts/apihighlatencyp95/` "
            f"(see {link(here, 'runbooks/alerts/index.md', 'all alerts')} and "
            f"[alerts.json](alerts.json)).",
            "",
        ]
        by_service = defaultdict(list)
        for runbook in self.runbooks:
            by_service[runbook.service].append(runbook)
        for service, runbooks in sorted(by_service.items()):
            out += [f"## {service}", "", "| Runbook | Owner | Severity | Alerts | Last reviewed | Review due |"]
            out.append("|---|---|---|---|---|---|")
            for r in runbooks:
                alerts = ", ".join(link(here, alert_uri(a), f"`{a}`") for a in r.alerts) or "-"
                due = r.review_due.isoformat()
                if r.is_stale(self.now):
                    due = f'<span class="sg-flag sg-flag--bad">overdue</span> {due}'
                out.append(
                    f"| {link(here, runbook_uri(r), r.title)} | {cell(r.owner)} | {r.severity or '-'} | {alerts} "
                    f"| {r.last_reviewed.isoformat()} | {due} |"
                )
            out.append("")
        return "\n".join(out)

    def runbook_page(self, runbook) -> str:
        here = runbook_uri(runbook)
        alerts = ", ".join(link(here, alert_uri(a), f"`{a}`") for a in runbook.alerts) or "none"
        out = [f"# {runbook.title}", ""]
        if runbook.is_stale(self.now):
            days = (self.now.date() - runbook.review_due).days
            out += [
                admonition(
                    "warning",
                    "Review overdue",
                    f"Last reviewed {runbook.last_reviewed.isoformat()}; a review was due "
                    f"{runbook.review_due.isoformat()} ({days} days ago). Check each command before you trust it.",
                ),
                "",
            ]
        out += [
            "| Service | Owner | Severity | Alerts | Last reviewed | Review due |",
            "|---|---|---|---|---|---|",
            f"| {cell(runbook.service)} | {cell(runbook.owner)} | {runbook.severity or '-'} | {alerts} "
            f"| {runbook.last_reviewed.isoformat()} | {runbook.review_due.isoformat()} "
            f"(every {runbook.review_every} days) |",
            "",
            python_markdown_lists(runbook.body).strip(),
            "",
            "## Incidents that used this runbook",
            "",
        ]
        incidents = self.used_by.get(runbook.name, [])
        for incident in incidents:
            out.append(f"- {self._incident_line(here, incident)}")
        if not incidents:
            out.append("None yet.")
        out.append("")
        return "\n".join(out)

    def alert_page(self, alert: str, runbook) -> str:
        here = alert_uri(alert)
        target = runbook_uri(runbook)
        out = [
            f"# {alert}",
            "",
            f"**Runbook: {link(here, target, runbook.title)}** (service {cell(runbook.service)}, "
            f"owner {cell(runbook.owner)}, severity {runbook.severity or '-'}).",
            "",
        ]
        if runbook.is_stale(self.now):
            out += [
                admonition(
                    "warning", "Review overdue", f"This runbook was last reviewed {runbook.last_reviewed.isoformat()}."
                ),
                "",
            ]
        sections = " · ".join(link(here, target + "#" + _slug(s), s) for s in runbook.sections)
        if sections:
            out += [f"Jump to: {sections}", ""]
        others = [a for a in runbook.alerts if a != alert]
        if others:
            out += ["Other alerts with this runbook: " + ", ".join(link(here, alert_uri(a), f"`{a}`") for a in others)]
            out.append("")
        return "\n".join(out)

    def alerts_page(self) -> str:
        here = "runbooks/alerts/index.md"
        out = [
            "# Alerts",
            "",
            f"Every alert named by a runbook, and where it leads. The same map is in [alerts.json](../alerts.json); "
            f"an alert's page is `{self._site_url()}runbooks/alerts/<alertname in lowercase>/`.",
            "",
            "| Alert | Runbook | Service | Owner |",
            "|---|---|---|---|",
        ]
        for alert, runbook in sorted(self.alerts.items(), key=lambda kv: kv[0].lower()):
            out.append(
                f"| {link(here, alert_uri(alert), f'`{alert}`')} | {link(here, runbook_uri(runbook), runbook.title)} "
                f"| {cell(runbook.service)} | {cell(runbook.owner)} |"
            )
        out.append("")
        return "\n".join(out)

    def incidents_page(self) -> str:
        here = "incidents/index.md"
        out = [
            "# Incidents",
            "",
            "Every incident and maintenance with its internal notes. Drills are marked and left out of metrics.",
            "",
            "| Started | Incident | Kind | Severity | Stage | Duration | Postmortem |",
            "|---|---|---|---|---|---|---|",
        ]
        for incident in self.repo.incidents:
            postmortem = (
                link(here, postmortem_uri(incident.id), "yes")
                if incident.id in self.postmortems
                else ("**missing**" if incident.id in self._missing_ids() else "-")
            )
            out.append(
                f"| {incident.started_at:%Y-%m-%d %H:%M} | {link(here, incident_uri(incident.id), incident.title)}"
                f"{_drill(incident)} | {incident.kind} | {incident.severity or '-'} | {incident.stage} "
                f"| {duration(incident.duration(self.now))} | {postmortem} |"
            )
        out.append("")
        return "\n".join(out)

    def incident_page(self, incident: Incident) -> str:
        here = incident_uri(incident.id)
        out = [f"# {incident.title}", ""]
        if incident.drill:
            out += [admonition("note", "Drill", "A planned exercise: left out of metrics and never published."), ""]
        if incident.id in self._missing_ids():
            out += [
                admonition(
                    "danger",
                    "Postmortem overdue",
                    f"{incident.severity} resolved {human_long(incident.resolved_at)} without a postmortem. "
                    f"Run <code>statusgen postmortem {incident.id}</code>.",
                ),
                "",
            ]
        names = self._component_names()
        rows = [
            ("Incident", f"`{incident.id}`"),
            ("Kind", incident.kind),
            ("Severity", incident.severity or "-"),
            ("Stage", incident.stage),
            ("Components", ", ".join(f"{names.get(c, c)} ({s})" for c, s in incident.components.items()) or "-"),
            ("Commander", cell(incident.commander) or "-"),
        ]
        rows += [(f"Role: {role}", cell(person)) for role, person in incident.roles.items()]
        for label, value in (
            ("Impact start", incident.impact_start),
            ("Detected", incident.detected_at),
            ("Acknowledged", incident.acknowledged_at),
            ("Mitigated", incident.mitigated_at),
            ("Resolved", incident.resolved_at),
        ):
            rows.append((label, human_long(value) if value else "not recorded"))
        rows.append(("Duration", duration(incident.duration(self.now)) + ("" if incident.resolved_at else " so far")))
        runbooks = []
        for name in incident.runbooks:
            runbook = self.runbook_by_name.get(name)
            runbooks.append(link(here, runbook_uri(runbook), runbook.title) if runbook else f"`{name}` (not found)")
        rows.append(("Runbooks used", ", ".join(runbooks) or "-"))
        if incident.id in self.postmortems:
            rows.append(("Postmortem", link(here, postmortem_uri(incident.id), "read the postmortem")))
        else:
            rows.append(("Postmortem", "none"))
        out += ["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows), ""]
        windows = incident.status_windows(self.now)
        if windows:
            out += ["## Component impact", "", "| Component | Status | From | To | Length |", "|---|---|---|---|---|"]
            for cid, status, start, end in windows:
                out.append(
                    f"| {names.get(cid, cid)} | {STATUS_NAMES.get(status, status)} | {human_long(start)} "
                    f"| {human_long(end)} | {duration(end - start)} |"
                )
            out.append("")
        out += ["## Updates", ""]
        for update in incident.updates:
            out += [f"### {human_long(update.at)}: {update.stage.replace('_', ' ')}", "", update.message.strip(), ""]
            if update.internal_note:
                out += [admonition("note", "Internal note", html.escape(update.internal_note)), ""]
        return "\n".join(out)

    def archive_page(self) -> str:
        here = "postmortems/index.md"
        entries = sorted(
            ((self.by_id[i], p) for i, p in self.postmortems.items()),
            key=lambda e: (e[0].started_at, e[0].id),
            reverse=True,
        )
        missing = self.missing_postmortems()
        out = [
            "# Postmortems",
            "",
            f"{len(entries)} postmortems. Open action items are on {link(here, 'action-items.md', 'the action items page')}.",
            "",
        ]
        if missing:
            out += [
                admonition(
                    "danger",
                    f"{len(missing)} postmortems missing",
                    "Incidents of "
                    + "/".join(sorted(self.config.postmortem_severities))
                    + f" need a postmortem within {self.config.postmortem_due_hours} h of resolution: "
                    + ", ".join(
                        f'<a href="{posixpath.relpath(incident_uri(i.id), "postmortems")[:-3]}/">{html.escape(i.title)}</a>'
                        for i in missing
                    )
                    + ".",
                ),
                "",
            ]

        def entry(incident, postmortem):
            open_items = sum(item.is_open for item in postmortem.action_items)
            return (
                f"- {link(here, postmortem_uri(incident.id), f'{incident.started_at:%Y-%m-%d}: {incident.title}')} "
                f"({incident.severity}, {postmortem.status}, {open_items} open action items){_drill(incident)}"
            )

        out += ["## By month", ""]
        by_month = defaultdict(list)
        for incident, postmortem in entries:
            by_month[m.month_key(incident.started_at)].append(entry(incident, postmortem))
        for key, lines in by_month.items():
            out += [f"### {month_label(key)}", "", *lines, ""]
        out += ["## By severity", ""]
        for severity in self.config.severities:
            lines = [entry(i, p) for i, p in entries if i.severity == severity.id]
            if lines:
                out += [f"### {severity.id}: {severity.name}", "", *lines, ""]
        out += ["## By component", ""]
        for component in self.config.components:
            lines = [entry(i, p) for i, p in entries if component.id in i.components]
            if lines:
                out += [f"### {component.name}", "", *lines, ""]
        return "\n".join(out)

    def postmortem_page(self, incident: Incident, postmortem) -> str:
        here = postmortem_uri(incident.id)
        names = self._component_names()
        out = [
            f"# Postmortem: {postmortem.title or incident.title}",
            "",
            "| | |",
            "|---|---|",
            f"| Incident | {link(here, incident_uri(incident.id), incident.title)}{_drill(incident)} |",
            f"| Severity | {incident.severity or '-'} |",
            f"| Components | {', '.join(names.get(c, c) for c in incident.components) or '-'} |",
            f"| Commander | {cell(incident.commander) or '-'} |",
            f"| Duration | {duration(incident.duration(self.now))} |",
            f"| Status | {postmortem.status} |",
            f"| Authors | {cell(', '.join(postmortem.authors)) or '-'} |",
            "",
            "## Action items",
            "",
        ]
        if postmortem.action_items:
            out += [
                "| ID | Action | Type | Priority | Owner | Due | Status | Ticket |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for item in postmortem.action_items:
                status = item.status.replace("_", " ")
                if item.is_overdue(self.now):
                    status += ' <span class="sg-flag sg-flag--bad">overdue</span>'
                out.append(
                    f"| {cell(item.id)} | {cell(item.action)} | {item.type} | {item.priority} | {cell(item.owner)} "
                    f"| {item.due.isoformat()} | {status} | {cell(item.ticket) or '-'} |"
                )
        else:
            out.append("None recorded.")
        out += ["", python_markdown_lists(postmortem.body).strip(), ""]
        return "\n".join(out)

    def action_items_page(self) -> str:
        here = "action-items.md"
        rows = open_action_items(self.repo, self.postmortems, self.now)
        overdue = sum(item.is_overdue(self.now) for item, _, _ in rows)
        completion = self.metrics.completion
        rate = "n/a" if completion.rate is None else f"{completion.rate:.0%}"
        out = [
            "# Action items",
            "",
            f"{len(rows)} open action items, {overdue} overdue, as of {human_long(self.now)}. Overdue items come first. "
            f"Completion: {completion.done} of {completion.counted} done ({rate}; target {completion.target:.0%}; "
            "items marked wont_do and drills are left out).",
            "",
            "| Due | Owner | Action | Priority | Status | Incident |",
            "|---|---|---|---|---|---|",
        ]
        for item, incident, _ in rows:
            due = item.due.isoformat()
            if item.is_overdue(self.now):
                due = f'<span class="sg-flag sg-flag--bad">overdue {(self.now.date() - item.due).days} d</span> {due}'
            ticket = f", {cell(item.ticket)}" if item.ticket else ""
            out.append(
                f"| {due} | {cell(item.owner)} | **{cell(item.id)}** {cell(item.action)} ({item.type}{ticket}) "
                f"| {item.priority} | {item.status.replace('_', ' ')} "
                f"| {link(here, postmortem_uri(incident.id), incident.id)} |"
            )
        if not rows:
            out.append("| | | No open action items. | | | |")
        missing = self.missing_postmortems()
        severities = "/".join(sorted(self.config.postmortem_severities))
        out += [
            "",
            "## Postmortems missing",
            "",
            f"{severities} incidents resolved more than {self.config.postmortem_due_hours} h ago without a postmortem.",
            "",
        ]
        if missing:
            out += ["| Incident | Severity | Resolved | Overdue by | Start it with |", "|---|---|---|---|---|"]
            for incident in missing:
                late = self.now - incident.resolved_at - timedelta(hours=self.config.postmortem_due_hours)
                out.append(
                    f"| {link(here, incident_uri(incident.id), incident.title)} | {incident.severity} "
                    f"| {human_long(incident.resolved_at)} | {duration(late)} | `statusgen postmortem {incident.id}` |"
                )
        else:
            out.append("None.")
        out.append("")
        return "\n".join(out)

    def metrics_page(self) -> str:
        mx = self.metrics
        names = self._component_names()
        out = [
            "# Metrics",
            "",
            f"Computed at build time from the incident milestones, as of {human_long(self.now)}. "
            f"{mx.incidents} incidents counted; drills ({mx.drills_left_out}) and scheduled maintenance are left out.",
            "",
            "## Definitions",
            "",
        ]
        out += [f"- **{m.LABELS[k]}**: {m.DEFINITIONS[k]}." for k in m.METRICS]
        out += [
            "- An incident missing a milestone is left out of that metric only; "
            "each figure shows how many incidents (for MTBF: gaps between incidents) it counts.",
            "",
            "## Response times",
            "",
            *stats_table("All incidents", {"All": mx.overall}),
            "",
            "### Per severity",
            "",
            *stats_table("Severity", mx.by_severity),
            "",
            "### Per component",
            "",
            *stats_table("Component", {names.get(k, k): v for k, v in mx.by_component.items()}),
            "",
            "## Incidents per month",
            "",
            severity_chart(mx.per_month, [s.id for s in self.config.severities]),
            "",
            "| Month | " + " | ".join(s.id for s in self.config.severities) + " | Total |",
            "|---|" + "---|" * (len(self.config.severities) + 1),
        ]
        for key, counts in mx.per_month:
            out.append(
                f"| {month_label(key)} | " + " | ".join(str(counts[s.id]) for s in self.config.severities)
                + f" | {sum(counts.values())} |"
            )  # fmt: skip
        completion = mx.completion
        rate = "n/a" if completion.rate is None else f"{completion.rate:.1%}"
        verdict = "meets" if completion.met else "is below"
        out += [
            "",
            "## Action items",
            "",
            f"Completion rate: **{rate}** ({completion.done} of {completion.counted} done), which {verdict} the "
            f"{completion.target:.0%} target. Items marked wont_do and drills' postmortems are left out.",
            "",
            "## Error budgets",
            "",
            "Each component's SLO comes from the config. Downtime is weighted by status: "
            + ", ".join(f"{STATUS_NAMES[s].lower()} {m.WEIGHTS[s]:g}" for s in reversed(COMPONENT_STATUSES) if s != OPERATIONAL)
            + ". Where incidents overlap on a component, each instant counts once, at the worst status. "
            "Budgets are flagged at 50% and 80% consumed, and when exhausted.",
            "",
            f"### Rolling {mx.rolling_days} days",
            "",
            f"From {human_long(self.now - timedelta(days=mx.rolling_days))} to {human_long(self.now)}.",
            "",
            *budget_table(mx.rolling),
            "",
        ]  # fmt: skip
        for key, budgets in reversed(mx.monthly):
            running = " (so far; the budget is for the whole month)" if key == m.month_key(self.now) else ""
            out += [f"### {month_label(key)}{running}", "", *budget_table(budgets), ""]
        return "\n".join(out)

    # -- helpers -------------------------------------------------------------------------------

    def missing_postmortems(self) -> list[Incident]:
        from ..lifecycle import postmortem_overdue

        return [i for i in self.repo.incidents if postmortem_overdue(i, self.config, self.now)]

    def _missing_ids(self) -> set[str]:
        if not hasattr(self, "_missing"):
            self._missing = {i.id for i in self.missing_postmortems()}
        return self._missing

    def _component_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.config.components}

    def _incident_line(self, here: str, incident: Incident) -> str:
        text = f"{incident.started_at:%Y-%m-%d}: {incident.title}"
        extra = f" ({incident.severity}{', drill' if incident.drill else ''})"
        if incident.id in self.postmortems:
            extra += f", {link(here, postmortem_uri(incident.id), 'postmortem')}"
        return link(here, incident_uri(incident.id), text) + extra

    def _site_url(self) -> str:
        return "https://<internal site>/"

    def problems(self):
        return self.runbook_problems + self.postmortem_problems + stale_problems(self.runbooks, self.now)


def _nav_uris(nav):
    for entry in nav:
        for value in entry.values():
            if isinstance(value, str):
                yield value
            else:
                yield from _nav_uris(value)


# -- markdown helpers ------------------------------------------------------------------------------

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


def runbook_uri(runbook) -> str:
    return f"runbooks/{runbook.rel}"


def alert_uri(alert: str) -> str:
    return f"runbooks/alerts/{alert_slug(alert)}.md"


def incident_uri(incident_id: str) -> str:
    return f"incidents/{incident_id}.md"


def postmortem_uri(incident_id: str) -> str:
    return f"postmortems/{incident_id}.md"


def link(here: str, target: str, text: str) -> str:
    """A markdown link from page ``here`` to page ``target`` (both src URIs)."""
    path, _, anchor = target.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(here) or ".")
    return f"[{_escape_link_text(text)}]({rel}{'#' + anchor if anchor else ''})"


def _escape_link_text(text: str) -> str:
    return cell(text).replace("[", "\\[").replace("]", "\\]")


def cell(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")


def admonition(kind: str, title: str, text: str) -> str:
    """Material's admonition look without needing the admonition extension (raw HTML)."""
    return f'<div class="admonition {kind}"><p class="admonition-title">{html.escape(title)}</p><p>{text}</p></div>'


def _drill(incident: Incident) -> str:
    return ' <span class="sg-flag">drill</span>' if incident.drill else ""


def _slug(heading: str) -> str:
    from markdown.extensions.toc import slugify

    return slugify(heading, "-")


def _fmt(stat: m.Stat) -> str:
    if stat.mean is None:
        return f"- (0 of {stat.total})"
    return f"{_duration(stat.mean)} ({stat.counted} of {stat.total})"


def _duration(delta: timedelta) -> str:
    if delta < timedelta(hours=1):
        minutes = delta.total_seconds() / 60
        return f"{minutes:.1f} min" if minutes % 1 else f"{minutes:.0f} min"
    return duration(delta)


def stats_table(label: str, groups: dict) -> list[str]:
    out = [
        f"| {label} | " + " | ".join(m.SHORT_LABELS[k] for k in m.METRICS) + " |",
        "|---|" + "---|" * len(m.METRICS),
    ]
    for name, values in groups.items():
        out.append(f"| {cell(name)} | " + " | ".join(_fmt(values[k]) for k in m.METRICS) + " |")
    return out


def budget_table(budgets) -> list[str]:
    out = [
        "| Component | SLO | Availability | Weighted downtime | Budget | Consumed | Flag |",
        "|---|---|---|---|---|---|---|",
    ]
    for b in budgets:
        flag = LEVEL_TEXT[b.level]
        if b.level != "ok":
            tone = "bad" if b.level in ("exhausted", "80%") else "warn"
            flag = f'<span class="sg-flag sg-flag--{tone}">{flag}</span>'
        out.append(
            f"| {cell(b.component.name)} | {b.slo:g}% | {b.availability:.3f}% | {_duration(b.downtime)} "
            f"| {_duration(b.allowed)} | {b.consumed:.0%} | {flag} |"
        )
    return out


CSS = """\
.sg-flag { display: inline-block; padding: 0 .4em; border-radius: .2em; font-size: .85em;
  background: var(--md-default-fg-color--lightest); color: var(--md-default-fg-color); white-space: nowrap; }
.sg-flag--warn { background: #f9a825; color: #000; }
.sg-flag--bad { background: #c62828; color: #fff; }
.sg-chart svg { max-width: 100%; height: auto; }
.sg-chart text { fill: var(--md-default-fg-color, #333); font-size: 11px; }
"""
