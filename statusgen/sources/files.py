"""Finding and reading a repository's source files without trusting what is on disk.

Only regular files inside the repository are read. A symbolic link is followed only when its
target is inside the repository too; special files (FIFOs, devices, sockets) are refused from
their metadata, without being opened; every file has a size limit. Each refusal is a Problem
with the path, so ``validate`` reports it with the rest.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from statusgen.cache.store import StatCache
from statusgen.core.errors import Problem, display_path
from statusgen.core.model import Config
from statusgen.sources.checker import FileCheck

DEFAULT_LIMIT = 1024 * 1024  # bytes: far above any incident, far below what slows a build


def source_files(
    directory: Path, root: Path, suffixes: tuple[str, ...], shown_dir: str
) -> tuple[list[Path], list[Problem]]:
    """Files under ``directory`` whose names end with one of ``suffixes``, sorted, and a
    Problem for each one that must not be read. Hidden names are skipped; symbolic links to
    directories are not followed. Plain files are told from the directory listing itself
    (no stat each), so a walk over 10,000 incidents stays cheap."""
    if not directory.is_dir():
        return [], []
    if not directory.resolve().is_relative_to(root.resolve()):
        return [], [Problem(shown_dir, 0, "is a link to a folder outside the repository; expected a folder inside it")]
    found, problems = [], []
    base = str(directory)
    pending = [base]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif name.endswith(suffixes):
                    if entry.is_file(follow_symlinks=False):
                        found.append(entry.path)
                        continue
                    problem = refusal(Path(entry.path), root)  # a link or a special file
                    if problem:
                        relative = entry.path[len(base) + 1 :].replace(os.sep, "/")
                        problems.append(Problem(f"{shown_dir}/{relative}", 0, problem))
                    else:
                        found.append(entry.path)
    found.sort()
    problems.sort()
    return [Path(p) for p in found], problems


def refusal(path: Path, root: Path) -> str | None:
    """Why ``path`` must not be read, or None. Looks only at metadata."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if stat.S_ISLNK(info.st_mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "is a symbolic link to nothing (dangling); expected a regular file"
        if not target.is_relative_to(root.resolve()):
            return "is a symbolic link to a file outside the repository; expected a regular file inside it"
        try:
            info = target.stat()
        except OSError as exc:
            return f"cannot be read: {exc.strerror}"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory; expected a file"
    if not stat.S_ISREG(info.st_mode):
        return f"is not a regular file ({_kind(info.st_mode)}); expected a file"
    return None


def read_limited(path: Path, limit: int = DEFAULT_LIMIT) -> bytes:
    """The bytes of ``path``, or OversizeError past ``limit`` (checked while reading, so a
    file that grows after its size was looked at is still cut off)."""
    # O_NONBLOCK: should a FIFO replace the file after it was checked, opening it must not hang.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OversizeError(limit)
    return data


class ShownPaths:
    """``display_path`` of files under ``directory`` as ``source_files`` lists them (it follows
    no linked folder), without resolving each one: at thousands of files that is most of a load."""

    def __init__(self, directory: Path, root: Path):
        self.root = root
        self.prefix = str(directory) + os.sep
        self.shown_dir = display_path(directory, root)
        inside, cwd = directory.resolve(), Path.cwd().resolve()
        # Standing inside the folder, display_path shows some files from there: each one asks.
        self.quick = cwd == inside or not cwd.is_relative_to(inside)

    def __call__(self, path: Path) -> str:
        text = str(path)
        if not self.quick or not text.startswith(self.prefix) or os.path.islink(text):
            return display_path(path, self.root)
        rel = text[len(self.prefix) :].replace(os.sep, "/")
        return rel if self.shown_dir == "." else f"{self.shown_dir}/{rel}"


def file_limit(config: Config) -> int:
    """The size limit for one source file, in bytes (``max_file_kb`` in mkdocs.yml)."""
    return config.max_file_kb * 1024


def read_source(path: Path, root: Path, limit: int = DEFAULT_LIMIT) -> tuple[bytes, None] | tuple[None, str]:
    """``(bytes, None)`` for a file that may be read, else ``(None, why not)``."""
    problem = refusal(path, root)
    if problem:
        return None, problem
    try:
        return read_limited(path, limit), None
    except OversizeError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror or exc}"


class OversizeError(ValueError):
    """A file over the size limit."""

    def __init__(self, limit: int):
        super().__init__(size_message(limit))


def size_message(limit: int) -> str:
    return f"is larger than {_size(limit)}; expected a smaller file (raise max_file_kb in mkdocs.yml if it must be this big)"


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit % (1024 * 1024) == 0 else f"{limit // 1024} KB"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def read_kept(
    cache: StatCache, path: Path, shown: str, root: Path, limit: int, parse: Callable[[FileCheck, bytes], Any]
) -> tuple[Any, list[Problem]]:
    """What ``parse(check, data)`` made of the file at ``path`` (a JSON value, None when the file
    has errors) and every problem found, kept in ``cache`` by the file's metadata: a file
    unchanged since the last read is not read again. A file that may not be read gives
    ``(None, [why])`` and is not kept."""
    try:
        info = os.stat(path)  # before the read, so a change while reading shows next time
    except OSError:
        info = None
    kept: list[Any] | None = cache.get(shown, info)  # [parsed value or None, encoded problems]
    if kept is None:
        data, why = read_source(path, root, limit)
        if data is None:
            return None, [Problem(shown, 0, why or "cannot be read")]
        check = FileCheck(path, shown)
        kept = [parse(check, data), [[p.path, p.line, p.message, p.level] for p in check.problems]]
        cache.put(shown, info, kept)
    return kept[0], [Problem(*p) for p in kept[1]]
