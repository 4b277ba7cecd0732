"""One signed store for what statusgen keeps between runs, in ``.statusgen-cache/``.

It lives in ``.statusgen-cache/`` under the repository, which ignores itself in git; deleting
it is always safe. It is JSON (never pickle) and signed with a key kept outside the
repository (``~/.cache/statusgen/key``), so a cache committed by someone else is ignored rather
than trusted: it could otherwise make a bad file look valid.

Nothing in it is opened through a symbolic link (``O_NOFOLLOW``, relative to the folder's own
descriptor), so a ``.statusgen-cache`` committed as a link to ``site/public`` cannot make a
command write every internal note into the public site. When the folder is a link, not a
folder, or not owned by the user running statusgen, the cache is not used at all and one
warning says so: the cache only saves time, and a file someone committed must never stop a
command (an ``update`` in the middle of an incident least of all).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import time
from pathlib import Path

CACHE_DIR = ".statusgen-cache"
FORMAT = 3  # of a signed file; a file of another format is read as empty
RACY_NS = 2_000_000_000  # a file changed this close to the index being written is read again


class SignedFile:
    """One JSON file of ``.statusgen-cache/``, signed with this user's key and valid only
    for ``key`` (what its contents depend on besides the files they came from)."""

    def __init__(self, path: Path, key: str):
        self.path = path
        self.key = key
        self.secret = _secret()

    def read(self) -> dict:
        if self.secret is None:
            return {}
        try:
            text = read_cache_file(self.path)
        except (OSError, UnicodeDecodeError):
            return {}
        if text is None:
            return {}
        mac, _, body = text.partition("\n")
        expected = hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(mac, expected):
            return {}
        try:
            data = json.loads(body)
        except ValueError:
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != self.key:
            return {}
        return data

    def write(self, data: dict) -> None:
        if self.secret is None:
            return
        body = json.dumps({"format": FORMAT, "key": self.key, **data}, separators=(",", ":"))
        mac = hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()
        write_cache_file(self.path, mac + "\n" + body)


class StatCache:
    """Values worked out from single files, kept by each file's metadata (mtime, ctime, size,
    inode), so an unchanged file is not even read, as git does with its index. A file changed
    within ``RACY_NS`` of the cache being written is read again: a quick second write could
    leave its metadata alone."""

    def __init__(self, path: Path, key: str):
        self.file = SignedFile(path, key)
        data = self.file.read()
        self.saved_at = data.get("saved", 0)
        self.old: dict[str, list] = data.get("files") or {}
        self.new: dict[str, list] = {}
        self.changed = False

    def get(self, shown: str, info: os.stat_result | None):
        """The value kept for a file whose metadata is unchanged; None when it must be read."""
        entry = self.old.get(shown)
        if entry is None or info is None or entry[0] != signature(info):
            return None
        if max(info.st_mtime_ns, info.st_ctime_ns) >= self.saved_at - RACY_NS:
            self.changed = True  # settle it: the next cache is written after this change
            return None
        self.new[shown] = entry
        return entry[1]

    def put(self, shown: str, info: os.stat_result | None, value) -> None:
        """Keep ``value`` for a file read in this run (``info``: its metadata from before the read)."""
        if info is None:
            return
        entry = [signature(info), value]
        if self.old.get(shown) != entry:
            self.changed = True
        self.new[shown] = entry

    def save(self) -> None:
        """Write it when anything changed (files added, edited or removed); never fails a command."""
        if self.changed or self.new.keys() != self.old.keys():
            self.file.write({"saved": time.time_ns(), "files": self.new})


def signature(info: os.stat_result) -> list[int]:
    """What changes when a file's bytes do: its times, size and inode (a replaced file gets a new one)."""
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino]


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_WARNED: set[str] = set()


def cache_folder(folder: Path, *, create: bool) -> int | None:
    """A descriptor of the cache folder ``folder``, opened without following a link (and made
    first when ``create``); None when there is none, or it must not be used (a warning, once)."""
    if not _NOFOLLOW or os.open not in os.supports_dir_fd or os.rename not in os.supports_dir_fd:
        return None  # pragma: no cover - a platform where a link could not be refused: no cache
    if create:
        try:
            os.mkdir(folder)  # never follows a link named like the folder, even a dangling one
        except FileExistsError:
            pass
        except OSError:
            return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    why = _refusal(info, "a symbolic link", "not a folder", stat.S_ISDIR)
    if why is not None:
        _warn(folder, why)
        return None
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW)
    except OSError:  # replaced by a link since the lstat, say
        return None
    why = _refusal(os.fstat(fd), "a symbolic link", "not a folder", stat.S_ISDIR)
    if why is not None:
        os.close(fd)
        _warn(folder, why)
        return None
    return fd


def _refusal(info: os.stat_result, link: str, other: str, right_kind) -> str | None:
    if stat.S_ISLNK(info.st_mode):
        return link
    if not right_kind(info.st_mode):
        return other
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return "owned by another user"
    return None


def _warn(folder: Path, why: str) -> None:
    if str(folder) in _WARNED:
        return
    _WARNED.add(str(folder))
    sys.stderr.write(
        f"statusgen: warning: {folder.name} is {why}; not using statusgen's cache (it is never read or "
        f"written through a link, nor one someone else owns). Delete {folder.name} to get the cache back.\n"
    )
    sys.stderr.flush()


def read_cache_file(path: Path) -> str | None:
    """The text of one file of ``.statusgen-cache/``, or None when there is none to trust: the
    folder or the file is a link, or not a regular file of this user's."""
    folder = cache_folder(path.parent, create=False)
    if folder is None:
        return None
    try:
        fd = os.open(path.name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)
    with open(fd, "rb") as handle:
        if _refusal(os.fstat(fd), "", "", stat.S_ISREG) is not None:
            return None
        return handle.read().decode("utf-8")


def write_cache_file(path: Path, text: str) -> None:
    """Write one file of ``.statusgen-cache/`` atomically (the folder ignores itself in git),
    following no link. Never fails a command: in a read-only checkout there is simply no cache."""
    folder = cache_folder(path.parent, create=True)
    if folder is None:
        return
    temp = f".{path.stem}-{secrets.token_hex(8)}"
    created = False
    try:
        try:  # O_EXCL with O_NOFOLLOW: an existing .gitignore, or a link of that name, is left alone
            ignore = os.open(".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644, dir_fd=folder)
        except FileExistsError:
            pass
        else:
            with open(ignore, "w", encoding="utf-8") as out:
                out.write("# statusgen's cache: safe to delete\n*\n")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=folder)
        created = True
        with open(fd, "w", encoding="utf-8") as out:
            out.write(text)
        # rename(2) replaces a file atomically on POSIX, the only systems with O_NOFOLLOW here
        os.rename(temp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
        created = False
    except OSError:
        if created:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=folder)
    finally:
        os.close(folder)


def user_cache_dir() -> Path:
    """This user's own statusgen folder (``$XDG_CACHE_HOME/statusgen``, else ``~/.cache/statusgen``):
    the signing key, and what every repository of this user shares (compiled templates)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "statusgen"


def _secret() -> bytes | None:
    """This user's key for signing caches (made on first use); None when it cannot be kept."""
    path = user_cache_dir() / "key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key + "\n")
        return bytes.fromhex(key)
    except FileExistsError:
        try:
            return bytes.fromhex(path.read_text().strip())
        except (OSError, ValueError):
            return None
    except OSError:
        return None


def code_key(names, *extra: str) -> str:
    """A cache key from statusgen's own files ``names`` (relative to the package) and ``extra``."""
    digest = hashlib.sha256()
    here = Path(__file__).parent.parent  # the statusgen package
    for name in names:
        digest.update((here / name).read_bytes())
    for text in extra:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()
