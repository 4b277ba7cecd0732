"""Nothing from third-party hosts: the config checks and the page guard behind that promise.

A status page must load when everything else is down, and must not tell another company who
reads it. Two layers keep it so, whatever a team writes in mkdocs.yml or ``overrides/``:

- ``config_problems`` (run by ``load_config``, so by ``validate`` and ``build``): the theme must
  be material, ``custom_dir`` must exist, and no option may name an asset on another host
  (``extra_css``, ``extra_javascript``, ``extra.polyfills``, ``theme.logo``/``favicon``) or an
  analytics provider. Theme fonts (Google Fonts unless ``font: false``) are not an error: the
  plugin turns them off on both sites (see plugin.py), since that is what a status page needs.
- ``external_loads``: the plugin scans every rendered public page for a tag that would load
  from another host (a script, a stylesheet, an image, a frame, a preconnect...) and fails the
  build naming the page and the URL. That catches what an override adds by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from statusgen.sources.checker import Fields, FileCheck

# Tags and attributes through which a browser fetches something while showing the page.
_TAG = re.compile(r"<(script|link|img|iframe|frame|source|video|audio|embed|object|track|input)\b([^>]*)>", re.I)
_ATTR = re.compile(r"""\s(src|href|srcset|data|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_REL = re.compile(r"""\srel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
# <link rel=...> values that make the browser fetch (canonical, alternate, me... are only links).
_LOADING_RELS = {
    "stylesheet", "preconnect", "preload", "prefetch", "dns-prefetch", "modulepreload", "icon",
    "shortcut", "apple-touch-icon", "manifest", "prerender",
}  # fmt: skip
# Just before the '//' of a URL in CSS: ``url("https:`` or ``@import '``.
_CSS_BEFORE = re.compile(r"""(?:url\(|@import)\s*(?:url\()?\s*['"]?\s*(?:[a-z][a-z0-9+.-]*:)?$""", re.I)
_CSS_URL_AT = re.compile(r"""[a-z0-9+.-]*:?//[^'")\s;]*""", re.I)
_ABSOLUTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def is_external(url: str, own_hosts: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether ``url`` points at another host (``https://x``, ``//x``); relative URLs are local."""
    if not _ABSOLUTE.match(url or ""):
        return False
    text = url.strip()
    host = urlsplit(text if not text.startswith("//") else "https:" + text).hostname
    return host not in own_hosts


def external_loads(html: str, own_hosts: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """What in one rendered page would load from another host: ``<tag attr> URL`` strings.

    Anything on another host has a ``//`` in it, and a page has few: one pass finds them, and
    only the tag (or CSS ``url(``/``@import``) around each is read in full (a public build
    scans every page, so this must stay cheap).
    """
    found = []
    tags = set()
    pos = html.find("//")
    while pos != -1:
        before = html[max(0, pos - 24) : pos]
        css = _CSS_BEFORE.search(before)
        if css:
            scheme = before[len(before.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-:")) :]
            at = _CSS_URL_AT.match(html, pos)
            assert at is not None  # its pattern matches any '//', and html has one at pos
            url = scheme + at.group(0)
            if is_external(url, own_hosts):
                found.append(f"style {url}")
        else:
            tags.add(html.rfind("<", 0, pos))
        pos = html.find("//", pos + 2)
    tags.discard(-1)
    for start in sorted(tags):
        match = _TAG.match(html, start)
        if match is None:
            continue
        tag, attrs = match.group(1).lower(), match.group(2)
        if tag == "link":
            rel = _REL.search(attrs)
            rels = set((next(g for g in rel.groups() if g is not None) if rel else "").lower().split())
            if not rels & _LOADING_RELS:
                continue
        for attr in _ATTR.finditer(attrs):
            name = attr.group(1).lower()
            value = next((g for g in attr.groups()[1:] if g is not None), "")
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
            found.extend(f"<{tag} {name}> {url}" for url in urls if is_external(url, own_hosts))
    return found


def config_problems(check: FileCheck, top: Fields, root: Path) -> None:
    """Record, on ``check``, every setting of mkdocs.yml that would break the public site's
    promise (or its build): see the module docstring."""
    theme = top.get("theme")
    theme_fields: Fields = {}
    if theme is None:
        check.error(1, "no 'theme'; statusgen's pages build on mkdocs-material: expected theme: {name: material}")
    elif isinstance(theme[1], yaml.MappingNode):
        theme_fields = {k.value: (k, v) for k, v in theme[1].value if isinstance(k, yaml.ScalarNode)}
        name = theme_fields.get("name")
        if name is None or _text(name[1]) != "material":
            where = name[1] if name else theme[0]
            check.error(where, "theme name must be 'material'; statusgen's pages build on mkdocs-material")
    elif _text(theme[1]) != "material":
        check.error(theme[1], "theme must be material; expected theme: {name: material}")
    if "custom_dir" in theme_fields:
        node = theme_fields["custom_dir"][1]
        custom = _text(node)
        if custom and not (root / custom).is_dir():
            check.error(
                node,
                f"theme.custom_dir '{custom}' does not exist; create the folder (your overrides of the "
                "packaged theme) or remove custom_dir",
            )
    for key in ("logo", "favicon"):
        if key in theme_fields and is_external(_text(theme_fields[key][1]) or ""):
            check.error(
                theme_fields[key][1],
                f"theme.{key} is on another host; the status page loads nothing from other hosts: "
                f"expected a file in the repository, like assets/{key}.png",
            )
    for key in ("extra_css", "extra_javascript"):
        if key in top and isinstance(top[key][1], yaml.SequenceNode):
            for item in top[key][1].value:
                _check_asset(check, item, key)
    extra = top.get("extra")
    if extra is not None and isinstance(extra[1], yaml.MappingNode):
        for key_node, value in extra[1].value:
            if getattr(key_node, "value", None) == "polyfills" and isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    _check_asset(check, item, "extra.polyfills")
            elif getattr(key_node, "value", None) == "analytics" and value.tag != "tag:yaml.org,2002:null":
                check.error(
                    key_node,
                    "extra.analytics loads a third-party script on the status page; remove it "
                    "(count visits from your web server's logs instead)",
                )


def _check_asset(check: FileCheck, item: yaml.Node, what: str) -> None:
    node = item
    if isinstance(item, yaml.MappingNode):
        node = next((v for k, v in item.value if getattr(k, "value", None) == "path"), item)
    url = _text(node) or ""
    if is_external(url):
        check.error(
            node,
            f"{what} entry '{url}' is on another host; the status page loads nothing from other hosts: "
            "expected a file in the repository (docs/assets/...)",
        )


def _text(node: yaml.Node) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    value: str = node.value
    return value
