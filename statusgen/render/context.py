"""What one build of one site is handed, and what a site must provide.

``build.py`` (and ``statusgen serve``, and the plugin under a plain ``mkdocs build``) makes one
immutable BuildContext; the plugin hands it to the site it builds, the site hands its page
parts to DirectPages. Nothing is set on another object after the fact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from statusgen.core.kept import KeptViews
from statusgen.core.model import Repository


class PageRecords(Protocol):
    """What each directly rendered page was made from: ``old`` from the last build, ``new``
    filled by this one (statusgen/cache/pages.py keeps them on disk, serve in memory)."""

    old: dict
    new: dict

    def save(self) -> None: ...


# (html, url) -> what is wrong with a rendered page: its loads from other hosts, say.
PageCheck = Callable[[str, str], list[str]]


@dataclass(frozen=True)
class BuildContext:
    """One build of one site: the repository and "now" it renders, and what an incremental
    build reuses (the previous build's files and the records of what its pages were made from)."""

    repo: Repository
    now: datetime
    site: str  # one of statusgen.core.model.SITES
    previous: Path | None = None  # the earlier build whose unchanged pages are kept
    records: PageRecords | None = None
    page_check: PageCheck | None = None  # run on every page statusgen renders itself
    kept_views: KeptViews | None = None  # public views kept from the last rebuild (statusgen serve)


class Site(Protocol):
    """A site the plugin builds (statusgen.public.site.PublicSite, statusgen.internal.site.InternalSite).

    Made as ``Site(context, mkdocs_config)``; each method answers one mkdocs event."""

    def files(self, files: Any, mkdocs_config: Any) -> Any:
        """on_files: add the site's pages (``File.generated``), drop docs_dir pages it does not want."""

    def nav_built(self, nav: Any, mkdocs_config: Any) -> None:
        """on_nav: the navigation, for the pages the site renders itself and the records of
        the pages mkdocs renders (statusgen/render/page_records.py)."""

    def content(self, html: str, page: Any) -> str:
        """on_page_content: a document's HTML as mkdocs converted it."""

    def env(self, env: Any) -> Any:
        """on_env: add Jinja filters."""

    def page_context(self, context: dict, page: Any, mkdocs_config: Any) -> dict:
        """on_page_context: the template variables of one page."""

    def page_rendered(self, html: str, page: Any) -> None:
        """on_post_page: what mkdocs rendered of a page (empty: the previous file is kept)."""

    def pre_template(self, template: Any, name: str, mkdocs_config: Any) -> Any:
        """on_pre_template: replace a theme template that is not a page (404.html)."""

    def template_context(self, context: dict, name: str, mkdocs_config: Any) -> dict:
        """on_template_context: feed a theme template that is not a page (404.html, sitemap.xml)."""

    def post_build(self, mkdocs_config: Any) -> list[tuple[str, str]]:
        """on_post_build: write the pages the site renders itself and its other outputs (feeds,
        JSON); return what the page check found, as (url, problem)."""

    def page_files(self) -> list[str]:
        """The files of the pages the site renders itself, relative to site_dir."""
