"""The state every command shares: the status repository's root and the run's one "now".

Read from the click context that ``statusgen`` (cli.main) fills from ``-C`` and ``--now``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click


def repo_root() -> Path:
    """The status repository this run works on (found once, then remembered)."""
    obj = click.get_current_context().find_root().ensure_object(dict)
    if "root" not in obj:
        from .config import find_root

        obj["root"] = find_root(Path(obj.get("directory") or Path.cwd()))
    return obj["root"]


def current_now(text: str | None = None) -> datetime:
    """``text`` (a command's own --now), else the global --now, else SOURCE_DATE_EPOCH, else the clock."""
    from .timeutil import TimeError, now_from

    obj = click.get_current_context().find_root().obj or {}
    try:
        return now_from(text or obj.get("now_text"))
    except TimeError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None
