"""The scale benchmark: statusgen against its targets, and against plain mkdocs-material.

    python bench/run.py [--sizes 1000,10000] [--runs 3] [--workdir /tmp/statusgen-bench] [--single-core]

For each size N it generates (once, cached in --workdir) a repository with bench/generate.py,
then runs the real CLI in subprocesses and prints, as the median of --runs runs: the full build
of both sites and of each site (wall time, peak RSS), pages and bytes written, the largest page,
the public home page's weight, a rebuild after one `statusgen update`, `update`, `new`,
`validate` and `list`, and `validate` with no parse cache (wall and CPU time, a forked child's
included: on a shared machine CPU time is the steadier figure; the targets are wall time unless
they say CPU); under `statusgen serve`, the time from
an `update` command to the changed incident page being served; and, in the same run, a plain
`mkdocs build` (mkdocs-material, search plugin) of N one-paragraph pages, with the ratio.
Nothing here asserts: each figure is printed in a table beside its target at that size (TARGETS),
met or not met. --single-core pins every benchmarked process (and what it forks) to one CPU.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
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

# The project's performance targets: (figure, N) -> (limit, unit). A figure at a size with no
# target is printed for reference.
TARGETS: dict[tuple[str, int], tuple[float, str]] = {
    ("rebuild_public", 10_000): (1.5, "s"),
    ("rebuild_both", 10_000): (3.0, "s"),
    ("rebuild_both", 1_000): (1.0, "s"),
    ("serve", 1_000): (1.0, "s"),
    ("cpu_ratio", 10_000): (1.0, "x"),
    ("build", 10_000): (20.0, "s"),
    ("build_rss", 10_000): (300.0, "MB"),
    ("validate_cold", 10_000): (3.0, "s"),
    ("new", 10_000): (0.5, "s"),
    ("update", 10_000): (0.5, "s"),
    ("validate", 10_000): (0.5, "s"),
    ("list", 10_000): (0.5, "s"),
}
# Targets at every size.
EVERY_SIZE: dict[str, tuple[float, str]] = {
    "home_kb": (100.0, "KB"),
    "home_requests": (8, ""),
    "largest_kb": (1024, "KB"),
}

# Set by --single-core: the one CPU every benchmarked process runs on.
PINNED: set[int] | None = None


def pin() -> None:
    """In a benchmarked child before it runs: keep it (and all it forks) on the pinned CPU."""
    if PINNED is not None:
        os.sched_setaffinity(0, PINNED)


def run(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds of one command; its failure stops the benchmark."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, preexec_fn=pin)
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
    return "met" if ok else "NOT MET"


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

    # Loading from an empty parse cache (.statusgen-cache/, as on a fresh CI checkout): each run
    # starts with none; every figure below runs with the cache as the previous command left it.
    timed(
        "validate_cold", sg("validate"), before=lambda _: shutil.rmtree(repo / ".statusgen-cache", ignore_errors=True)
    )

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
    # Updates only move forward: after the target's last one (a repository kept from an earlier run has some).
    start = max(NOW, *last_updates(repo, target))
    later = [start + timedelta(minutes=5 * (i + 1)) for i in range(2 * runs)]
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

    # Under `statusgen serve`: from an update command to the changed page served (after the
    # rebuild figures' updates, so each moves forward).
    serve_times = [start + timedelta(minutes=5 * (2 * runs + i + 1)) for i in range(runs)]
    figures["serve"] = median(serve_latency(repo, target, serve_times))

    stats = {site: site_stats(out / site) for site in ("public", "internal")}
    weight, requests = home_weight(out / "public")
    largest = max(stats.values(), key=lambda s: s[2])
    n = f"{count:,}"
    table: list[tuple[str, str, str, str]] = []

    def row(label: str, name: str | None, value: float | None, shown: str) -> None:
        """One figure: its value, its target at this size (if any) and whether it is met."""
        limit, unit = EVERY_SIZE.get(name or "") or TARGETS.get((name or "", count)) or (None, "")
        if limit is None or value is None:
            table.append((label, shown, "-", ""))
        else:
            target = f"<= {limit:g}{' ' + unit if unit else ''}"
            table.append((label, shown, target, "met" if value <= limit else "NOT MET"))

    def timing(label: str, name: str, figure) -> None:
        wall, rss, cpu = figure
        row(label, name, wall, f"{wall:.2f} s wall, {cpu:.2f} s CPU" + (f", {rss:.0f} MB" if rss else ""))

    timing("full build, both sites", "build", full)
    row("  peak RSS of one process", "build_rss", full[1], f"{full[1]:.0f} MB")
    timing(f"plain mkdocs-material, {n} pages", "", plain_t)
    row("  build / plain, CPU time", "cpu_ratio", full[2] / plain_t[2], f"{full[2] / plain_t[2]:.2f} x")
    row("  build / plain, wall time", None, None, f"{full[0] / plain_t[0]:.2f} x")
    timing("full build --site public", "", public)
    timing("full build --site internal", "", internal)
    for site, (pages, total, _, _) in stats.items():
        row(f"  {site} site", None, None, f"{pages} pages, {total / MB:.1f} MB")
    row("public / gzip with resources", "home_kb", weight / 1024, f"{weight / 1024:.1f} KB")
    row("public / requests", "home_requests", requests, f"{requests}")
    row("largest page of either site", "largest_kb", largest[2] / 1024, f"{largest[2] / 1024:.0f} KB ({largest[3]})")
    timing("rebuild public after one update", "rebuild_public", rebuild_pub)
    timing("rebuild both after one update", "rebuild_both", rebuild_both)
    timing("serve: update to changed page", "serve", figures["serve"])
    timing("validate, empty parse cache", "validate_cold", figures["validate_cold"])
    for name in ("update", "new", "validate", "list"):
        timing(f"{name} (warm)", name, figures[name])

    mode = ", one CPU" if PINNED is not None else ""
    rows.append(f"N = {n}  (median of {runs} runs{mode}; peak RSS is the largest process's, the largest run's)")
    widths = [max(len(r[i]) for r in [*table, HEADER]) for i in range(4)]
    for cells in [HEADER, *table]:
        rows.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip())
    return figures


HEADER = ("figure", "value", "target", "")


def last_updates(repo: Path, ident: str) -> list[datetime]:
    """The times of the updates of incident ``ident`` (as bench/generate.py and the CLI write them)."""
    (path,) = (repo / "incidents").rglob(f"{ident}.yaml")
    stamps = re.findall(r"^\s*-\s+at:\s+'?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", path.read_text(), flags=re.M)
    return [datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) for s in stamps]


def serve_latency(repo: Path, target: str, times: list[datetime]) -> list[tuple[float, float, float]]:
    """Seconds from the start of an `update` of ``target`` (one at each of ``times``) to
    `statusgen serve`, running over ``repo``, serving the incident's page with it: wall time,
    and the CPU time of the update and of the server (the rebuild and the requests) meanwhile."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = sg("serve", "-a", f"127.0.0.1:{port}", now=times[-1] + timedelta(hours=1))
    server = subprocess.Popen(
        command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=pin
    )
    output: list[str] = []
    try:
        url = None
        for line in server.stdout:  # the first build, then the address
            output.append(line)
            if match := re.match(r"Serving the public site on (\S+)", line):
                url = match[1]
                break
        if url is None:
            sys.exit("statusgen serve did not start:\n" + "".join(output[-40:]))
        threading.Thread(target=lambda: output.extend(server.stdout), daemon=True).start()
        page = f"{url}incidents/{target}/"
        samples = []
        for i, at in enumerate(times):
            message = f"Served update {i} {time.time_ns()}."
            start, server_cpu = time.perf_counter(), cpu_seconds(server.pid)
            _, _, update_cpu = run(sg("update", target, "--stage", "monitoring", "-m", message, now=at), repo)
            while message not in fetch(page):
                if time.perf_counter() - start > 600:
                    sys.exit(f"statusgen serve never served the update:\n{''.join(output[-40:])}")
                time.sleep(0.02)
            samples.append((time.perf_counter() - start, 0.0, update_cpu + cpu_seconds(server.pid) - server_cpu))
        return samples
    finally:
        server.terminate()
        server.wait(timeout=60)


def cpu_seconds(pid: int) -> float:
    """CPU time of a running process and of the children it has waited for (its forks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read().decode()
    except OSError:
        return ""


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
    parser.add_argument(
        "--single-core", action="store_true", help="run every benchmarked process (and its forks) on one CPU"
    )
    args = parser.parse_args(argv)
    global PINNED
    if args.single_core:
        PINNED = {min(os.sched_getaffinity(0))}
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)
    # The commands run as on a person's machine, with Python's bytecode cache: with
    # PYTHONDONTWRITEBYTECODE set (as some containers do), each command would compile
    # statusgen's modules again (0.1 to 0.3 s of every figure).
    unset = os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None
    rows: list[str] = [
        f"statusgen bench, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs"
        f"{f' (benchmarked processes pinned to CPU {min(PINNED)})' if PINNED else ''}, "
        f"calibration loop {calibration():.2f} s (lower is a quieter machine)"
        f"{'; PYTHONDONTWRITEBYTECODE unset for the commands' if unset else ''}"
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
