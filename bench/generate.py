"""Write a realistic, seeded status repository with N incidents, for the benchmark.

    python bench/generate.py N DIR [--seed 11] [--days 1825]

N incidents over the 5 years (--days) before 2026-11-22 (about 2% maintenances; the latest still open), 12 components in 4
groups, mostly SEV3/SEV4 and a few SEV1, 2-8 updates each with a paragraph and an internal
note, a postmortem with action items for every SEV1/SEV2, and 200 runbooks naming 400 alerts.
The same N and seed always give the same files. DIR must not exist or be empty.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

NOW = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)
YEARS = 5
GROUPS = {
    "core": ("Core platform", ["api", "dashboard", "auth"]),
    "payments": ("Payments", ["checkout", "payouts", "webhooks"]),
    "data": ("Data & reporting", ["reporting", "search", "exports"]),
    "edge": ("Edge & messaging", ["cdn", "email", "sms"]),
}
SERVICES = [c for _, (_, cs) in GROUPS.items() for c in cs]
SEVERITIES = [("SEV1", 0.02), ("SEV2", 0.08), ("SEV3", 0.40), ("SEV4", 0.50)]
STATUS_FOR = {
    "SEV1": "major_outage",
    "SEV2": "partial_outage",
    "SEV3": "partial_outage",
    "SEV4": "degraded_performance",
}
WORDS = [
    "requests",
    "latency",
    "errors",
    "customers",
    "queue",
    "database",
    "replicas",
    "cache",
    "deploy",
    "rollback",
    "region",
    "traffic",
    "capacity",
    "timeouts",
    "retries",
    "connections",
    "workers",
    "certificates",
    "gateway",
    "pipeline",
    "merchants",
    "payments",
    "delivery",
    "backlog",
    "indexing",
    "partitions",
    "failover",
    "upstream",
    "provider",
    "throughput",
    "saturation",
]
TITLES = [
    "Elevated error rates on {c}",
    "Slow responses from {c}",
    "{c} unavailable for some customers",
    "Delayed processing in {c}",
    "Intermittent failures in {c}",
]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(2, 4)))


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:00Z")


def config_text() -> str:
    lines = [
        "site_name: Bench Status",
        "site_url: https://status.bench.example/",
        "theme:",
        "  name: material",
        "  font: false",
        "plugins:",
        "  - search",
        "  - statusgen:",
        "      company: Bench",
        "      groups:",
    ]
    for gid, (name, _) in GROUPS.items():
        lines += [f"        - id: {gid}", f"          name: {name}"]
    lines.append("      components:")
    for gid, (_, components) in GROUPS.items():
        for cid in components:
            lines += [
                f"        - id: {cid}",
                f"          name: {cid.capitalize()}",
                f"          group: {gid}",
                "          slo: 99.9",
            ]
    return "\n".join(lines) + "\n"


def runbooks(rng: random.Random, root: Path) -> list[str]:
    names = []
    for n in range(200):
        service = SERVICES[n % len(SERVICES)]
        name = f"{service}-runbook-{n:03d}"
        names.append(name)
        alerts = f"[{service.capitalize()}Alert{n:03d}A, {service.capitalize()}Alert{n:03d}B]"
        reviewed = (NOW - timedelta(days=rng.randint(1, 80))).date().isoformat()
        body = "\n".join(
            f"## {section}\n\n{paragraph(rng)}\n"
            for section in ("Symptoms", "Impact", "Diagnosis", "Mitigation", "Recovery", "Escalation", "What not to do")
        )
        path = root / "runbooks" / service / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: Runbook {n:03d} for {service}\nservice: {service}\nowner: team-{service}\n"
            f"severity: SEV{rng.randint(1, 4)}\nalerts: {alerts}\nlast_reviewed: {reviewed}\nreview_every: 90\n---\n\n{body}"
        )
    return names


def incident(
    rng: random.Random, n: int, start: datetime, runbook_names: list[str], active: bool = False
) -> tuple[str, str, str | None]:
    """(id, yaml text, severity if a postmortem is due); ``active`` leaves it unresolved."""
    slug_component = rng.choice(SERVICES)
    ident = f"{start:%Y-%m-%d}-{slug_component}-{n:05d}"
    if rng.random() < 0.02 and not active:
        return ident, maintenance(rng, ident, start, slug_component), None
    severity = rng.choices([s for s, _ in SEVERITIES], [w for _, w in SEVERITIES])[0]
    components = sorted({slug_component, *rng.sample(SERVICES, rng.randint(0, 2))})
    status = STATUS_FOR[severity]
    count = rng.randint(2, 8)
    stages = (
        ["investigating"]
        + sorted(
            rng.choices(["investigating", "identified", "monitoring"], k=count - 2),
            key=["investigating", "identified", "monitoring"].index,
        )
        + ([] if active else ["resolved"])
    )
    title = rng.choice(TITLES).format(c=slug_component.capitalize())
    out = [
        f"id: {ident}",
        f"title: {title}",
        "kind: incident",
        f"severity: {severity}",
        "components:",
        *(f"  {c}: {status}" for c in components),
        f"impact_start: {stamp(start)}",
        f"detected_at: {stamp(start + timedelta(minutes=rng.randint(1, 15)))}",
        f"acknowledged_at: {stamp(start + timedelta(minutes=rng.randint(16, 25)))}",
        f"commander: person{rng.randint(1, 40)}",
        f"runbooks: [{', '.join(rng.sample(runbook_names, rng.randint(1, 2)))}]",
        "updates:",
    ]
    at = start + timedelta(minutes=30)
    for stage in stages:
        out += [
            f"  - at: {stamp(at)}",
            f"    stage: {stage}",
            "    message: |",
            f"      {paragraph(rng)}",
            f"    internal_note: {sentence(rng, 10)}",
        ]
        if stage == "resolved":
            out += ["    components:", *(f"      {c}: operational" for c in components)]
        at += timedelta(minutes=rng.randint(10, 90))
    due = severity if severity in ("SEV1", "SEV2") and not active else None
    return ident, "\n".join(out) + "\n", due


def maintenance(rng: random.Random, ident: str, start: datetime, component: str) -> str:
    announce = start - timedelta(days=7)
    until = start + timedelta(hours=2)
    return (
        "\n".join(
            [
                f"id: {ident}",
                f"title: Planned maintenance on {component}",
                "kind: maintenance",
                "components:",
                f"  {component}: under_maintenance",
                f"scheduled_for: {stamp(start)}",
                f"scheduled_until: {stamp(until)}",
                "updates:",
                f"  - at: {stamp(announce)}",
                "    stage: scheduled",
                "    message: |",
                f"      {paragraph(rng)}",
                f"  - at: {stamp(start)}",
                "    stage: in_progress",
                "    message: |",
                f"      {paragraph(rng)}",
                f"  - at: {stamp(start + timedelta(minutes=90))}",
                "    stage: completed",
                "    message: |",
                f"      {paragraph(rng)}",
                "    components:",
                f"      {component}: operational",
            ]
        )
        + "\n"
    )


def postmortem(rng: random.Random, ident: str, resolved_hint: datetime) -> str:
    items = []
    for k in range(rng.randint(2, 5)):
        due = (resolved_hint + timedelta(days=rng.randint(7, 60))).date().isoformat()
        status = rng.choice(["open", "in_progress", "done", "done", "done"])
        items += [
            f"  - id: AI-{k + 1}",
            f"    action: {sentence(rng, 9)}",
            f"    type: {rng.choice(['prevent', 'mitigate', 'process'])}",
            f"    priority: P{rng.randint(1, 3)}",
            f"    owner: person{rng.randint(1, 40)}",
            f"    due: {due}",
            f"    status: {status}",
            f"    ticket: BEN-{rng.randint(1000, 9999)}",
        ]
    body = "\n".join(
        f"## {s}\n\n{paragraph(rng)}\n" for s in ("Summary", "Impact", "Timeline", "Root cause", "What went well")
    )
    return (
        f"---\nincident: {ident}\nstatus: published\nauthors: [person{rng.randint(1, 40)}]\naction_items:\n"
        + "\n".join(items)
        + f"\n---\n\n{body}"
    )


def generate(count: int, root: Path, seed: int = 11, days: int = YEARS * 365) -> None:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(config_text())
    (root / ".gitignore").write_text("/site/\n")
    names = runbooks(rng, root)
    span = days * 24 * 60  # minutes
    starts = sorted(NOW - timedelta(days=2) - timedelta(minutes=rng.randrange(span)) for _ in range(count))
    for n, start in enumerate(starts):
        ident, text, due = incident(rng, n, start, names, active=n == count - 1)
        folder = root / "incidents" / f"{start:%Y}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{ident}.yaml").write_text(text)
        if due:
            (folder / f"{ident}.postmortem.md").write_text(postmortem(rng, ident, start))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--days", type=int, default=YEARS * 365, help="the span the incidents start in")
    args = parser.parse_args(argv)
    if args.directory.exists() and any(args.directory.iterdir()):
        print(f"{args.directory}: not empty; give a new directory", file=sys.stderr)
        return 2
    generate(args.count, args.directory, args.seed, args.days)
    return 0


if __name__ == "__main__":
    sys.exit(main())
