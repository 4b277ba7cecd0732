"""The Content-Security-Policy of every page of both sites, written into the page as a
``<meta http-equiv>`` (a static site sets no headers of its own).

Scripts run only from the site's own files and the theme's few inline scripts, each allowed
by its sha256. Those hashes are taken from the theme's own partials, rendered with the page's
context by ``statusgen/csp.html`` (the same templates, in the same context, print the scripts
further down the page), never from the page itself: an inline script that reached a page any
other way, or an event handler attribute, does not run.
"""

from __future__ import annotations

import base64
import hashlib
import re

from markupsafe import Markup

from statusgen.core.model import SITES

# <script> elements with no src whose type (if any) is JavaScript, and <style> elements.
_SCRIPT = re.compile(r"<script(?P<attrs>\s[^>]*)?>(?P<body>.*?)</script\s*>", re.S | re.I)
_STYLE = re.compile(r"<style(?:\s[^>]*)?>(?P<body>.*?)</style\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}

# Both sites: nothing from other hosts, no plugins, no <base> to move relative URLs, no form
# posting anywhere (the only form, material's search box, is handled by its script). Images
# may be data: URLs: material's stylesheet draws its icons with them.
_COMMON = ("default-src 'self'", "img-src 'self' data:", "object-src 'none'", "base-uri 'none'", "form-action 'none'")
# Material's bundle runs the internal site's search in a worker loaded from the site's files.
_EXTRA = {"public": (), "internal": ("worker-src 'self'",)}


def inline_hashes(html: str) -> tuple[list[str], list[str]]:
    """The CSP sources (``'sha256-...'``) of the inline scripts and of the <style> elements in
    ``html``, in order, without repeats."""
    scripts: list[str] = []
    for match in _SCRIPT.finditer(html):
        attrs = match.group("attrs") or ""
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind.group(1).lower() if kind else "") not in _JS_TYPES:
            continue  # a file (covered by 'self') or data such as material's __config
        _add(scripts, _source(match.group("body")))
    styles: list[str] = []
    for match in _STYLE.finditer(html):
        _add(styles, _source(match.group("body")))
    return scripts, styles


def policy(site: str, theme_html: str) -> Markup:
    """The policy of a page of ``site`` whose theme prints the inline scripts and styles of
    ``theme_html`` (see statusgen/csp.html)."""
    if site not in SITES:
        raise ValueError(f"no policy for a site named {site!r}")
    scripts, styles = inline_hashes(str(theme_html))
    directives = [
        _COMMON[0],
        " ".join(["script-src 'self'", *scripts]),
        # No style attribute or <style> of people's survives the sanitizer; the theme's
        # stylesheets are files, and any <style> it prints is allowed by its hash.
        " ".join(["style-src 'self'", *styles]),
        *_COMMON[1:],
        *_EXTRA[site],
    ]
    # Markup: directive words and base64 digests, no quote, "<" or "&" among them.
    return Markup("; ".join(directives))


def _source(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def jinja_filter(site: str):
    """The ``sg_csp`` filter statusgen/csp.html calls: the policy of a page of ``site``.
    `statusgen serve` keeps it: its live reload script is a file of the server's own
    (statusgen/render/serve.py), which ``script-src 'self'`` allows."""

    def sg_csp(theme_html) -> Markup:
        return policy(site, theme_html)

    return sg_csp
