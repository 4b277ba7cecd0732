"""`statusgen serve`: the server, and what one rebuild leaves to the next.

A ServeSession owns the served folder for the life of the process. Each rebuild is a whole
mkdocs build into a folder of its own, which statusgen/build.py then brings into the served
folder file by file, as `statusgen build` does with its output: the pages statusgen renders
itself whose inputs did not change (statusgen/cache/pages.py, records kept in memory here) are
not rendered again and never leave the served folder.

While the repository has problems the LiveServer answers every request at once with a page
listing them (status 500), instead of holding it until a rebuild succeeds; live reload brings
the browser back to the real page when one does. Its live reload script is a file of the
server's own, loaded by a ``<script src>``, so the served pages keep their
Content-Security-Policy (statusgen/render/csp.py): ``script-src 'self'`` allows it, and no
built site has it.
"""

from __future__ import annotations

import atexit
import html
import ipaddress
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler

import watchdog.events
import watchdog.observers
import watchdog.observers.polling
from mkdocs.livereload import LiveReloadServer

from statusgen.cache.parsed import KeptIncidents
from statusgen.core.kept import KeptViews
from statusgen.core.model import Repository
from statusgen.render.collector import QUIET_SECONDS, QuietCollector
from statusgen.render.context import BuildContext

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Served by the server itself, outside any site's folder (a site never has a folder with a dot).
SCRIPT_PATH = "/.statusgen-serve/livereload.js"
# mkdocs' live reload protocol: /livereload/<epoch>/<id> answers the newest epoch once it is
# greater than the page's (or after a minute); the page then reloads.
LIVERELOAD_JS = b"""(function () {
  "use strict";
  var script = document.currentScript;
  var epoch = Number(script.dataset.epoch), id = script.dataset.request, request, timer;
  function poll() {
    request = new XMLHttpRequest();
    request.onloadend = function () {
      if (parseFloat(this.responseText) > epoch) {
        location.reload();
      } else {
        timer = setTimeout(poll, this.status === 200 ? 0 : 3000);
      }
    };
    request.open("GET", "/livereload/" + epoch + "/" + id);
    request.send();
  }
  function stop() {
    if (request) { request.abort(); }
    if (timer) { clearTimeout(timer); }
    request = timer = undefined;
  }
  function start() {
    if (document.visibilityState === "visible" && !request) { poll(); }
  }
  window.addEventListener("load", start);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { start(); } else { stop(); }
  });
  window.addEventListener("beforeunload", stop);
})();
"""


class MemoryRecords:
    """Page records kept in memory: ``old`` holds the last rebuild's, ``new`` this one's."""

    def __init__(self):
        self.old: dict = {}
        self.new: dict = {}

    def save(self) -> None:
        self.old, self.new = self.new, {}


class ServeSession:
    """The state of one server serving one site, from rebuild to rebuild: the served folder
    (``site_dir``, removed when the process ends), the incidents decoded so far, the page
    records of the last rebuild that succeeded, what the watched files were like at the last
    rebuild, and the problems that stopped the last one (none: the site is served)."""

    def __init__(self, site: str, root: Path, watched: Iterable[Path] = ()):
        self.site = site
        self.root = Path(root)
        self.watched = [Path(p) for p in watched]
        self.records = MemoryRecords()
        self.incidents = KeptIncidents()  # decoded once, then only the files that change
        self.views = KeptViews()  # the public views of incidents resolved in unchanged files
        self.top = Path(tempfile.mkdtemp(prefix="statusgen-serve-"))
        atexit.register(shutil.rmtree, self.top, True)
        self.site_dir = self.top / "site"
        self.site_dir.mkdir()
        self.built = False  # whether site_dir holds a whole site
        self.problems: list[str] = []  # lines `file:line: message`; any: requests get the list
        self.warnings: list[str] = []  # the last rebuild's warnings, printed when they change
        self.files = self._snapshot()

    def context(self, repo: Repository, now: datetime) -> BuildContext:
        """The context of the next rebuild; records of a rebuild that failed half-way are dropped."""
        self.records.new = {}
        return BuildContext(
            repo=repo,
            now=now,
            site=self.site,
            previous=self.site_dir if self.built else None,
            records=self.records,
            kept_views=self.views,
        )

    def staging(self) -> Path:
        """A new empty folder for one rebuild, on the served folder's filesystem."""
        return Path(tempfile.mkdtemp(prefix="rebuild-", dir=self.top))

    def succeeded(self, warnings: list[str]) -> list[str]:
        """A rebuild is in site_dir: serve it. Returns the warnings not printed before."""
        self.records.save()
        self.built = True
        self.problems = []
        fresh = [w for w in warnings if w not in self.warnings]
        self.warnings = list(warnings)
        return fresh

    def failed(self, problems: list[str]) -> None:
        """A rebuild stopped on ``problems``: every page answers with them until one succeeds."""
        self.records.new = {}
        self.problems = list(problems) or ["the site could not be built (no message was given)"]

    def changes(self) -> list[str]:
        """The watched files added, changed or removed since the last call (paths relative to
        the repository), by their size and modification time."""
        now = self._snapshot()
        changed = sorted(path for path in now.keys() | self.files.keys() if now.get(path) != self.files.get(path))
        self.files = now
        return changed

    def _snapshot(self) -> dict[str, tuple[int, int]]:
        files: dict[str, tuple[int, int]] = {}
        pending = list(self.watched)
        while pending:
            path = pending.pop()
            try:
                if path.is_dir():
                    with os.scandir(path) as entries:
                        pending.extend(Path(entry.path) for entry in entries)
                    continue
                info = path.stat()
            except OSError:
                continue
            try:
                shown = str(path.relative_to(self.root))
            except ValueError:
                shown = str(path)
            files[shown] = (info.st_size, info.st_mtime_ns)
        return files


class LiveServer(LiveReloadServer):
    """mkdocs' live reload server over a ServeSession's folder. It serves the live reload
    script as a file, and while the session has problems answers every request with them.

    It leans on mkdocs 1.6's internals (pyproject.toml pins mkdocs below 2), all exercised by
    tests/render/test_serve.py: ``_inject_js_into_html(content, epoch)``, which mkdocs calls
    for every HTML file it serves; ``_visible_epoch``, the version of the site browsers last
    saw; and what ``watch`` keeps (``_watched_paths``, ``_watch_refs``) and sets to ask for a
    rebuild (``_want_rebuild`` under ``_rebuild_cond``)."""

    def __init__(
        self,
        session: ServeSession,
        builder: Callable[[], None],
        address: tuple[str, int],
        mount_path: str,
        listening: Callable[[str], None],
    ):
        """``listening(url)`` is called once the server accepts connections."""
        host, port = address

        # What a rebuild leaves is in reference cycles (mkdocs' config, pages and plugins,
        # Jinja's environment). With the statusgen program's rare collections (cli/process) it
        # waited in the oldest generation, and the server grew by 4 MB with each rebuild at
        # 1,000 incidents; collected after each, it stays near its first size. Collected once
        # the server is quiet, not in the builder: mkdocs tells the browsers to reload only when
        # the builder returns, and a collection takes 0.15 s at 1,000 incidents, 1 s at 10,000.
        self.collector = QuietCollector(QUIET_SECONDS)

        def rebuild() -> None:
            with self.collector.busy:
                builder()
            self.collector.due()

        super().__init__(builder=rebuild, host=host, port=port, root=str(session.site_dir), mount_path=mount_path)
        # mkdocs polls the watched folders every half second, so a save waited 0.25 s on
        # average before a rebuild began, and at 10,000 incidents each poll stats every file.
        # The system's own notices (inotify, FSEvents, ReadDirectoryChangesW) come at once and
        # cost nothing while nothing changes; where there are none, watchdog polls.
        self.observer = watchdog.observers.Observer()  # type: ignore[assignment]  # mkdocs annotates its poller
        self.handler = watchdog.events.FileSystemEventHandler()
        self.handler.on_any_event = self._source_changed  # type: ignore[method-assign]
        self.recursive: dict[str, bool] = {}
        self.session = session
        self.listening = listening
        self.bound = False
        self.error_handler = self._not_found
        self.RequestHandlerClass = _Requests

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """Rebuild when a source under ``path`` changes (mkdocs' ``watch``, with the events that
        change no source left out: see ``changes_a_source``). Should the system refuse another
        watch (Linux limits inotify watches per user), poll every watched path instead."""
        if not (func is None or func is self.builder):
            raise TypeError("Plugins can no longer pass a 'func' parameter to watch().")
        path = os.path.abspath(path)
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        self._watched_paths[path] = 1
        self.recursive[path] = recursive
        try:
            self._watch_refs[path] = self.observer.schedule(self.handler, path, recursive=recursive)
        except OSError:
            if isinstance(self.observer, watchdog.observers.polling.PollingObserver):
                raise
            logging.getLogger("mkdocs.plugins.statusgen").warning(
                "the system gives no more file watches; looking for changes every half second instead"
            )
            self.observer = watchdog.observers.polling.PollingObserver(timeout=0.5)
            for watched in self._watched_paths:
                self._watch_refs[watched] = self.observer.schedule(
                    self.handler, watched, recursive=self.recursive[watched]
                )

    def _source_changed(self, event: watchdog.events.FileSystemEvent) -> None:
        if changes_a_source(event):
            with self._rebuild_cond:
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

    def shutdown(self, wait: bool = False) -> None:
        super().shutdown(wait)
        self.collector.stop()

    def server_bind(self) -> None:
        """Bound once: serve_site binds before the first build (a busy port is said at once),
        then mkdocs' ``serve()`` asks again."""
        if not self.bound:
            super().server_bind()
            self.bound = True

    def server_activate(self) -> None:
        super().server_activate()
        self.listening(self.url)

    def serve_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == SCRIPT_PATH:
            start_response(
                "200 OK",
                [("Content-Type", "application/javascript"), ("Content-Length", str(len(LIVERELOAD_JS)))],
            )
            return [LIVERELOAD_JS]
        problems = self.session.problems
        if problems and not path.startswith("/livereload/"):
            body = problems_page(self.session.site, problems, self._script(self._visible_epoch))
            start_response(
                "500 Internal Server Error",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(body))),
                    ("Cache-Control", "no-store"),
                    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'"),
                ],
            )
            return [body]
        return super().serve_request(environ, start_response)

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        """Every served page, mkdocs' and statusgen's own, gets the live reload script."""
        end = content.rfind(b"</body>")
        end = len(content) if end < 0 else end
        return content[:end] + self._script(epoch) + content[end:]

    @staticmethod
    def _script(epoch: int) -> bytes:
        request = round(time.monotonic() * 1000)
        return f'<script src="{SCRIPT_PATH}" data-epoch="{int(epoch)}" data-request="{request}"></script>'.encode()

    def _not_found(self, code: int) -> bytes | None:
        """The site's own 404 page, as a static host would answer."""
        if code != 404:
            return None
        try:
            return (self.session.site_dir / "404.html").read_bytes()
        except OSError:
            return None


class _Requests(WSGIRequestHandler):
    """Says only what a person previewing a site wants to know of the requests: a page not
    found. (A refused Host is said by host_guard; the problems page was said by the rebuild.)"""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code) == "404":
            logging.getLogger("mkdocs.livereload").warning("not found: %s", self.requestline)

    def log_message(self, format: str, *args: Any) -> None:
        pass


# What the system says when a file's bytes or name change; it also says when a file is opened
# or closed unwritten (inotify), and each rebuild reads the files that changed since the last.
_CHANGES = {"created", "modified", "moved", "deleted", "closed"}


def changes_a_source(event) -> bool:
    """Whether a file event can change what a build reads: a file's bytes or its name, not a
    read, and not a hidden file (the edit lock, a command's temporary file before it is
    renamed into place, an editor's swap file), which no build reads."""
    if event.is_directory or event.event_type not in _CHANGES:
        return False
    names = [event.src_path, getattr(event, "dest_path", "") or ""]
    return any(name and not os.path.basename(os.fsdecode(name)).startswith(".") for name in names)


def changed_text(changed: list[str]) -> str:
    """``a.yaml changed`` (or ``a.yaml and 2 more changed``), or nothing."""
    if not changed:
        return ""
    more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
    return f"{changed[0]}{more} changed"


def problems_page(site: str, problems: list[str], script: bytes) -> bytes:
    """The page every request gets while the repository has problems."""
    count = len(problems)
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in problems)
    return (
        (
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>statusgen serve: {count} problem{'s' if count != 1 else ''}</title>\n</head>\n<body>\n"
            f"<h1>The {html.escape(site)} site cannot be built</h1>\n"
            "<p>Fix what is listed here and save: this page reloads by itself, to the site once it builds.</p>\n"
            f"<ul>\n{items}\n</ul>\n"
        ).encode()
        + script
        + b"\n</body>\n</html>\n"
    )


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (an address, or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
