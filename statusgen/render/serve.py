"""`statusgen serve`: what one rebuild leaves to the next.

mkdocs rebuilds a served site into the same temporary folder, emptying it first. A rebuild can
still skip the pages statusgen renders itself whose inputs did not change
(statusgen/cache/pages.py), as `statusgen build` does: for the life of the server a
ServeSession keeps the last rebuild's page records (in memory) and its pages (hard links in a
temporary folder of its own, removed when the process ends), and makes each rebuild's context.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from statusgen.core.model import Repository
from statusgen.render.context import BuildContext
from statusgen.render.direct import place


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
