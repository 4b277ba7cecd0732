"""``requirements.txt``: whether CI can install statusgen from it (`statusgen validate` warns,
`--strict` fails, before a push would fail in pip)."""

from __future__ import annotations

import re
from pathlib import Path

from statusgen.core.errors import Problem

REQUIREMENTS_FILE = "requirements.txt"
# A line that names statusgen as a requirement: statusgen, statusgen==1.2, statusgen @ git+...
STATUSGEN_LINE = re.compile(r"^\s*statusgen\s*(?:[=<>!~@;\[]|$)", re.I)
# statusgen's own repository installs the checkout itself.
CHECKOUT_LINES = (".", "-e .")


def requirements_problems(root: Path) -> list[Problem]:
    """A warning when ``root/requirements.txt`` exists and names no statusgen CI can install (no
    line, or only a commented one). Nothing when the file is fine or absent."""
    path = root / REQUIREMENTS_FILE
    if not path.is_file() or path.is_symlink():
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if any(STATUSGEN_LINE.match(line) or line.strip() in CHECKOUT_LINES for line in lines):
        return []
    commented = next((n for n, line in enumerate(lines, 1) if STATUSGEN_LINE.match(line.lstrip("# "))), 0)
    where = "its line is commented out" if commented else "no line names it"
    message = (
        f"statusgen is not pinned ({where}), so CI cannot install it; expected a line like "
        "statusgen==1.2.0 or statusgen @ git+https://HOST/OWNER/statusgen@v1.2.0 "
        "(`statusgen upgrade-pins --requirement SPEC` writes it)"
    )
    return [Problem(REQUIREMENTS_FILE, commented or 1, message, "warning")]
