"""Compiled templates kept between runs: Jinja's bytecode for each template of one site, in one
signed file of this user's statusgen folder (``~/.cache/statusgen/templates-<site>.json``),
shared by the user's clones and copies of a repository: a fresh clone, a worktree or a test's
copy compiles only its own overrides.

A build compiles some thirty templates (material's and statusgen's) before it renders a page,
about half a second of CPU per site on every ``build`` and every rebuild under ``serve``. Jinja
checks each entry against the template's source (its checksum) and its own and Python's versions
(the bytecode's header). Jinja also folds constant expressions while it compiles, calling the
environment's filters on them (a status code worded in the site's language, say), so the file's
key adds what those filters are made from: statusgen's code and the repository's mkdocs.yml (its
language, its time zone). So an edited template, override, option or upgrade compiles afresh,
and repositories with the same mkdocs.yml (clones of one) share their templates. The file is
signed with this user's key like the rest of the cache: bytecode is code, and only what this
user's statusgen wrote is loaded. It keeps the entries of templates whose files still exist, at
most ``KEPT`` of them, those used last kept first.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from pathlib import Path

from jinja2 import __version__ as jinja_version
from jinja2.bccache import Bucket, BytecodeCache

from statusgen.cache.store import SignedFile, code_key, user_cache_dir

_PACKAGE = Path(__file__).resolve().parent.parent  # statusgen's code: the environments and their filters
KEPT = 400  # entries at most: some thirty templates per site, and a team's overrides per repository


class TemplateCache(BytecodeCache):
    """Jinja's bytecode cache for one site's templates, saved with ``save``."""

    def __init__(self, site: str, config_file: Path):
        """``config_file``: the repository's mkdocs.yml."""
        try:
            config = hashlib.sha256(config_file.read_bytes()).hexdigest()
        except OSError:
            config = "none"
        code = sorted(str(p.relative_to(_PACKAGE)) for p in _PACKAGE.rglob("*.py"))
        key = code_key(code, f"jinja2 {jinja_version}", f"python {sys.version}", f"mkdocs.yml {config}")
        self.file = SignedFile(user_cache_dir() / f"templates-{site}.json", key)
        stored = self.file.read().get("templates")
        # bucket key -> [source checksum, bytecode (base64), template file]
        self.entries: dict[str, list[str]] = stored if isinstance(stored, dict) else {}
        self.files: dict[str, str] = {}  # bucket key -> template file, for this run's templates
        self.used: list[str] = []
        self.changed = False

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        bucket = super().get_bucket(environment, name, filename, source)
        if filename is not None:
            self.files[bucket.key] = filename
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        entry = self.entries.get(bucket.key)
        if isinstance(entry, list) and len(entry) == 3 and entry[0] == bucket.checksum:
            bucket.bytecode_from_string(base64.b64decode(entry[1]))  # a bad header leaves it empty
            self.used.append(bucket.key)

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = base64.b64encode(bucket.bytecode_to_string()).decode("ascii")
        self.entries[bucket.key] = [bucket.checksum, code, self.files.get(bucket.key, "")]
        self.used.append(bucket.key)
        self.changed = True

    def save(self) -> None:
        """Write the file when a template was compiled in this run: this run's entries, then the
        others of templates that still exist, newest first, up to KEPT."""
        if not self.changed:
            return
        used = dict.fromkeys(reversed(self.used))
        kept = {key: self.entries[key] for key in used if key in self.entries}
        for key, entry in reversed(self.entries.items()):
            if len(kept) >= KEPT:
                break
            if key not in kept and isinstance(entry, list) and len(entry) == 3 and os.path.isfile(entry[2]):
                kept[key] = entry
        self.file.write({"templates": dict(reversed(kept.items()))})
        self.entries, self.changed = kept, False
