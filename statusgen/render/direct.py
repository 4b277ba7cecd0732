"""Pages statusgen renders itself: the thousands of incident pages, outside mkdocs' page pipeline.

mkdocs turns every page into Markdown, a ``Page``, a search entry and a full navigation menu;
for one page per incident that is most of a build. Here a page is a template from the theme
(through mkdocs' own Jinja environment, so a team's ``overrides/`` still wins and every filter
is there) rendered over a view with the same context mkdocs would give it, and written straight
to ``site_dir``. The sidebar navigation is rendered once per directory depth and reused
(``statusgen/nav.html``). The pages are added to ``sitemap.xml`` (``sitemap_pages``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

NAV_TEMPLATE = "statusgen/nav.html"


@dataclass
class DirectPage:
    """What material's templates read from ``page``, for a page mkdocs does not build."""

    title: Markup  # escaped: material's templates print it as it is
    url: str  # site-relative, like "incidents/2026-11-22-api-latency/"
    canonical_url: str | None = None
    abs_url: str | None = None
    update_date: str = ""
    meta: dict = field(default_factory=dict)
    toc: tuple = ()
    content: str = ""
    is_homepage: bool = False
    is_link: bool = False
    is_page: bool = True
    is_section: bool = False
    active: bool = False
    previous_page = None
    next_page = None
    parent = None
    edit_url = None

    @property
    def page(self):  # sitemap.xml iterates files and reads ``file.page``
        return self


@dataclass
class _Entry:
    page: DirectPage
    template: str
    context: Callable[[], dict]  # called at render time, so views are built one page at a time
    block: str | None  # the template's own block (see Frame)


class DirectPages:
    """The directly rendered pages of one build: ``add`` them, then ``write`` them after mkdocs."""

    def __init__(self, mkdocs_config):
        from mkdocs.utils import get_build_date

        self.config = mkdocs_config
        self.site_url = (mkdocs_config.get("site_url") or "").rstrip("/")
        self.date = get_build_date()
        self.entries: list[_Entry] = []
        self.urls: set[str] = set()
        self.problems: list[tuple[str, str]] = []  # (url, what check() found), after write()
        # The previous build of this site (set by `statusgen build`): a page whose bytes are the
        # same there is not written again; the build keeps the old file (see build._commit).
        self.previous: Path | None = None
        # What each page was rendered from (statusgen/cache/pages.py), with ``previous``.
        self.cache = None
        # Under `statusgen serve` mkdocs empties the site before each rebuild, so a page kept
        # from ``previous`` (a copy of the last rebuild's pages) is linked into the site.
        self.link_kept = False

    def add(
        self, url: str, title: str, template: str, context: Callable[[], dict], block: str | None = None
    ) -> DirectPage:
        """Register a page at ``url`` (``a/b/``), rendered from ``template`` over ``context()``;
        ``block`` names the block that holds what is the page's own (see ``Frame``)."""
        page = DirectPage(title=escape(title), url=url, update_date=self.date)
        if self.site_url:
            page.canonical_url = f"{self.site_url}/{url}"
            page.abs_url = "/" + "/".join(page.canonical_url.split("/")[3:])
        self.entries.append(_Entry(page, template, context, block))
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
            renderer.shared_key = self._shared_key(base, extra)
        self.problems = renderer.problems
        entries = self.entries
        # No fork beside other threads (`statusgen serve`'s server): a child could inherit a held lock.
        alone = threading.active_count() == 1
        if len(entries) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork") or not alone:
            renderer.render(entries)
            if self.cache is not None:
                self.cache.new.update(renderer.records)
            return len(entries)
        half = len(entries) // 2
        first, second = entries[:half], entries[half:]
        sys.stdout.flush()
        sys.stderr.flush()
        reader, writer = os.pipe()  # the child's check results come back through it
        pid = os.fork()
        if pid == 0:  # the child: render its half, then leave without running the parent's exit code
            code = 1
            try:
                os.close(reader)
                renderer.render(second)
                with open(writer, "w", encoding="utf-8") as out:
                    json.dump({"problems": renderer.problems, "records": renderer.records}, out)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        os.close(writer)
        try:
            renderer.render(first)
        finally:
            with open(reader, encoding="utf-8") as back:
                found = back.read()  # read before waiting: a full pipe would block the child
            _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            renderer.render(second)  # the child failed: render its half here (and raise its error)
        elif found:
            back = json.loads(found)
            renderer.problems.extend(tuple(item) for item in back["problems"])
            renderer.records.update(back["records"])
        if self.cache is not None:
            self.cache.new.update(renderer.records)
        return len(entries)

    def _shared_key(self, base: dict, extra: dict | None) -> str | None:
        """Everything the pages of this build share, as one digest (statusgen/cache/pages.py)."""
        from statusgen.cache import pages as rendercache

        try:
            code, dated = rendercache.code_digest(self.config.theme.dirs)
            config_file = Path(self.config.config_file_path).read_bytes()
            return rendercache.digest((
                rendercache.FORMAT, code, rendercache.file_digest(config_file), self.site_url,
                sorted((extra or {}).items()), nav_links(base.get("nav")),
                (os.environ.get("SOURCE_DATE_EPOCH"), self.date) if dated else None,
            ))  # fmt: skip
        except (rendercache.Unstable, OSError, TypeError):
            return None


# Below this many pages a second process costs more than it saves.
PARALLEL_FROM = 2000


class _Renderer:
    """Renders entries to files; one per process (frames and templates are cached per process)."""

    def __init__(self, pages: DirectPages, env, base: dict, site_dir: Path, with_nav: bool, check=None):
        self.pages, self.env, self.base, self.site_dir = pages, env, base, site_dir
        self.check = check
        self.problems: list[tuple[str, str]] = []
        self.navs = NavFragments(env) if with_nav else None
        self.templates: dict[str, object] = {}
        self.frames: dict[tuple, Frame | None] = {}
        # The render cache (statusgen/cache/pages.py): on when the build set a shared key.
        self.shared_key: str | None = None
        self.records: dict[str, dict] = {}  # url -> what the page was rendered from
        self.varying: dict[tuple, list | None] = {}
        self.frame_reads: dict[tuple, list] = {}
        self.frame_digests: dict[tuple, str] = {}
        self.recorders: dict[tuple, object] = {}
        self.sink = None

    def render(self, entries) -> None:
        # A frame may leave out only the data that is the same for every page it serves: compare
        # the first page of each kind with a second one to find the data that varies.
        firsts, seconds = set(), {}
        for entry in entries:
            key = (entry.template, entry.block, _split(entry.page.url)[0])
            if key in firsts:
                seconds.setdefault(key, entry)
            firsts.add(key)
        from statusgen.cache import pages as rendercache

        caching = self.shared_key is not None
        if caching and self.sink is None:
            self.sink = rendercache.Sink()
        for entry in entries:
            page = entry.page
            if entry.template not in self.templates:
                self.templates[entry.template] = self.env.get_template(entry.template)
            template = self.templates[entry.template]
            context = dict(self.base)
            context.update(_page_context(self.pages.config, page))
            if self.navs is not None:
                context["sg_nav"] = self.navs.get(context)
            own = entry.context()  # this page's own data (its incident, say)
            parent, slug = _split(page.url)
            key = (entry.template, entry.block, parent)
            if key not in self.varying:
                other = seconds.get(key)  # none: a kind with one page gains nothing from a frame
                self.varying[key] = _varying(own, other.context()) if other is not None else None
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
            context.update(shown)
            if key not in self.frames:
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
            rel = _file_of(page.url)
            previous = self.pages.previous
            own_key = None
            if caching and frame is not None:
                own_key = self._own_key(key, frame, page, own, shown)
                if own_key is not None and self._unchanged(page.url, rel, own_key, own):
                    self._keep(rel)
                    continue  # same inputs, and the previous build's file is what they gave
                self.sink.reads = list(self.frame_reads[key])
            html = frame.fill(template, page, slug, context) if frame else template.render(context)
            if self.check is not None:
                self.problems.extend((page.url, problem) for problem in self.check(html, page.url))
            data = html.encode("utf-8")
            if own_key is not None:
                reads = self.sink.reads
                if all(read[4] is not None and read[0] != "unstable" for read in reads):
                    self.records[page.url] = {"own": own_key, "reads": reads, "out": rendercache.file_digest(data)}
            if previous is not None and _same(previous / rel, data):
                self._keep(rel)
                continue  # unchanged: the previous build's file is kept, not rewritten
            target = self.site_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def _keep(self, rel: str) -> None:
        """A page the previous build already holds: `statusgen build` leaves it where it is
        (build._commit); under `statusgen serve` it is linked into the emptied site."""
        if self.pages.link_kept:
            place(self.pages.previous / rel, self.site_dir / rel)

    def _own_key(self, key, frame, page, own: dict, shown: dict) -> str | None:
        """The digest of a page's own inputs and of the build's shared ones."""
        from statusgen.cache import pages as rendercache

        try:
            if key not in self.frame_digests:  # the frame is the same for every page of its kind
                self.frame_digests[key] = rendercache.digest((self.shared_key, key, frame.before, frame.after))
            return rendercache.digest((
                self.frame_digests[key], str(page.title), page.url,
                sorted((name, "shared" if shown[name] is not value else value) for name, value in own.items()),
            ))  # fmt: skip
        except rendercache.Unstable:
            return None

    def _unchanged(self, url: str, rel: str, own_key: str, own: dict) -> bool:
        """Whether the page's record says it would come out as the previous build's file."""
        from statusgen.cache import pages as rendercache

        if self.pages.previous is None:
            return False
        old = self.pages.cache.old.get(url)
        if not isinstance(old, dict) or old.get("own") != own_key:
            return False
        if not rendercache.still_valid(old.get("reads") or [], own, self.sink):
            return False
        try:
            with open(self.pages.previous / rel, "rb") as existing:
                if rendercache.file_digest(existing.read()) != old.get("out"):
                    return False
        except OSError:
            return False
        self.records[url] = old
        return True


def place(source: Path, target: Path) -> None:
    """Put the file ``source`` at ``target`` as a hard link (a copy across filesystems)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


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


# Stand-ins for what differs between pages that share a frame: the title, the last part of the
# URL (canonical link) and the page's own block.
_TITLE = "sg0frame0title"
_SLUG = "sg0frame0slug"
_BODY = "sg0frame0body"


class Frame:
    """Everything of a page around its own block, rendered once for all pages of one template
    in one directory (links are relative, so they are the same for all of them).

    The template is rendered with stand-ins for the title and URL and with ``sg_frame`` set,
    which the statusgen templates print instead of their page block. Each page then renders
    only that block (``article`` or ``status_content``) and the stand-ins are replaced. When a
    team's template does not follow that shape, pages are rendered whole: slower, same output.
    """

    block: str = ""

    def __init__(self, html: str, variables: dict):
        self.before, self.after = html.split(_BODY)
        self.variables = variables  # what the template's top level set (imports such as ``sg``)

    @classmethod
    def make(cls, pages: DirectPages, template, block: str | None, parent: str, context: dict, own=()):
        """The frame of ``template`` for pages in ``parent``, or None when pages must be rendered
        whole: when the template has no such block, or prints outside it any of the page's own
        data (``own``: a team's override with a per-incident meta tag, say)."""
        if not block or block not in template.blocks:
            return None
        # Markup: fixed placeholder words of ours; fill() swaps in the page's title, which add()
        # escaped, and its slug, made from an id the loader allows only [a-z0-9-] in.
        stand_in = DirectPage(title=Markup(_TITLE), url=f"{parent}{_SLUG}/", update_date=pages.date)
        if pages.site_url:
            stand_in.canonical_url = f"{pages.site_url}/{stand_in.url}"
        values = dict(context)
        values.update(_page_context(pages.config, stand_in))
        values.update(dict.fromkeys(own, _PAGE_ONLY))
        values["sg_frame"] = Markup(_BODY)  # a fixed placeholder of ours, replaced by the rendered block
        jinja_context = template.new_context(values)
        try:
            html = "".join(template.root_render_func(jinja_context))
        except _PageData:
            return None
        if html.count(_BODY) != 1:
            return None
        frame = cls(html, dict(jinja_context.vars))
        frame.block = block
        return frame

    def fill(self, template, page: DirectPage, slug: str, context: dict) -> str:
        values = dict(self.variables)
        values.update(context)
        body = "".join(template.blocks[self.block](template.new_context(values)))
        title = str(page.title)
        return (
            self.before.replace(_TITLE, title).replace(_SLUG, slug)
            + body
            + self.after.replace(_TITLE, title).replace(_SLUG, slug)
        )


def _varying(first: dict, second: dict) -> list[str]:
    """The names whose values differ between two pages' own data."""

    def same(a, b) -> bool:
        try:
            return a is b or bool(a == b)
        except Exception:
            return False

    missing = object()
    return [
        name for name in first.keys() | second.keys() if not same(first.get(name, missing), second.get(name, missing))
    ]


class _PageData(Exception):
    """The frame touched a page's own data: it cannot be shared."""


class _PageOnly:
    """Stands in for a page's own data while a frame is rendered: any use of it stops the frame."""

    def _refuse(self, *args, **kwargs):
        raise _PageData

    __getattr__ = __getitem__ = __str__ = __html__ = __bool__ = __iter__ = __len__ = __eq__ = _refuse
    __hash__ = object.__hash__


_PAGE_ONLY = _PageOnly()


def _split(url: str) -> tuple[str, str]:
    """``a/b/c/`` -> (``a/b/``, ``c``)."""
    parent, _, slug = url.rstrip("/").rpartition("/")
    return (parent + "/" if parent else ""), slug


class NavFragments:
    """The navigation sidebar of pages outside the navigation, rendered once per directory depth."""

    def __init__(self, env):
        self.env = env
        self.cache: dict[str, Markup] = {}

    def get(self, context) -> Markup:
        depth = context["base_url"]
        if depth not in self.cache:
            values = dict(context)
            values["sg_nav_links"] = nav_links(context.get("nav"))
            # Rendered by an autoescaped statusgen template from material's partials: markup.
            self.cache[depth] = Markup(self.env.get_template(NAV_TEMPLATE).render(values))
        return self.cache[depth]


def nav_links(nav) -> list[tuple[str, str]]:
    """(title, URL) of each top-level navigation entry; a section leads to its first page."""
    links = []
    for item in getattr(nav, "items", None) or []:
        target = item
        while getattr(target, "children", None):
            target = target.children[0]
        url = getattr(target, "url", None)
        if url is not None:
            links.append((item.title, url))
    return links


def _page_context(config, page: DirectPage) -> dict:
    from mkdocs.utils import get_relative_url, normalize_url

    base_url = get_relative_url(".", page.url)
    return {
        "page": page,
        "base_url": base_url,
        "extra_css": [normalize_url(path, page, base_url) for path in config.extra_css],
        "extra_javascript": [normalize_url(str(s), page, base_url) for s in config.extra_javascript],
    }
