"""The ``statusgen`` mkdocs plugin: mkdocs events only, each handed to the site being built.

Which site, which repository and which "now" come in one BuildContext
(statusgen/render/context.py). ``statusgen build`` and ``statusgen serve`` load and check the
repository once and hand the plugin that context with ``use()`` before mkdocs runs. Under a
plain ``mkdocs build``/``mkdocs serve`` the plugin makes it itself: the ``site`` option, "now"
from ``STATUSGEN_NOW`` (ISO) or ``SOURCE_DATE_EPOCH``, and a repository it loads, refusing to
build when the loader reports errors.

The site is ``statusgen.public.site.PublicSite`` or ``statusgen.internal.site.InternalSite``
(imported lazily), made as ``Site(context, mkdocs_config)``; the methods it provides are the
``Site`` protocol of statusgen/render/context.py.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger

from statusgen.cache.templates import TemplateCache
from statusgen.core.language import language_code
from statusgen.core.model import SITES
from statusgen.render.context import BuildContext, Site
from statusgen.sources.config import OPTIONS, Option

log = get_plugin_logger(__name__)

THEME_DIR = Path(__file__).parent / "theme"
# Templates statusgen owns. They are compiled with autoescape on, so a field printed raw is a
# deliberate ``|safe`` (or Markup) in review; material's own templates keep their settings.
ESCAPED_PREFIXES = ("status/", "internal/", "statusgen/")


def autoescape_for(name: str | None) -> bool:
    """Jinja's autoescape switch, per template name: on for every template statusgen ships."""
    return name is not None and name.replace("\\", "/").startswith(ESCAPED_PREFIXES)


def _declared(option: Option):
    """The option as mkdocs checks it: loosely, by type (statusgen.sources.config.load_config
    validates every value with file:line for every statusgen command)."""
    if option.name == "site":
        return c.Choice(SITES, default=option.default)
    kind = option.yaml_type
    if isinstance(kind, tuple):  # `created`: a date, a time or text, and no default
        return c.Optional(c.Type(kind))
    default = option.default
    if not isinstance(default, kind):  # a tuple or a frozen map in Config: an empty one here
        default = kind()
    return c.Type(kind, default=default)


# The plugin's options, made from statusgen.sources.config.OPTIONS (declared there once).
PluginConfig: type[base.Config] = type(
    "PluginConfig",
    (base.Config,),
    {"__doc__": "The statusgen plugin's options.", **{option.name: _declared(option) for option in OPTIONS}},
)


class StatusgenPlugin(BasePlugin):
    """Renders the public or the internal statusgen site through mkdocs-material."""

    config_class = PluginConfig  # the options are made from a table, so mkdocs is told here

    def __init__(self):
        self._given: BuildContext | None = None  # from `statusgen build` or `statusgen serve`
        self.site: Site | None = None  # the site this build renders (None: the plugin is off)
        self.building: str | None = None  # its name: public or internal
        self.external: list[tuple[str, str]] = []  # (page, what) for every third-party load found
        self.own_hosts: frozenset[str] = frozenset()
        self.failure: str | None = None  # why the build failed, for `statusgen build` to print
        self.page_files: list[str] = []  # after a build: the files of the pages the site rendered itself
        self.templates: TemplateCache | None = None  # compiled templates kept between runs

    def use(self, context: BuildContext) -> None:
        """Build with ``context`` (set before mkdocs runs: the repository is loaded once)."""
        self._given = context

    # First of all plugins: the public pages have no search box, so the search plugin is off
    # before its own on_config reads material's translations for an index no public page loads.
    @event_priority(100)
    def _search_off_for_public(self, config):
        site = self._given.site if self._given is not None else self.config["site"]
        if self.config["enabled"] and site == "public":
            _without_search(config)
        return config

    def _on_config(self, config):
        if not self.config["enabled"]:
            return config
        _add_packaged_theme(config)
        # Theme fonts come from Google Fonts unless `font: false`: never on a statusgen site.
        config.theme["font"] = False
        root = Path(config.config_file_path).parent.resolve()
        context = self._given or self._plain_mkdocs_context(root)
        # <html lang dir> and material's own words follow the language statusgen writes in, when
        # the plugin's language option sets one apart from theme.language.
        language = context.repo.config.lang
        if not language.pseudo and language_code(str(config.theme.get("language") or "en")) != language.code:
            config.theme["language"] = language.tag
        _check_site_dir(root, context.repo.config, config.site_dir, context.site)
        self.own_hosts = frozenset(filter(None, [urlsplit(config.site_url or "").hostname]))
        if context.site == "internal":
            from statusgen.internal.site import InternalSite  # lazily: only the internal build needs it

            self.site = InternalSite(context, config)
        else:
            from statusgen.public.site import PublicSite

            # The pages statusgen renders itself pass the same third-party guard as mkdocs' pages.
            self.site = PublicSite(replace(context, page_check=self._loads), config)
        _escape_site_text(config)
        self.building = context.site
        self.templates = TemplateCache(context.site, Path(config.config_file_path))
        self.external = []
        self.failure = None
        self.page_files = []
        return config

    on_config = CombinedEvent(_search_off_for_public, _on_config)

    def on_files(self, files, *, config):
        return files if self.site is None else self.site.files(files, config)

    def on_nav(self, nav, *, config, files):
        if self.site is not None:
            self.site.nav_built(nav, config)
        return nav

    def on_page_content(self, html, *, page, config, files):
        return html if self.site is None else self.site.content(html, page)

    def on_env(self, env, *, config, files):
        if not self.config["enabled"]:
            return env
        env.autoescape = autoescape_for
        # Templates do not change during a build (serve makes a new environment for each one):
        # don't stat every template file again for each of thousands of pages.
        env.auto_reload = False
        if self.site is None:
            return env
        env.bytecode_cache = self.templates
        _escape_titles(files)
        return self.site.env(env) or env

    def on_pre_template(self, template, *, template_name, config):
        if self.site is None:
            return template
        return self.site.pre_template(template, template_name, config) or template

    def on_template_context(self, context, *, template_name, config):
        if self.site is None:
            return context
        return self.site.template_context(context, template_name, config) or context

    def on_page_context(self, context, *, page, config, nav):
        if self.site is None:
            return context
        _escape_meta_title(page)
        return self.site.page_context(context, page, config)

    def on_post_page(self, output, *, page, config):
        self._guard(output, page.file.dest_uri)
        if self.site is not None:
            self.site.page_rendered(output, page)
        return output

    def on_post_template(self, output_content, *, template_name, config):
        self._guard(output_content, template_name)
        return output_content

    # Late: the internal site adds its incidents to the index the search plugin has just written.
    @event_priority(-50)
    def on_post_build(self, *, config):
        if self.site is None:
            return
        self.external.extend(self.site.post_build(config))
        if self.templates is not None:
            self.templates.save()
        if self.external:
            shown = "\n".join(f"{where}: {what}" for where, what in self.external[:20])
            more = len(self.external) - 20
            self.failure = (
                "pages would load from other hosts (a status page must load nothing from other hosts; "
                f"put the file in the repository or remove it from your overrides):\n{shown}"
                + (f"\n... and {more} more" if more > 0 else "")
            )
            raise PluginError(f"statusgen: {self.failure}")
        self.page_files = self.site.page_files()

    def _loads(self, html: str, where: str) -> list[str]:
        """The third-party loads in a page (see statusgen/sources/thirdparty.py)."""
        from statusgen.sources.thirdparty import external_loads

        return list(external_loads(html, self.own_hosts))

    def _guard(self, html: str, where: str) -> None:
        """Remember every third-party load in a public page."""
        if self.site is None or self.building != "public":
            return
        self.external.extend((where, what) for what in self._loads(html, where))

    def _plain_mkdocs_context(self, root: Path) -> BuildContext:
        """Load and check the repository for a plain mkdocs run."""
        from statusgen.core.errors import StatusgenError
        from statusgen.core.times import now_from
        from statusgen.sources.repository import load_repository

        try:
            now = now_from(os.environ.get("STATUSGEN_NOW"))
            repo, problems = load_repository(root, now=now)
        except (StatusgenError, ValueError) as exc:
            raise PluginError(f"statusgen: {exc}") from None
        errors = [p for p in problems if p.is_error]
        for problem in problems:
            if not problem.is_error:
                log.warning(str(problem))
        if errors:
            raise PluginError("statusgen: the repository has errors:\n" + "\n".join(str(p) for p in errors))
        return BuildContext(repo=repo, now=now, site=self.config["site"])


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

    for key in ("site_name", "site_description", "site_author", "repo_name"):
        if config.get(key) and not isinstance(config[key], Markup):
            config[key] = escape(config[key])
    if config.get("copyright") and not isinstance(config["copyright"], Markup):
        config["copyright"] = Markup(sanitize_html(config["copyright"]))


def _without_search(mkdocs_config) -> None:
    """Turn the search plugin off: the public pages have no search box, so indexing thousands
    of pages would only make a file to delete."""
    for name in ("search", "material/search"):
        plugin = mkdocs_config["plugins"].get(name)
        if plugin is not None and "enabled" in plugin.config:
            plugin.config.enabled = False
