"""The internal site: runbooks, alert pages, incidents with notes, postmortems, action items, metrics.

Every page is a template in the packaged theme (``statusgen/theme/internal/*.html``, escaped by
name; a team's ``overrides/`` can replace any of them); what each page shows is built in
statusgen/internal/pages.py, from the Repository alone (no file of the repository is read
here), and this module hands the pages to mkdocs. Documents (runbooks, postmortems) and the
index pages go through mkdocs, so material's search indexes them and their Markdown bodies are
converted there and then sanitized (``content``); a rebuild renders again only the runbook and
postmortem pages whose inputs changed (statusgen/render/page_records.py). The thousands of
incident pages and the alert pages are rendered directly (statusgen/render/direct.py) and reach
search as compact entries written from the data (``post_build``). Lists that grow with history
are split into pages or years.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from pathlib import Path

from markupsafe import Markup, escape

from statusgen.internal.pages import UNDATED, InternalPages, site_name
from statusgen.internal.urls import alert_url, incident_url, runbook_uri
from statusgen.render.context import BuildContext
from statusgen.render.csp import jinja_filter
from statusgen.render.direct import BuildInputs, DirectPages, NavFragments
from statusgen.render.kept_markdown import KeptConversions
from statusgen.render.markup import own_id, sanitize_html
from statusgen.render.page_records import MkdocsPageRecords
from statusgen.render.words import install as install_words
from statusgen.views.internal import as_of

log = logging.getLogger("mkdocs.plugins.statusgen.internal")

CSS_FILE = Path(__file__).with_name("internal.css")  # package data; the site has it at CSS_URI
CSS_URI = "assets/statusgen-internal.css"
ALERTS_JSON = "runbooks/alerts.json"
METRICS_JSON = "metrics.json"
TEMPLATE_404 = "internal/404.html"


class InternalSite:
    """Builds every page of the internal site from one repository at one ``now``."""

    def __init__(self, context: BuildContext, mkdocs_config=None):
        self.context = context
        self.repo = repo = as_of(context.repo, context.now)
        self.config = repo.config
        self.now = context.now
        self.views = InternalPages(repo, context.now)
        for problem in repo.runbook_problems + repo.postmortem_problems:
            (log.warning if problem.is_error else log.info)(str(problem))
        if self.views.alerts:  # the alert pages show the rules: a rule file that does not read must not pass unnoticed
            for problem in repo.alert_rule_problems:
                log.warning(str(problem))
        self.own: dict[str, dict] = {}  # src_uri -> what a page's template shows of its own, body included
        self.direct: DirectPages | None = None
        self.nav_object = None
        self.page_records: MkdocsPageRecords | None = None
        self.conversions: KeptConversions | None = None  # after files: the documents' kept conversions
        self.inputs: BuildInputs | None = None  # after files: what every page's record shares
        self._env = None
        if mkdocs_config is not None:
            _markdown_extensions(mkdocs_config)
            # The header says which site this is: nobody should mistake it for the public page.
            mkdocs_config["site_name"] = site_name(self.config)

    # -- plugin hooks --------------------------------------------------------------------------

    def files(self, files, mkdocs_config):
        """Add every mkdocs page (replacing any docs_dir page at the same path) and register the
        directly rendered ones."""
        from mkdocs.structure.files import File, InclusionLevel

        generated = {}
        for uri, (template, title, body, _) in self.views.mkdocs_pages().items():
            front = f"---\ntemplate: {template}\ntitle: {json.dumps(title)}\n---\n\n"
            generated[uri] = front + body
        generated[CSS_URI] = CSS_FILE.read_text(encoding="utf-8")
        documents = ((ALERTS_JSON, self.alerts_json(mkdocs_config)), (METRICS_JSON, self.views.metrics.as_json()))
        for name, data in documents:
            generated[name] = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        nav = self.nav()
        titles = dict(_nav_titles(nav))  # every page of the navigation, by its uri
        self.inputs = BuildInputs(mkdocs_config)  # read once, for every kind of record below
        self.direct = DirectPages.for_build(mkdocs_config, self.context, self.inputs)
        for url, title, template, view, keys in self.views.direct_pages():
            self.direct.add(url, title, template, view, "article", **keys)
        taken = {u + "index.html" for u in self.direct.urls}
        self.conversions = conversions = KeptConversions.for_build(self.context.records, mkdocs_config, self.inputs)
        document_uris = {uri for uri, entry in self.views.mkdocs_pages().items() if entry[0] in UNDATED}
        for uri, content in generated.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            # Pages reached by links (postmortems) are not nav entries; saying so keeps
            # mkdocs from listing them at every build.
            inclusion = InclusionLevel.UNDEFINED if uri in titles else InclusionLevel.NOT_IN_NAV
            file = File.generated(mkdocs_config, uri, content=content, inclusion=inclusion)
            files.append(file)
            if uri in document_uris:  # a runbook or a postmortem: converted again only when it changed
                conversions.page(titles.get(uri), file, mkdocs_config)
        for file in list(files):
            if file.src_uri in taken:
                files.remove(file)
        if CSS_URI not in mkdocs_config["extra_css"]:
            mkdocs_config["extra_css"].append(CSS_URI)
        mkdocs_config["nav"] = nav
        _with_pruned_navigation(mkdocs_config["theme"])
        return files

    def env(self, env):
        self._env = env
        self._navs = NavFragments(env)
        install_words(env, self.config.lang, self.config.zone)
        env.filters["sg_csp"] = jinja_filter("internal")  # statusgen/csp.html
        return env

    def nav_built(self, nav, mkdocs_config):
        self.nav_object = nav
        self.page_records = MkdocsPageRecords(self.context, nav, self.inputs or BuildInputs(mkdocs_config))

    def content(self, html: str, page) -> str:
        """A document's body as mkdocs converted it, cleaned before any page embeds it; then,
        with the page's view, whether the previous build's file of it can be kept."""
        # Markup: the people's Markdown as converted, then sanitized by _clean: now, or when the
        # kept conversion was made (a signed record whose key holds statusgen's code, so the same
        # sanitizer, and used only for exactly the HTML it was made from). Removing an empty
        # header row cannot make markup of text.
        clean = Markup(self.conversions.after(page, html, _clean) if self.conversions else _clean(html))
        _own_toc(page.toc)  # the sanitizer moved the headings' ids: the table of contents follows
        uri = page.file.src_uri
        entry = self.views.mkdocs_pages().get(uri)
        if entry is not None:
            template, view = entry[0], entry[3]
            own = dict(view() if callable(view) else view)
            own["body"] = clean
            # The footer's build time, on lists and the home page only (statusgen/internal-footer.html):
            # those change with every build; a document's page may be kept while it does not change.
            undated = template in UNDATED
            own["statusgen_built"] = None if undated else self.views.when(self.now)
            self.own[uri] = own
            if undated and self.page_records is not None:
                self.page_records.keep_if_unchanged(page, own)
        return str(clean)

    def page_context(self, context, page, mkdocs_config):
        context["statusgen_internal"] = True
        context["statusgen_built"] = self.views.when(self.now)  # pages of the team's docs/
        if page.file.inclusion.is_not_in_nav() and self._env is not None and context.get("nav"):
            context["sg_nav"] = self._navs.get(context)  # same for all such pages at one depth
        context.update(self.own.pop(page.file.src_uri, {}))
        return context

    def page_rendered(self, html: str, page) -> None:
        if self.page_records is not None:
            self.page_records.rendered(page, html)

    def template_context(self, context, name, mkdocs_config):
        # Pages that are not documents (404.html) wear the internal footer too.
        context["statusgen_internal"] = True
        context["statusgen_built"] = self.views.when(self.now)
        if name == "sitemap.xml" and self.direct is not None:
            context["pages"] = self.direct.sitemap_pages(context["pages"])
        return context

    def pre_template(self, template, name, mkdocs_config):
        """The internal site keeps material's templates for pages that are not documents; its
        404 page is material's with the policy and settings every internal page has."""
        if name == "404.html" and self._env is not None:
            return self._env.get_template(TEMPLATE_404)
        return template

    def page_files(self) -> list[str]:
        kept = self.page_records.kept if self.page_records is not None else []
        return (self.direct.paths() if self.direct is not None else []) + kept

    def post_build(self, mkdocs_config) -> list[tuple[str, str]]:
        """Write the directly rendered pages, then add alerts and incidents to the search index
        as compact entries (alerts.json and metrics.json are generated files: see ``files``)."""
        site_dir = Path(mkdocs_config["site_dir"])
        if self.direct is not None and self._env is not None:
            extra = {"statusgen_internal": True}  # no build time: see statusgen/internal-footer.html
            self.direct.write(self._env, site_dir, nav=self.nav_object, extra=extra)
        index = site_dir / "search" / "search_index.json"
        if index.is_file():
            data = json.loads(index.read_text(encoding="utf-8"))
            data["docs"].extend(self.search_entries())
            index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        return []  # the internal site loads what it likes: no page check

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
        return {alert: f"{base}/{alert_url(alert)}" for alert in sorted(self.views.alerts)}

    def search_entries(self) -> list[dict]:
        """One compact search entry per alert (its name, what its rules say, its runbook) and
        per incident, from its data (and its internal notes, which is what a responder searches
        for: the error they are looking at)."""
        entries = []
        for alert, runbook in sorted(self.views.alerts.items(), key=lambda kv: kv[0].lower()):
            data = self.views.alert_data.get(alert)
            said = [text for rule in (data.rules if data else ()) for text in
                    (rule.annotation("summary"), rule.annotation("description")) if text]  # fmt: skip
            text = f"{alert}. {runbook.title} ({runbook.service}, {runbook.owner}). {' '.join(said)}"
            entries.append({"location": alert_url(alert), "title": alert, "text": _plain(text)})
        for incident in self.repo.incidents:
            components = ", ".join(self.views.names.get(c, c) for c in incident.components)
            notes = " ".join(u.internal_note.strip() for u in incident.updates if u.internal_note)
            text = (
                f"{incident.id} {incident.started_at:%Y-%m-%d} {incident.kind} {incident.severity or ''} "
                f"{incident.stage} {components}. {notes}"
            )
            entries.append({"location": incident_url(incident.id), "title": incident.title, "text": _plain(text)})
        return entries

    def nav(self) -> list:
        by_service = defaultdict(list)
        for runbook in self.repo.runbooks:
            by_service[runbook.service].append({escape(runbook.title): runbook_uri(runbook)})
        # Titles escaped here: material's navigation prints them as they are.
        _ = self.config.lang.gettext
        return [
            # Translators: the navigation's entry for the internal site's home page.
            {escape(_("Home")): "index.md"},
            {
                escape(_("Runbooks")): [
                    {escape(_("All runbooks")): "runbooks/index.md"},
                    {escape(_("Alerts")): "runbooks/alerts/index.md"},
                    *({escape(service): items} for service, items in sorted(by_service.items())),
                ]
            },
            {escape(_("Incidents")): "incidents/index.md"},
            {escape(_("Postmortems")): "postmortems/index.md"},
            {escape(_("Action items")): "action-items.md"},
            {escape(_("Metrics")): "metrics.md"},
        ]


def _with_pruned_navigation(theme) -> None:
    """Material's ``navigation.prune``: a page's sidebar holds the open section's pages and the
    other sections as links, not every runbook (at 200 runbooks, each runbook page carried 235
    links and 94 KB; pruned, 52 links and 34 KB, and a build renders a quarter of the
    navigation). Not with ``navigation.expand``, which a team may choose instead."""
    features = list(theme.get("features") or [])
    if "navigation.prune" not in features and "navigation.expand" not in features:
        theme["features"] = [*features, "navigation.prune"]


def _clean(html: str) -> str:
    """A document's converted HTML as its pages show it: sanitized, without an empty header row."""
    return _EMPTY_HEADER_ROW.sub("", sanitize_html(html))


def _nav_titles(nav):
    """``(uri, title)`` of every page of a navigation (``InternalSite.nav``)."""
    for entry in nav:
        for title, value in entry.items():
            if isinstance(value, str):
                yield value, title
            else:
                yield from _nav_titles(value)


# A Markdown table written without headings (``| | |``, as the postmortem scaffold starts)
# renders an empty first row: left out, the table keeps its body.
_EMPTY_HEADER_ROW = re.compile(r"<thead>\s*<tr>(?:\s*<th(?:\s[^>]*)?>\s*</th>)+\s*</tr>\s*</thead>\s*")


def _own_toc(links) -> None:
    """Point a document's table of contents (mkdocs' AnchorLinks) at its headings' ids as the
    sanitizer wrote them (``user-content-...``), so its links, the skip link and the search
    index's sections still lead to them."""
    for link in links or ():
        link.id = own_id(link.id)
        _own_toc(link.children)


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
