"""Read YAML into nodes that remember their line, and check them field by field.

Reading uses PyYAML's libyaml composer (fast, and mkdocs needs PyYAML anyway), with PyYAML's
tag rules found by a quicker path (``_FastLoader``). Only the composer runs: nothing is constructed, so no tag can run code, and an alias is refused
before it could be expanded. Rewriting files is ruamel's job (see ``edit.py``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TypeAlias

import yaml

from statusgen.core.errors import Problem
from statusgen.core.text import EXPECTED, describe, forbidden_in, text_problem

STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"

_Base: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # libyaml, when PyYAML was built with it
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Base = yaml.SafeLoader


def _joined(resolvers: list[tuple[str, re.Pattern[str]]]) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    """PyYAML's implicit resolvers for one first character, tried in order, as few patterns as
    possible: each run of patterns with the same flags becomes one alternation of them, each in a
    group, whose first matching alternative (``lastindex``) is the first pattern of the run that
    matches alone (each pattern is anchored, and has no groups of its own: checked below)."""
    joined: list[tuple[re.Pattern[str], tuple[str, ...]]] = []
    start = 0
    for end in range(1, len(resolvers) + 1):
        flags = resolvers[start][1].flags
        if end == len(resolvers) or resolvers[end][1].flags != flags:
            close = "\n)" if flags & re.VERBOSE else ")"  # a verbose pattern's last line could be a comment
            source = "|".join(f"({pattern.pattern}{close}" for _, pattern in resolvers[start:end])
            joined.append((re.compile(source, flags), tuple(tag for tag, _ in resolvers[start:end])))
            start = end
    return joined


# PyYAML's implicit resolvers (as it holds them when this module loads), by first character.
_WILDCARD = _Base.yaml_implicit_resolvers.get(None, [])
_RULES = {
    first: _joined([*resolvers, *_WILDCARD]) for first, resolvers in _Base.yaml_implicit_resolvers.items() if first
}
_RULES[""] = _joined([*_Base.yaml_implicit_resolvers.get("", []), *_WILDCARD])  # the empty text
_OTHER = _joined(_WILDCARD)  # any other first character


class _FastLoader(_Base):  # type: ignore[valid-type,misc]  # a base chosen at import time
    """PyYAML's safe loader, finding the same tags faster (the composer asks once per node;
    tests/sources/test_yaml_tags.py holds them to PyYAML's own): the resolvers for a plain
    scalar's first character tried as one pattern, and no path resolvers to track (a safe loader
    has none; should one be added, ``_Loader`` is PyYAML's own)."""

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:  # a plain scalar: its text decides (else it is text)
                assert value is not None  # a scalar always has its text
                for pattern, tags in _RULES.get(value[:1], _OTHER):
                    found = pattern.match(value)
                    if found is not None:
                        return tags[found.lastindex - 1]  # type: ignore[operator]  # each alternative is a group
            return STR
        return SEQ if kind is yaml.SequenceNode else MAP

    # The composer calls these around every node, for path resolvers only. Builtins taking the
    # same arguments and doing nothing that matters cost no Python frame (and do not bind to
    # self): slice(parent, index) and tuple().
    descend_resolver = slice
    ascend_resolver = tuple


# The loader parse() uses; PyYAML's own should it hold rules _FastLoader does not know.
_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = _FastLoader
if _Base.yaml_path_resolvers or any(p.groups for r in _Base.yaml_implicit_resolvers.values() for _, p in r):
    _Loader = _Base  # pragma: no cover - nothing adds path resolvers, nor resolvers with groups


PLAIN_TAGS = {
    STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    MAP,
    SEQ,
}
MAX_DEPTH = 50

# Where a problem is: a line number, or the node whose first line it is.
Where: TypeAlias = "int | yaml.Node"
# One key of a mapping node: ``(key node, value node)``; ``FileCheck.mapping`` gives them by key.
Entry: TypeAlias = "tuple[yaml.ScalarNode, yaml.Node]"
Fields: TypeAlias = "dict[str, Entry]"


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def suggest(word: str, choices: Iterable[object]) -> str:
    """`` (did you mean 'x'?)`` when one choice is close to ``word``, else ``''``."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(choices: Iterable[object]) -> str:
    return ", ".join(str(c) for c in choices)


class FileCheck:
    """Collects the problems of one file, so every problem is reported, not just the first."""

    def __init__(self, path: Path, shown: str):
        self.path = path
        self.shown = shown
        self.problems: list[Problem] = []
        # Whether the text parse() read has no forbidden character (else it gave no nodes).
        self._printable_text = False

    def error(self, where: Where, message: str) -> None:
        self.problems.append(Problem(self.shown, _line(where), message))

    def warn(self, where: Where, message: str) -> None:
        self.problems.append(Problem(self.shown, _line(where), message, "warning"))

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)

    def parse(self, data: bytes) -> yaml.Node | None:
        """The root node of ``data``, or None after recording why it cannot be read."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.error(line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
            return None
        self._printable_text = self._printable(text)
        if not self._printable_text:
            return None
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            what = exc.problem or exc.context or "cannot be parsed"
            line = (mark.line + 1) if mark else 1
            lines = text.splitlines()
            if line <= len(lines) and "\t" in lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]:
                what += " (indent with spaces, not tabs)"
            self.error(line, f"YAML syntax error: {what}")
            return None
        except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks
            self.error(1, f"YAML syntax error: {exc}")
            return None
        if root is None:
            self.error(1, "the file is empty; expected a mapping of fields")
            return None
        # An anchor needs '&' and an explicit tag needs '!': without either the walk has nothing to find.
        if ("&" in text or "!" in text) and not self._plain(root, set(), 0):
            return None
        return root

    def _printable(self, text: str) -> bool:
        """Refuse raw control characters with their line (CRLF line ends are fine), before
        the YAML reader rejects some of them without one and takes others as line breaks."""
        found = False
        for match in forbidden_in(text).finditer(text):
            index = match.start()
            if match.group() == "\r" and text.startswith("\n", index + 1):
                continue
            found = True
            self.error(text.count("\n", 0, index) + 1, f"contains {describe(match.group())}; {EXPECTED}")
        return not found

    def _plain(self, node: yaml.Node, seen: set[int], depth: int) -> bool:
        """Refuse aliases, deep nesting and tags beyond plain YAML values."""
        if id(node) in seen:
            self.error(node, "YAML aliases (*name) are not allowed here; write the value out")
            return False
        seen.add(id(node))
        if depth > MAX_DEPTH:
            self.error(node, f"nested more than {MAX_DEPTH} levels deep")
            return False
        if node.tag not in PLAIN_TAGS:
            self.error(node, f"tag '{node.tag}' is not allowed; expected plain YAML values")
            return False
        if isinstance(node, yaml.MappingNode):
            return all(self._plain(k, seen, depth + 1) and self._plain(v, seen, depth + 1) for k, v in node.value)
        if isinstance(node, yaml.SequenceNode):
            return all(self._plain(item, seen, depth + 1) for item in node.value)
        return True

    # -- field readers: each returns the value, or None after recording a problem --

    def mapping(self, node: yaml.Node, what: str) -> Fields | None:
        """``{key: (key_node, value_node)}``; duplicate keys are errors."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values, not {kind_of(node)}")
            return None
        items: Fields = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"{what} has a key that is not a plain word")
                continue
            key: str = key_node.value
            if key in items:
                self.error(key_node, f"duplicate key '{key}' in {what} (first at line {line_of(items[key][0])})")
                continue
            items[key] = (key_node, value_node)
        return items

    def known_keys(self, items: Fields, allowed: Collection[str], what: str) -> None:
        for key, (key_node, _) in items.items():
            if key not in allowed:
                self.error(
                    key_node,
                    f"unknown key '{key}' in {what}{suggest(key, allowed)}; expected one of: {one_of(allowed)}",
                )

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not {kind_of(node)}")
            return None
        items: list[yaml.Node] = node.value
        return items

    def text(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.error(node, f"{what} must be text, not {kind_of(node)}")
            return None
        value: str = node.value
        # Only a double-quoted scalar's escapes ("\e", "\u2028") can hold a character the
        # text parse() found printable does not spell out; any other scalar's text is the file's.
        problem = text_problem(value) if node.style == '"' or not self._printable_text else None
        if problem is not None:
            index, message = problem
            self.error(_line_in(node, index), f"{what} {message}")
            return None
        if not allow_empty and not value.strip():
            self.error(node, f"{what} is empty; expected some text")
            return None
        return value

    def choice(self, node: yaml.Node, what: str, choices: Collection[str]) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if value not in choices:
            self.error(
                node, f"{what} '{value}' is not valid{suggest(value, choices)}; expected one of: {one_of(choices)}"
            )
            return None
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return node.value.lower() in ("true", "yes", "on", "y")
        self.error(node, f"{what} must be true or false, not {kind_of(node)}")
        return None

    def number(self, node: yaml.Node, what: str) -> float | None:
        if isinstance(node, yaml.ScalarNode) and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            try:
                return float(node.value.replace("_", ""))
            except ValueError:
                pass
        self.error(node, f"{what} must be a number, not {kind_of(node)}")
        return None

    def text_list(self, node: yaml.Node, what: str) -> list[str] | None:
        items = self.sequence(node, what)
        if items is None:
            return None
        values = [self.text(item, f"each entry of {what}") for item in items]
        texts = [value for value in values if value is not None]
        return texts if len(texts) == len(values) else None


def kind_of(node: yaml.Node) -> str:
    """How a node reads to a person: ``a list``, ``a mapping``, ``the number 3``..."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    if tag == "null":
        return "empty"
    if tag == "str":
        return f"the text '{node.value}'" if len(node.value) < 40 else "text"
    if tag in ("int", "float"):
        return f"the number {node.value}"
    if tag == "bool":
        return f"the boolean {node.value}"
    return f"'{node.value}'"


def _line_in(node: yaml.ScalarNode, index: int) -> int:
    """The file line of character ``index`` of a scalar: exact for literal blocks (``|``),
    whose lines map one to one, else the scalar's first line."""
    if node.style == "|":
        value: str = node.value
        return line_of(node) + 1 + value.count("\n", 0, index)
    return line_of(node)


def _line(where: Where) -> int:
    return where if isinstance(where, int) else line_of(where)


def scalar(fields: Fields, key: str) -> str | None:
    """The text of ``key`` in a mapping's ``fields`` when it is a plain scalar, else None."""
    if key in fields and isinstance(fields[key][1], yaml.ScalarNode):
        value: str = fields[key][1].value
        return value
    return None
