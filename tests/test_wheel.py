"""The package as a team gets it: a wheel built from this checkout, installed into a fresh
virtual environment outside it, and used from an empty directory: init -> new -> update ->
resolve -> build, then both sites checked.

Kept fast: pip builds the wheel (its build isolation fetches the setuptools pyproject asks for)
and installs it with --no-deps into a venv that sees the system site-packages, where statusgen's
dependencies already are; the test checks that `statusgen` is imported from the wheel, not from
this checkout."""

from __future__ import annotations

import json
import os
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


def test_a_wheel_installed_elsewhere_goes_from_init_to_both_sites(tmp_path):
    # 1. a wheel from a copy of the sources, so the checkout gets no build/ or egg-info
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "statusgen", source / "statusgen", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path / "dist"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "-w",
        dist,
        source,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("statusgen-*.whl")

    # 2. a fresh venv outside the checkout, the wheel in it
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", venv, cwd=tmp_path)
    python, statusgen = venv / "bin" / "python", venv / "bin" / "statusgen"
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--force-reinstall", wheel, cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = run(python, "-c", "import statusgen; print(statusgen.__file__)", cwd=tmp_path, env=env).strip()
    assert Path(where).is_relative_to(venv), where

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
