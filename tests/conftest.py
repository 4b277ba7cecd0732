"""Shared fixtures: the example repository, and small repositories written into tmp_path."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import textwrap
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)  # "now" for the example content

SMALL_CONFIG = """\
site_name: Acme Status
site_url: https://status.acme.test/
theme:
  name: material
  font: false
plugins:
  - statusgen:
      company: Acme
      groups:
        - id: core
          name: Core
      components:
        - id: api
          name: API
          group: core
          slo: 99.9
        - id: web
          name: Website
          group: core
          slo: 99.5
        - id: db
          name: Database
          slo: 99.95
"""

INCIDENT = """\
# hand-written comment: keep me
id: 2026-11-20-api-errors
title: API errors
kind: incident
severity: SEV3
components:
  api: partial_outage
impact_start: 2026-11-20T10:00:00Z
detected_at: 2026-11-20T10:05:00Z
acknowledged_at: 2026-11-20T10:07:00Z
commander: carol
updates:
  - at: 2026-11-20T10:10:00Z
    stage: investigating
    message: We are looking into failed API requests.
    internal_note: CANARY-NOTE-7f3a
    components:
      api: partial_outage
  - at: 2026-11-20T11:10:00Z
    stage: resolved
    message: Fixed.
    components:
      api: operational
"""


NOW_TEXT = "2026-11-22T16:00:00Z"  # NOW as the CLI's --now takes it


def run_cli(root: Path, *args: str, now: str = NOW_TEXT, **kwargs):
    """``statusgen -C root --now now ARGS`` in this process (click's runner); the result."""
    from click.testing import CliRunner

    from statusgen.cli import main

    return CliRunner().invoke(main, ["-C", str(root), "--now", now, *args], **kwargs)


def cli_ok(root: Path, *args: str, now: str = NOW_TEXT, **kwargs):
    """``run_cli``, asserting the command succeeded (its output shown when it did not)."""
    result = run_cli(root, *args, now=now, **kwargs)
    assert result.exit_code == 0, result.output
    return result


def declare(
    root: Path,
    *more: str,
    title: str = "API errors",
    severity: str = "SEV3",
    component: str = "api=partial",
    message: str = "x",
    now: str = NOW_TEXT,
):
    """``statusgen new`` of the small incident most CLI tests start from; ``more`` adds options."""
    return cli_ok(root, "new", "-t", title, "-s", severity, "-c", component, "-m", message, *more, now=now)


@pytest.fixture
def example_root() -> Path:
    """The example status repository that ships at the top of this repo (read-only)."""
    return ROOT


def copy_example(target: Path) -> Path:
    """Copy the example repository (config, incidents, runbooks, theme, templates, alert rules) to ``target``."""
    target.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    for name in ("incidents", "runbooks", "overrides", "templates", "prometheus"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name)
    return target


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """A writable copy of the example repository."""
    return copy_example(tmp_path / "example")


@pytest.fixture
def small_repo(tmp_path) -> Path:
    """A tiny status repository: three components, one resolved incident."""
    return write_repo(tmp_path / "repo", {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT})


def write_repo(root: Path, files: dict[str, str], config: str = SMALL_CONFIG) -> Path:
    """Write ``mkdocs.yml`` plus ``files`` (path -> text, dedented) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(config)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
    return root


CHROMIUM = "/usr/bin/chromium"
# Headless flags for this machine: no sandbox as root, and no background calls to the closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def race_updates(root: Path, statusgen: list[str], count: int) -> list[tuple[int, str]]:
    """``count`` processes each post an update (``update {n}``) to the incident ``api-errors``
    at once, through the command ``statusgen`` (a Python invocation of the CLI); their exit
    codes and output."""
    import subprocess

    procs = [
        subprocess.Popen(
            [
                *statusgen,
                "-C",
                str(root),
                "update",
                "api-errors",
                "--stage",
                "identified",
                "-m",
                f"update {n}",
                "--at",
                "2026-11-22T11:00:00Z",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(count)
    ]
    outputs = ["".join(p.communicate(timeout=60)) for p in procs]
    return [(p.returncode, output) for p, output in zip(procs, outputs)]


def require_chromium() -> None:
    """Skip on a developer machine without Debian's chromium; fail in CI, which installs it."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder as a static host would, without a log line per request."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """``directory`` served on 127.0.0.1 from a thread, by ``handler``: its base URL, until the
    block ends."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, driven by Playwright: one per test module."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def axe_script() -> Path | None:
    """axe.min.js: $AXE_CORE_JS, else the copy axe-playwright-python (a test dependency) ships."""
    candidates = [os.environ.get("AXE_CORE_JS", "")]
    try:
        import axe_playwright_python

        candidates.append(str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
    except ImportError:
        pass
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


class VisibleText(HTMLParser):
    """The text a reader sees or hears on a page: its text nodes, whitespace kept (``texts``,
    outside script, style, svg, code and pre), and the attributes read out (``attributes``)."""

    READ_OUT = ("aria-label", "title", "alt", "placeholder")
    SKIPPED = ("script", "style", "svg", "code", "pre")

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.attributes: list[str] = []
        self.skipping: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping.append(tag)
        self.attributes.extend(value for name, value in attrs if name in self.READ_OUT and value)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data)
