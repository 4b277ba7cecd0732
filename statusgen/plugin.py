"""The ``statusgen`` mkdocs plugin: a thin layer that hands the build to a site object.

Interface contract between this plugin and the two sites
--------------------------------------------------------
The plugin renders one of two sites, chosen by the ``site`` option (``public`` by default;
``statusgen build`` sets it per build, ``statusgen serve --site`` through ``STATUSGEN_SITE``):

- ``statusgen.public.site.PublicSite``  (public status page)
- ``statusgen.internal.site.InternalSite`` (runbooks, postmortems, metrics; imported lazily,
  only when ``site == "internal"``)

Both are constructed as ``Site(repo: Repository, now: datetime, mkdocs_config)`` and provide:

``files(files: Files, mkdocs_config) -> Files``
    Called from ``on_files``. Add pages with ``File.generated(...)`` (front matter may set
    ``template:``) and drop docs_dir pages the site does not want.
``page_context(context: dict, page: Page, mkdocs_config) -> dict``
    Called from ``on_page_context`` for every page; add the template variables for that page.
``post_build(mkdocs_config) -> None``
    Called from ``on_post_build`` (after the search plugin's); write the pages the site renders
    itself (statusgen/render/direct.py: one per incident) and non-page outputs (feeds, JSON, ics, svg)
    into ``mkdocs_config["site_dir"]``.
``env(env: jinja2.Environment) -> Environment`` (optional)
    Called from ``on_env``; add Jinja filters.
``nav_built(nav)`` and ``content(html, page) -> str`` (optional)
    Called from ``on_nav`` (the navigation, for pages the site renders itself) and
    ``on_page_content`` (a document's HTML as mkdocs converted it: the internal site sanitizes
    it there, before search indexes it or a page embeds it).
``pre_template(template, name, mkdocs_config) -> Template`` and
``template_context(context, name, mkdocs_config) -> dict`` (optional)
    Called for theme templates that are not pages (404.html, sitemap.xml), to replace or
    feed them.

``repo`` and ``now`` come from the caller when ``statusgen build`` runs mkdocs (it sets
``plugin.repo``, ``plugin.now`` and ``plugin.site`` on the instance before ``build()``, so the
repository is loaded and validated once). Under a plain ``mkdocs build``/``serve`` the plugin
loads the repository itself, with now from ``STATUSGEN_NOW`` (ISO) or ``SOURCE_DATE_EPOCH``,
and refuses to build when the loader reports errors. Under ``statusgen serve``
(``STATUSGEN_SERVE=1``) each rebuild starts from what the last one left (statusgen/render/serve.py).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

log = get_plugin_logger(__name__)

SITES = ("public", "internal")
THEME_DIR = Path(__file__).parent / "theme"
# Templates statusgen owns. They are compiled with autoescape on, so a field printed raw is a
# deliberate ``|safe`` (or Markup) in review; material's own templates keep their settings.
ESCAPED_PREFIXES = ("status/", "internal/", "statusgen/")


def autoescape_for(name: str | None) -> bool:
    """Jinja's autoescape switch, per template name: on for every template statusgen ships."""
    return bool(name) and name.replace("\\", "/").startswith(ESCAPED_PREFIXES)


class PluginConfig(base.Config):
    """The plugin's options. They are declared loosely here: statusgen.sources.config.load_config
    validates them (with file:line) for every statusgen command."""

    enabled = c.Type(bool, default=True)
    """Switch the plugin off."""
    site = c.Choice(SITES, default="public")
    """Which site a plain `mkdocs build` renders."""
    incidents_dir = c.Type(str, default="incidents")
    runbooks_dir = c.Type(str, default="runbooks")
    templates_dir = c.Type(str, default="templates")
    public_dir = c.Type(str, default="site/public")
    internal_dir = c.Type(str, default="site/internal")
    company = c.Type(str, default="")
    support_url = c.Type(str, default="")
    uptime_days = c.Type(int, default=90)
    history_page_size = c.Type(int, default=50)
    feed_size = c.Type(int, default=50)
    runbook_review_days = c.Type(int, default=90)
    error_budget_days = c.Type(int, default=30)
    groups = c.Type(list, default=[])
    components = c.Type(list, default=[])
    severities = c.Type(list, default=[])
    postmortem_severities = c.Type(list, default=[])
    postmortem_due_hours = c.Type(int, default=48)
    max_file_kb = c.Type(int, default=1024)
    """Size limit of one incident, runbook or postmortem file, in KB."""
    update_cadence = c.Type(dict, default={})
    """Minutes between updates per severity (statusgen.core.cadence)."""
    alertmanager = c.Type(dict, default={})
    """How `statusgen new --from-alert` maps alerts (statusgen.authoring.alerts)."""
    downtime_weights = c.Type(dict, default={})
    """Share of a minute counted as down per status, for uptime and error budgets alike."""
    maintenance_auto_complete = c.Type(bool, default=True)
    """Complete a scheduled maintenance at the end of its window when nobody updated it."""
    alert_rules = c.Type(list, default=[])
    """Prometheus rule files (globs in the repository) whose alerts the alert pages describe."""
    created = c.Optional(c.Type((str, date, datetime)))
    """When the page and its components were created (the API's created_at)."""
    notify_webhook_env = c.Type(str, default="")
    notify_slack_env = c.Type(str, default="")


class StatusgenPlugin(BasePlugin[PluginConfig]):
    """Renders the public or the internal statusgen site through mkdocs-material."""

    # Set by `statusgen build` before mkdocs runs; loaded by on_config otherwise.
    repo = None
    now: datetime | None = None
    site: str | None = None
    builder = None
    building: str | None = None  # which site this build renders: public or internal
    external: list = []  # (page, what) for every third-party load found in a public page
    own_hosts: frozenset = frozenset()
    failure: str | None = None  # why the build failed, for `statusgen build` to print
    previous = None  # the site's previous build, set by `statusgen build` (see build._commit)
    render_cache = None  # what its pages were rendered from (statusgen/cache/pages.py)
    serve_state = None  # under `statusgen serve`: what the last rebuild left (statusgen/render/serve.py)

    def on_config(self, config):
        if not self.config.enabled:
            return config
        _add_packaged_theme(config)
        # Theme fonts come from Google Fonts unless `font: false`: never on a statusgen site.
        config.theme["font"] = False
        site = self.site or os.environ.get("STATUSGEN_SITE") or self.config.site
        if site not in SITES:
            raise PluginError(f"statusgen: site '{site}' is not one of: {', '.join(SITES)}")
        repo, now = self.repo, self.now
        root = Path(config.config_file_path).parent.resolve()
        if repo is None:
            repo, now = self._load(root, now)
        _check_site_dir(root, repo.config, config.site_dir, site)
        if site == "internal":
            from statusgen.internal.site import InternalSite as Site  # lazily: only the internal build needs it
        else:
            from statusgen.public.site import PublicSite as Site
        self.builder = Site(repo, now, config)
        self.serve_state = None
        if os.environ.get("STATUSGEN_SERVE") == "1" and self.render_cache is None:
            from statusgen.render.serve import state_for

            self.serve_state = state_for(config.site_dir, site)
            self.serve_state.start()
        _escape_site_text(config)
        self.building = site
        self.external = []
        self.failure = None
        self.own_hosts = frozenset(filter(None, [urlsplit(config.site_url or "").hostname]))
        return config

    def on_files(self, files, *, config):
        if self.builder is None:
            return files
        return self.builder.files(files, config)

    def on_nav(self, nav, *, config, files):
        if self.builder is not None and hasattr(self.builder, "nav_built"):
            self.builder.nav_built(nav)
        return nav

    def on_page_content(self, html, *, page, config, files):
        if self.builder is not None and hasattr(self.builder, "content"):
            html = self.builder.content(html, page)
        return html

    def on_env(self, env, *, config, files):
        if not self.config.enabled:
            return env
        env.autoescape = autoescape_for
        # Templates do not change during a build (serve makes a new environment for each one):
        # don't stat every template file again for each of thousands of pages.
        env.auto_reload = False
        if self.builder is not None:
            _escape_titles(files)
        if self.builder is not None and hasattr(self.builder, "env"):
            env = self.builder.env(env) or env
        return env

    def on_pre_template(self, template, *, template_name, config):
        if self.builder is not None and hasattr(self.builder, "pre_template"):
            template = self.builder.pre_template(template, template_name, config) or template
        return template

    def on_template_context(self, context, *, template_name, config):
        if self.builder is not None and hasattr(self.builder, "template_context"):
            context = self.builder.template_context(context, template_name, config) or context
        return context

    def on_page_context(self, context, *, page, config, nav):
        if self.builder is None:
            return context
        _escape_meta_title(page)
        return self.builder.page_context(context, page, config)

    def on_post_page(self, output, *, page, config):
        self._guard(output, page.file.dest_uri)
        return output

    def on_post_template(self, output_content, *, template_name, config):
        self._guard(output_content, template_name)
        return output_content

    # Late: the internal site adds its incidents to the index the search plugin has just written.
    @event_priority(-50)
    def on_post_build(self, *, config):
        if self.builder is None:
            return
        # The builder writes the pages statusgen renders itself; they pass the same guard.
        self.builder.page_check = self._loads if self.building == "public" else None
        direct = getattr(self.builder, "direct", None)
        serving = self.serve_state
        if direct is not None and serving is not None:
            direct.previous, direct.cache, direct.link_kept = serving.pages, serving.records, True
        elif direct is not None:
            direct.previous, direct.cache = self.previous, self.render_cache
        self.builder.post_build(config)
        self.external.extend(getattr(self.builder, "page_problems", ()))
        if self.external:
            shown = "\n".join(f"{where}: {what}" for where, what in self.external[:20])
            more = len(self.external) - 20
            self.failure = (
                "pages would load from other hosts (a status page must load nothing from other hosts; "
                f"put the file in the repository or remove it from your overrides):\n{shown}"
                + (f"\n... and {more} more" if more > 0 else "")
            )
            raise PluginError(f"statusgen: {self.failure}")
        if direct is not None and serving is not None:
            serving.keep(Path(config.site_dir), direct.paths())

    def _loads(self, html: str, where: str) -> list[str]:
        """The third-party loads in a page statusgen renders itself (see thirdparty.py)."""
        from statusgen.sources.thirdparty import external_loads

        return list(external_loads(html, self.own_hosts))

    def _guard(self, html: str, where: str) -> None:
        """Remember every third-party load in a public page (see thirdparty.py)."""
        if self.builder is None or self.building != "public":
            return
        self.external.extend((where, what) for what in self._loads(html, where))

    def _load(self, root: Path, now: datetime | None):
        """Load and validate the repository for a plain mkdocs run."""
        from statusgen.core.errors import StatusgenError
        from statusgen.core.times import now_from
        from statusgen.sources.incidents import load_repository

        try:
            now = now or now_from(os.environ.get("STATUSGEN_NOW"))
            repo, problems = load_repository(root, now=now)
        except (StatusgenError, ValueError) as exc:
            raise PluginError(f"statusgen: {exc}") from None
        errors = [p for p in problems if p.is_error]
        for problem in problems:
            if not problem.is_error:
                log.warning(str(problem))
        if errors:
            raise PluginError("statusgen: the repository has errors:\n" + "\n".join(str(p) for p in errors))
        return repo, now


def _escape_titles(files) -> None:
    """Page titles as Markup, escaped once: material's own templates (header, footer, navigation)
    print ``page.title`` without escaping, statusgen's (autoescaped) print it as it is."""
    from markupsafe import Markup, escape

    for file in files.documentation_pages():
        page = file.page
        if page is not None and page.title is not None and not isinstance(page.title, Markup):
            page.title = escape(page.title)


def _escape_meta_title(page) -> None:
    """A front-matter ``title`` as Markup, escaped once: material's header prints
    ``page.meta.title`` as it is (its <title> is replaced by statusgen's templates)."""
    from markupsafe import Markup, escape

    title = page.meta.get("title") if page.meta else None
    if isinstance(title, str) and not isinstance(title, Markup):
        page.meta["title"] = escape(title)


def _add_packaged_theme(config) -> None:
    """Layer the theme shipped in the package between the team's ``custom_dir`` and material,
    so a team's ``overrides/`` still wins and a plain ``pip install`` has every template."""
    dirs = config.theme.dirs
    theme = str(THEME_DIR)
    if theme in dirs:
        return
    position = 1 if config.theme.custom_dir and dirs and dirs[0] == config.theme.custom_dir else 0
    dirs.insert(position, theme)


def _check_site_dir(root: Path, statusgen_config, site_dir: str, site: str) -> None:
    """mkdocs empties site_dir before it builds: refuse one that holds the repository or its
    sources (plain `mkdocs build` with `site_dir: incidents` would delete every incident).
    Whether the directory is mkdocs' own (serve's temporary one, a site/ from before) is
    mkdocs' business: `statusgen build` checks that itself, with its marker."""
    from statusgen.build import check_targets
    from statusgen.core.errors import StatusgenError

    try:
        shown = os.path.relpath(site_dir, root) if Path(site_dir).is_relative_to(root) else site_dir
        check_targets(root, statusgen_config, {site: (Path(site_dir), f"site_dir: '{shown}'")}, owned_only=False)
    except StatusgenError as exc:
        raise PluginError(f"statusgen: {exc.message}") from None


def _escape_site_text(config) -> None:
    """mkdocs.yml's own texts, made safe for material's templates, which print them raw: names
    escaped (as Markup, so statusgen's autoescaped templates do not escape them twice), the
    copyright line sanitized (it may hold a link on purpose, never a script)."""
    from markupsafe import Markup, escape

    from statusgen.render.markup import sanitize_html

    for key in ("site_name", "site_description", "site_author"):
        if config.get(key) and not isinstance(config[key], Markup):
            config[key] = escape(config[key])
    if config.get("copyright") and not isinstance(config["copyright"], Markup):
        config["copyright"] = Markup(sanitize_html(config["copyright"]))
