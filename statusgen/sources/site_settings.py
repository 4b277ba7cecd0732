"""mkdocs.yml's own settings that reach a page, a link, a feed or a message (site_url, repo_url,
extra.homepage, extra.social, the site's texts): each checked for its kind, with its line,
before anything prints it; and the language the sites are written in. ``url_problem`` is the one rule for every URL people give."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import yaml

from statusgen.core.language import PSEUDO, SHIPPED, SOURCE, language_code
from statusgen.core.text import FORBIDDEN, describe
from statusgen.sources.checker import Entry, Fields, FileCheck, scalar

# What a URL printed into an HTML attribute, a feed, a webhook or a Slack message never holds:
# quotes and angle brackets end the attribute or open a tag, browsers read a backslash as '/',
# and whitespace or a control character splits it. Each has a percent-encoded form (%22...).
_URL_UNSAFE = re.compile(r"""[\s"'`<>\\]""")
WEB_SCHEMES = ("https", "http")
URL_EXAMPLE = "https://status.example.com/"
# mkdocs.yml's own texts that reach a page: the text rule (core/text.py) applies to each.
SITE_TEXTS = ("site_name", "site_description", "site_author", "copyright", "repo_name")


def url_problem(value: str, what: str, *, mail: bool = False, relative: bool = False) -> str | None:
    """Why ``value`` may not be printed as a link (``what`` names it), or None. The one rule for
    every URL statusgen takes from people: mkdocs.yml's and ``statusgen init --site-url``.

    A URL parses, has an http(s) scheme (``mailto:`` too when ``mail``) and a host (an address
    for mailto:), and holds no quotes, angle brackets, backslashes, whitespace or control
    characters. ``relative``: a link without a scheme (``edit/main/``, ``/``) is fine too.
    """
    schemes = (*WEB_SCHEMES, "mailto") if mail else WEB_SCHEMES
    prefixes = [f"{s}:" if s == "mailto" else f"{s}://" for s in schemes]
    starts = ", ".join(prefixes[:-1]) + " or " + prefixes[-1]
    expected = f"expected an address like {URL_EXAMPLE}" + (" or mailto:help@example.com" if mail else "")
    bad = _URL_UNSAFE.search(value) or FORBIDDEN.search(value)
    if bad is not None:
        char = bad.group()
        if FORBIDDEN.match(char):
            shown = describe(char)
        elif char.isspace() and char != " ":
            shown = f"U+{ord(char):04X} (whitespace)"
        else:
            shown = repr(char)
        return f"{what} contains {shown}, which a URL never holds (percent-encode it, like %22 for a quote); {expected}"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        return f"{what} '{value}' is not a valid URL ({exc}); {expected}"
    scheme = parts.scheme.lower()
    if not scheme:
        if relative and not value.startswith("//"):
            return None
        return f"{what} must start with {starts}; {expected}"
    if scheme not in schemes:
        return f"{what} must start with {starts}, not {scheme}:; {expected}"
    if scheme == "mailto":
        return None if "@" in parts.path else f"{what} '{value}' names no address after mailto:; {expected}"
    if not parts.hostname:
        return f"{what} '{value}' has no host; {expected}"
    return None


def check_site_settings(check: FileCheck, top: Fields) -> None:
    """Check mkdocs.yml's own settings that reach a page: the URLs (site_url, repo_url, edit_uri,
    extra.homepage, extra.social and extra.alternate links) by the URL rule, the texts by the text
    rule. mkdocs and material print several of them into pages as they are."""
    for key in SITE_TEXTS:
        if key in top and not _is_null(top[key][1]):
            check.text(top[key][1], key, allow_empty=True)
    repo_name = scalar(top, "repo_name")
    if repo_name and ("<" in repo_name or ">" in repo_name):  # material prints it raw (partials/source.html)
        check.error(top["repo_name"][1], "repo_name holds '<' or '>'; expected a plain name, like acme/status")
    for key, relative in (("site_url", False), ("repo_url", False), ("edit_uri", True)):
        if key in top and not _is_null(top[key][1]):
            _url(check, top[key][1], key, relative=relative)
    extra = top.get("extra")
    if extra is None or not isinstance(extra[1], yaml.MappingNode):
        return
    fields = {k.value: (k, v) for k, v in extra[1].value if isinstance(k, yaml.ScalarNode)}
    if "homepage" in fields and not _is_null(fields["homepage"][1]):
        _url(check, fields["homepage"][1], "extra.homepage", relative=True)
    if "social" in fields and not _is_null(fields["social"][1]):
        for item in check.sequence(fields["social"][1], "extra.social") or []:
            entry = check.mapping(item, "an extra.social entry")
            if entry is None:
                continue
            if "link" not in entry:
                check.error(item, "an extra.social entry has no 'link'; expected link: https://...")
                continue
            _url(check, entry["link"][1], "extra.social link", mail=True)
            for key in ("name", "icon"):
                if key in entry:
                    check.text(entry[key][1], f"extra.social {key}")
    if "alternate" in fields and not _is_null(fields["alternate"][1]):  # material: <link rel="alternate">
        for item in check.sequence(fields["alternate"][1], "extra.alternate") or []:
            entry = check.mapping(item, "an extra.alternate entry") or {}
            if "link" in entry:
                _url(check, entry["link"][1], "extra.alternate link", relative=True)
            lang = check.text(entry["lang"][1], "extra.alternate lang") if "lang" in entry else None
            if lang and not re.fullmatch(r"[A-Za-z0-9_-]+", lang):
                check.error(
                    entry["lang"][1], "extra.alternate lang must be a language code; expected one like en or pt-BR"
                )


def _url(check: FileCheck, node: yaml.Node, what: str, *, mail: bool = False, relative: bool = False) -> None:
    value = check.text(node, what, allow_empty=True)
    if value:
        problem = url_problem(value, what, mail=mail, relative=relative)
        if problem is not None:
            check.error(node, problem)


def _is_null(node: yaml.Node) -> bool:
    return node.tag == "tag:yaml.org,2002:null"


def site_language(check: FileCheck, top: Fields, entry: Entry | None) -> str:
    """The shipped language the sites are written in: the option, else theme.language, else English."""
    shipped = ", ".join((*SHIPPED, PSEUDO))
    if entry is not None:
        text = check.text(entry[1], "language")
        code = language_code(text) if text else None
        if text and code is None:
            check.error(entry[1], f"language '{text}' has no catalog in statusgen; expected one of {shipped}")
        return code or SOURCE
    node = top["theme"][1] if "theme" in top else None
    theme = check.mapping(node, "theme") if isinstance(node, yaml.MappingNode) else None
    text = scalar(theme, "language") if theme else None
    code = language_code(text) if text else SOURCE
    if text and code is None and theme:
        check.warn(
            theme["language"][1],
            f"theme.language '{text}' has no statusgen catalog, so statusgen's words stay English; "
            f"expected one of {shipped} (or set the statusgen plugin's language option)",
        )
    return code or SOURCE
