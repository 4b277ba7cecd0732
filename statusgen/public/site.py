"""The public status site, driven by the statusgen mkdocs plugin (see statusgen/plugin.py).

``PublicSite`` projects the repository once (the model is not kept: renderers only ever see the
public projection), adds one generated page per URL, gives each page only the data it shows
(the home page its active items and uptime bars, a history page its slice, an incident page
its incident), and writes the feeds, API, calendar and badges after the build.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import groupby
from pathlib import Path

from statusgen.core.language import CLOSE, OPEN, Language
from statusgen.core.status import STATUS_WORDS
from statusgen.core.times import iso
from statusgen.public.bar_columns import bar_columns_css
from statusgen.render.context import BuildContext
from statusgen.render.csp import jinja_filter
from statusgen.render.direct import DirectPages
from statusgen.render.kept_outputs import KeptOutputs
from statusgen.render.markup import render_prose
from statusgen.render.paging import Pager, page_count, pager
from statusgen.render.stylesheet import hashed_name, site_stylesheet
from statusgen.render.words import install as install_words
from statusgen.views.public import PublicIncident, PublicStatus, project

TEMPLATES = {
    "home": "status/index.html",
    "history": "status/history.html",
    "incident": "status/incident.html",
    "404": "status/404.html",
    "uptime": "status/uptime.html",
}


@dataclass(frozen=True)
class HistoryPage(Pager):
    """One page of the public history: its place among the pages, and its incidents by month."""

    months: tuple[tuple[str, tuple[PublicIncident, ...]], ...]  # ("November 2026" in the site's language, incidents)


class PublicSite:
    """One public build. ``files`` -> ``env`` -> ``page_context`` (per page) -> ``post_build``."""

    def __init__(self, context: BuildContext, mkdocs_config=None):
        # Project at once and keep only the projection: nothing below can reach the model.
        repo, now = context.repo, context.now
        self.status: PublicStatus = project(repo, now, summaries=repo.public_summaries, kept=context.kept_views)
        self.pages: dict[str, tuple[str, object]] = {}  # src_uri -> (kind, payload)
        self.incident_uris: dict[str, str] = {}  # incident id -> src_uri
        self.urls: dict[str, str] = {}  # src_uri -> site-relative URL
        self._env = None
        self.context = context
        self.language: Language = repo.config.lang
        self.direct: DirectPages | None = None  # pages statusgen renders itself (statusgen/render/direct.py)
        self.stylesheet: tuple[str, bytes] | None = None  # (hashed file name, CSS) of every public page
        self.outputs: KeptOutputs | None = None  # the feeds, after post_build: made, or kept from the previous build
        if mkdocs_config is not None:
            _with_description(mkdocs_config, self.status, self.language)

    # -- mkdocs hooks -------------------------------------------------------------------------

    def files(self, files, mkdocs_config):
        """Keep the theme's files and docs_dir's ``assets/`` (a logo, say); drop every other
        docs_dir file, since docs/ may hold internal material. Add the status pages."""
        from mkdocs.structure.files import File, Files, InclusionLevel

        docs_dir = Path(mkdocs_config["docs_dir"]).resolve()

        def wanted(file) -> bool:
            source = Path(file.abs_src_path).resolve() if file.abs_src_path else None
            from_docs = source is not None and source.is_relative_to(docs_dir)
            if not from_docs:
                return not file.is_documentation_page()
            return file.src_uri.startswith("assets/") and not file.is_documentation_page()

        kept = [f for f in files if wanted(f)]
        theme = mkdocs_config["theme"]
        _with_hashed_favicon(theme, kept)
        roots = [*TEMPLATES.values(), "status/embed.html"]
        columns = bar_columns_css(self.status.uptime_days)
        self.stylesheet = site_stylesheet(
            theme.dirs, theme.get("palette"), roots, [columns], kept_in=self.context.repo.config.root
        )
        generated = []

        def add(src_uri: str, kind: str, payload, title: str, in_nav: bool):
            front = f"---\ntemplate: {TEMPLATES[kind]}\ntitle: {json.dumps(title)}\nstatusgen: {kind}\n---\n"
            inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(mkdocs_config, src_uri, content=front, inclusion=inclusion)
            generated.append(file)
            self.pages[src_uri] = (kind, payload)
            self.urls[src_uri] = file.url

        words = self.language
        add("index.md", "home", None, words.gettext("Current status"), True)
        size = self.status.history_page_size
        incidents = self.status.incidents
        count = page_count(len(incidents), size)
        add("history/index.md", "history", 1, words.gettext("History"), True)
        add("uptime/index.md", "uptime", None, words.gettext("Uptime, day by day"), False)
        # Incident pages and history pages after the first are rendered directly (one per
        # incident: thousands; one per page of history: hundreds), not by mkdocs.
        self.direct = DirectPages.for_build(mkdocs_config, self.context)
        directory_urls = mkdocs_config["use_directory_urls"]
        for number in range(2, count + 1):
            url = f"history/{number}/" if directory_urls else f"history/{number}.html"
            self.urls[f"history/{number}.md"] = url
            title = words.gettext("History, page %(number)s") % {"number": words.number(number)}
            self.direct.add(url, title, TEMPLATES["history"],
                            partial(self._history_context, number), "status_content")  # fmt: skip
        for incident in incidents:
            src = f"incidents/{incident.id}.md"
            self.incident_uris[incident.id] = src
            url = f"incidents/{incident.id}/" if directory_urls else f"incidents/{incident.id}.html"
            self.direct.add(
                url, incident.title, TEMPLATES["incident"], partial(self._incident_context, incident), "status_content"
            )
            self.urls[src] = url
        taken = {f.src_uri for f in generated} | {f"{u}index.html" if u.endswith("/") else u for u in self.direct.urls}
        return Files([f for f in kept if f.src_uri not in taken] + generated)

    def env(self, env):
        """Jinja filters the status templates use."""
        self._env = env
        language = self.language
        install_words(env, language, self.status.zone)
        if self.stylesheet is not None:
            env.globals["sg_stylesheet"] = self.stylesheet[0]
        env.filters["iso"] = iso
        # a component status inside a sentence ("Public API (partial outage)"): its own words
        env.filters["status_word"] = lambda code: language.gettext(STATUS_WORDS[code]) if code in STATUS_WORDS else code
        env.filters["prose"] = render_prose  # sanitized Markup: people's hard-wrapped Markdown, never |safe
        env.filters["sg_csp"] = jinja_filter("public")  # statusgen/csp.html
        return env

    def page_context(self, context, page, mkdocs_config):
        """Give a status page exactly the data it renders (nothing that grows with history)."""
        entry = self.pages.get(page.file.src_uri)
        if entry is None:
            return context
        kind, payload = entry
        status = self.status
        context["status"] = status
        context["statusgen_page"] = kind
        context["incident_url"] = self._incident_url
        if kind in ("home", "uptime"):
            context["uptime"] = status.uptime
        elif kind == "history" and isinstance(payload, int):
            context["history"] = self._history_page(payload)
        elif kind == "incident":
            context["incident"] = payload
        return context

    def pre_template(self, template, name, mkdocs_config):
        """Our 404 page instead of material's (which would load material's scripts)."""
        if name == "404.html" and self._env is not None:
            return self._env.get_template(TEMPLATES["404"])
        return template

    def template_context(self, context, name, mkdocs_config):
        if name == "sitemap.xml" and self.direct is not None:
            context["pages"] = self.direct.sitemap_pages(context["pages"])
        if name == "404.html":
            context.update(status=self.status, statusgen_page="404", incident_url=self._incident_url)
        return context

    def nav_built(self, nav, mkdocs_config) -> None:
        """The public pages carry no navigation sidebar: nothing to keep."""

    def page_rendered(self, html: str, page) -> None:
        """mkdocs renders three public pages (home, history, uptime), each changing with most
        updates: every build renders them."""

    def content(self, html: str, page) -> str:
        """The public site has no documents of its own (docs_dir pages are dropped)."""
        return html

    def page_files(self) -> list[str]:
        kept = self.outputs.kept if self.outputs is not None else []
        return [*(self.direct.paths() if self.direct is not None else []), *kept]

    def post_build(self, mkdocs_config) -> list[tuple[str, str]]:
        """Write the pages statusgen renders itself, the feeds, the API, the calendar and the
        badges and the embed (script and framed page) into site_dir; return the page check's findings."""
        from statusgen.public import api, badges, embed, feeds, ical

        site_dir = Path(mkdocs_config["site_dir"])
        problems: list[tuple[str, str]] = []
        if self.direct is not None and self._env is not None:
            self.direct.write(self._env, site_dir, check=self.context.page_check)
            problems = self.direct.problems
        # No public page loads material's scripts or the search index (the pages have no
        # search box): leave them out, so the site holds only what it serves.
        for unused in ("search", "assets/javascripts"):
            shutil.rmtree(site_dir / unused, ignore_errors=True)
        # Nor material's stylesheets or statusgen.css: the pages load the one reduced from them.
        styles = site_dir / "assets" / "stylesheets"
        for pattern in ("main.*.min.css*", "palette.*.min.css*", "statusgen.css"):
            for unused_file in styles.glob(pattern):
                unused_file.unlink()
        outputs: dict[str, str | bytes] = {}
        if self.stylesheet is not None:
            outputs["assets/stylesheets/" + self.stylesheet[0]] = self.stylesheet[1]
        language = self.language
        # A feed whose items did not change since the previous build is kept as it is.
        self.outputs = KeptOutputs(self.context, self.direct.shared_key if self.direct is not None else None)
        bodies: dict[str, str] = {}  # an item's HTML, made once for every feed it is in
        for folder, title, items in feeds.feed_sets(self.status, language):
            paths = (folder + "feed.rss", folder + "feed.atom")
            made = self.outputs.get(
                paths, (title, tuple(items), None if items else self.status.now),
                partial(feeds.build_feeds, self.status, items, folder, title, language=language, bodies=bodies),
            )  # fmt: skip
            if made is not None:
                outputs.update(zip(paths, made))
        outputs.update(api.all_endpoints(self.status))  # the Statuspage API stays English
        outputs.update(badges.all_badges(self.status, language))
        outputs["maintenance.ics"] = ical.calendar(self.status, language)
        if self._env is not None:
            outputs.update(embed.embed_files(self.status, self._env, self._incident_url, language))
        for path, data in sorted(outputs.items()):
            target = site_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, str):
                data = data.encode("utf-8")
            target.write_bytes(data)
        return problems

    # -- helpers ------------------------------------------------------------------------------

    def _incident_context(self, incident: PublicIncident) -> dict:
        return {
            "status": self.status,
            "statusgen_page": "incident",
            "incident_url": self._incident_url,
            "incident": incident,
        }

    def _history_context(self, number: int) -> dict:
        return {
            "status": self.status,
            "statusgen_page": "history",
            "incident_url": self._incident_url,
            "history": self._history_page(number),
        }

    def _incident_url(self, incident_id: str) -> str:
        """Site-relative URL of an incident page (for the ``url`` filter)."""
        return self.urls[self.incident_uris[incident_id]]

    def _history_page(self, number: int) -> HistoryPage:
        size = self.status.history_page_size
        incidents = self.status.incidents
        chunk = incidents[(number - 1) * size : number * size]
        by_month = groupby(chunk, key=lambda i: (i.started_at.year, i.started_at.month))
        months = tuple((self._month(*month), tuple(items)) for month, items in by_month)
        place = pager(number, page_count(len(incidents), size), self._history_url)
        return HistoryPage(**vars(place), months=months)

    def _month(self, year: int, month: int) -> str:
        """``November 2026`` in the site's language (CLDR's year and month in full)."""
        from babel.dates import format_skeleton

        text = format_skeleton("yMMMM", date(year, month, 1), locale=self.language.locale)
        return f"{OPEN}{text}{CLOSE}" if self.language.pseudo else text

    def _history_url(self, number: int) -> str:
        return self.urls["history/index.md" if number == 1 else f"history/{number}.md"]


def _with_description(mkdocs_config, status: PublicStatus, language: Language) -> None:
    """Every public page has a description for search engines and link previews: the site's
    own (site_description), else one that says what the page is."""
    if not mkdocs_config.get("site_description"):
        owner = status.company or status.site_name
        text = language.gettext("Live status, incidents and scheduled maintenance for %(owner)s.")
        mkdocs_config["site_description"] = text % {"owner": owner}


def _with_hashed_favicon(theme, files) -> None:
    """The favicon under a name made from its content (``favicon.<hash>.png``), like the
    stylesheet, so a host may keep it for a year: the file's destination and the theme's
    ``favicon`` (the pages' link) both take the new name."""
    name = theme.get("favicon")
    for file in files:
        if name and file.src_uri == name and file.abs_src_path:
            stem, dot, extension = name.rpartition(".")
            data = Path(file.abs_src_path).read_bytes()
            hashed = (
                hashed_name(stem, data, f".{extension}")
                if dot and "/" not in extension
                else hashed_name(name, data, "")
            )
            file.dest_uri = hashed
            theme["favicon"] = hashed
            return
