"""The parsed-incident cache: same results with and without it, and never trusted blindly."""

from __future__ import annotations

import json

from conftest import NOW, copy_example

from statusgen.cache.store import CACHE_DIR
from statusgen.sources.repository import load_repository

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
        "from statusgen.sources.config import load_config; from statusgen.cache.parsed import _generation; "
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

    from statusgen.cache.parsed import _INCIDENT_TIMES, INCIDENT_FIELDS, UPDATE_FIELDS
    from statusgen.core.model import Incident, Update

    not_from_files = {"path", "postmortem_path"}  # set by the loader from where the file is
    incident = {f.name for f in fields(Incident)} - not_from_files
    assert incident == (set(INCIDENT_FIELDS) - {"times"}) | set(_INCIDENT_TIMES)
    assert {f.name for f in fields(Update)} - {"automatic"} == set(UPDATE_FIELDS)  # automatic: never in a file


def test_a_warm_load_reads_no_incident_file_and_an_edit_is_seen(tmp_path, monkeypatch):
    """Unchanged files are known by their metadata (as git's index does): not even opened."""
    from statusgen.sources import incidents as loader

    root = copy_example(tmp_path / "repo")
    monkeypatch.setattr("statusgen.cache.store.RACY_NS", 0)  # the files were written just now; trust them at once
    first = load(root)
    read = []
    real = loader.read_source
    monkeypatch.setattr(loader, "read_source", lambda path, *a: read.append(path.name) or real(path, *a))
    assert load(root) == first
    assert read == []
    path = root / "incidents/2026/2026-11-22-webhook-delays.yaml"
    text = path.read_text()
    path.write_text(text.replace("title: ", "title: X", 1)[:-1] if text.endswith("\n") else text)  # same size
    incidents, _ = load(root)
    assert read == [path.name]
    assert next(i for i in incidents if i.id == "2026-11-22-webhook-delays").title.startswith("X")


def test_a_file_changed_just_before_the_cache_was_written_is_read_again(tmp_path, monkeypatch):
    """Metadata cannot tell apart two writes within the clock's tick: such files are re-read."""
    from statusgen.sources import incidents as loader

    root = copy_example(tmp_path / "repo")
    load(root)  # the example's files were all written within RACY_NS of this
    read = []
    real = loader.read_source
    monkeypatch.setattr(loader, "read_source", lambda path, *a: read.append(path.name) or real(path, *a))
    load(root)
    assert len(read) == len(list((root / "incidents").rglob("*.yaml")))


def test_a_lookup_uses_the_small_index_and_leaves_the_parsed_incidents_alone(tmp_path):
    from statusgen.sources.config import load_config
    from statusgen.sources.lookup import find_incident

    root = copy_example(tmp_path / "repo")
    load(root)
    (root / CACHE_DIR / "incidents.json").unlink()
    assert find_incident(load_config(root), "webhook").name == "2026-11-22-webhook-delays.yaml"
    assert not (root / CACHE_DIR / "incidents.json").exists()  # a lookup decodes no incident
    assert (root / CACHE_DIR / "index.json").is_file()
    incidents, problems = load(root)
    assert incidents and (root / CACHE_DIR / "incidents.json").is_file()


def test_an_index_not_signed_with_this_users_key_is_ignored(tmp_path, monkeypatch):
    """A forged index could say a broken file is fine: `validate` reads only the index."""
    from statusgen.sources.incidents import load_listings

    monkeypatch.setattr("statusgen.cache.store.RACY_NS", 0)  # the index alone answers for unchanged files
    root = copy_example(tmp_path / "repo")
    (root / "incidents/2026/2026-11-23-broken.yaml").write_text(BAD)
    problems = [str(p) for p in load_listings(root, now=NOW)[1]]
    assert any("2026-11-23-broken.yaml" in p for p in problems)
    index = root / CACHE_DIR / "index.json"
    signature, _, body = index.read_text().partition("\n")
    data = json.loads(body)
    data["files"]["incidents/2026/2026-11-23-broken.yaml"][1][2] = []  # "no problems"
    index.write_text(signature + "\n" + json.dumps(data))
    assert [str(p) for p in load_listings(root, now=NOW)[1]] == problems


def test_cached_incidents_have_every_field_of_parsed_ones(tmp_path):
    """The cache fills incidents in without their __init__: nothing may be missing or extra."""
    root = copy_example(tmp_path / "repo")
    parsed, _ = load(root)
    cached, _ = load(root)
    for a, b in zip(parsed, cached):
        assert vars(a).keys() == vars(b).keys()
        assert [vars(u).keys() for u in a.updates] == [vars(u).keys() for u in b.updates]


def test_listings_say_what_the_full_incidents_say(tmp_path, monkeypatch):
    """`list`, `due` and `validate` read listings from the index: the same incidents, order,
    problems (a broken file, a duplicate id, an overdue postmortem) and derived values."""
    from datetime import timedelta

    from statusgen.cache.parsed import encode_listing, lookup_fields
    from statusgen.core.cadence import next_update_due
    from statusgen.core.listing import listing_of
    from statusgen.sources.incidents import load_listings

    monkeypatch.setattr("statusgen.cache.store.RACY_NS", 0)
    root = copy_example(tmp_path / "repo")
    (root / "incidents/2026/2026-11-23-broken.yaml").write_text(BAD)
    source = root / "incidents/2026/2026-11-22-webhook-delays.yaml"
    (root / "incidents/2025").mkdir(exist_ok=True)
    (root / "incidents/2025/2026-11-22-webhook-delays.yaml").write_text(source.read_text())  # a duplicate id
    (root / "incidents/2026/2026-10-14-api-outage.postmortem.md").unlink()  # a SEV1 resolved long ago
    later = NOW + timedelta(days=30)
    for attempt in ("parsed", "indexed"):
        repo, problems = load_repository(root, now=later)
        listings, listed_problems = load_listings(root, now=later)
        assert [str(p) for p in listed_problems] == [str(p) for p in problems], attempt
        assert any("duplicate id" in str(p) for p in problems) and any("no postmortem" in str(p) for p in problems)
        assert [x.id for x in listings] == [i.id for i in repo.incidents]
        for listing, incident in zip(listings, repo.incidents):
            assert listing == listing_of(incident, repo.config)
            assert listing.next_update_due == next_update_due(incident, repo.config)
            assert listing.duration(later) == incident.duration(later)
            assert listing.postmortem_path == incident.postmortem_path
            assert lookup_fields(encode_listing(listing)) == (
                incident.id,
                incident.title,
                incident.stage,
                incident.is_active,
            )


def test_incidents_kept_between_loads_are_decoded_once_and_only_changed_files_are_parsed(tmp_path, monkeypatch):
    """What `statusgen serve` keeps from one rebuild to the next (KeptIncidents): a load decodes
    no incident it already holds, parses only a file that changed, and gives what a load
    without them gives; the large cache file is read at the first load only, and left alone."""
    from statusgen.cache import parsed
    from statusgen.cache.parsed import KeptIncidents
    from statusgen.sources import incidents as loader

    root = copy_example(tmp_path / "repo")
    (root / "incidents/2026/2026-11-23-broken.yaml").write_text(BAD)
    monkeypatch.setattr("statusgen.cache.store.RACY_NS", 0)
    decoded, parsed_files = [], []
    real_decode, real_read = parsed._incident, loader.read_incident
    monkeypatch.setattr(
        parsed, "_incident", lambda values, path: decoded.append(path.name) or real_decode(values, path)
    )
    monkeypatch.setattr(loader, "read_incident", lambda path, *a: parsed_files.append(path.name) or real_read(path, *a))
    load(root)  # the cache files, as a command before the server left them
    large = root / CACHE_DIR / "incidents.json"
    kept = KeptIncidents()

    def load_kept():
        decoded.clear()
        parsed_files.clear()
        repo, problems = load_repository(root, now=NOW, kept=kept)
        return repo.incidents, [str(p) for p in problems]

    first = load_kept()
    assert len(decoded) == len(first[0]) and parsed_files == []
    written = large.stat().st_mtime_ns
    assert first == load(root)
    assert load_kept() == first
    assert decoded == [] and parsed_files == []
    path = root / "incidents/2026/2026-11-22-webhook-delays.yaml"
    path.write_text(path.read_text().replace("title: ", "title: Kept ", 1))
    incidents, problems = load_kept()
    assert decoded == [] and parsed_files == [path.name]
    assert next(i for i in incidents if i.id == "2026-11-22-webhook-delays").title.startswith("Kept ")
    assert any("2026-11-23-broken.yaml:3:" in p for p in problems)  # a kept file's problems, with their lines
    assert large.stat().st_mtime_ns == written
    assert (incidents, problems) == load(root)
    assert load_kept() == (incidents, problems) and decoded == parsed_files == []
    # Another config: what was kept was read under the old one, and is not used.
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_name: ", "site_name: Other ", 1))
    assert load_kept() == load(root)
    assert parsed_files or decoded
