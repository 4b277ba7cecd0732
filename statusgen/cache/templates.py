"""Compiled templates kept between runs: Jinja's bytecode for each template of one site, in one
signed file of ``.statusgen-cache/`` (``templates-<site>.json``).

A build compiles some thirty templates (material's and statusgen's) before it renders a page,
about half a second on every ``build`` and every rebuild under ``serve``. Jinja checks each
entry against the template's source (its checksum) and its own and Python's versions (the
bytecode's header), so an edited template, override or upgrade compiles afresh. The file is
signed with this user's key like the rest of the cache: bytecode is code, and only what this
user's statusgen wrote is loaded.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

from jinja2 import __version__ as jinja_version
from jinja2.bccache import Bucket, BytecodeCache

from statusgen.cache.store import CACHE_DIR, SignedFile


class TemplateCache(BytecodeCache):
    """Jinja's bytecode cache for one site's templates, saved with ``save``."""

    def __init__(self, root: Path, site: str):
        key = f"jinja2 {jinja_version}; python {sys.version}"
        self.file = SignedFile(Path(root) / CACHE_DIR / f"templates-{site}.json", key)
        stored = self.file.read().get("templates")
        self.entries: dict[str, list[str]] = stored if isinstance(stored, dict) else {}
        self.changed = False

    def load_bytecode(self, bucket: Bucket) -> None:
        entry = self.entries.get(bucket.key)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == bucket.checksum:
            bucket.bytecode_from_string(base64.b64decode(entry[1]))  # a bad header leaves it empty

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.entries[bucket.key] = [bucket.checksum, base64.b64encode(bucket.bytecode_to_string()).decode("ascii")]
        self.changed = True

    def save(self) -> None:
        """Write the file when a template was compiled in this run."""
        if self.changed:
            self.file.write({"templates": self.entries})
            self.changed = False
