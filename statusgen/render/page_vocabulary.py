"""What the public pages can contain, read from the source of the templates that render them.

``template_sources`` follows extends, include and import through the theme's folders (the
team's ``custom_dir``, statusgen's theme, material's templates), leaving out the blocks a child
replaces; ``vocabulary`` collects the class names, elements, ids and attribute names those
sources can write, plus what the sanitizer lets people's Markdown write (``markup``). A class
written partly in Jinja (``sg-bar--{{ day.worst }}``) keeps every class starting with its
literal part; a class attribute that is all Jinja makes every string literal of that template a
class. ``stylesheet.reduce`` drops the CSS rules that name anything outside it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from statusgen.render import markup


@dataclass(frozen=True)
class Vocabulary:
    """What the pages can contain; a name outside it matches nothing on them."""

    classes: frozenset[str] = frozenset()
    class_prefixes: tuple[str, ...] = ()  # from classes written partly in Jinja
    elements: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    id_prefixes: tuple[str, ...] = ()
    attributes: frozenset[str] = frozenset()
    variables: frozenset[str] = frozenset()  # custom properties read outside the reduced CSS
    # Attributes whose every value is known (the palette's schemes and colours, from mkdocs.yml):
    # ``[name=value]`` with another value matches nothing. An attribute not here matches any value.
    values: tuple[tuple[str, frozenset[str]], ...] = ()

    def has_class(self, name: str) -> bool:
        return name in self.classes or name.startswith(self.class_prefixes)

    def has_id(self, name: str) -> bool:
        return name in self.ids or name.startswith(self.id_prefixes)

    def has_value(self, attribute: str, value: str) -> bool:
        return all(value in known for name, known in self.values if name == attribute)


# -- what the templates can write ---------------------------------------------------------------

_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_HELD = "\U000f0000"  # Jinja parts are held out of the markup as one private-use character each
_HELD_CHAR = re.compile("[\U000f0000-\U000fffff]")
_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTR = re.compile(r"([^\s\"'=<>/\U000f0000-\U000fffff]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
_LITERAL = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'")
_NAME = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")
CSS_VARIABLE = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
# Markup the pages' own scripts add (status-scripts.html's time-zone button, say).
_CREATED = re.compile(r"createElement\(\s*[\"']([A-Za-z][A-Za-z0-9-]*)[\"']")
_CLASS_SET = re.compile(r"className\s*=\s*[\"']([^\"']*)[\"']|classList\.(?:add|toggle)\(([^)]*)\)")
_ATTR_SET = re.compile(r"setAttribute\(\s*[\"']([A-Za-z][\w-]*)[\"']")
# material's icons (``{% include ".icons/" ~ icon ~ ".svg" %}``) are <svg><path .../></svg>.
_SVG_INCLUDE = re.compile(r"\{%-?\s*(?:include|import)\b[^%]*\.svg", re.S)


def _literals(jinja: str) -> list[str]:
    """The words of every string literal in a piece of Jinja."""
    return [w for m in _LITERAL.finditer(jinja) for w in (m.group(1) or m.group(2) or "").split() if _NAME.fullmatch(w)]


def _tokens(value: str, held: list[str], exact: set[str], prefixes: set[str]) -> bool:
    """Class or id tokens of an attribute value with Jinja held out; False when a token is all
    Jinja with no literal to go by (a class chosen by a variable)."""
    known = True
    for token in value.split():
        pieces = re.split(f"({_HELD_CHAR.pattern})", token)
        if len(pieces) == 1:
            exact.add(token)
            continue
        jinja = [held[ord(p) - ord(_HELD)] if i % 2 else "" for i, p in enumerate(pieces)]
        for i, piece in enumerate(pieces):
            if i % 2:  # 'sg-bar--' ~ x: a literal in the Jinja may start the class
                prefixes.update(_literals(jinja[i]))
            elif piece and (i == 0 or jinja[i - 1].startswith("{%")):  # text before {{ }}, after {% if %}
                prefixes.add(piece)
        # The class starts with an expression: without a literal in it, the class is unknown.
        lead = next((i for i, p in enumerate(pieces) if (p and not i % 2) or jinja[i].startswith("{{")), 0)
        known &= not (lead % 2 and not _literals(jinja[lead]))
    return known


def _scan(text: str, found: defaultdict[str, set[str]]) -> None:
    """Add what ``text`` can write to ``found`` (Vocabulary's field names; "NAME=": the values
    attribute NAME is written with, as they are)."""
    text = _COMMENT.sub("", text)
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(0))
        return chr(ord(_HELD) + len(held) - 1)

    masked = _JINJA.sub(hold, text)
    dynamic = False
    for tag in _TAG.finditer(masked):
        found["elements"].add(tag.group(1).lower())
        for attr in _ATTR.finditer(tag.group(2)):
            name = attr.group(1).lower()
            found["attributes"].add(name)
            value = (attr.group(2) or "").strip("\"'")
            if not _HELD_CHAR.search(value):
                found[f"{name}="].add(value)
            if name == "class":
                dynamic |= not _tokens(value, held, found["classes"], found["class_prefixes"])
            elif name == "id":
                _tokens(value, held, found["ids"], found["id_prefixes"])
    if dynamic:  # the class comes from a variable: any literal of the template may be it
        found["classes"].update(w for part in held for w in _literals(part))
    found["elements"].update(e.lower() for e in _CREATED.findall(text))
    for exact, listed in _CLASS_SET.findall(text):
        found["classes"].update(exact.split() or _literals(listed))
    found["attributes"].update(a.lower() for a in _ATTR_SET.findall(text))
    found["variables"].update(CSS_VARIABLE.findall(text))  # style attributes and <style> elements
    if _SVG_INCLUDE.search(text):
        found["elements"].update(("svg", "path"))


def vocabulary(
    template_texts: Iterable[str],
    extra_classes: Iterable[str] = (),
    *,
    css: Iterable[str] = (),
    values: Mapping[str, Iterable[str]] | None = None,
) -> Vocabulary:
    """What pages rendered from ``template_texts`` (template sources) can contain, with what
    people's sanitized Markdown can add. ``css``: stylesheets served whole beside the reduced
    one, whose ``var()`` references keep those custom properties. ``values``: attributes whose
    every value is known (``data-md-color-scheme``: the palette's schemes)."""
    found: defaultdict[str, set[str]] = defaultdict(set)
    found["elements"].update(("html", "head", "body"))
    for text in template_texts:
        _scan(text, found)
    found["classes"].update(extra_classes)
    for sheet in css:
        found["variables"].update(CSS_VARIABLE.findall(sheet))
    # People's Markdown, as markup.py lets it through (tags, attributes, classes, prefixed ids).
    markdown = {name for names in markup._ATTRIBUTES.values() for name in names}
    found["elements"].update(markup._TAGS)
    found["attributes"].update(markdown)
    found["classes"].update(name for names in markup._CLASSES.values() for name in names)
    found["classes"].update(markup._TOKENS)
    found["class_prefixes"].add("language-")  # markup._LANGUAGE: fenced code's language class
    found["id_prefixes"].add(markup.ID_PREFIX)
    # A value list holds only for attributes people's Markdown cannot write (it may write dir).
    known = {k: {*v, *found[f"{k}="]} for k, v in (values or {}).items() if k not in markdown}
    return Vocabulary(
        **{k: frozenset(found[k]) for k in ("classes", "elements", "ids", "attributes", "variables")},
        class_prefixes=tuple(sorted(found["class_prefixes"] - {""})),
        id_prefixes=tuple(sorted(found["id_prefixes"] - {""})),
        values=tuple(sorted((k, frozenset(v)) for k, v in known.items())),
    )


# -- which templates render the pages -----------------------------------------------------------

_STATEMENT = re.compile(r"\{%-?\s*(block|endblock|extends|include|import|from)\b(.*?)-?%\}", re.S)
_NAMED = re.compile(r"\s*[\"']([^\"']+)[\"']\s*(?:$|as\b|import\b|ignore\b|with\b|without\b)", re.S)


def _blocks(text: str) -> list[tuple[str, int, int]]:
    """Every block of ``text``: (name, start of its body, end of its body), nested ones too."""
    stack: list[tuple[str, int]] = []
    blocks = []
    for m in _STATEMENT.finditer(text):
        if m.group(1) == "block":
            stack.append((m.group(2).split()[0] if m.group(2).split() else "", m.end()))
        elif m.group(1) == "endblock" and stack:
            name, start = stack.pop()
            blocks.append((name, start, m.start()))
    return blocks


def template_sources(dirs: Sequence[Path], roots: Iterable[str]) -> list[str]:
    """The sources of the templates that render pages from ``roots`` (names such as
    ``status/index.html``), each found in the first of ``dirs`` that has it, as Jinja's loader
    does (the team's ``custom_dir``, statusgen's theme, material's templates). Blocks a template
    further down the chain replaces (without ``super()``) are left out of its parents, and so are
    the templates only they include (material's navigation, search and footer)."""
    texts: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()

    def load(name: str) -> str | None:
        for folder in dirs:
            path = Path(folder) / name
            if path.is_file():
                return _COMMENT.sub("", path.read_text(encoding="utf-8"))
        return None

    def visit(name: str, replaced: frozenset[str]) -> None:
        while (name, replaced) not in seen:
            seen.add((name, replaced))
            text = load(name)
            if text is None:
                return
            blocks = _blocks(text)
            cut = sorted((s, e) for n, s, e in blocks if n in replaced)
            kept, end = [], 0
            for start, stop in cut:
                if start >= end:
                    kept.append(text[end:start])
                    end = stop
            texts.append("".join(kept) + text[end:])
            # This template's own blocks replace its parents' (unless they call super()).
            replaced = replaced | {
                n for n, s, e in blocks
                if n not in replaced and "super()" not in text[s:e] and not any(a <= s < b for a, b in cut)
            }  # fmt: skip
            text = texts[-1]
            parent = None
            for m in _STATEMENT.finditer(text):
                named = _NAMED.match(m.group(2))
                if named and m.group(1) == "extends":
                    parent = named.group(1)
                elif named and m.group(1) in ("include", "import", "from"):
                    visit(named.group(1), frozenset())
            if parent is None:
                return
            name = parent

    for root in roots:
        visit(root, frozenset())
    return texts
