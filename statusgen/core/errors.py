"""Problems found in a status repository, and the errors that report them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file: printed as ``path:line: message``."""

    path: str
    line: int
    message: str
    level: str = "error"  # or "warning"

    def __str__(self) -> str:
        from statusgen.core.text import printable

        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.level == "warning" else ""
        # Messages quote text from files: escape what could drive a terminal.
        return printable(f"{where}: {prefix}{self.message}")

    @property
    def is_error(self) -> bool:
        return self.level == "error"


class StatusgenError(click.ClickException):
    """An error with a message meant for a person; prints without a traceback."""


class ValidationError(StatusgenError):
    """Raised when a repository (or an edit to it) has errors; carries every problem."""

    def __init__(self, problems: list[Problem], note: str = ""):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.message))
        errors = sum(p.is_error for p in self.problems)
        lines = [str(p) for p in self.problems]
        if note:
            lines.append(note)
        lines.append(f"Aborted with {errors} error{'s' if errors != 1 else ''}.")
        super().__init__("\n".join(lines))

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:  # click's signature
        # Without click's "Error: " prefix, so every line stays ``path:line: message``.
        click.echo(self.format_message(), err=True, file=file)


def display_path(path: Path, root: Path) -> str:
    """A path as the user would type it: relative to the working directory when possible."""
    path = Path(path)
    for base in (Path.cwd(), root):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)
