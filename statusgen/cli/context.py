"""The state every command shares: the status repository's root, the run's one "now", the
loaded configuration, and small helpers for times and paths given on the command line.

Read from the click context that ``statusgen`` (cli.main) fills from ``-C`` and ``--now``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click


def repo_root() -> Path:
    """The status repository this run works on (found once, then remembered)."""
    obj = click.get_current_context().find_root().ensure_object(dict)
    if "root" not in obj:
        from statusgen.sources.config import find_root

        obj["root"] = find_root(Path(obj.get("directory") or Path.cwd()))
    return obj["root"]


def current_now(text: str | None = None) -> datetime:
    """``text`` (a command's own --now), else the global --now, else SOURCE_DATE_EPOCH, else the clock."""
    from statusgen.core.times import TimeError, now_from

    obj = click.get_current_context().find_root().obj or {}
    try:
        return now_from(text or obj.get("now_text"))
    except TimeError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None


def edit_clock() -> Callable[[], datetime]:
    """The run's clock for an edit, which reads it under the edit lock: the pinned time (the
    global --now, else SOURCE_DATE_EPOCH) when there is one, checked here; else the system clock."""
    from statusgen.core.times import now_from

    obj = click.get_current_context().find_root().obj or {}
    if obj.get("now_text") or os.environ.get("SOURCE_DATE_EPOCH"):
        pinned = current_now()
        return lambda: pinned
    return now_from


def get_config(ctx=None):
    """The repository's configuration, loaded once per run."""
    from statusgen.sources.config import load_config

    obj = click.get_current_context().find_root().ensure_object(dict)
    if "config" not in obj:
        obj["config"] = load_config(repo_root())
    return obj["config"]


def parse_when(ctx, text, name="--at") -> datetime | None:
    """A time option's value; None when it was not given."""
    from statusgen.core.times import TimeError, parse_time

    if not text:
        return None
    try:
        return parse_time(text)
    except TimeError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None


def load_listings():
    """What ``list``, ``due`` and ``validate`` need of every incident (statusgen/core/listing.py),
    with the problems found reading them: no incident is decoded when files are unchanged."""
    from statusgen.sources.incidents import load_listings as load

    return load(repo_root(), now=current_now(), config=get_config())


def shown(path: Path) -> str:
    """``path`` as the user should see it (relative to the repository)."""
    from statusgen.core.errors import display_path

    return display_path(path, repo_root())


def pick(value: str, choices, hint: str, aliases: dict[str, str] | None = None) -> str:
    """``value`` as one of ``choices`` (case-insensitive, aliases allowed), or a usage error
    listing the choices with the closest one."""
    import difflib

    aliases = aliases or {}
    lowered = {str(c).lower(): c for c in choices}
    key = value.strip().lower()
    if key in lowered:
        return lowered[key]
    if key in aliases:
        return aliases[key]
    words = [*lowered, *aliases]
    close = difflib.get_close_matches(key, words, n=1, cutoff=0.6)
    guess = lowered.get(close[0], close[0]) if close else None
    listed = ", ".join(str(c) for c in choices)
    extra = f" (or {', '.join(aliases)})" if aliases else ""
    mean = f"; did you mean '{guess}'?" if guess else ""
    raise click.BadParameter(f"'{value}' is not one of: {listed}{extra}{mean}", param_hint=hint)
