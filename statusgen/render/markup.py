"""People's text as HTML: Markdown converted once, then cleaned by an allowlist sanitizer.

Every piece of Markdown a person wrote (update messages, internal notes, runbooks,
postmortems) reaches a page through ``render_markdown`` or, for a document mkdocs already
converted, ``sanitize_html``. The sanitizer is nh3 (ammonia): tags and attributes outside
the allowlist are dropped, so no script, event handler, style, ``javascript:`` or ``data:``
URL survives, and every link gets ``rel="nofollow noopener"``.

People's HTML shares each page with the theme's, so nothing in it may pass for the theme's:
every ``id`` is moved into its own namespace (``user-content-``, as GitHub does: material's
script reads its settings from the first element with id ``__config``) and in-page links
follow; a ``class`` is kept only when Markdown itself makes it (admonitions, code
highlighting, footnotes, heading permalinks), so no message can draw the page's own status
banner; and no form control survives.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markupsafe import Markup

# Attributes the theme's markup needs (headings' anchors, admonitions, code highlighting,
# table alignment), on top of nh3's defaults. No "style": CSS can hide or fake content. No
# "name", and no form controls: nothing a script or the page's own controls could pick up.
_ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"class", "id", "title", "lang", "dir"}
_ATTRIBUTES.setdefault("a", set()).update({"href", "title"})
_ATTRIBUTES.setdefault("th", set()).update({"align"})
_ATTRIBUTES.setdefault("td", set()).update({"align"})
_TAGS = set(nh3.ALLOWED_TAGS) - {"input", "button", "select", "option", "textarea", "form", "label"}
_SCHEMES = {"http", "https", "mailto"}
_LINK_REL = "nofollow noopener"

# Every id in people's HTML starts with this (one that already does is left as it is), and so
# does every fragment of a relative link, so links and table-of-contents entries still meet
# their headings. Material's and statusgen's ids never do.
ID_PREFIX = "user-content-"

# The classes Markdown itself writes, by tag: admonitions (and pymdownx.details), code blocks
# (pymdownx.highlight/superfences, Python-Markdown's fenced_code and codehilite), footnotes,
# heading permalinks, a [TOC] marker. Anything else (the page's own "sg-banner", material's
# "md-button") is dropped.
_ADMONITION_TYPES = {
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success",
    "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure",
    "fail", "missing", "danger", "error", "bug", "example", "quote", "cite", "inline", "end",
}  # fmt: skip
_CODE_CLASSES = {"highlight", "codehilite", "highlighttable", "linenos", "linenodiv", "code", "filename"}
_CLASSES = {
    "div": {"admonition", "footnote", "toc", *_ADMONITION_TYPES, *_CODE_CLASSES},
    "details": {*_ADMONITION_TYPES},
    "p": {"admonition-title"},
    "a": {"headerlink", "footnote-ref", "footnote-backref"},
    "pre": _CODE_CLASSES,
    "code": _CODE_CLASSES,
    "table": _CODE_CLASSES,
    "td": _CODE_CLASSES,
    "th": {"filename"},
    "span": {"filename", "hll", "linenos", "normal", "special"},
}
_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+#.-]+")
# Pygments' token classes (pygments.token.STANDARD_TYPES), and their sub-types ("gp-VirtualEnv").
_TOKENS = {
    "bp", "c", "c1", "ch", "cm", "cp", "cpf", "cs", "dl", "err", "esc", "fm", "g", "gd", "ge", "ges", "gh",
    "gi", "go", "gp", "gr", "gs", "gt", "gu", "il", "k", "kc", "kd", "kn", "kp", "kr", "kt", "l", "ld", "m",
    "mb", "mf", "mh", "mi", "mo", "n", "na", "nb", "nc", "nd", "ne", "nf", "ni", "nl", "nn", "no", "nt", "nv",
    "nx", "o", "ow", "p", "pm", "py", "s", "s1", "s2", "sa", "sb", "sc", "sd", "se", "sh", "si", "sr", "ss",
    "sx", "vc", "vg", "vi", "vm", "w", "x",
}  # fmt: skip
_SUBTOKEN = re.compile(r"([a-z0-9]+)(?:-[A-Z][A-Za-z]*)+")
_HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _class_allowed(tag: str, name: str) -> bool:
    if name in _CLASSES.get(tag, ()):
        return True
    if tag in ("div", "pre", "code") and _LANGUAGE.fullmatch(name):
        return True
    if tag != "span":
        return False
    sub = _SUBTOKEN.fullmatch(name)
    return name in _TOKENS or (sub is not None and sub.group(1) in _TOKENS)


def own_id(value: str) -> str:
    """An id of people's HTML, in their namespace."""
    return value if value.startswith(ID_PREFIX) else ID_PREFIX + value


@lru_cache(maxsize=4096)  # a code block repeats the same few token classes hundreds of times
def _attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: ids into people's namespace, links after them, classes allowlisted."""
    if name == "id":
        return own_id(value) if value else None
    if name == "headers":  # the ids of a cell's header cells
        return " ".join(own_id(part) for part in value.split()) or None
    if name == "href":
        path, hash_, fragment = value.partition("#")
        if hash_ and fragment and not _HAS_SCHEME.match(path) and not path.startswith("//"):
            return f"{path}#{own_id(fragment)}"
        return value
    if name == "class":
        return " ".join(c for c in value.split() if _class_allowed(tag, c)) or None
    return value


# Markdown for short texts: messages and notes. Raw HTML in them is escaped by the sanitizer's
# allowlist, not trusted.
_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]


def sanitize_html(html: str) -> str:
    """Clean HTML that came from a person's Markdown, keeping only allowlisted markup."""
    return _cleaner().clean(html)


@lru_cache(maxsize=1)
def _cleaner():
    """One sanitizer, built once: building it per call costs more than the cleaning."""
    return nh3.Cleaner(
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel=_LINK_REL,
        strip_comments=True,
        attribute_filter=_attribute,
    )


@lru_cache(maxsize=8192)
def render_markdown(text: str) -> Markup:
    """``text`` (Markdown) as sanitized HTML, safe to print in an autoescaped template.

    Results are cached by content: a build renders the same message in several places. Most
    messages and notes are plain sentences; those skip the converter and the sanitizer
    (``_plain_html`` gives the converter's own output for them, which the sanitizer leaves as
    it is: a test checks both).
    """
    html = _plain_html(text)
    if html is not None:
        return Markup(html)  # only <p>, <br> and text without markup characters: nothing to clean
    converter = _converter()
    converter.reset()
    return Markup(sanitize_html(converter.convert(text)))


# A line Markdown leaves as text: no markup characters, no list, quote or heading start, no
# trailing spaces (a hard break). Hyphens, colons, digits and quotes are fine inside a line.
_PLAIN_LINE = re.compile(r"""[A-Za-z0-9("'][^\\`*_{}\[\]<>#+!|~&\t\r]*""")
_LIST_START = re.compile(r"\d+[.)]\s")
_BLANK = re.compile(r"\n[ \t]*\n\s*")


def _plain_html(text: str) -> str | None:
    """The HTML of Markdown ``text`` that is plain paragraphs (lines kept, as nl2br does), or
    None when it has anything else and needs the converter."""
    paragraphs = []
    for paragraph in _BLANK.split(text.strip("\n")):
        lines = paragraph.split("\n")
        for line in lines:
            if not _PLAIN_LINE.fullmatch(line) or line.endswith(" ") or _LIST_START.match(line):
                return None
        paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "\n".join(paragraphs)


@lru_cache(maxsize=1024)
def render_prose(text: str) -> Markup:
    """Like ``render_markdown`` for prose people hard-wrap (a postmortem's public summary):
    a single line break does not break the line, as in any Markdown document."""
    converter = _converter(prose=True)
    converter.reset()
    return Markup(sanitize_html(converter.convert(text)))


@lru_cache(maxsize=2)
def _converter(prose: bool = False):
    """One Python-Markdown converter, reused (building one costs far more than a reset)."""
    import markdown

    extensions = [e for e in _EXTENSIONS if not (prose and e == "nl2br")]
    return markdown.Markdown(extensions=extensions, output_format="html")
