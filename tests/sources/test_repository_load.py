"""One load reads the whole repository before anything renders: incidents, runbooks,
postmortems, public summaries and alert rules, with every problem in them. `validate` reports
all of those problems; a build goes on past the documents' ones, as it always did."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import INCIDENT, NOW, SMALL_CONFIG, write_repo
from repos import internal_repo

from statusgen import build
from statusgen.build import build_sites
from statusgen.cli import main
from statusgen.core.errors import display_path
from statusgen.sources import alert_rules, files
from statusgen.sources.files import ShownPaths, source_files
from statusgen.sources.repository import load_repository

CONFIG = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      alert_rules: [prometheus/*.yml]\n")
RUNBOOK = """\
---
title: {title}
service: api
{owner}last_reviewed: 2026-11-01
alerts: [{alert}]
---

## Symptoms

## Impact

## Diagnosis

## Mitigation

## Recovery

## Escalation

## What not to do
"""
POSTMORTEM = """\
---
incident: 2026-11-20-api-errors
status: published
public_summary: A bad deploy.
---

# Summary
"""
RULES = "groups:\n  - name: api\n    rules:\n      - alert: APISlow\n        expr: up == 0\n"
PM = "incidents/2026/2026-11-20-api-errors.postmortem.md"
BROKEN = {
    PM: POSTMORTEM.replace("status: published", "status: final"),
    "runbooks/api/api-down.md": RUNBOOK.format(title="API down", owner="", alert="APIDown"),
    "prometheus/broken.yml": "groups: [\n",
}
DOCUMENT_PROBLEMS = [
    "runbooks/api/api-down.md:1: front matter is missing 'owner'; expected the owning team, like: owner: team-platform",
    f"{PM}:3: status 'final' is not valid; expected one of: draft, in_review, published",
    "prometheus/broken.yml:2: YAML syntax error: did not find expected node content",
]


def repository(root, broken: bool = False):
    files = {
        "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
        PM: POSTMORTEM,
        "runbooks/api/api-slow.md": RUNBOOK.format(title="API slow", owner="owner: team-api\n", alert="APISlow"),
        "prometheus/api.yml": RULES,
    }
    return write_repo(root, {**files, **(BROKEN if broken else {})}, config=CONFIG)


def test_one_load_holds_the_documents(tmp_path):
    repo, problems = load_repository(repository(tmp_path / "repo"), now=NOW)
    assert problems == [] and repo.document_problems == ()
    assert [r.name for r in repo.runbooks] == ["api-slow"]
    assert repo.postmortems["2026-11-20-api-errors"].status == "published"
    assert dict(repo.public_summaries) == {"2026-11-20-api-errors": "A bad deploy."}
    assert [rule.expr for rule in repo.alert_rules["APISlow"]] == ["up == 0"]


def test_the_documents_problems_are_in_the_repository_and_do_not_stop_a_build(tmp_path):
    root = repository(tmp_path / "repo", broken=True)
    repo, problems = load_repository(root, now=NOW)
    assert problems == []  # what decides whether a build goes on: the incidents' problems
    assert [str(p) for p in repo.document_problems] == DOCUMENT_PROBLEMS
    assert [r.name for r in repo.runbooks] == ["api-slow"] and dict(repo.postmortems) == {}
    assert dict(repo.public_summaries) == {}  # a postmortem with errors publishes nothing
    build_sites(root, NOW, out=tmp_path / "out")
    assert (tmp_path / "out/internal/runbooks/api/api-slow/index.html").is_file()
    assert not (tmp_path / "out/internal/runbooks/api/api-down/index.html").exists()


@pytest.mark.parametrize("given", [[], ["--alert-rules", "prometheus/broken.yml"]])
def test_validate_reports_the_problems_of_every_document_a_build_reads(tmp_path, monkeypatch, given):
    root = repository(tmp_path / "repo", broken=True)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["--now", "2026-11-22T16:00:00Z", "validate", *given])
    assert result.exit_code == 1
    shown = result.output.splitlines()
    assert [line for line in shown if line in DOCUMENT_PROBLEMS] == sorted(DOCUMENT_PROBLEMS)  # each once


def test_the_sites_read_no_file_the_load_has_read(tmp_path, monkeypatch):
    root = repository(tmp_path / "repo")
    loaded = build.load_repository

    def forbidden(*args, **kwargs):
        raise AssertionError("a site read a document itself")

    def load_then_forbid(*args, **kwargs):
        result = loaded(*args, **kwargs)
        for module, name in (
            (files, "read_source"),  # runbooks and postmortems are read through it
            (alert_rules, "read_alert_rules"),
        ):
            monkeypatch.setattr(module, name, forbidden)
        return result

    monkeypatch.setattr(build, "load_repository", load_then_forbid)
    build_sites(root, NOW, out=tmp_path / "out")
    assert "A bad deploy." in (tmp_path / "out/public/incidents/2026-11-20-api-errors/index.html").read_text()
    assert "up == 0" in (tmp_path / "out/internal/runbooks/alerts/apislow/index.html").read_text()


def test_a_warm_load_reads_no_document_and_an_edit_is_seen(tmp_path, monkeypatch):
    """Runbooks and postmortems are kept in the parse cache by their file's metadata, as incidents are."""
    root = repository(tmp_path / "repo")
    monkeypatch.setattr("statusgen.cache.store.RACY_NS", 0)  # the files were written just now; trust them at once
    first, _ = load_repository(root, now=NOW)
    read = []
    real = files.read_source  # runbooks and postmortems are read through it
    monkeypatch.setattr(files, "read_source", lambda path, *a: read.append(path.name) or real(path, *a))
    again, _ = load_repository(root, now=NOW)
    assert again == first and read == []
    for name, old, new in ((PM, "A bad deploy.", "A bad push."), ("runbooks/api/api-slow.md", "API slow", "API late")):
        path = root / name
        path.write_text(path.read_text().replace(old, new))
    edited, _ = load_repository(root, now=NOW)
    assert sorted(read) == ["2026-11-20-api-errors.postmortem.md", "api-slow.md"]
    assert edited.public_summaries["2026-11-20-api-errors"] == "A bad push."
    assert [r.title for r in edited.runbooks] == ["API late"]


@pytest.mark.parametrize("name", ["runbook", "postmortem"])
def test_a_new_document_never_replaces_an_existing_file(tmp_path, name):
    root = repository(tmp_path / "repo")
    now = ["--now", "2026-11-22T16:00:00Z"]
    if name == "runbook":
        args, path = ["runbook", "new", "api-slow-2", "--service", "api"], root / "runbooks/api/api-slow-2.md"
    else:
        args, path = ["postmortem", "api-errors"], root / PM
    path.write_text("mine\n")
    result = CliRunner().invoke(main, ["-C", str(root), *now, *args])
    assert result.exit_code == 1 and "already exists" in result.output
    assert path.read_text() == "mine\n"


@pytest.mark.parametrize("where", ["", "elsewhere", "repo", "repo/runbooks", "repo/runbooks/api"])
def test_document_paths_are_shown_as_everywhere_else_from_any_folder(tmp_path, monkeypatch, where):
    root = repository(tmp_path / "repo", broken=True)
    (root / "runbooks/db").mkdir()
    (root / "runbooks/db/linked.md").symlink_to(root / "runbooks/api/api-down.md")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / where)
    directory = root / "runbooks"
    paths, _ = source_files(directory, root, (".md",), "runbooks")
    shown = ShownPaths(directory, root)
    assert len(paths) == 3 and [shown(p) for p in paths] == [display_path(p, root) for p in paths]


def test_the_hand_worked_repository_loads_without_errors(tmp_path):
    from statusgen.sources.repository import load_repository

    repo, problems = load_repository(internal_repo(tmp_path), now=NOW)
    assert [p for p in problems if p.is_error] == []
    assert len(repo.incidents) == 7
