"""Responders posting to one incident at the same moment, as separate processes on the clock."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

from click.testing import CliRunner
from conftest import write_repo

from statusgen.cli import main
from statusgen.sources.config import load_config
from statusgen.sources.incident_file import read_incident

PROCESSES = 20


def test_simultaneous_updates_without_a_time_all_succeed_in_time_order(tmp_path, monkeypatch):
    """Twenty `statusgen update` processes started at once, none given --at or --now: each takes
    its time under the edit lock, so none is refused as earlier than the last update, and the
    file holds every update once, in time order."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = write_repo(tmp_path / "repo", {})
    declared = CliRunner().invoke(
        main, ["-C", str(root), "new", "-t", "API errors", "-s", "SEV3", "-c", "api=partial", "-m", "Investigating."]
    )
    assert declared.exit_code == 0, declared.output
    path = root / declared.stdout.splitlines()[0]
    environ = {name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH"}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "statusgen",
                "-C",
                str(root),
                "update",
                "api-errors",
                "--stage",
                "identified",
                "-m",
                f"update {n}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environ,
        )  # fmt: skip
        for n in range(PROCESSES)
    ]
    outputs = ["".join(p.communicate(timeout=120)) for p in processes]

    failed = [(p.returncode, output) for p, output in zip(processes, outputs) if p.returncode]
    assert failed == [], failed
    incident, problems = read_incident(path, path.read_bytes(), load_config(root), path.name)
    assert incident is not None, problems
    posted = incident.updates[1:]
    assert Counter(u.message.strip() for u in posted) == Counter(f"update {n}" for n in range(PROCESSES))
    times = [u.at for u in incident.updates]
    assert times == sorted(times)
