"""`statusgen serve`: what one rebuild leaves to the next.

mkdocs serve rebuilds a site into the same temporary folder, emptying it first, and loads a
new plugin object each time. A rebuild can still skip the pages statusgen renders itself whose
inputs did not change (statusgen/cache/pages.py), as `statusgen build` does: for the life of
the server process this module keeps the last rebuild's page records (in memory) and its pages
(hard links in a temporary folder of its own, removed when the process ends).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from statusgen.render.direct import place

_STATES: dict[tuple[str, str], ServeState] = {}


class MemoryRecords:
    """The interface of rendercache.RenderCache, in memory: ``old`` holds the last rebuild's."""

    def __init__(self):
        self.old: dict = {}
        self.new: dict = {}

    def save(self) -> None:
        self.old, self.new = self.new, {}


class ServeState:
    def __init__(self):
        self.records = MemoryRecords()
        self.folder = Path(tempfile.mkdtemp(prefix="statusgen-serve-"))
        atexit.register(shutil.rmtree, self.folder, True)
        self.pages: Path | None = None  # the last rebuild's pages, once there was one
        self.held: set[str] = set()

    def start(self) -> None:
        """A rebuild begins: records of a rebuild that failed half-way are dropped."""
        self.records.new = {}

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


def state_for(site_dir, site: str) -> ServeState:
    """The state of the server building ``site`` into ``site_dir`` (one per process and site)."""
    key = (str(Path(site_dir).resolve()), site)
    if key not in _STATES:
        _STATES[key] = ServeState()
    return _STATES[key]
