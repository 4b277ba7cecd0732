"""Records for the pages mkdocs renders (the internal site's runbook and postmortem pages), so a
rebuild renders again only those whose inputs changed.

mkdocs converts every page's Markdown (its search index needs the text; a runbook or postmortem
whose text did not change takes its conversion from the previous build: render/kept_markdown.py)
and then renders every page's template. Here, once a page's body is converted, its inputs are
digested: the build's shared ones (statusgen's code and templates, the team's overrides,
mkdocs.yml, the whole navigation) and the page's own (its title, URL, metadata, table of
contents, body and the view its template shows). When the previous build rendered the same
inputs into the file it still holds, the page's template becomes KEPT_TEMPLATE, which renders
nothing: mkdocs writes no file for it and the build keeps the previous one (build._commit,
``kept``). Anything that cannot be digested (a value without a stable ``repr``) is simply
rendered, as for statusgen's own pages (statusgen/cache/pages.py).
"""

from __future__ import annotations

from typing import Any

from statusgen.cache import pages as rendercache
from statusgen.render.context import BuildContext
from statusgen.render.direct import BuildInputs

# An empty template in statusgen's theme: the page whose previous file is kept renders nothing.
KEPT_TEMPLATE = "statusgen/kept.html"


class MkdocsPageRecords:
    """The records of one build's mkdocs pages (``context.records``, shared with DirectPages,
    keyed by page URL; the two never render the same URL)."""

    def __init__(self, context: BuildContext, nav, inputs: BuildInputs):
        """``inputs``: the build's (the site's one BuildInputs)."""
        self.previous = context.previous
        self.records = context.records
        self.kept: list[str] = []  # dest_uri of every page kept from the previous build
        self._keys: dict[str, str] = {}  # page URL -> its digest, for pages rendered now
        self._shared = _shared_key(inputs, nav) if self.records is not None else None

    def keep_if_unchanged(self, page, own: dict[str, Any]) -> bool:
        """Whether ``page`` (converted, about to be rendered over ``own``, its body included) is
        the previous build's file: then it is not rendered, and True. Otherwise its digest waits
        for ``rendered``."""
        if self._shared is None or self.records is None:
            return False
        try:
            key = rendercache.digest((
                self._shared, page.file.src_uri, page.url, str(page.title), sorted(page.meta.items()),
                _toc(page.toc), sorted(own.items()),
            ))  # fmt: skip
        except (rendercache.Unstable, TypeError):
            return False
        old = self.records.old.get(page.url)
        dest = page.file.dest_uri
        if rendercache.holds(self.previous, dest, old, key):
            self.records.new[page.url] = old
            self.kept.append(dest)
            page.meta["template"] = KEPT_TEMPLATE
            return True
        self._keys[page.url] = key
        return False

    def rendered(self, page, output: str) -> None:
        """Record what a page rendered now was made from, and the bytes mkdocs writes of it."""
        key = self._keys.pop(page.url, None)
        if key is not None and self.records is not None and output.strip():
            data = output.encode("utf-8", errors="xmlcharrefreplace")  # as mkdocs writes it
            self.records.new[page.url] = rendercache.page_record(key, [], data, page.file.dest_uri)


def _shared_key(inputs: BuildInputs, nav) -> str | None:
    """What every mkdocs page of the build shares, as one digest: the build's inputs and the
    whole navigation."""
    from mkdocs.utils import get_build_date

    try:
        shared = inputs.at(get_build_date())
        return rendercache.digest(("mkdocs", *shared, _nav(getattr(nav, "items", None) or [])))
    except (rendercache.Unstable, OSError, TypeError):
        return None


def _nav(items) -> list:
    """Every entry of the navigation, at every depth: a page's sidebar, its previous and next
    links and its breadcrumbs come from it."""
    return [
        (str(item.title), getattr(item, "url", None), _nav(getattr(item, "children", None) or [])) for item in items
    ]


def _toc(links) -> list:
    return [(str(link.title), link.id, link.level, _toc(link.children)) for link in links or ()]
