"""What each directly rendered page was made from, so a rebuild renders only pages whose inputs
changed (statusgen/render/direct.py).

A page's record holds: a digest of its own data (the values that differ between pages, such as
its incident's view) together with everything the build shares (statusgen's code and templates,
the team's overrides, mkdocs.yml, the site, "now", the frame around the page); every read the
page made of shared objects (``status.component_names``, a call of ``incident_url(id)``) with a
digest of what it got; and a digest of the bytes written, with the file's path and, once the
site is finished, its metadata (``settle``). On the next build a page is not
rendered again when its own digest is the same (a value that carries a ``source_key``, a
digest of what it was made from, counts by that key: ``stand_in``), every recorded read gives
the same answer again, and the previous build's file still holds exactly the bytes recorded.
Anything that cannot be captured this way (a value without a stable ``repr``, a page without a
frame) is simply rendered, so the cache only ever saves work: deleting it is always safe.

The cache lives in ``.statusgen-cache/`` in the repository (git-ignored), one file per site and
output directory.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import fields, is_dataclass
from pathlib import Path

from statusgen.cache.store import CACHE_DIR, RACY_NS, SignedFile, signature

FORMAT = 1
_PLAIN = (str, int, float, bool, type(None))
_MISSING = object()


class Unstable(Exception):
    """A value with no stable ``repr`` (one that shows a memory address): not cacheable."""


def digest(value) -> str:
    text = repr(value)
    if " at 0x" in text or " object at " in text:
        raise Unstable
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def stand_in(value):
    """What a page's digest takes of one of its own values: a value with a ``source_key`` (a
    digest of everything it was made from besides what every page of the build shares: a
    resolved incident's view, by its file) by that key, and so inside a dataclass, a tuple or
    a list (a page of history holds fifty incidents); anything else as it is. Digesting views
    whole costs a ``repr`` of every field: at 10,000 incident pages, seconds."""
    key = getattr(value, "source_key", None)
    if isinstance(key, str):
        return ("source", type(value).__qualname__, key)
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, [stand_in(item) for item in value])
    if is_dataclass(value) and not isinstance(value, type):
        shown = [(f.name, stand_in(getattr(value, f.name))) for f in fields(value) if f.repr]
        return (type(value).__module__, type(value).__qualname__, shown)
    return value


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def code_digest(dirs) -> tuple[str, bool]:
    """statusgen's own code and theme, and every file of the template folders given (a team's
    overrides, say); folders of other installed packages count by their package version.
    Also whether any of those files names the build date (then "now" is part of every key)."""
    h = hashlib.sha256()
    dated = False
    package = Path(__file__).resolve().parent.parent  # the statusgen package
    paths = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for folder in dirs:
        folder = Path(folder).resolve()
        if folder.is_relative_to(package):
            continue
        if "site-packages" in folder.parts or "dist-packages" in folder.parts:
            h.update(_package_version(folder).encode())
            continue
        paths.extend(sorted(p for p in folder.rglob("*") if p.is_file()))
    for path in paths:
        data = path.read_bytes()
        h.update(str(path).encode("utf-8", "surrogateescape") + b"\0" + data)
        if path.suffix != ".py" and (b"build_date_utc" in data or b"update_date" in data):
            dated = True
    return h.hexdigest()[:32], dated


def _package_version(folder: Path) -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = folder.parts
    index = max(i for i, part in enumerate(parts) if part in ("site-packages", "dist-packages"))
    name = parts[index + 1] if index + 1 < len(parts) else ""
    try:
        return f"{folder}={version(name)}"
    except (PackageNotFoundError, ValueError):
        return f"{folder}=?"


class Sink:
    """Where the recorders of one renderer write: ``reads`` is the list of the page in hand."""

    def __init__(self):
        self.reads: list = []
        self.digests: dict[tuple, str | None] = {}  # shared values do not change during a build

    def digest_of(self, owner, kind: str, attr, args, value, func=None) -> str | None:
        memo = (id(owner), kind, attr, _identity(func), None if args is None else tuple(args))
        if memo not in self.digests:
            self.digests[memo] = _safe_digest(value)
        return self.digests[memo]

    def add(self, read: list) -> None:
        if read not in self.reads[-8:]:  # a page reads the same thing many times in a row
            self.reads.append(read)


def recordable(value) -> bool:
    """Shared values that get a recorder: objects, not plain values or containers (whose
    type checks in templates a stand-in would change); those go into the page's digest whole."""
    return not isinstance(value, (*_PLAIN, list, tuple, dict, set, frozenset)) and not hasattr(value, "__html__")


class Recorder:
    """Stands in for one shared value while a page renders, writing down what the page read."""

    __slots__ = ("_sg_name", "_sg_value", "_sg_sink")

    def __init__(self, name: str, value, sink: Sink):
        object.__setattr__(self, "_sg_name", name)
        object.__setattr__(self, "_sg_value", value)
        object.__setattr__(self, "_sg_sink", sink)

    def __getattr__(self, attr):
        value = getattr(self._sg_value, attr)
        if callable(value) and not isinstance(value, _PLAIN):
            if hasattr(value, "jinja_pass_arg"):
                self._sg_sink.add(["unstable", self._sg_name, attr, None, None])
                return value
            return _Call(self._sg_name, attr, value, self._sg_sink)
        sink = self._sg_sink
        sink.add(["attr", self._sg_name, attr, None, sink.digest_of(self._sg_value, "attr", attr, None, value)])
        return value

    def __call__(self, *args, **kwargs):
        return _Call(self._sg_name, None, self._sg_value, self._sg_sink)(*args, **kwargs)

    def _whole(self):
        sink, value = self._sg_sink, self._sg_value
        sink.add(["whole", self._sg_name, None, None, sink.digest_of(value, "whole", None, None, value)])
        return self._sg_value

    def __iter__(self):
        return iter(self._whole())

    def __len__(self):
        return len(self._whole())

    def __bool__(self):
        return bool(self._whole())

    def __getitem__(self, key):
        return self._whole()[key]

    def __contains__(self, key):
        return key in self._whole()

    def __str__(self):
        return str(self._whole())

    def __html__(self):
        from markupsafe import escape

        return str(escape(self._whole()))

    def __eq__(self, other):
        return self._whole() == other

    __hash__ = object.__hash__


class _Call:
    def __init__(self, name, attr, func, sink: Sink):
        self.name, self.attr, self.func, self.sink = name, attr, func, sink

    def __call__(self, *args, **kwargs):
        result = self.func(*args, **kwargs)
        if kwargs or not all(isinstance(a, _PLAIN) for a in args):
            self.sink.add(["unstable", self.name, self.attr, None, None])
        else:
            owner = getattr(self.func, "__self__", self.func)
            found = self.sink.digest_of(owner, "call", self.attr, list(args), result, self.func)
            self.sink.add(["call", self.name, self.attr, list(args), found])
        return result


def _identity(func):
    """Which function a call read called: two methods of one object are two functions."""
    return None if func is None else id(getattr(func, "__func__", func))


def _safe_digest(value) -> str | None:
    try:
        return digest(value)
    except Unstable:
        return None


def still_valid(reads: list, shared: dict, sink: Sink) -> bool:
    """Whether every recorded read gives the same answer from today's shared values."""
    for read in reads:
        if not isinstance(read, list) or len(read) != 5:
            return False
        kind, name, attr, args, old = read
        if old is None or kind == "unstable":
            return False
        value = shared.get(name, _MISSING)
        if value is _MISSING:
            return False
        try:
            if kind == "whole":
                found = sink.digest_of(value, kind, None, None, value)
            elif kind == "attr":
                found = sink.digest_of(value, kind, attr, None, getattr(value, attr))
            elif kind == "call":
                func = value if attr is None else getattr(value, attr)
                owner = getattr(func, "__self__", func)
                memo = (id(owner), kind, attr, _identity(func), tuple(args))
                found = (
                    sink.digests[memo]
                    if memo in sink.digests
                    else sink.digest_of(owner, kind, attr, args, func(*args), func)
                )
            else:
                return False
            if found != old:
                return False
        except Exception:
            return False
    return True


def page_record(own: str, reads: list, data: bytes, path: str) -> dict:
    """The record of a page rendered now: its own digest, what it read of shared values, a
    digest of the bytes written and the file they went to (relative to the site), which
    ``settle`` notes the metadata of once the site is finished."""
    return {"own": own, "reads": reads, "out": file_digest(data), "path": path}


def holds(site: str | Path | None, path: str, record: object, own: str) -> bool:
    """Whether ``record`` (a record of the previous build, or anything read in its place) was
    made from inputs whose digest is ``own``, and the file ``path`` of that build's site at
    ``site`` (None: there is none) is still what the record says was written there (its
    ``path``, its ``out`` digest). The file is known from its metadata alone when ``settle``
    noted it and nothing has touched it since (its size, times and inode are the same: an edit
    changes its ctime, which no one can set back); otherwise it is read."""
    if site is None or not isinstance(record, dict) or record.get("own") != own or record.get("path") != path:
        return False
    full = os.path.join(site, path)  # text, not a Path per page
    noted = record.get("file")
    if noted is not None:
        try:
            if signature(os.stat(full)) == noted:
                return True
        except OSError:
            return False
    try:
        with open(full, "rb") as existing:
            return file_digest(existing.read()) == record.get("out")
    except OSError:
        return False


def settle(records: dict, site: Path) -> None:
    """Note in each record the metadata of its file as the finished site at ``site`` holds it
    (``path``), so the next build can tell the file unchanged without reading it. A file
    changed within RACY_NS of now gets no note: a second change in the same clock tick could
    leave its metadata as it is (the next build reads it, and notes it then)."""
    recent = time.time_ns() - RACY_NS
    base = os.fspath(site)  # text, not a Path per page: at 10,000 pages Path joins cost 0.1 s
    for record in records.values():
        if not isinstance(record, dict):
            continue
        record.pop("file", None)
        rel = record.get("path")
        if not isinstance(rel, str):
            continue
        try:
            info = os.stat(os.path.join(base, rel))
        except OSError:
            continue
        if max(info.st_mtime_ns, info.st_ctime_ns) < recent:
            record["file"] = signature(info)


class RenderCache:
    """The records of one site's pages in one output directory, signed like the parse cache
    (loadcache.SignedFile): records someone else wrote could make a build keep a page it
    should have rendered, so they are ignored rather than trusted."""

    def __init__(self, root: Path, site: str, target: Path):
        name = hashlib.sha256(f"{site}\0{Path(target).resolve()}".encode()).hexdigest()[:16]
        self.path = Path(root) / CACHE_DIR / f"pages-{site}-{name}.json"
        self.file = SignedFile(self.path, f"pages {FORMAT}")
        pages = self.file.read().get("pages")
        self.old: dict = pages if isinstance(pages, dict) else {}
        self.new: dict = {}

    def save(self) -> None:
        """Write the records of this build; never fails a build (a read-only checkout: no cache)."""
        self.file.write({"pages": self.new})
