"""`statusgen init`: a ready status repository that validates strictly and builds, prompts on a
terminal, flags for scripts, and never a replaced file."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from statusgen.cli import main
from statusgen.cli import setup as adopt_commands

NOW = "2026-11-28T05:00:00Z"
EXPECTED_FILES = [
    ".github/workflows/status.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "incident.schema.json",
    "incidents/2026/2026-11-26-example-slow-responses.yaml",
    "mkdocs.yml",
    "requirements.txt",
    "runbooks/api/api-down.md",
    "templates/provider-outage.yaml",
]


MAINTENANCE = """\
id: 2026-12-20-db-upgrade
title: Database upgrade
kind: maintenance
components:
  api: under_maintenance
scheduled_for: 2026-12-20T02:00:00Z
scheduled_until: 2026-12-20T03:00:00Z
updates:
  - at: 2026-11-27T09:00:00Z
    stage: scheduled
    message: We will upgrade the database.
"""


def run(*args, input=None):
    return CliRunner().invoke(main, ["--now", NOW, *args], input=input)


def files_under(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".git/" not in p.as_posix()
    )


# From this checkout, init cannot know how CI would install statusgen; a team names a release.
PIN = ("--requirement", "statusgen==0.1.0")


def init_repo(target: Path, *extra: str):
    args = ("--company", "Acme", "-c", "api=Public API", "-c", "web=Website", "--yes", *PIN, *extra)
    result = run("init", str(target), *args)
    assert result.exit_code == 0, result.output
    return result


def test_init_writes_a_repository_that_validates_strictly_and_builds(tmp_path):
    target = tmp_path / "status"
    result = init_repo(target)
    assert files_under(target) == sorted(EXPECTED_FILES)
    assert "Created a status repository in" in result.output
    # validate --strict: no errors and no warnings
    result = run("-C", str(target), "validate", "--strict")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("1 incidents checked: 0 errors, 0 warnings")
    result = run("-C", str(target), "build")
    assert result.exit_code == 0, result.output
    public, internal = target / "site" / "public", target / "site" / "internal"
    home = (public / "index.html").read_text()
    assert "Acme" in home and "Public API" in home and "Website" in home
    # the example incident is a drill: on the internal site, not on the public one
    assert "example-slow-responses" not in json.dumps(json.loads((public / "api/v2/incidents.json").read_text()))
    internal_text = "".join(p.read_text() for p in internal.rglob("*.html"))
    assert "2026-11-26-example-slow-responses" in internal_text
    assert "ApiDown" in internal_text  # the example runbook's alert page
    # the team's template is listed next to the built-in ones
    result = run("-C", str(target), "templates")
    assert "provider-outage" in result.output and "(team)" in result.output


def test_init_config_names_every_option_and_quotes_names(tmp_path):
    target = tmp_path / "s"
    result = run(
        "init", str(target), "--company", 'Acme: "Widgets" #1', "-c", "api=Public API: v2 # new", "--yes", *PIN
    )
    assert result.exit_code == 0, result.output
    text = (target / "mkdocs.yml").read_text()
    config = yaml.safe_load(text)
    options = config["plugins"][0]["statusgen"]
    assert options["company"] == 'Acme: "Widgets" #1'
    assert options["components"] == [
        {"id": "api", "name": "Public API: v2 # new", "group": "services", "slo": 99.9, "created": date(2026, 11, 28)}
    ]
    assert config["theme"] == {"name": "material", "font": False, "language": "en"}
    for option in (
        "support_url", "incidents_dir", "runbooks_dir", "templates_dir", "update_cadence",
        "runbook_review_days", "postmortem_due_hours", "uptime_days", "severities", "groups", "slo",
        "notify_webhook_env", "notify_slack_env", "site_url",
    ):  # fmt: skip
        assert option in text, option
    assert run("-C", str(target), "validate", "--strict").exit_code == 0


def test_init_prompts_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(adopt_commands, "_interactive", lambda: True)
    target = tmp_path / "s"
    answers = "Globex\nhttps://status.globex.test/\nauth=Sign-in\nBAD ID=x\npay=Payments\n\n"
    result = run("init", str(target), *PIN, input=answers)
    assert result.exit_code == 0, result.output
    assert "Company name [S]:" in result.output
    assert "Component 1 [api=API]:" in result.output
    assert "component id 'BAD ID' must be lowercase" in result.output
    options = yaml.safe_load((target / "mkdocs.yml").read_text())["plugins"][0]["statusgen"]
    assert options["company"] == "Globex"
    assert [(c["id"], c["name"]) for c in options["components"]] == [("auth", "Sign-in"), ("pay", "Payments")]
    assert yaml.safe_load((target / "mkdocs.yml").read_text())["site_url"] == "https://status.globex.test/"
    assert (target / "runbooks/auth/auth-down.md").is_file()
    assert run("-C", str(target), "validate", "--strict").exit_code == 0


def test_init_without_a_terminal_asks_nothing(tmp_path):
    target = tmp_path / "acme-status"
    result = run("init", str(target))  # CliRunner's stdin is not a terminal
    assert result.exit_code == 0, result.output
    assert "Company name" not in result.output
    options = yaml.safe_load((target / "mkdocs.yml").read_text())["plugins"][0]["statusgen"]
    assert options["company"] == "Acme Status"
    assert [c["id"] for c in options["components"]] == ["api", "web"]


def test_init_refuses_a_non_empty_directory_and_never_replaces_a_file(tmp_path):
    target = tmp_path / "s"
    (target / ".git").mkdir(parents=True)  # a fresh clone counts as empty
    (target / "LICENSE").write_text("mine\n")
    result = run("init", str(target), "--yes")
    assert result.exit_code == 1
    assert "is not empty" in result.output and "--force" in result.output
    assert files_under(target) == ["LICENSE"]

    # --force adds its files beside the team's own
    init_repo(target, "--force")
    assert (target / "LICENSE").read_text() == "mine\n"

    # ...but never replaces one: it names every file it would have replaced and writes nothing
    other = tmp_path / "o"
    other.mkdir()
    (other / "mkdocs.yml").write_text("site_name: mine\n")
    (other / "README.md").write_text("mine\n")
    result = run("init", str(other), "--force", "--yes")
    assert result.exit_code == 1
    assert "already has README.md, mkdocs.yml; init never replaces a file, so it wrote nothing" in result.output
    assert files_under(other) == ["README.md", "mkdocs.yml"]
    assert (other / "mkdocs.yml").read_text() == "site_name: mine\n"


def test_init_into_an_empty_git_directory_and_with_dash_c(tmp_path):
    (tmp_path / ".git").mkdir()
    result = run("init", str(tmp_path), "--yes")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mkdocs.yml").is_file()
    other = tmp_path / "elsewhere"
    other.mkdir()
    result = run("-C", str(other), "init", "status", "--yes")
    assert result.exit_code == 0, result.output
    assert (other / "status" / "mkdocs.yml").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", "api"], "component 'api': expected ID=Name"),
        (["-c", "Api=API"], "component id 'Api' must be lowercase"),
        (["-c", "api=A", "-c", "api=B"], "component id 'api' is given twice"),
        (["--site-url", "status.example.com"], "expected an address like https://status.example.com/"),
        (["--company", "two\nlines"], "company name must be one line"),
    ],
)
def test_init_reports_bad_answers_and_writes_nothing(tmp_path, args, message):
    target = tmp_path / "s"
    result = run("init", str(target), "--yes", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not target.exists() or files_under(target) == []


def test_the_team_readme_commands_work_in_the_new_repository(tmp_path):
    """Every `statusgen ...` line of the README init writes, run as written in that repository
    (pip, pre-commit and git push need a package index, pre-commit and a remote: left out)."""
    import re
    import shlex
    import subprocess

    target = tmp_path / "s"
    init_repo(target)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    readme = (target / "README.md").read_text()
    lines = [line for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.S) for line in block.splitlines()]
    commands = []
    for line in lines:
        for part in line.split("#")[0].split("&&"):
            if part.strip().startswith("statusgen "):
                commands.append(shlex.split(part)[1:])
    assert len(commands) >= 5
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for args in commands:
        if args[0] == "serve":
            continue  # a server: the README only shows how to start it
        result = CliRunner().invoke(main, ["-C", str(target), "--now", NOW, *args], env=env)
        assert result.exit_code == 0, (args, result.output)
    (incident,) = [p for p in (target / "incidents").rglob("*.yaml") if "example" not in p.name]
    assert "stage: resolved" in incident.read_text()
    log = subprocess.run(["git", "-C", str(target), "log", "--oneline"], capture_output=True, text=True).stdout
    assert "resolved" in log


def test_init_writes_when_each_component_was_created_and_the_api_reports_it(tmp_path):
    target = tmp_path / "status"
    init_repo(target)
    config = (target / "mkdocs.yml").read_text()
    assert config.count(f"          created: {NOW[:10]}") == 2  # each component
    assert run("-C", str(target), "build").exit_code == 0
    components = json.loads((target / "site/public/api/v2/components.json").read_text())["components"]
    assert {c["created_at"] for c in components if not c["group"]} == {f"{NOW[:10]}T00:00:00.000Z"}


def test_init_writes_a_page_id_that_keeps_calendar_events_when_the_address_changes(tmp_path):
    target = tmp_path / "status"
    init_repo(target)
    config = target / "mkdocs.yml"
    (page_id,) = re.findall(r"^      page_id: (acme-[0-9a-f]{8})$", config.read_text(), re.M)
    (target / "incidents/2026/2026-12-20-db-upgrade.yaml").write_text(MAINTENANCE)
    assert run("-C", str(target), "build").exit_code == 0
    calendar = (target / "site/public/maintenance.ics").read_text()
    api = json.loads((target / "site/public/api/v2/status.json").read_text())
    assert "UID:2026-12-20-db-upgrade@" + page_id in calendar and api["page"]["id"] == page_id
    config.write_text(config.read_text().replace("https://status.example.com/", "https://status.acme.test/"))
    assert run("-C", str(target), "build").exit_code == 0
    assert "status.acme.test" in (target / "site/public/api/v2/status.json").read_text()
    moved = (target / "site/public/maintenance.ics").read_text()
    assert "status.acme.test/incidents/2026-12-20-db-upgrade/" in moved  # the event's link follows the move
    assert re.findall(r"^UID:.*$", moved, re.M) == re.findall(r"^UID:.*$", calendar, re.M) != []


def test_a_page_id_that_is_not_a_plain_id_is_refused_with_its_line(tmp_path):
    target = tmp_path / "status"
    init_repo(target)
    config = target / "mkdocs.yml"
    text = config.read_text()
    line = text[: text.index("page_id:")].count("\n") + 1
    config.write_text(re.sub(r"page_id: .*", 'page_id: "a b<c"', text))
    result = run("-C", str(target), "validate")
    assert result.exit_code == 1
    assert f"mkdocs.yml:{line}: page_id 'a b<c' must be 3 to 64 lowercase letters, digits or '-'" in result.output


def test_the_scaffold_config_explains_every_option_of_the_plugin():
    """`init` says its mkdocs.yml explains every option: each one in the options table is named."""
    from statusgen.authoring.init import SCAFFOLD_DIR
    from statusgen.sources.config import OPTION_NAMES

    text = (SCAFFOLD_DIR / "mkdocs.yml").read_text()
    assert [name for name in OPTION_NAMES if not re.search(rf"^ +#? ?{name}:", text, re.M)] == []
