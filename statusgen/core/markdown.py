"""Small rules of Markdown text that checks and pages share (no I/O)."""

from __future__ import annotations

import re

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def heading_key(heading: str) -> str:
    """What two headings that mean the same section share: "What not to do?" -> "what not to do"."""
    return re.sub(r"[^a-z]+", " ", heading.lower()).strip()


_MARKER = re.compile(r"^(\d{1,9}[.)]|[-*+])( +)(?=\S)")
_FENCE = re.compile(r"^(```|~~~)")


def python_markdown_lists(body: str) -> str:
    """Re-indent CommonMark-style nested list content for Python-Markdown.

    CommonMark nests content under the column where an item's text starts (3 spaces after
    ``1. ``); Python-Markdown wants 4 spaces per level. Runbooks written for GitHub would
    otherwise lose their nested steps and code blocks.
    """
    out = []
    stack: list[tuple[int, int]] = []  # (content indent in the source, content indent wanted)
    fence = None  # (marker, source indent, wanted indent) while inside a fenced block
    for line in body.splitlines():
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped:
            out.append(line)
            continue
        if fence is not None:
            marker, src, dst = fence
            out.append(" " * (dst + max(indent - src, 0)) + stripped if indent >= src else line)
            closing = stripped.rstrip()
            if len(closing) >= len(marker) and set(closing) == {marker[0]}:
                fence = None
            continue
        while stack and indent < stack[-1][0]:
            stack.pop()
        wanted = stack[-1][1] + indent - stack[-1][0] if stack else indent
        match = _FENCE.match(stripped)
        if match:
            fence = (match.group(1), indent, wanted)
        else:
            item = _MARKER.match(stripped)
            if item:
                stack.append((indent + item.end(), wanted + 4))
                stripped = item.group(1) + " " * max(1, min(len(item.group(2)), 3)) + stripped[item.end() :]
        out.append(" " * wanted + stripped)
    return "\n".join(out) + ("\n" if body.endswith("\n") else "")
