"""One rule for text that people write, and safe ways to show it.

Text reaches statusgen from incident files, mkdocs.yml and the command line, and leaves it in
HTML, feeds (XML), the calendar (iCal), YAML rewritten by ruamel and the terminal. Each of those
writers chokes on, or can be tricked by, a different set of invisible characters, so one rule
refuses them all where text comes in: control characters other than tab and newline (NUL, ESC,
a bare CR, DEL, the C1 range with NEL), the Unicode line and paragraph separators, lone
surrogates and non-characters (U+FFFE, U+FDD0...). What passes the rule is accepted by every
writer.
"""

from __future__ import annotations

import re

from anyascii import anyascii

_NONCHARACTERS = "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000))
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef" + re.escape(_NONCHARACTERS) + "]"
)
# The same rule for ASCII text, which most text is: a small class is far faster to scan.
ASCII_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "backspace",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x0D: "carriage return (CR)",
    0x1B: "ESC",
    0x7F: "DEL",
    0x85: "next line (NEL)",
    0x2028: "line separator",
    0x2029: "paragraph separator",
}
EXPECTED = "expected printable text (tab and newline are the only control characters allowed)"


def describe(char: str) -> str:
    """``U+001B (ESC)``: a forbidden character as a person can read it."""
    code = ord(char)
    if code in _NAMES:
        name = _NAMES[code]
    elif 0xD800 <= code <= 0xDFFF:
        name = "a lone surrogate"
    elif code <= 0x9F:
        name = "control character"
    else:
        name = "a Unicode non-character"
    return f"U+{code:04X} ({name})"


def text_problem(value: str) -> tuple[int, str] | None:
    """``(index, message)`` for the first forbidden character in ``value``, else None."""
    match = forbidden_in(value).search(value)
    if match is None:
        return None
    return match.start(), f"contains {describe(match.group())}; {EXPECTED}"


def forbidden_in(text: str) -> re.Pattern[str]:
    """The pattern that finds the forbidden characters of ``text`` fastest."""
    return ASCII_FORBIDDEN if text.isascii() else FORBIDDEN


def check_option(value: str | None, option: str) -> str | None:
    """Apply the rule to a command-line value; raise click's usage error naming the option."""
    if value is None:
        return None
    problem = text_problem(value)
    if problem is not None:
        import click

        raise click.BadParameter(problem[1], param_hint=f"'{option}'")
    return value


def printable(value: object) -> str:
    """``value`` for a terminal: forbidden characters shown as escapes (``\\x1b``), so text from
    a file can never set a terminal's title, move its cursor or write its clipboard."""
    text = str(value)
    if FORBIDDEN.search(text) is None:
        return text
    return FORBIDDEN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def slugify(title: str, limit: int = 40) -> str:
    """The id part a title gives: ``Café façade Zürich`` -> ``cafe-facade-zurich``.

    Accents and other scripts are transliterated to ASCII first, then every run of other
    characters becomes one dash; words are kept whole up to ``limit`` characters.
    """
    words = re.findall(r"[a-z0-9]+", anyascii(title).lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or "incident"
