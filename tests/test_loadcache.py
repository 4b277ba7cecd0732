"""The parsed-incident cache: same results with and without it, and never trusted blindly."""

from __future__ import annotations

import json

from conftest import NOW, copy_example

from statusgen.loadcache import CACHE_DIR
from statusgen.loader import load_repository

BAD = """\
id: 2026-11-23-broken
title: Broken
severity: SEV9
components:
  nowhere: major_outage
impact_start: 2026-11-23T10:00:00Z
updates:
  - at: 2026-11-23T09:00:00Z
    stage: investigating
    message: x
"""


def load(root):
    repo, problems = load_repository(root, now=NOW)
    return repo.incidents, [str(p) for p in problems]


def test_a_cached_load_gives_the_same_incidents_and_problems_with_their_lines(tmp_path):
    root = copy_example(tmp_path / "repo")
    (root / "incidents/2026/2026-11-23-broken.yaml").write_text(BAD)
    first = load(root)
    assert (root / CACHE_DIR / "incidents.json").is_file()
    assert "*" in (root / CACHE_DIR / ".gitignore").read_text()
    second = load(root)
    assert second == first
    assert any("2026-11-23-broken.yaml:3:" in p for p in first[1])  # the severity's line
    assert [i.path for i in second[0]] == [i.path for i in first[0]]


def test_an_edited_file_is_read_again_and_a_removed_one_forgotten(tmp_path):
    root = copy_example(tmp_path / "repo")
    load(root)
    path = root / "incidents/2026/2026-11-22-webhook-delays.yaml"
    path.write_text(path.read_text().replace("title: ", "title: Edited ", 1))
    incidents, _ = load(root)
    assert next(i for i in incidents if i.id == "2026-11-22-webhook-delays").title.startswith("Edited ")
    path.unlink()
    incidents, _ = load(root)
    assert "2026-11-22-webhook-delays" not in {i.id for i in incidents}


def test_a_cache_not_signed_with_this_users_key_is_ignored(tmp_path):
    root = copy_example(tmp_path / "repo")
    (root / "incidents/2026/2026-11-23-broken.yaml").write_text(BAD)
    _, problems = load(root)
    cache = root / CACHE_DIR / "incidents.json"
    signature, _, body = cache.read_text().partition("\n")
    data = json.loads(body)
    entry = data["files"]["incidents/2026/2026-11-23-broken.yaml"]
    entry[2] = []  # someone's cache that says the broken file is fine
    cache.write_text(signature + "\n" + json.dumps(data))
    assert load(root)[1] == problems
    cache.write_text("garbage")
    assert load(root)[1] == problems


def test_the_cache_key_is_the_same_in_every_process(tmp_path):
    """Sets in the config (postmortem severities) must not make the key depend on the hash seed."""
    import os
    import subprocess
    import sys

    root = copy_example(tmp_path / "repo")
    script = (
        "from statusgen.config import load_config; from statusgen.loadcache import _generation; "
        f"print(_generation(load_config(__import__('pathlib').Path({str(root)!r})), set()))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
        ).stdout
        for seed in (1, 2, 3, 4)
    }
    assert len(keys) == 1 and keys != {""}


def test_the_cache_keeps_every_field_a_file_can_set():
    """The cache stores incidents as fixed lists: a field added to the model must be added there."""
    from dataclasses import fields

    from statusgen.loadcache import _INCIDENT_TIMES, INCIDENT_FIELDS, UPDATE_FIELDS
    from statusgen.model import Incident, Update

    not_from_files = {"path", "postmortem_path"}  # set by the loader from where the file is
    incident = {f.name for f in fields(Incident)} - not_from_files
    assert incident == (set(INCIDENT_FIELDS) - {"times"}) | set(_INCIDENT_TIMES)
    assert {f.name for f in fields(Update)} - {"automatic"} == set(UPDATE_FIELDS)  # automatic: never in a file
