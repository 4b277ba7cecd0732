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
        cwd=tmp_path,
        env=env,
    )
    assert "Created a status repository" in out
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
    assert (public / "assets" / "stylesheets" / "statusgen.css").is_file()
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
