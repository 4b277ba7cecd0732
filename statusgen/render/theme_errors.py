"""Turn a Jinja error raised while mkdocs renders the theme into one line a person can act on:
``file:line: what is wrong, what was expected``, never a traceback."""

from __future__ import annotations

from pathlib import Path

import jinja2

from statusgen.core.errors import display_path


def describe(exc: jinja2.TemplateError, root: Path, custom_dir: str | None = None) -> str:
    """``overrides/main.html:3: includes 'partials/x.html', which no theme folder has; expected ...``."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = _where(exc.filename, exc.lineno, root) if exc.filename else f"template '{exc.name}'"
        return f"{where}: template syntax error: {exc.message}"
    where = _innermost_template(exc, root)
    if isinstance(exc, jinja2.TemplateNotFound):
        names = getattr(exc, "templates", None) or [exc.name]
        wanted = " or ".join(f"'{n}'" for n in names)
        folder = f"{display_path(Path(custom_dir), root)}/" if custom_dir else "overrides/ (theme.custom_dir)"
        expected = (
            f"expected {folder}{names[0]} in the repository, or a template of that name in the theme "
            "statusgen ships or in mkdocs-material"
        )
        prefix = f"{where}: uses" if where else "the theme needs"
        return f"{prefix} {wanted}, which no theme folder has; {expected}"
    return f"{where or 'a theme template'}: {type(exc).__name__}: {exc}"


def _innermost_template(exc: BaseException, root: Path) -> str:
    """``path:line`` of the innermost template frame of the traceback (Jinja rewrites frames so
    that they carry the template file and its line)."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".j2", ".jinja")) and Path(filename).is_file():
            found = _where(filename, tb.tb_lineno, root)
        tb = tb.tb_next
    return found


def _where(filename: str, line: int | None, root: Path) -> str:
    shown = display_path(Path(filename), root)
    return f"{shown}:{line}" if line else shown
