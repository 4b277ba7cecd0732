"""Wall time of the public projection and the /api/v2/ endpoints for many incidents, in memory.

    python bench/projection.py [--incidents 10000] [--runs 5]

Each run builds fresh incidents (nothing cached between runs) and prints the median and the
best, so a change to status windows, status changes or component times shows here.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from statusgen.core.model import Component, Config, Incident, Repository, Update
from statusgen.public.api import all_endpoints
from statusgen.views.public import project

NOW = datetime(2026, 11, 22, 16, tzinfo=timezone.utc)
COMPONENTS = tuple(Component(f"c{n}", f"Component {n}", n) for n in range(1, 9))


def repository(count: int) -> Repository:
    """``count`` resolved incidents, 7 h apart, each partial then major on one component."""
    incidents = []
    for n in range(count):
        start = NOW - timedelta(hours=7 * n + 1)
        cid = f"c{n % 8 + 1}"
        updates = (
            Update(start, "investigating", "m", components={cid: "partial_outage"}),
            Update(start + timedelta(minutes=20), "identified", "m", components={cid: "major_outage"}),
            Update(start + timedelta(minutes=50), "resolved", "m", components={cid: "operational"}),
        )
        incidents.append(
            Incident(
                id=f"i{n}",
                title="x",
                kind="incident",
                severity="SEV3",
                components={cid: "partial_outage"},
                impact_start=start,
                updates=updates,
            )  # fmt: skip
        )
    config = Config(root=Path("."), site_name="Bench", site_url="https://status.bench.test/", components=COMPONENTS)
    return Repository(config, tuple(incidents))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        repo = repository(args.incidents)
        start = time.perf_counter()
        all_endpoints(project(repo, NOW))
        times.append(time.perf_counter() - start)
    print(
        f"projection + API, {args.incidents} incidents: median {statistics.median(times):.2f} s, "
        f"best {min(times):.2f} s ({args.runs} runs)"
    )


if __name__ == "__main__":
    main()
