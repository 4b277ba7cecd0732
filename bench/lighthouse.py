"""Lighthouse on the public site: the four scores and the page weight of its pages.

    python bench/lighthouse.py [--site DIR [--incident incidents/ID/]] [--pages home,incident,history]

Builds the example repository's public site at its fixed time (unless --site names a built
one), serves it on 127.0.0.1 (gzipped, as GitHub Pages serves it), and runs `npx lighthouse@12.2.3` with Debian's chromium on each
page, once as a phone (Lighthouse's mobile preset: throttled) and once as a desktop. Prints a
table: performance, accessibility, best practices and SEO (0-100), the bytes transferred, the
bytes a host that compresses would send (gzip -9 of the same files), the number of requests
and the first contentful paint. Nothing asserts: it measures. Needs node and npm (npx fetches
Lighthouse from the npm registry the first time).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import subprocess
import sys
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)  # the example's "now" (tests/conftest.py)
LIGHTHOUSE = "lighthouse@12.2.3"
PAGES = {"home": "", "incident": "incidents/2026-11-22-sso-login-failures/", "history": "history/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves the site as GitHub Pages does: gzip for a client that accepts it."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def build(out: Path) -> Path:
    from statusgen.build import build_sites

    build_sites(ROOT, NOW, sites=("public",), out=out)
    return out


def lighthouse(url: str, preset: str, chromium: str, report: Path) -> dict:
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {"CHROME_PATH": chromium, "PATH": "/usr/bin:/bin:/usr/local/bin"}
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, timeout=300)
    return json.loads(report.read_text())


def figures(result: dict, site: Path, base: str) -> dict:
    scores = {name: round((result["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    requests = result["audits"]["network-requests"]["details"]["items"]
    weight = sum(item.get("transferSize", 0) for item in requests)
    # The test server sends files as they are; what a host that compresses (GitHub Pages) sends:
    gzipped = 0
    for item in requests:
        path = site / item["url"].removeprefix(base).split("?")[0]
        path = path / "index.html" if path.is_dir() else path
        gzipped += len(gzip.compress(path.read_bytes(), 9)) if path.is_file() else item.get("transferSize", 0)
    fcp = result["audits"]["first-contentful-paint"]["numericValue"]
    return {**scores, "bytes": weight, "gzip": gzipped, "requests": len(requests), "fcp": fcp}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built public site (default: build the example)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"some of {', '.join(PAGES)}")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--incident", help="the incident page's path in --site (default: the example's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="statusgen-lighthouse-") as tmp:
        site = args.site or build(Path(tmp) / "site")
        if args.incident:
            PAGES["incident"] = args.incident
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}/"
        print(
            f"{'page':<10} {'as':<8} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5} {'bytes':>8} {'gzip':>7} "
            f"{'reqs':>5} {'FCP ms':>7}"
        )
        for name in args.pages.split(","):
            for preset in ("mobile", "desktop"):
                result = lighthouse(base + PAGES[name], preset, args.chromium, Path(tmp) / f"{name}-{preset}.json")
                f = figures(result, Path(site), base)
                print(
                    f"{name:<10} {preset:<8} {f['performance']:>5} {f['accessibility']:>5} "
                    f"{f['best-practices']:>5} {f['seo']:>5} {f['bytes']:>8} {f['gzip']:>7} {f['requests']:>5} "
                    f"{f['fcp']:>7.0f}",
                    flush=True,
                )
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
