"""Median wall time of `statusgen list` (and `--help`) on the example repository.

    python bench/cli_startup.py [--runs 21]

The baseline is a bare `python -c pass`, so the figure that matters is the difference.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-22T16:00:00Z"


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    statusgen = [sys.executable, "-m", "statusgen", "--now", NOW]
    rows = [
        ("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
        ("statusgen --help", [*statusgen, "--help"]),
        ("statusgen list", [*statusgen, "list"]),
        ("statusgen validate", [*statusgen, "validate"]),
    ]
    count = len(list((ROOT / "incidents").rglob("*.yaml")))
    print(f"median of {runs} runs, example repository ({count} incident files)")
    for label, command in rows:
        print(f"{label:<28} {median_seconds(command, runs) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
