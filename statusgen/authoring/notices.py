"""Post and end notices: what ``statusgen notice`` does, usable without the command line.

A notice is news for customers that is not an incident ("we are migrating our support tool on
Friday", "our phone line is down"): a title and a Markdown message, shown on the status page
from its start (by default, when it is posted) until its end time, or until it is ended. It
affects no component, has no severity and promises no update. Each action holds the
repository's edit lock from reading to writing, and takes "now" from ``clock`` under it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusgen.authoring import writer
from statusgen.core import lifecycle
from statusgen.core.errors import StatusgenError
from statusgen.core.model import NOTICE, NOTICE_ENDED, Config, Incident
from statusgen.core.times import iso
from statusgen.sources.lookup import Candidate, candidates, short_reference

Clock = Callable[[], datetime]  # the current time, asked for once the edit lock is held

TITLE_LENGTH = 70  # a title made from the message is cut at a word before this many characters
_MARKUP = re.compile(r"\]\([^)]*\)|[*_`#>\[\]]+")  # a link's target, then emphasis, code, headings, quotes


@dataclass(frozen=True)
class NoticeWritten:
    """What ``post_notice`` or ``end_notice`` wrote."""

    path: Path
    incident: Incident  # as written
    reference: str = ""  # the shortest name the next command can use for the notice

    @property
    def commit_message(self) -> str:
        return f"notice {self.incident.id}: {self.incident.stage}"


def title_from(message: str) -> str:
    """A title for a notice from its message: the first line without Markdown marks, cut at a
    word before ``TITLE_LENGTH`` characters (with an ellipsis when cut).

    >>> title_from("Our **phone line** is down.\\nWrite to us instead.")
    'Our phone line is down.'
    """
    line = next((line for line in message.splitlines() if line.strip()), "")
    line = " ".join(_MARKUP.sub("", line).split())
    if len(line) <= TITLE_LENGTH:
        return line
    cut = line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def post_notice(
    config: Config,
    message: str,
    *,
    clock: Clock,
    title: str | None = None,
    shown_from: datetime | None = None,
    until: datetime | None = None,
    at: datetime | None = None,
) -> NoticeWritten:
    """Write a new notice file with ``message`` (Markdown) as its first update, posted at
    ``at`` (default ``clock()`` under the edit lock). ``title`` defaults to ``title_from(message)``.
    It is shown from ``shown_from`` (default: when posted) until ``until`` (default: until it is
    ended). StatusgenError (or ValidationError), nothing written, when a check fails.
    """
    message = message.strip()
    if not message:
        raise StatusgenError("a notice needs a message; expected the text customers should read")
    title = (title or "").strip() or title_from(message)
    if not title:
        raise StatusgenError("a notice needs a title; give one with --title")
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    with writer.locked(config):
        at = at if at is not None else clock()
        start = shown_from or at
        if until is not None and until <= start:
            raise StatusgenError(
                f"the notice would end ({iso(until)}) before it is shown ({iso(start)}); expected --until after "
                + ("--from" if shown_from else "now")
            )
        known = candidates(config)
        path = writer.free_path(config, start, title)
        doc = CommentedMap()
        doc["id"] = path.stem
        doc["title"] = title
        doc["kind"] = NOTICE
        if shown_from is not None:
            doc["scheduled_for"] = writer.UtcTime(iso(shown_from))
        if until is not None:
            doc["scheduled_until"] = writer.UtcTime(iso(until))
        doc["updates"] = CommentedSeq([writer.new_update(at, "posted", message)])
        doc.yaml_set_start_comment(
            "Notice posted by `statusgen notice`: shown on the status page from scheduled_for (else when "
            "posted) until scheduled_until (else until `statusgen notice end`). Edit freely; "
            "`statusgen validate` checks it."
        )
        incident = writer.write_new(config, path, doc)
        reference = short_reference([*known, Candidate(path.stem, title, "posted", False, path)], path)
    return NoticeWritten(path, incident, reference)


def end_notice(
    config: Config, path: Path, *, clock: Clock, message: str | None = None, at: datetime | None = None
) -> NoticeWritten:
    """End the notice in the file ``path`` now (``at``, default ``clock()`` under the edit lock)
    with an ``ended`` update. StatusgenError, nothing written, when the file is not a notice or
    the notice has already ended (by an update, or by its end time)."""
    with writer.locked(config):
        old_text, current = writer.read_current(config, path)
        if not current.is_notice:
            raise StatusgenError(
                f"{current.id} is a{'n' if current.kind == 'incident' else ''} {current.kind}, not a notice; "
                f"`statusgen resolve {current.id}` ends it"
            )
        at = at if at is not None else clock()
        if current.is_resolved:
            raise StatusgenError(f"the notice {current.id} has already ended ({iso(current.updated_at)})")
        if current.scheduled_until is not None and current.scheduled_until <= at:
            raise StatusgenError(
                f"the notice {current.id} already ended at its end time ({iso(current.scheduled_until)}); nothing to do"
            )
        change = lifecycle.statuses_after(current, "ended", {})
        text = (message or config.lang.gettext(NOTICE_ENDED)).strip()
        incident = writer.append(config, path, old_text, current, change, stage="ended", message=text, at=at)
    return NoticeWritten(path, incident)
