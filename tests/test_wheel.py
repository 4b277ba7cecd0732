"""The package as a team gets it: a wheel built from this checkout, installed into a fresh
virtual environment outside it, and used from an empty directory: init -> new -> update ->
resolve -> build, then both sites checked; and the README's adoption section, run verbatim.

The venv sees nothing of the system's or the running environment's packages: the wheel is
installed with the dependencies it declares, from the package index (pip's cache keeps that
quick), so a dependency missing from pyproject.toml fails here, inside a virtual environment or
out of one. The tests check that `statusgen` is imported from the wheel, not from this checkout."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow
NOW = "2026-11-28T05:00:00Z"


def run(*args, cwd: Path, env=None) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    """(dist folder with the wheel, venv python, env): a wheel from a copy of the sources (so the
    checkout gets no build/ or egg-info) and a fresh venv outside the checkout without statusgen."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "statusgen", source / "statusgen", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, source, cwd=tmp_path)
    assert len(list(dist.glob("statusgen-*.whl"))) == 1
    venv, env = fresh_venv(tmp_path / "venv")
    (wheel,) = dist.glob("statusgen-*.whl")
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp_path, env=env)
    return dist, venv, env


def fresh_venv(venv: Path) -> tuple[Path, dict[str, str]]:
    """A new venv at ``venv`` that sees no other packages, and the environment that runs in it."""
    base = getattr(sys, "_base_executable", sys.executable)  # a venv made from inside a venv is the base's
    run(base, "-m", "venv", venv, cwd=venv.parent)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_COMPILE"] = "1"  # no bytecode for thousands of theme and library files: quicker installs
    return venv, env


def assert_from_wheel(venv: Path, env: dict, cwd: Path) -> None:
    where = run(venv / "bin" / "python", "-c", "import statusgen; print(statusgen.__file__)", cwd=cwd, env=env).strip()
    assert Path(where).is_relative_to(venv), where


def test_a_wheel_installed_elsewhere_goes_from_init_to_both_sites(wheel_env, tmp_path):
    dist, venv, env = wheel_env
    statusgen = venv / "bin" / "statusgen"
    assert_from_wheel(venv, env, tmp_path)

    # 3. an empty directory: init, then an incident from declaration to resolution
    team = tmp_path / "team"
    out = run(
        statusgen,
        "--now",
        NOW,
        "init",
        team,
        "--company",
        "Wheelco",
        "-c",
        "api=Public API",
        "-c",
        "app=App",
        "--yes",
        "--requirement",  # installed from a wheel file, which CI cannot install: a team names a release
        "statusgen==0.1.0",
        cwd=tmp_path,
        env=env,
    )
    assert "Created a status repository" in out and "does not pin" not in out
    run(statusgen, "--now", NOW, "validate", "--strict", cwd=team, env=env)
    args = (
        "-t",
        "Login errors",
        "-s",
        "SEV3",
        "-c",
        "app=partial",
        "-m",
        "Some logins fail.",
        "--at",
        "2026-11-28T04:00:00Z",
    )
    run(statusgen, "--now", NOW, "new", *args, cwd=team, env=env)
    (path,) = [p for p in (team / "incidents").rglob("*.yaml") if "example" not in p.name]
    incident_id = path.stem
    run(
        statusgen,
        "--now",
        NOW,
        "update",
        incident_id,
        "--stage",
        "identified",
        "--at",
        "2026-11-28T04:20:00Z",
        cwd=team,
        env=env,
    )
    run(statusgen, "--now", NOW, "resolve", incident_id, "--at", "2026-11-28T04:40:00Z", cwd=team, env=env)
    run(statusgen, "--now", NOW, "validate", "--strict", cwd=team, env=env)
    out = run(statusgen, "--now", NOW, "build", cwd=team, env=env)
    assert "Built the public site" in out and "Built the internal site" in out

    # 4. both sites, from the packaged theme
    public, internal = team / "site" / "public", team / "site" / "internal"
    home = (public / "index.html").read_text()
    assert "Wheelco" in home and "Public API" in home
    page = (public / "incidents" / incident_id / "index.html").read_text()
    assert "Login errors" in page and "Some logins fail." in page
    (sheet,) = (public / "assets" / "stylesheets").glob("status.*.css")  # from the wheel's theme CSS
    assert ".sg-bars" in sheet.read_text() and ".md-header" in sheet.read_text()
    assert "fonts.googleapis" not in home
    api = json.loads((public / "api" / "v2" / "incidents.json").read_text())
    assert [i["name"] for i in api["incidents"]] == ["Login errors"]
    assert api["incidents"][0]["status"] == "resolved"
    assert (public / "feed.atom").is_file() and (public / "maintenance.ics").is_file()
    internal_html = "".join(p.read_text() for p in internal.rglob("*.html"))
    assert incident_id in internal_html and "example-slow-responses" in internal_html


def readme_adoption() -> str:
    text = (ROOT / "README.md").read_text()
    return text[text.index("<!-- adoption: start") : text.index("<!-- adoption: end -->")]


def test_the_readme_adoption_commands_run_verbatim(wheel_env, tmp_path):
    """Every shell line of the README's adoption section, as written, in an empty directory. The
    environment points pip at the wheel instead of the package index (the venv already holds
    its dependencies, installed from the index with it)."""
    dist, venv, env = wheel_env
    section = readme_adoption()
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 2
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert commands[0] == "pip install statusgen"
    env = {**env, "PIP_FIND_LINKS": str(dist), "PIP_NO_INDEX": "1", "PIP_NO_DEPS": "1", "PIP_FORCE_REINSTALL": "1"}
    env["SOURCE_DATE_EPOCH"] = "1795834800"  # 2026-11-28T03:00:00Z
    script = "set -euo pipefail\n" + "\n".join(commands) + "\n"
    out = run("bash", "-c", script, cwd=tmp_path, env=env)
    assert "Created a status repository in status/" in out
    assert_from_wheel(venv, env, tmp_path)
    assert (tmp_path / "status" / "site" / "public" / "index.html").is_file()
    assert "Public API" in (tmp_path / "status" / "site" / "public" / "index.html").read_text()
    assert (tmp_path / "status" / "incident.schema.json").is_file()

    # the smallest mkdocs.yml it shows validates strictly and builds both sites
    (config,) = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    small = tmp_path / "small"
    small.mkdir()
    (small / "mkdocs.yml").write_text(config)
    run("statusgen", "validate", "--strict", cwd=small, env=env)
    out = run("statusgen", "build", cwd=small, env=env)
    assert "Built the public site" in out and "Built the internal site" in out
    assert "Public API" in (small / "site" / "public" / "index.html").read_text()


def test_the_readme_first_command_runs_verbatim_in_a_copy_of_this_repository(tmp_path):
    """The README's first command (install, validate, build the example), run as written in a
    fresh venv (its dependencies from the package index) beside a copy of this repository: the
    editable install points at the copy."""
    text = (ROOT / "README.md").read_text()
    command = re.search(r"```sh\n(.*?)\n```", text, re.S).group(1)
    assert command.startswith("pip install -e . && statusgen validate && statusgen build")
    copy = tmp_path / "repo"
    ignore = shutil.ignore_patterns(
        "__pycache__", "*.pyc", "*.egg-info", "site", "build", ".statusgen-cache", "node_modules"
    )
    copy.mkdir()
    for name in ("pyproject.toml", "README.md", "mkdocs.yml"):
        shutil.copy(ROOT / name, copy / name)
    for name in ("statusgen", "incidents", "runbooks", "overrides", "templates", "prometheus"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    venv, env = fresh_venv(tmp_path / "venv")
    env["SOURCE_DATE_EPOCH"] = "1795363200"  # 2026-11-22T16:00:00Z, the example's "now"
    output = run("bash", "-c", command, cwd=copy, env=env)
    assert "Built the public site in site/public/" in output and "Built the internal site in site/internal/" in output
    where = run(venv / "bin" / "python", "-c", "import statusgen; print(statusgen.__file__)", cwd=tmp_path, env=env)
    assert Path(where.strip()).is_relative_to(copy), where  # the editable install is the copy's
    assert (copy / "site/public/index.html").is_file() and (copy / "site/internal/index.html").is_file()


def scaffold_readme_commands(readme: str) -> list[str]:
    """Every command line of the ```sh blocks of the README init writes, in order."""
    blocks = re.findall(r"```sh\n(.*?)```", readme, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


@pytest.mark.e2e
def test_a_new_team_goes_from_the_wheel_to_a_green_first_ci_run(wheel_env, tmp_path):
    """As a team: init from the installed wheel in a new git repository, then, as CI and a
    teammate would, a second fresh venv installs that repository's requirements.txt (statusgen
    from the wheel folder, standing in for the package index or a tag), pre-commit installs its
    own statusgen and checks every file, and the team README's commands run verbatim. Only the
    package index is reached. The transcript goes to $STATUSGEN_TRANSCRIPT when set."""
    dist, venv, env = wheel_env
    transcript: list[str] = []

    def step(*args, cwd: Path, env: dict, ok: bool = True) -> str:
        started = time.monotonic()
        result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env)
        shown = " ".join(str(a) for a in args).replace(str(tmp_path), "$TMP")
        output = (result.stdout + result.stderr).rstrip().replace(str(tmp_path), "$TMP")
        took = time.monotonic() - started
        transcript.append(f"$ {shown}\n{output}\n(exit {result.returncode}, {took:.1f} s)")
        assert (result.returncode == 0) == ok, f"{args}\n{result.stdout}\n{result.stderr}"
        return result.stdout + result.stderr

    git_env = {
        **env,
        "GIT_AUTHOR_NAME": "On Call",
        "GIT_AUTHOR_EMAIL": "oncall@acme.test",
        "GIT_COMMITTER_NAME": "On Call",
        "GIT_COMMITTER_EMAIL": "oncall@acme.test",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
    }
    team = tmp_path / "team"
    step("git", "init", "-q", "-b", "main", team, cwd=tmp_path, env=git_env)

    # installed from a local wheel, init cannot know how CI would install it: it says so
    out = step(venv / "bin" / "statusgen", "init", tmp_path / "trial", "--yes", cwd=tmp_path, env=git_env)
    assert "requirements.txt does not pin statusgen yet" in out and "a local wheel" in out
    version = step(venv / "bin" / "statusgen", "--version", cwd=tmp_path, env=git_env).split()[-1]
    out = step(
        venv / "bin" / "statusgen", "init", team, "--company", "Teamco", "-c", "api=Public API", "--yes",
        "--requirement", f"statusgen=={version}", cwd=tmp_path, env=git_env,
    )  # fmt: skip
    assert "does not pin" not in out
    requirements = (team / "requirements.txt").read_text()
    assert f"\nstatusgen=={version}\n" in requirements and "\nmkdocs-material==" in requirements

    # a teammate (and CI): a second fresh venv, only what requirements.txt names, statusgen from
    # the wheel folder as it would come from the index; the README's commands as written
    other, team_env = fresh_venv(tmp_path / "venv2")
    team_env = {**git_env, "PATH": team_env["PATH"], "VIRTUAL_ENV": str(other)}
    team_env["PIP_FIND_LINKS"] = f"{dist} {os.environ.get('PIP_FIND_LINKS', '')}".strip()
    remote = tmp_path / "origin.git"
    step("git", "init", "-q", "--bare", remote, cwd=tmp_path, env=git_env)
    step("git", "remote", "add", "origin", remote, cwd=team, env=git_env)
    step("git", "add", "-A", cwd=team, env=git_env)
    step("git", "commit", "-q", "-m", "Status repository", cwd=team, env=git_env)
    step("git", "push", "-q", "-u", "origin", "main", cwd=team, env=git_env)
    commands = scaffold_readme_commands((team / "README.md").read_text())
    assert (
        commands[0] == "python -m pip install -r requirements.txt      # statusgen and what it runs on, as pinned here"
    )
    for command in commands:
        if command.startswith("python -m pip install --upgrade statusgen"):
            continue  # upgrading: run below, once the incident is resolved
        step("bash", "-c", f"set -euo pipefail\n{command}", cwd=team, env=team_env)
    where = step(other / "bin" / "python", "-c", "import statusgen; print(statusgen.__file__)", cwd=team, env=team_env)
    assert Path(where.strip()).is_relative_to(other)
    installed = step(other / "bin" / "python", "-m", "pip", "freeze", cwd=team, env=team_env)
    pinned = [line for line in requirements.splitlines() if line and not line.startswith("#")]
    assert set(pinned) <= set(installed.splitlines()), set(pinned) - set(installed.splitlines())

    # the resolve above was committed through the hook, and pushed; the site is built
    log = step("git", "log", "--format=%s", cwd=team, env=git_env)
    assert "Resolve" in log or "resolve" in log, log
    assert (team / "site" / "public" / "index.html").is_file()
    pushed = step("git", "--git-dir", remote, "log", "-1", "--format=%s", "main", cwd=tmp_path, env=git_env)
    assert pushed.strip() == log.splitlines()[0]

    # pre-commit on every file, from a shell without any venv on PATH: the hooks bring their own
    bare = {**git_env, "PATH": "/usr/bin:/bin"}
    hook = step(other / "bin" / "pre-commit", "run", "--all-files", cwd=team, env=bare)
    assert "statusgen validate" in hook and "Passed" in hook
    # a broken incident is blocked at commit time with its path:line
    (path,) = [p for p in (team / "incidents").rglob("*.yaml") if "example" not in p.name]
    path.write_text(path.read_text().replace("stage: resolved", "stage: fixed"))
    step("git", "add", path, cwd=team, env=bare)
    blocked = step("git", "commit", "-m", "oops", cwd=team, env=bare, ok=False)
    assert f"{path.relative_to(team).as_posix()}:" in blocked and "fixed" in blocked
    step("git", "checkout", "--", path, cwd=team, env=bare)
    step("git", "reset", "-q", cwd=team, env=bare)

    # upgrading, as the README says: the pins are rewritten from what is installed (the same)
    step("bash", "-c", "statusgen upgrade-pins", cwd=team, env=team_env)
    assert (team / "requirements.txt").read_text() == requirements

    text = "\n\n".join(transcript) + "\n"
    (tmp_path / "transcript.txt").write_text(text)
    if os.environ.get("STATUSGEN_TRANSCRIPT"):
        Path(os.environ["STATUSGEN_TRANSCRIPT"]).write_text(text)
