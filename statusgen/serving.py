"""`statusgen serve`: what one rebuild leaves to the next.

mkdocs serve rebuilds a site into the same temporary folder, emptying it first, and loads a
new plugin object each time. A rebuild can still skip the pages statusgen renders itself whose
inputs did not change (statusgen/rendercache.py), as `statusgen build` does: for the life of
the server process this module keeps the last rebuild's page records (in memory) and its pages
(hard links in a temporary folder of its own, removed when the process ends).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from .direct import place

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
        self.rebuilds = 0

    def start(self) -> None:
        """A rebuild begins: records of a rebuild that failed half-way are dropped."""
        self.records.new = {}

    def keep(self, site_dir: Path, paths: list[str]) -> None:
        """A rebuild succeeded: its pages and records are what the next one starts from."""
        self.rebuilds += 1
        fresh = self.folder / str(self.rebuilds)
        for rel in paths:
            place(Path(site_dir) / rel, fresh / rel)
        old, self.pages = self.pages, fresh
        self.records.save()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def state_for(site_dir, site: str) -> ServeState:
    """The state of the server building ``site`` into ``site_dir`` (one per process and site)."""
    key = (str(Path(site_dir).resolve()), site)
    if key not in _STATES:
        _STATES[key] = ServeState()
    return _STATES[key]
