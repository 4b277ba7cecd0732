"""The public pages' one stylesheet: material's CSS reduced to the rules those pages can use.

Material's main.css styles every page material can draw (search, navigation, tabs, blog...);
a status page draws a header, a palette toggle and people's sanitized Markdown. What the pages
can contain is read from the templates that render them (``page_vocabulary``); ``reduce`` keeps
a rule when one selector of its list names nothing outside that vocabulary.
``public_stylesheet`` joins the result with statusgen's own CSS into one file named by its
content, so hosts can cache it for good.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

# tinycss2 ships no type information (and pyproject.toml's list of such packages predates it).
import tinycss2  # type: ignore[import-untyped]
from tinycss2 import ast

from statusgen.cache.store import CACHE_DIR, SignedFile, code_key
from statusgen.render.page_vocabulary import CSS_VARIABLE, Vocabulary, template_sources, vocabulary

# -- reducing a stylesheet ----------------------------------------------------------------------

_MATCHING = {"is", "where", "matches", "-webkit-any", "-moz-any"}  # match when one argument does
_GROUPS = {"media", "supports", "layer", "container", "document", "-moz-document"}
_OPERATORS = {"=", "~=", "|=", "^=", "$=", "*="}


def _split(tokens: Sequence[ast.Node]) -> list[list[ast.Node]]:
    """A selector list, split at its top-level commas."""
    parts: list[list[ast.Node]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        elif token.type != "comment":
            parts[-1].append(token)
    return parts


def _attribute_can_match(content: Sequence[ast.Node], used: Vocabulary) -> bool:
    parts = [t for t in content if t.type not in ("whitespace", "comment")]
    op = next((i for i, t in enumerate(parts) if t.type == "literal" and t.value in _OPERATORS), len(parts))
    names = [t.lower_value for t in parts[:op] if t.type == "ident"]
    if not names:
        return True
    name = names[-1]
    if name not in used.attributes:
        return False
    if op + 1 >= len(parts) or parts[op + 1].type not in ("ident", "string"):
        return True
    value, operator, flagged = parts[op + 1].value, parts[op].value, op + 2 < len(parts)
    if name == "class" and operator in ("=", "~="):
        return all(used.has_class(c) for c in value.split())
    if name == "id" and operator == "=":
        return used.has_id(value)
    return flagged or operator != "=" or used.has_value(name, value)


def _can_match(tokens: Sequence[ast.Node], used: Vocabulary) -> bool:
    """Whether one selector can match on the pages: every class, id, element and attribute it
    names is in ``used``. Pseudo-classes and pseudo-elements do not count; ``:is()`` and
    ``:where()`` match when one of their arguments can; ``:not()`` and ``:has()`` are not judged."""
    i = 0
    while i < len(tokens):
        token, after = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None
        kind, next_kind, next_value = token.type, getattr(after, "type", None), getattr(after, "value", None)
        if kind == "literal" and token.value == "." and next_kind == "ident":
            if not used.has_class(str(next_value)):
                return False
            i += 1
        elif kind == "literal" and token.value == ":" and after is not None:
            i += 2 if next_kind == "literal" and next_value == ":" else 1  # ::name, :name or :name()
            arguments = after.arguments if next_kind == "function" and after.lower_name in _MATCHING else None
            if arguments is not None and not any(_can_match(a, used) for a in _split(arguments)):
                return False
        elif kind == "ident" and next_kind == "literal" and next_value == "|":  # a namespace
            i += 1
        elif (
            (kind == "hash" and not used.has_id(token.value))
            or (kind == "ident" and token.lower_value not in used.elements)
            or (kind == "[] block" and not _attribute_can_match(token.content, used))
        ):
            return False
        i += 1
    return True


def _text(tokens: Iterable[ast.Node]) -> str:
    """Tokens as CSS, comments out and each run of whitespace one space (tinycss2 separates
    tokens that would otherwise run together)."""
    kept = [ast.WhitespaceToken(t.source_line, t.source_column, " ") if t.type == "whitespace" else t for t in tokens]
    return tinycss2.serialize([t for t in kept if t.type != "comment"]).strip()


# A reduced stylesheet before the last pass: a rule is (selectors, declarations or, when its
# block is not a plain declaration list, its text); a group is (prelude, children); anything
# else is its text, with the keyframes' name when it is @keyframes.
_Declarations = list[tuple[str, str, bool]]
_Item = tuple[str, object, object]


class _Reduction:
    def __init__(self, used: Vocabulary | None):
        self.used = used  # None: keep every rule, only shorten the text
        self.animations: set[str] = set()
        self.read: set[str] = set(used.variables if used else ())  # custom properties something reads
        self.custom: dict[str, list[str]] = {}  # custom property -> the values it is given

    def rules(self, rules: Iterable[ast.Node]) -> list[_Item]:
        items: list[_Item] = []
        for rule in rules:
            if rule.type == "qualified-rule":
                item = self.rule(rule)
                if item is not None:
                    items.append(item)
            elif rule.type == "at-rule" and rule.lower_at_keyword in _GROUPS and rule.content is not None:
                children = self.rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
                if children:
                    items.append(("group", f"@{rule.at_keyword} {_text(rule.prelude)}".strip(), children))
            elif rule.type == "at-rule":
                text = rule.serialize()
                self.read.update(CSS_VARIABLE.findall(text))
                name = _text(rule.prelude) if rule.lower_at_keyword.endswith("keyframes") else None
                items.append(("at", name, text))
        return items

    def rule(self, rule: ast.QualifiedRule) -> _Item | None:
        content = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
        declarations: _Declarations = [
            (d.name, _text(d.value), d.important) for d in content if isinstance(d, ast.Declaration)
        ]
        if len(declarations) < len(content):  # nested rules or errors: kept as they are
            block: object = _text(rule.content)
            self.read.update(CSS_VARIABLE.findall(str(block)))
        else:
            block = declarations
        used = self.used
        selectors = [s for s in _split(rule.prelude) if _text(s) and (used is None or _can_match(s, used))]
        if not selectors:
            return None
        for name, value, _ in declarations:
            if name.startswith("--"):
                self.custom.setdefault(name, []).append(value)
            else:
                self.read.update(CSS_VARIABLE.findall(value))
            if name.endswith(("animation", "animation-name")):
                self.animations.update(value.replace(",", " ").split())
        return ("rule", ",".join(_text(s) for s in selectors), block)

    def finish(self, items: list[_Item]) -> str:
        """The CSS of ``items``: custom properties nothing reads and keyframes no kept rule
        animates with are left out, and so are rules and groups left empty."""
        todo = list(self.read)
        while todo:
            for value in self.custom.get(todo.pop(), ()):
                new = set(CSS_VARIABLE.findall(value)) - self.read
                self.read |= new
                todo.extend(new)
        return "".join(self.serialize(items, top=True))

    def serialize(self, items: list[_Item], top: bool = False) -> list[str]:
        out: list[str] = []
        for kind, head, body in items:
            if kind == "rule":
                if isinstance(body, list):
                    body = ";".join(
                        f"{name}:{value}{'!important' if important else ''}"
                        for name, value, important in body
                        if not name.startswith("--") or name in self.read or self.used is None
                    )
                if body:
                    out.append(f"{head}{{{body}}}")
            elif kind == "group":
                assert isinstance(body, list)
                inner = self.serialize(body)
                if inner:
                    out.append(f"{head}{{{''.join(inner)}}}")
            elif head is None or head in self.animations or self.used is None:
                text = str(body)
                if text.lower().startswith("@charset") and not (top and not out):
                    continue  # only first in a file
                out.append(text)
        return out


def reduce(css: str, used: Vocabulary | None) -> str:
    """``css`` with only the rules that can apply to pages of vocabulary ``used`` (with None,
    every rule: the same CSS without comments), and the custom properties and keyframes they use."""
    reduction = _Reduction(used)
    items = reduction.rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return reduction.finish(items)


# -- the public pages' stylesheet --------------------------------------------------------------


def hashed_name(stem: str, data: bytes, suffix: str = ".css") -> str:
    """``stem.<10 hex digits of sha256><suffix>``: a new name for new content, so it can be cached."""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{suffix}"


def material_templates() -> Path:
    """The templates folder of the installed mkdocs-material."""
    import material

    return Path(material.__file__).parent / "templates"


def palette_values(palette: object) -> dict[str, set[str]]:
    """The values material's templates give the palette's attributes, for ``theme.palette`` of
    mkdocs.yml (one option, a list of them, or none), with material's defaults."""
    options = [palette] if isinstance(palette, Mapping) else list(palette or []) if isinstance(palette, list) else []
    values: dict[str, set[str]] = {f"data-md-color-{key}": set() for key in ("scheme", "primary", "accent")}
    for option in options:
        for key, default in (("scheme", "default"), ("primary", "indigo"), ("accent", "indigo")):
            chosen = option.get(key) if isinstance(option, Mapping) else None
            values[f"data-md-color-{key}"].add(str(chosen or default).replace(" ", "-"))
    return values


def material_css(material_dir: Path) -> str:
    """material's main.css, then palette.css (the order material's base.html loads them)."""
    folder = material_dir / "assets" / "stylesheets"
    sheets = []
    for pattern in ("main.*.min.css", "palette.*.min.css"):
        found = sorted(folder.glob(pattern))
        if len(found) != 1:
            raise FileNotFoundError(f"{folder}: expected one {pattern}, found {len(found)}")
        sheets.append(found[0].read_text(encoding="utf-8"))
    return "\n".join(sheets)


@lru_cache(maxsize=4)  # `statusgen serve` rebuilds with the same templates and CSS
def _combined(material: str, own: tuple[str, ...], used: Vocabulary) -> bytes:
    return "\n".join([reduce(material, used), *(reduce(css, None) for css in own)]).encode("utf-8")


def public_stylesheet(
    material_dir: Path,
    own_css: Sequence[str],
    template_texts: Iterable[str],
    *,
    values: Mapping[str, Iterable[str]] | None = None,
    stem: str = "status",
    cache_dir: Path | None = None,
) -> tuple[str, bytes]:
    """The one stylesheet of the public pages: material's main and palette CSS reduced to what
    ``template_texts`` (``template_sources``) can draw, then ``own_css`` (statusgen.css) whole,
    comments left out. ``values``: see ``vocabulary`` (``palette_values``); ``cache_dir``: where
    to keep the result between runs. Returns the file's hashed name and its bytes."""
    own = tuple(own_css)
    used = vocabulary(template_texts, css=own, values=values)
    data = _kept(material_css(material_dir), own, used, cache_dir)
    return hashed_name(stem, data), data


def _kept(material: str, own: tuple[str, ...], used: Vocabulary, cache_dir: Path | None) -> bytes:
    """``_combined``, kept in ``cache_dir`` (``.statusgen-cache/``) under a digest of everything
    it is made from, this module's code included: parsing material's CSS is most of its cost."""
    if cache_dir is None:
        return _combined(material, own, used)
    canonical = {name: sorted(value) if isinstance(value, frozenset) else value for name, value in vars(used).items()}
    canonical["values"] = [[name, sorted(allowed)] for name, allowed in used.values]
    inputs = json.dumps([material, own, canonical], sort_keys=True)
    key = code_key(["render/stylesheet.py", "render/page_vocabulary.py"], inputs)
    stored = SignedFile(cache_dir / "stylesheet.json", key)
    css = stored.read().get("css")
    if isinstance(css, str):
        return css.encode("utf-8")
    data = _combined(material, own, used)
    stored.write({"css": data.decode("utf-8")})
    return data


def site_stylesheet(
    theme_dirs: Sequence[str | Path],
    palette: object,
    roots: Iterable[str],
    generated: Sequence[str] = (),
    *,
    kept_in: Path | None = None,
) -> tuple[str, bytes]:
    """The public pages' stylesheet for a theme: ``theme_dirs`` as mkdocs' theme has them (the
    team's ``custom_dir``, statusgen's theme, material's templates), whose first
    ``assets/stylesheets/statusgen.css`` is statusgen's own CSS; ``palette``: ``theme.palette``;
    ``roots``: the templates of the pages; ``generated``: CSS written for this site, after
    statusgen.css; ``kept_in``: the repository whose ``.statusgen-cache/`` keeps the result."""
    dirs = [Path(d) for d in theme_dirs]
    own = next(
        d / "assets/stylesheets/statusgen.css" for d in dirs if (d / "assets/stylesheets/statusgen.css").is_file()
    )
    texts = template_sources(dirs, roots)
    return public_stylesheet(
        material_templates(),
        [own.read_text(encoding="utf-8"), *generated],
        texts,
        values=palette_values(palette),
        cache_dir=kept_in / CACHE_DIR if kept_in is not None else None,
    )
