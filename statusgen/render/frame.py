"""The frame of a directly rendered page: everything around its own block, rendered once for
all pages of one template in one directory; and the page object and context material's
templates expect (statusgen/render/direct.py renders the pages).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

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
    def make(cls, pages, template, block: str | None, parent: str, context: dict, own=()):
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
        values.update(page_context(pages.config, stand_in))
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


def varying_names(first: dict, second: dict) -> list[str]:
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


def split_url(url: str) -> tuple[str, str]:
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


def page_context(config, page: DirectPage) -> dict:
    from mkdocs.utils import get_relative_url, normalize_url

    base_url = get_relative_url(".", page.url)
    return {
        "page": page,
        "base_url": base_url,
        # A DirectPage stands in for mkdocs' Page here: normalize_url reads only its ``url``.
        "extra_css": [normalize_url(path, page, base_url) for path in config.extra_css],  # type: ignore[arg-type]
        "extra_javascript": [
            normalize_url(str(s), page, base_url)  # type: ignore[arg-type]
            for s in config.extra_javascript
        ],
    }
