"""Split a markdown file into YAML front matter and body, keeping file line numbers."""

from __future__ import annotations

from pathlib import Path

import yaml

from statusgen.sources.checker import FileCheck

FENCE = "---"


def read(check: FileCheck, data: bytes) -> tuple[yaml.Node | None, str, int]:
    """``(root node or None, body, body_line)`` of a markdown file with front matter.

    The YAML is parsed with ``check`` so problems carry the line in the markdown file;
    a missing front matter block is recorded as a problem.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        check.parse(data)  # records the UTF-8 problem with its line
        return None, "", 1
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        check.error(1, "no front matter; expected the file to start with a '---' line, the YAML fields, then '---'")
        return None, text, 1
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        check.error(1, "front matter is not closed; expected a '---' line after the YAML fields")
        return None, "", 1
    # A blank first line keeps YAML line numbers equal to the file's.
    yaml_text = "\n" + "".join(lines[1:end])
    root = check.parse(yaml_text.encode()) if yaml_text.strip() else None
    if root is None and not check.failed:
        check.error(1, "front matter is empty; expected YAML fields between the '---' lines")
    return root, "".join(lines[end + 1 :]), end + 2


def render(fields_yaml: str, body: str) -> str:
    """A markdown file from front matter text and a body."""
    return f"{FENCE}\n{fields_yaml.rstrip()}\n{FENCE}\n\n{body.lstrip()}"


def shown_path(path: Path, root: Path) -> str:
    from statusgen.core.errors import display_path

    return display_path(path, root)
