"""Files a site makes after mkdocs besides its pages (the feeds), under the same records as the
pages statusgen renders itself (statusgen/cache/pages.py).

A file is made from inputs its site can name as one digest: the build's shared key (statusgen's
code and catalogs, the team's overrides, mkdocs.yml, the site's URL) and what is its own (a
feed's items, by their views). When the previous build made a file from the same digest, and
its copy in the previous site is still the bytes it wrote then, the file is neither made nor
written again: the finished site keeps the previous one (build._commit's ``kept``). Anything
that cannot be digested is made, so the records only ever save work.
"""

from __future__ import annotations

from collections.abc import Callable

from statusgen.cache import pages as rendercache
from statusgen.render.context import BuildContext


class KeptOutputs:
    """One build's outputs under records: ``get(paths, own, make)`` gives the files' bytes, or
    None when the previous site's files are kept (then ``kept`` lists them)."""

    def __init__(self, context: BuildContext, shared_key: str | None):
        """``shared_key``: what every output of the build shares (DirectPages.shared_key); None
        when it could not be digested: then every file is made."""
        self.previous = context.previous
        self.records = context.records
        self.shared_key = shared_key
        self.kept: list[str] = []  # files of the previous site this build keeps as they are

    def get(
        self, paths: tuple[str, ...], own: object, make: Callable[[], tuple[bytes, ...]]
    ) -> tuple[bytes, ...] | None:
        """The bytes of the files at ``paths`` (relative to the site), made together by
        ``make()`` from inputs that ``own`` stands for; None when the previous build's files are
        all still what it made from the same inputs, and are kept."""
        key = self._key(paths, own)
        if key is not None and self.records is not None:
            old = [self.records.old.get(path) for path in paths]
            if all(rendercache.holds(self.previous, path, record, key) for path, record in zip(paths, old)):
                self.records.new.update(zip(paths, old))
                self.kept.extend(paths)
                return None
        made = make()
        if key is not None and self.records is not None:
            for path, data in zip(paths, made):
                self.records.new[path] = rendercache.page_record(key, [], data, path)
        return made

    def _key(self, paths: tuple[str, ...], own: object) -> str | None:
        if self.shared_key is None:
            return None
        try:
            return rendercache.digest(("outputs", self.shared_key, paths, rendercache.stand_in(own)))
        except rendercache.Unstable:
            return None
