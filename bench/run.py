"""The scale benchmark: statusgen against its targets, and against plain mkdocs-material.

    python bench/run.py [--sizes 1000,10000] [--runs 3] [--workdir /tmp/statusgen-bench]

For each size N it generates (once, cached in --workdir) a repository with bench/generate.py,
then runs the real CLI in subprocesses and prints, as the median of --runs runs: the full build
of both sites and of each site (wall time, peak RSS), pages and bytes written, the largest page,
the public home page's weight, a rebuild after one `statusgen update`, `update`, `new`,
`validate` and `list` (wall and CPU time: on a shared machine CPU time is the steadier
figure; the targets are wall time); and, in the same run, a plain `mkdocs build` (mkdocs-material, search
plugin) of N one-paragraph pages, with the ratio. Nothing here asserts: it prints figures
against the project's performance targets (each figure printed beside its target).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

BIN = Path(sys.executable).parent
STATUSGEN = [str(BIN / "statusgen")] if (BIN / "statusgen").exists() else [sys.executable, "-m", "statusgen"]
MKDOCS = [sys.executable, "-m", "mkdocs"]
NOW = generate.NOW
MB = 1024 * 1024


def run(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds of one command; its failure stops the benchmark."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(command)}\n{out.decode(errors='replace')[-3000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def median(samples: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Median wall time, largest peak RSS, median CPU time."""
    return (
        statistics.median(s[0] for s in samples),
        max(s[1] for s in samples),
        statistics.median(s[2] for s in samples),
    )


def sg(*args: str, now: datetime = NOW) -> list[str]:
    return [*STATUSGEN, "--now", now.strftime("%Y-%m-%dT%H:%M:%SZ"), *args]


def plain_mkdocs(count: int, root: Path) -> Path:
    """N one-paragraph pages under mkdocs-material with its search plugin (the floor)."""
    if (root / "mkdocs.yml").exists():
        return root
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        "site_name: Plain\nsite_url: https://plain.example/\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n"
        # Like statusgen's incident pages, the pages are not navigation entries (a menu of N
        # items on each of N pages would measure material's menu, not a build).
        "nav:\n  - Home: index.md\nnot_in_nav: |\n  /0*/\n"
    )
    rng = generate.random.Random(1)
    (docs / "index.md").write_text("# Home\n\nThe plain baseline.\n")
    for n in range(count):
        folder = docs / f"{n // 1000:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"page-{n:05d}.md").write_text(f"# Page {n}\n\n{generate.paragraph(rng)}\n")
    return root


def site_stats(site: Path) -> tuple[int, int, int, str]:
    """HTML pages, bytes of all files, and the largest page (bytes, path)."""
    pages = total = 0
    largest, where = 0, ""
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        if path.suffix == ".html":
            pages += 1
            if size > largest:
                largest, where = size, str(path.relative_to(site))
    return pages, total, largest, where


def home_weight(site: Path) -> tuple[int, int]:
    """gzip bytes and requests of the public `/` with every same-site resource it loads."""
    html = (site / "index.html").read_text()
    refs = re.findall(
        r'<(?:link[^>]+rel="(?:stylesheet|icon|shortcut icon)"[^>]*href|script[^>]+src|img[^>]+src)="([^"]+)"', html
    )
    total, requests = len(gzip.compress(html.encode())), 1
    for ref in dict.fromkeys(refs):
        if ref.startswith(("http:", "https:", "//", "data:")):
            requests += 1
            continue
        target = (site / ref.split("#")[0].split("?")[0]).resolve()
        if target.is_file():
            total += len(gzip.compress(target.read_bytes()))
            requests += 1
    return total, requests


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def bench_size(count: int, runs: int, workdir: Path, rows: list[str]) -> dict:
    repo = workdir / f"repo-{count}"
    if not (repo / "mkdocs.yml").exists():
        shutil.rmtree(repo, ignore_errors=True)
        generate.generate(count, repo)
    plain = plain_mkdocs(count, workdir / f"plain-{count}")
    out = workdir / f"out-{count}"
    figures = {}

    def timed(name: str, command: list[str], cwd: Path = repo, times: int = runs, before=None):
        samples = []
        for i in range(times):
            if before:
                before(i)
            samples.append(run(command(i) if callable(command) else command, cwd))
        figures[name] = median(samples)
        return figures[name]

    # Loading from an empty parse cache (.statusgen-cache/, as on a fresh CI checkout), once;
    # every figure below runs with the cache as the previous command left it.
    shutil.rmtree(repo / ".statusgen-cache", ignore_errors=True)
    figures["validate_cold"] = run(sg("validate"), repo)

    def fresh(*sites: str):
        """Full builds start from no output and no page records of the site (the parse cache stays)."""

        def clear(_):
            for site in sites:
                shutil.rmtree(out / site, ignore_errors=True)
                for records in (repo / ".statusgen-cache").glob(f"pages-{site}-*.json"):
                    records.unlink()

        return clear

    full = timed("build", sg("build", "--out", str(out)), before=fresh("public", "internal"))
    plain_t = timed("plain", MKDOCS + ["build", "-q", "-d", str(workdir / f"plain-site-{count}")], cwd=plain)
    public = timed("public", sg("build", "--site", "public", "--out", str(out / "public")), before=fresh("public"))
    internal = timed(
        "internal", sg("build", "--site", "internal", "--out", str(out / "internal")), before=fresh("internal")
    )
    # The rebuilds below are incremental: over the sites just built, with their page records.
    # The newest incident is still open (bench/generate.py): the one an update goes to.
    target = max((p.stem for p in (repo / "incidents").rglob("*.yaml")), key=lambda stem: stem[-5:])
    later = [NOW + timedelta(minutes=5 * (i + 1)) for i in range(2 * runs)]  # updates only move forward
    timed("update", lambda i: sg("update", target, "--stage", "monitoring", "-m", f"bench {i}", now=later[i]))
    rebuild_pub = timed("rebuild_public", sg("build", "--site", "public", "--out", str(out / "public")))
    timed(
        "update",
        lambda i: sg("update", target, "--stage", "monitoring", "-m", f"bench again {i}", now=later[runs + i]),
    )
    rebuild_both = timed("rebuild_both", sg("build", "--out", str(out)))
    created = []

    def forget(_):
        for path in created:
            path.unlink(missing_ok=True)

    new_cmd = sg("new", "-t", "Bench incident", "-s", "SEV3", "-c", "api=degraded", "-m", "Looking.")
    samples = []
    for _ in range(runs):
        samples.append(run(new_cmd, repo))
        created.extend(repo.glob("incidents/*/*-bench-incident.yaml"))
        forget(None)
    figures["new"] = median(samples)
    timed("validate", sg("validate"))
    timed("list", sg("list"))

    stats = {site: site_stats(out / site) for site in ("public", "internal")}
    weight, requests = home_weight(out / "public")
    largest = max(stats.values(), key=lambda s: s[2])
    n = f"{count:,}"
    ratio = full[0] / plain_t[0]
    cpu_ratio = full[2] / plain_t[2]

    def line(label: str, figure, target: str = "", ok: bool | None = None) -> None:
        wall, rss, cpu = figure
        verdict_text = f"  target {target}: {verdict(ok)}" if target else ""
        rows.append(f"  {label:<34} {wall:7.2f} s wall {cpu:7.2f} s CPU {rss:6.0f} MB{verdict_text}")

    rows.append(f"N = {n}  (median of {runs} runs; peak RSS is the largest seen)")
    line("build, both sites", full, "<= 30 s, <= 1 GiB" if count >= 10_000 else "", full[0] <= 30 and full[1] <= 1024)
    line(f"plain mkdocs-material, {n} pages", plain_t)
    rows.append(
        f"  {'ratio build / plain':<34} {ratio:7.2f} wall    {cpu_ratio:7.2f} CPU           target <= 1.0: {verdict(ratio <= 1.0)}"
    )
    line("build --site public", public)
    line("build --site internal", internal)
    for site, (pages, total, big, where) in stats.items():
        rows.append(
            f"  {site:<8} pages {pages:6d}, {total / MB:7.1f} MB written, largest page {big / 1024:7.0f} KB ({where})"
        )
    rows.append(
        f"  public / gzip with resources {weight / 1024:7.1f} KB in {requests} requests   "
        f"target <= 100 KB, <= 8: {verdict(weight <= 100 * 1024 and requests <= 8)}"
    )
    rows.append(
        f"  largest page of either site  {largest[2] / 1024:7.0f} KB   target <= 1024 KB: {verdict(largest[2] <= MB)}"
    )
    line("rebuild public after an update", rebuild_pub, "<= 2 s", rebuild_pub[0] <= 2)
    line("rebuild both after an update", rebuild_both, "<= 5 s", rebuild_both[0] <= 5)
    line("validate, empty parse cache (once)", figures["validate_cold"])
    for name, limit in (("update", 0.5), ("new", 0.5), ("validate", 1.5), ("list", 1.5)):
        line(name, figures[name], f"<= {limit} s", figures[name][0] <= limit)
    return figures


def calibration() -> float:
    """Seconds this machine takes for a fixed pure-Python loop, best of three: on a shared
    machine it moves with the load, so a reader can tell a slow run from a slow change."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for number in range(5_000_000):
            total += number
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated incident counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is printed)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/statusgen-bench"))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows: list[str] = [
        f"statusgen bench, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"calibration loop {calibration():.2f} s (lower is a quieter machine)"
    ]
    results = {}
    for count in sizes:
        results[count] = bench_size(count, args.runs, args.workdir, rows)
        print("\n".join(rows), flush=True)
        rows.clear()
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        scale = results[large]["build"][0] / results[small]["build"][0]
        limit = large / small * 1.2
        print(f"time({large:,}) / time({small:,}) = {scale:.1f}   target <= {limit:g}: {verdict(scale <= limit)}")
    print(f"calibration loop at the end: {calibration():.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
