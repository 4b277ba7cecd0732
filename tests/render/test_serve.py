"""`statusgen serve` as a responder runs it: a real server process on 127.0.0.1."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import INCIDENT, NOW_TEXT, copy_example, write_repo


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, host: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def served(tmp_path):
    """(port, server process) of `statusgen serve` over a small repository, once it answers."""
    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT})
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "statusgen",
        "-C",
        str(root),
        "--now",
        NOW_TEXT,
        "serve",
        "-a",
        f"127.0.0.1:{port}",
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/", f"127.0.0.1:{port}")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, "statusgen serve did not answer within 60 s"
            time.sleep(0.3)
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_answers_its_own_address_and_localhost_and_refuses_other_host_names(served):
    port, server = served
    assert get(port, "/", f"127.0.0.1:{port}")[0] == 200
    assert get(port, "/", f"localhost:{port}")[0] == 200
    status, body = get(port, "/", f"rebind.attacker.example:{port}")
    assert status == 403
    assert b"127.0.0.1 and localhost only" in body
    assert get(port, "/incidents/2026-11-20-api-errors/", "attacker.example")[0] == 403
    server.terminate()
    _, log = server.communicate(timeout=10)
    assert "refused a request for Host 'rebind.attacker.example" in log


class Live:
    """`statusgen serve` over a copy of the example, as a person runs it; what it printed so far."""

    def __init__(self, root: Path, port: int):
        self.root = root
        self.port = port
        self.out: list[str] = []
        self.err: list[str] = []
        command = [sys.executable, "-m", "statusgen", "--now", NOW_TEXT, "serve", "-a", f"127.0.0.1:{port}"]
        self.process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=lambda s=stream, into=lines: into.extend(s), daemon=True).start()

    def printed(self, pattern: str, timeout: float = 60) -> re.Match:
        """The first line printed (stdout, then stderr) that matches ``pattern``, once there is one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in [*self.out, *self.err]:
                if match := re.search(pattern, line):
                    return match
            assert self.process.poll() is None, "".join(self.err)
            time.sleep(0.05)
        raise AssertionError(f"statusgen serve never printed {pattern!r}; it printed:\n{''.join(self.out + self.err)}")

    def get(self, path: str, timeout: float = 5) -> tuple[int, dict, str]:
        """Status, headers and text of one request, which must be answered within ``timeout``."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            connection.close()

    def until(self, path: str, condition, timeout: float = 60) -> tuple[int, dict, str]:
        """Ask for ``path`` until the answer meets ``condition(status, text)``."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.get(path)
            if condition(answer[0], answer[2]):
                return answer
            assert time.monotonic() < deadline, f"{path} never gave the expected answer: {answer[0]} {answer[2][:300]}"
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# An incident of the example, broken and mended by the tests below (each leaves it valid).
DASHBOARD = "incidents/2026/2026-11-17-dashboard-slow.yaml"
DASHBOARD_PAGE = "/incidents/2026-11-17-dashboard-slow/"
TITLE = "title: Web dashboard loading slowly in parts of Europe"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The example copy served by a real `statusgen serve`, once for this module."""
    server = Live(copy_example(tmp_path_factory.mktemp("serve") / "example"), free_port())
    try:
        yield server
    finally:
        server.stop()


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_serve_prints_its_address_and_a_line_per_rebuild_and_answers_with_the_problems_while_a_file_is_broken(live):
    url = live.printed(r"^Serving the public site on (http://\S+)$")[1]
    assert url == f"http://127.0.0.1:{live.port}/"
    assert live.printed(r"^Built the public site in [0-9.]+ s$")
    status, _, page = live.get(DASHBOARD_PAGE)
    assert status == 200 and '<h1 dir="auto">Web dashboard loading slowly in parts of Europe</h1>' in page
    # Live reload on a page statusgen renders itself, by a script file its policy allows.
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'" in page
    assert re.search(
        r'<script src="/\.statusgen-serve/livereload\.js" data-epoch="\d+" data-request="\d+"></script>', page
    )
    status, headers, script = live.get("/.statusgen-serve/livereload.js")
    assert status == 200 and headers["Content-Type"] == "application/javascript" and "/livereload/" in script

    path = live.root / DASHBOARD
    line = path.read_text().splitlines().index("severity: SEV4") + 1
    rewrite(path, "severity: SEV4\n", "severity: SEV9 <b>\n")
    status, headers, problems = live.until("/", lambda status, text: status != 200)
    assert status == 500 and headers["Cache-Control"] == "no-store"
    expected = f"{DASHBOARD}:{line}: severity &#x27;SEV9 &lt;b&gt;&#x27; is not valid; expected one of: SEV1, SEV2"
    assert expected in problems
    assert '<script src="/.statusgen-serve/livereload.js"' in problems  # so the page reloads once fixed
    # Every request is answered at once while the file is broken, a page or a stylesheet alike.
    for asked in (DASHBOARD_PAGE, "/assets/stylesheets/nope.css", "/history/"):
        started = time.monotonic()
        status, _, text = live.get(asked, timeout=2)
        assert (status, expected in text) == (500, True) and time.monotonic() - started < 1
    assert live.printed(
        rf"^The public site cannot be built \(1 problem; {re.escape(DASHBOARD)} changed\)\. Every page lists the"
    )
    assert live.printed(rf"^  {re.escape(DASHBOARD)}:{line}: severity 'SEV9 <b>' is not valid")

    rewrite(path, "severity: SEV9 <b>\n", "severity: SEV4\n")
    rewrite(path, TITLE, "title: Web dashboard slow in northern Europe")
    _, _, page = live.until(DASHBOARD_PAGE, lambda status, text: status == 200)
    assert '<h1 dir="auto">Web dashboard slow in northern Europe</h1>' in page
    assert live.printed(rf"^Rebuilt the public site in [0-9.]+ s \({re.escape(DASHBOARD)} changed\)$")
    rewrite(path, "title: Web dashboard slow in northern Europe", TITLE)
    live.until(DASHBOARD_PAGE, lambda status, text: TITLE.split(": ")[1] in text)


@pytest.mark.browser
def test_an_open_page_reloads_by_itself_after_each_save_broken_or_fixed(live):
    """In Chromium, under the page's own Content-Security-Policy: no reload by hand."""
    from conftest import CHROMIUM, CHROMIUM_ARGS, require_chromium
    from playwright.sync_api import sync_playwright

    require_chromium()
    url = live.printed(r"^Serving the public site on (http://\S+)$")[1]
    path = live.root / DASHBOARD
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text))
            page.goto(url + DASHBOARD_PAGE.lstrip("/"), wait_until="load")
            page.wait_for_function("() => document.readyState === 'complete'")
            heading = page.locator("h1").first
            assert heading.inner_text() == "Web dashboard loading slowly in parts of Europe"
            rewrite(path, TITLE, "title: Dashboard slow again")
            page.wait_for_function("() => document.querySelector('h1')?.textContent === 'Dashboard slow again'")
            rewrite(path, "severity: SEV4\n", "severity: SEV9\n")
            page.wait_for_function("() => document.title === 'statusgen serve: 1 problem'")
            assert f"{DASHBOARD}:" in page.locator("li").first.inner_text()
            rewrite(path, "severity: SEV9\n", "severity: SEV4\n")
            page.wait_for_function("() => document.querySelector('h1')?.textContent === 'Dashboard slow again'")
            assert [line for line in console if "Content Security Policy" in line] == []
        finally:
            browser.close()
            rewrite(path, "title: Dashboard slow again", TITLE)


def test_saves_are_heard_from_the_system_and_when_it_gives_no_more_watches_by_polling(tmp_path):
    """A LiveServer watches with the system's own notices (inotify here), not mkdocs' half-second
    poll. Should the system refuse a watch (Linux caps inotify watches per user), the server
    polls every watched folder instead, and a save is still heard."""
    import watchdog.observers.polling
    from watchdog.observers.inotify import InotifyObserver

    from statusgen.render.serve import LiveServer, ServeSession

    watched = [tmp_path / "one", tmp_path / "two"]
    for folder in watched:
        folder.mkdir()
    session = ServeSession("public", tmp_path, watched)
    server = LiveServer(session, lambda: None, ("127.0.0.1", free_port()), "/", lambda url: None)
    assert isinstance(server.observer, InotifyObserver)
    server.watch(str(watched[0]))

    class Refusing(InotifyObserver):
        def schedule(self, *args, **kwargs):
            raise OSError(28, "inotify watch limit reached")

    server.observer = Refusing()
    server.watch(str(watched[1]))
    assert isinstance(server.observer, watchdog.observers.polling.PollingObserver)
    assert sorted(server._watched_paths) == sorted(str(p) for p in watched)
    server.observer.start()
    try:
        time.sleep(0.6)  # the poller's first look, then a save in the folder watched before the refusal
        (watched[0] / "a.yaml").write_text("title: x\n")
        deadline = time.monotonic() + 10
        while not server._want_rebuild:
            assert time.monotonic() < deadline, "the save was never heard"
            time.sleep(0.05)
    finally:
        server.observer.stop()
        server.observer.join()
        server.collector.stop()
        server.server_close()


def test_only_events_that_change_a_source_start_a_rebuild(tmp_path):
    """The system reports reads too (inotify: opened, closed unwritten), and `statusgen update`
    takes a hidden lock and writes a hidden temporary file before renaming it into place. Only
    the rename is a change of a source: the rest once started a rebuild that then found nothing
    changed, while the real change waited for it to end."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    from statusgen.authoring.writer import write_atomic
    from statusgen.render.serve import changes_a_source

    folder = tmp_path / "incidents"
    folder.mkdir()
    source = folder / "a.yaml"
    source.write_text("title: a\n")
    events = []
    recorder = FileSystemEventHandler()
    recorder.on_any_event = events.append
    observer = Observer()
    observer.schedule(recorder, str(folder), recursive=True)
    observer.start()
    try:
        time.sleep(0.2)
        source.read_text()
        (folder / ".statusgen.lock").write_text("")
        write_atomic(source, "title: b\n")
        deadline = time.monotonic() + 10
        while not any(e.event_type == "moved" for e in events):
            assert time.monotonic() < deadline, [e.event_type for e in events]
            time.sleep(0.05)
    finally:
        observer.stop()
        observer.join()
    kinds = {e.event_type for e in events}
    assert {"opened", "closed_no_write", "created", "moved"} <= kinds
    changes = [
        (e.event_type, Path(getattr(e, "dest_path", "") or e.src_path).name) for e in events if changes_a_source(e)
    ]
    assert changes == [("moved", "a.yaml")]


def test_garbage_is_collected_once_the_server_is_quiet_after_rebuilds_and_never_during_one():
    """mkdocs tells the browsers to reload only once the builder returns, so the server collects
    after it, in a thread of its own: once no rebuild has ended for ``quiet`` seconds, and never
    while a rebuild holds ``busy``."""
    import threading

    from statusgen.render.collector import QuietCollector

    collected = []
    done = threading.Event()

    def collect():
        collected.append(time.monotonic())
        done.set()

    collector = QuietCollector(0.3, collect)
    try:
        asked = []
        for _ in range(3):  # three rebuilds in a row, 0.1 s apart: one collection, after the last
            asked.append(time.monotonic())
            collector.due()
            time.sleep(0.1)
        assert done.wait(10)
        assert len(collected) == 1 and collected[0] >= asked[-1] + 0.3

        done.clear()
        with collector.busy:  # a rebuild runs: the collection waits for its end
            collector.due()
            time.sleep(0.6)
            assert len(collected) == 1
            ended = time.monotonic()
        assert done.wait(10)
        assert len(collected) == 2 and collected[1] >= ended
    finally:
        collector.stop()
    assert not collector._thread.is_alive()
