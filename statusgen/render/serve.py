"""`statusgen serve`: what one rebuild leaves to the next.

mkdocs rebuilds a served site into the same temporary folder, emptying it first. A rebuild can
still skip the pages statusgen renders itself whose inputs did not change
(statusgen/cache/pages.py), as `statusgen build` does: for the life of the server a
ServeSession keeps the last rebuild's page records (in memory) and its pages (hard links in a
temporary folder of its own, removed when the process ends), and makes each rebuild's context.
"""

from __future__ import annotations

import atexit
import ipaddress
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from statusgen.core.model import Repository
from statusgen.render.context import BuildContext
from statusgen.render.direct import place

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class MemoryRecords:
    """Page records kept in memory: ``old`` holds the last rebuild's, ``new`` this one's."""

    def __init__(self):
        self.old: dict = {}
        self.new: dict = {}

    def save(self) -> None:
        self.old, self.new = self.new, {}


class ServeSession:
    """The state of one server building one site, from rebuild to rebuild."""

    def __init__(self, site: str):
        self.site = site
        self.records = MemoryRecords()
        self.folder = Path(tempfile.mkdtemp(prefix="statusgen-serve-"))
        atexit.register(shutil.rmtree, self.folder, True)
        self.pages: Path | None = None  # the last rebuild's pages, once there was one
        self.held: set[str] = set()

    def context(self, repo: Repository, now: datetime) -> BuildContext:
        """The context of the next rebuild; records of a rebuild that failed half-way are dropped."""
        self.records.new = {}
        return BuildContext(
            repo=repo, now=now, site=self.site, previous=self.pages, records=self.records, link_kept=True
        )

    def keep(self, site_dir: Path, paths: list[str]) -> None:
        """A rebuild succeeded: its pages and records are what the next one starts from.

        The copy is brought up to date in place: a page the rebuild kept is the same file
        (a hard link) already, so only pages rendered again are linked anew."""
        pages = self.folder / "pages"
        for rel in paths:
            source, copy = Path(site_dir) / rel, pages / rel
            try:
                if rel in self.held and os.path.samefile(source, copy):
                    continue
            except OSError:
                pass
            temp = copy.with_name(f".{copy.name}.new")
            place(source, temp)
            os.replace(temp, copy)
        wanted = set(paths)
        for rel in self.held - wanted:
            (pages / rel).unlink(missing_ok=True)
        self.held = wanted
        self.pages = pages
        self.records.save()


def host_guard(app: WSGIApp, bound: str, log: logging.Logger) -> WSGIApp:
    """``app`` answering only requests that name the served address or localhost in their
    ``Host``: a web page a responder visits cannot read the served site through a name of its
    own that resolves here (DNS rebinding). Bound to every address (0.0.0.0, ::), any address
    literal is accepted, never another name."""
    bound = bound.strip("[]").lower()
    names = {bound, "localhost", "127.0.0.1", "::1"}
    everywhere = bound in ("0.0.0.0", "::", "")

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        header = environ.get("HTTP_HOST", "")
        try:
            name = (urlsplit(f"//{header}").hostname or "").lower()
        except ValueError:
            name = ""
        if name in names or (everywhere and _is_address(name)):
            return app(environ, start_response)
        log.warning("refused a request for Host %r: statusgen serve answers only %s and localhost", header, bound)
        start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
        return [f"statusgen serve answers requests for {bound} and localhost only.\n".encode()]

    return guarded


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
