"""Markdown converted by an earlier build, kept for a page whose Markdown did not change.

mkdocs converts every document page at every build: a new ``markdown.Markdown`` with every
extension, the conversion, link rewriting against every file of the build. At 1,000 incidents
the internal site's runbook and postmortem pages spent more time there than anywhere else in a
rebuild after one update. A ``KeptPage`` is a mkdocs page that looks up its conversion first:
it is made from the page's Markdown (after every plugin's ``on_page_markdown``), its source and
URL, the build's shared inputs (statusgen's code and theme, the team's overrides, mkdocs.yml)
and every file of the build with its URL (which links resolve against). When those are the same
as in the record the previous build left, the page takes the HTML, the table of contents, the
title, the anchors and the links to anchors from that record, and says again what mkdocs said
while converting it (a link to a missing file, say), so `--strict` fails as before.

Only the Markdown extensions known to read nothing but the page's text are trusted this way
(``PURE_EXTENSIONS``); with any other, every page is converted as mkdocs does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from statusgen.cache import pages as rendercache
from statusgen.render.direct import BuildInputs

# Extensions whose output depends only on the text and their options (in mkdocs.yml): not
# pymdownx.snippets (other files), not the emoji indexes (icon folders), not an unknown one.
PURE_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code", "footnotes",
    "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc",
    "wikilinks", "pymdownx.betterem", "pymdownx.caret", "pymdownx.critic", "pymdownx.details",
    "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.keys", "pymdownx.mark", "pymdownx.smartsymbols",
    "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist", "pymdownx.tilde",
})  # fmt: skip
PREFIX = "markdown:"  # of a conversion's record among the page records (which are keyed by URL)


class KeptConversions:
    """One build's conversions: ``records`` (a BuildContext's, shared with the page records;
    None: nothing is kept) and what every page's conversion shares besides the build's files."""

    def __init__(self, records, inputs: BuildInputs | None):
        self.records = records
        self.inputs = inputs  # None: every page is converted
        self._shared: tuple[int, str | None] | None = None  # (id of the build's files, their digest)

    @classmethod
    def for_build(cls, records, mkdocs_config, inputs: BuildInputs) -> KeptConversions:
        """``inputs``: the build's (the site's one BuildInputs)."""
        extensions = mkdocs_config["markdown_extensions"]
        pure = all(isinstance(name, str) and name in PURE_EXTENSIONS for name in extensions)
        return cls(records, inputs if records is not None and pure else None)

    def page(self, title, file, mkdocs_config) -> Page:
        """The page of ``file``, converted through this build's kept conversions."""
        return KeptPage(self, title, file, mkdocs_config)

    def after(self, page, html: str, make: Callable[[str], str]) -> str:
        """``make(html)`` of a page's converted ``html`` (statusgen's own clean-up of it), kept
        beside the conversion: made once for as long as the conversion is kept."""
        record = self.records.new.get(PREFIX + page.file.src_uri) if self.records is not None else None
        if not isinstance(record, dict) or record.get("html") != html:  # another plugin changed it
            return make(html)
        made = record.get("after")
        if not isinstance(made, str):
            made = record["after"] = make(html)
        return made

    def shared(self, files) -> str | None:
        """The digest of the build's inputs and of every file with its URL (links resolve against
        them), made once per build from the files mkdocs hands the pages."""
        if self.inputs is None:
            return None
        if self._shared is None or self._shared[0] != id(files):
            listed = sorted((f.src_uri, f.url, str(f.inclusion)) for f in files)
            try:
                # the build's date aside: it is in a page's template, not in its Markdown
                self._shared = (id(files), rendercache.digest(("markdown", *self.inputs.at(None), listed)))
            except (rendercache.Unstable, OSError):
                self._shared = (id(files), None)
        return self._shared[1]


class KeptPage(Page):
    """A mkdocs page whose conversion is kept from the previous build when its inputs did not change."""

    def __init__(self, conversions: KeptConversions, title, file, config):
        super().__init__(title, file, config)
        self.conversions = conversions

    def render(self, config, files) -> None:
        conversions = self.conversions
        shared = conversions.shared(files)
        if shared is None or self.markdown is None:
            super().render(config, files)
            return
        name = PREFIX + self.file.src_uri
        key = rendercache.digest((shared, self.file.src_uri, self.url, self.markdown))
        record = conversions.records.old.get(name)
        if isinstance(record, dict) and record.get("own") == key and self._restore(record, files):
            conversions.records.new[name] = record
            return
        said = _Said()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(said)
        try:
            super().render(config, files)
        finally:
            logger.removeHandler(said)
        conversions.records.new[name] = {
            "own": key,
            "html": self.content,
            "toc": _tokens(self.toc),
            "title": self._title_from_render,
            "anchors": sorted(self.present_anchor_ids or ()),
            "links": {target.src_uri: dict(anchors) for target, anchors in (self.links_to_anchors or {}).items()},
            "said": said.lines,
        }

    def _restore(self, record: dict, files) -> bool:
        """Take the conversion from ``record``; False (nothing taken) when it does not fit."""
        try:
            links: dict[Any, dict[str, str]] = {}
            for src_uri, anchors in record["links"].items():
                target = files.get_file_from_path(src_uri)
                if target is None:
                    return False
                links[target] = {str(k): str(v) for k, v in anchors.items()}
            content, title = record["html"], record["title"]
            if not isinstance(content, str) or not (title is None or isinstance(title, str)):
                return False
            toc = get_toc(record["toc"])
            anchors = {str(a) for a in record["anchors"]}
            said = [(str(n), int(level), str(text)) for n, level, text in record["said"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            return False
        self.content, self.toc, self._title_from_render = content, toc, title
        self.present_anchor_ids = anchors
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = links
        for logger_name, level, text in said:  # what mkdocs said converting it, said again
            logging.getLogger(logger_name).log(level, text)
        return True


def _tokens(toc) -> list[dict]:
    """A table of contents as the tokens mkdocs makes it from (``get_toc``)."""
    return [
        {"name": link.title, "id": link.id, "level": link.level, "children": _tokens(link.children)} for link in toc
    ]


class _Said(logging.Handler):
    """What mkdocs logs while it converts one page, at INFO or above."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, record.levelno, record.getMessage()))
