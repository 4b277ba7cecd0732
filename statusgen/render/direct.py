"""Pages statusgen renders itself: the thousands of incident pages, outside mkdocs' page pipeline.

mkdocs turns every page into Markdown, a ``Page``, a search entry and a full navigation menu;
for one page per incident that is most of a build. Here a page is a template from the theme
(through mkdocs' own Jinja environment, so a team's ``overrides/`` still wins and every filter
is there) rendered over a view with the same context mkdocs would give it, and written straight
to ``site_dir``. The sidebar navigation is rendered once per directory depth and reused
(``statusgen/nav.html``). The pages are added to ``sitemap.xml`` (``sitemap_pages``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

from statusgen.cache import pages as rendercache
from statusgen.core.model import EMPTY
from statusgen.render import fork
from statusgen.render.frame import DirectPage, Frame, NavFragments, nav_links, page_context, split_url, varying_names


@dataclass
class _Entry:
    page: DirectPage
    template: str
    context: Callable[[], dict]  # called at render time, so views are built one page at a time
    block: str | None  # the template's own block (see Frame)
    # Per name of the page's own data, a digest of what that value was made from (an incident,
    # by its file): the page's record takes it instead of the value's every field.
    sources: Mapping[str, str]
    # A digest of everything the page's own data is made from: a page whose record matches it
    # is kept without that data being made at all.
    view_key: str | None


class DirectPages:
    """The directly rendered pages of one build: ``add`` them, then ``write`` them after mkdocs."""

    def __init__(self, mkdocs_config, *, previous: Path | None = None, records=None, inputs: BuildInputs | None = None):
        """``previous`` is the site's earlier build: a page whose bytes are the same there is not
        written again (the build keeps the old file, build._commit). ``records`` say what each
        page was rendered from (statusgen/cache/pages.py); with ``previous``, a page whose inputs
        did not change is not even rendered. ``inputs``: the build's, when the site has them."""
        from mkdocs.utils import get_build_date

        self.config = mkdocs_config
        self.site_url = (mkdocs_config.get("site_url") or "").rstrip("/")
        self.date = get_build_date()
        self.inputs = inputs if inputs is not None else BuildInputs(mkdocs_config)
        self.entries: list[_Entry] = []
        self.urls: set[str] = set()
        self.problems: list[tuple[str, str]] = []  # (url, what check() found), after write()
        self.previous = previous
        self.cache = records
        # After write: the digest of what every page of the build shares (None: none could be
        # made), for the site's other outputs under records (statusgen/render/kept_outputs.py).
        self.shared_key: str | None = None

    @classmethod
    def for_build(cls, mkdocs_config, context, inputs: BuildInputs | None = None) -> DirectPages:
        """The directly rendered pages of the build ``context`` (a BuildContext) describes."""
        return cls(mkdocs_config, previous=context.previous, records=context.records, inputs=inputs)

    def add(
        self,
        url: str,
        title: str,
        template: str,
        context: Callable[[], dict],
        block: str | None = None,
        sources: Mapping[str, str] = EMPTY,
        view_key: str | None = None,
    ) -> DirectPage:
        """Register a page at ``url`` (``a/b/``), rendered from ``template`` over ``context()``;
        ``block`` names the block that holds what is the page's own (see ``Frame``). For the
        page's record, besides what the build shares (statusgen's code, mkdocs.yml): ``sources``,
        per name in ``context()``, a digest of everything that value is made from; ``view_key``,
        one of everything ``context()`` is made from (then it is not called for a kept page)."""
        page = DirectPage(title=escape(title), url=url, update_date=self.date)
        if self.site_url:
            page.canonical_url = f"{self.site_url}/{url}"
            page.abs_url = "/" + "/".join(page.canonical_url.split("/")[3:])
        self.entries.append(_Entry(page, template, context, block, sources, view_key))
        self.urls.add(url)
        return page

    def paths(self) -> list[str]:
        """Every page's file, relative to ``site_dir`` (``a/b/index.html``)."""
        return [_file_of(e.page.url) for e in self.entries]

    def sitemap_pages(self, pages) -> list:
        """``pages`` of the sitemap template, with these pages added."""
        return [*pages, *(e.page for e in self.entries)]

    def write(self, env, site_dir: Path, nav=None, extra: dict | None = None, check=None) -> int:
        """Render and write every page; returns how many.

        ``check(html, url)`` returns what is wrong with a rendered page (a list of strings);
        every ``(url, problem)`` ends up in ``self.problems``, from both processes.
        With many pages and more than one CPU, a forked child renders the second half while this
        process renders the first (the same templates and data, so the same bytes).
        """
        from mkdocs.commands.build import get_context

        base = dict(get_context(nav, [], self.config))
        base.update(extra or {})
        renderer = _Renderer(self, env, base, Path(site_dir), nav is not None, check)
        if self.cache is not None:
            renderer.shared_key = self.shared_key = self._shared_key(base, extra)
        self.problems = renderer.problems
        entries = self.entries
        if renderer.shared_key is not None and self.previous is not None and len(entries) >= PARALLEL_FROM:
            # A rebuild: first keep the pages whose inputs did not change, here (after one
            # update, all but a few); a second process is worth its fork only for many left.
            entries = renderer.render(entries, keep_until=PARALLEL_FROM)
        if len(entries) < PARALLEL_FROM or not fork.available():
            renderer.render(entries)
        else:  # a forked child renders the second half while this process renders the first
            half = len(entries) // 2
            first, second = entries[:half], entries[half:]

            def render_second() -> dict:
                renderer.render(second)
                return {"problems": renderer.problems, "records": renderer.records}

            beside = fork.Beside(render_second)
            try:
                renderer.render(first)
            finally:
                try:
                    back = beside.join()
                except fork.ChildFailed:
                    back = None
            if back is None:
                renderer.render(second)  # the child failed: render its half here (and raise its error)
            else:
                renderer.problems.extend(tuple(item) for item in back["problems"])
                renderer.records.update(back["records"])
        if self.cache is not None:
            self.cache.new.update(renderer.records)
        return len(entries)

    def _shared_key(self, base: dict, extra: dict | None) -> str | None:
        """Everything the pages of this build share, as one digest (statusgen/cache/pages.py)."""
        try:
            shared = self.inputs.at(self.date)
            return rendercache.digest((*shared, sorted((extra or {}).items()), nav_links(base.get("nav"))))
        except (rendercache.Unstable, OSError, TypeError):
            return None


class BuildInputs:
    """What every page of one build is made from besides its own data, for the records of every
    kind of page (these, mkdocs' own: statusgen/render/page_records.py, and the kept Markdown
    conversions: statusgen/render/kept_markdown.py): statusgen's code and theme with the team's
    overrides, mkdocs.yml and the site's URL. Read once per build, when first asked for: digesting
    every file of the theme takes some 25 ms, and a site makes one BuildInputs for all its records."""

    def __init__(self, mkdocs_config):
        self.config = mkdocs_config
        self._read: tuple[tuple, bool] | None = None  # (the inputs, whether a template prints the date)

    def at(self, date) -> tuple:
        """The inputs, with the build ``date`` when a template prints it. Raises OSError when
        mkdocs.yml cannot be read."""
        if self._read is None:
            config = self.config
            code, dated = rendercache.code_digest(config.theme.dirs)
            config_file = Path(config.config_file_path).read_bytes()
            site_url = (config.get("site_url") or "").rstrip("/")
            self._read = ((rendercache.FORMAT, code, rendercache.file_digest(config_file), site_url), dated)
        inputs, dated = self._read
        return (*inputs, (os.environ.get("SOURCE_DATE_EPOCH"), date) if dated else None)


# Below this many pages a second process costs more than it saves.
PARALLEL_FROM = 2000


class _Renderer:
    """Renders entries to files; one per process (frames and templates are cached per process)."""

    def __init__(self, pages: DirectPages, env, base: dict, site_dir: Path, with_nav: bool, check=None):
        self.pages, self.env, self.base, self.site_dir = pages, env, base, site_dir
        self.check = check
        self.problems: list[tuple[str, str]] = []
        self.navs = NavFragments(env) if with_nav else None
        self.templates: dict[str, Any] = {}
        self.frames: dict[tuple, Frame | None] = {}
        # The render cache (statusgen/cache/pages.py): on when the build set a shared key.
        self.shared_key: str | None = None
        self.records: dict[str, dict] = {}  # url -> what the page was rendered from
        self.varying: dict[tuple, list | None] = {}
        self.frame_reads: dict[tuple, list] = {}
        self.frame_digests: dict[tuple, str] = {}
        self.shared_values: dict[tuple, dict] = {}  # per kind of page, the values its pages share
        self.recorders: dict[tuple, object] = {}
        self.sink = rendercache.Sink()  # what recorders saw a page read (used when caching)

    def render(self, entries, keep_until: int | None = None) -> list[_Entry]:
        """Render ``entries``, but not the pages whose records say the previous build's file is
        what they would give. With ``keep_until``, render none: keep what did not change until
        that many pages are left to render, and return those with the entries not looked at
        (each page left is looked at again when it renders: at most ``keep_until`` twice)."""
        left: list[_Entry] = []
        # A frame may leave out only the data that is the same for every page it serves: compare
        # the first page of each kind with a second one to find the data that varies.
        firsts: set[tuple[str, str | None, str]] = set()
        seconds: dict[tuple[str, str | None, str], _Entry] = {}
        for entry in entries:
            key = (entry.template, entry.block, split_url(entry.page.url)[0])
            if key in firsts:
                seconds.setdefault(key, entry)
            firsts.add(key)
        caching = self.shared_key is not None
        previous = self.pages.previous
        for index, entry in enumerate(entries):
            page = entry.page
            if entry.template not in self.templates:
                self.templates[entry.template] = self.env.get_template(entry.template)
            template = self.templates[entry.template]
            parent, slug = split_url(page.url)
            key = (entry.template, entry.block, parent)
            rel = _file_of(page.url)
            own_key = None
            checked = False  # whether the page's record was looked at already
            if caching and entry.view_key is not None and self.frames.get(key) is not None:
                own_key, checked = self._own_key(key, self.frames[key], entry, {}, {}), True
                if own_key is not None and self._unchanged(page.url, rel, own_key, self.shared_values[key]):
                    continue  # kept before its own data is even made
            own = entry.context()  # this page's own data (its incident, say)
            if key not in self.varying:
                other = seconds.get(key)  # none: a kind with one page gains nothing from a frame
                self.varying[key] = varying_names(own, other.context()) if other is not None else None
            varying = self.varying[key]
            shown = own
            if caching and varying is not None:
                # Shared objects go in behind recorders, so what a page reads of them is known.
                shown = dict(own)
                for name, value in own.items():
                    if name not in varying and rendercache.recordable(value):
                        if (name, id(value)) not in self.recorders:
                            self.recorders[(name, id(value))] = rendercache.Recorder(name, value, self.sink)
                        shown[name] = self.recorders[(name, id(value))]
            context = None
            if key not in self.frames:  # the first page of its kind: its context makes the frame
                context = self._context(page, shown)
                # Frames hold only what every page of the kind shares: the first page's is theirs.
                self.shared_values[key] = {name: value for name, value in own.items() if name not in (varying or ())}
                if caching:
                    self.sink.reads = []
                self.frames[key] = (
                    Frame.make(self.pages, template, entry.block, parent, context, varying)
                    if varying is not None
                    else None
                )
                if caching:
                    self.frame_reads[key] = self.sink.reads
            frame = self.frames[key]
            if caching and frame is not None and not checked:
                # Known unchanged before its context is made: at 10,000 pages, most of a rebuild.
                own_key = self._own_key(key, frame, entry, own, shown)
                if own_key is not None and self._unchanged(page.url, rel, own_key, own):
                    continue  # same inputs, and the previous build's file is what they gave
            if keep_until is not None:
                left.append(entry)
                if len(left) >= keep_until:  # enough for a second process: it checks the rest
                    return left + list(entries[index + 1 :])
                continue
            if context is None:
                context = self._context(page, shown)
            if caching and frame is not None:
                self.sink.reads = list(self.frame_reads[key])
            html = frame.fill(template, page, slug, context) if frame else template.render(context)
            if self.check is not None:
                self.problems.extend((page.url, problem) for problem in self.check(html, page.url))
            data = html.encode("utf-8")
            if own_key is not None:
                reads = self.sink.reads
                if all(read[4] is not None and read[0] != "unstable" for read in reads):
                    self.records[page.url] = rendercache.page_record(own_key, reads, data, rel)
            if previous is not None and _same(previous / rel, data):
                continue  # unchanged: the previous build's file is kept, not rewritten
            target = self.site_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return left

    def _context(self, page: DirectPage, shown: dict) -> dict:
        """What a page's template renders over: the build's, mkdocs' for the page, its own."""
        context = dict(self.base)
        context.update(page_context(self.pages.config, page))
        if self.navs is not None:
            context["sg_nav"] = self.navs.get(context)
        context.update(shown)
        return context

    def _own_key(self, key, frame, entry: _Entry, own: dict, shown: dict) -> str | None:
        """The digest of a page's own inputs and of the build's shared ones."""
        page, sources = entry.page, entry.sources
        try:
            if key not in self.frame_digests:  # the frame is the same for every page of its kind
                self.frame_digests[key] = rendercache.digest((self.shared_key, key, frame.before, frame.after))
            if entry.view_key is not None:
                return rendercache.digest((self.frame_digests[key], str(page.title), page.url, "view", entry.view_key))
            return rendercache.digest((
                self.frame_digests[key], str(page.title), page.url,
                sorted((name, "shared" if shown[name] is not value
                        else ("source", sources[name]) if name in sources else rendercache.stand_in(value))
                       for name, value in own.items()),
            ))  # fmt: skip
        except rendercache.Unstable:
            return None

    def _unchanged(self, url: str, rel: str, own_key: str, own: dict) -> bool:
        """Whether the page's record says it would come out as the previous build's file."""
        old = self.pages.cache.old.get(url)
        if not rendercache.holds(self.pages.previous, rel, old, own_key):
            return False
        if not rendercache.still_valid(old.get("reads") or [], own, self.sink):
            return False
        self.records[url] = old
        return True


def _file_of(url: str) -> str:
    """The file of a page URL: ``a/b/`` -> ``a/b/index.html``."""
    return f"{url}index.html" if url.endswith("/") else url


def _same(path: Path, data: bytes) -> bool:
    """Whether the regular file at ``path`` holds exactly ``data``."""
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as old:
            return old.read() == data
    except OSError:
        return False
