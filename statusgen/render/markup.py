"""People's text as HTML: Markdown converted once, then cleaned by an allowlist sanitizer.

Every piece of Markdown a person wrote (update messages, internal notes, runbooks,
postmortems) reaches a page through ``render_markdown`` or, for a document mkdocs already
converted, ``sanitize_html``. The sanitizer is nh3 (ammonia): tags and attributes outside
the allowlist are dropped, so no script, event handler, style, ``javascript:`` or ``data:``
URL survives, and every link gets ``rel="nofollow noopener"``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markupsafe import Markup

# Attributes the theme's markup needs (headings' anchors, admonitions, code highlighting,
# table alignment), on top of nh3's defaults. No "style": CSS can hide or fake content.
_ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"class", "id", "title", "lang", "dir"}
_ATTRIBUTES.setdefault("a", set()).update({"href", "title"})
_ATTRIBUTES.setdefault("th", set()).update({"align"})
_ATTRIBUTES.setdefault("td", set()).update({"align"})
_TAGS = set(nh3.ALLOWED_TAGS) | {"input", "label"}  # task lists ("- [x] done")
_ATTRIBUTES["input"] = {"type", "checked", "disabled"}
_SCHEMES = {"http", "https", "mailto"}
_LINK_REL = "nofollow noopener"

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
