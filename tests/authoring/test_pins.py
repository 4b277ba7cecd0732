"""What requirements.txt pins: statusgen as another machine can install it (from its PEP 610
installation record), everything it runs on at exact versions, and `upgrade-pins` refreshing only
the block init wrote."""

from __future__ import annotations

import json
from importlib.metadata import PathDistribution, version
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from statusgen.authoring.pins import END, START, checked_requirement, dependency_pins, pin_of
from statusgen.cli import main
from statusgen.core.errors import StatusgenError

NOW = "2026-11-28T05:00:00Z"
SHA = "0123456789abcdef0123456789abcdef01234567"


def installed(tmp_path: Path, *, direct_url: dict | None = None, installer: bool = True) -> PathDistribution:
    """A real installation record of statusgen 1.2.0 on disk, as pip leaves it."""
    info = tmp_path / "statusgen-1.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: statusgen\nVersion: 1.2.0\n")
    if installer:
        (info / "INSTALLER").write_text("pip\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return PathDistribution(info)


def test_a_release_from_the_index_is_pinned_by_version(tmp_path):
    pin = pin_of(installed(tmp_path))
    assert (pin.line, pin.problem) == ("statusgen==1.2.0", "")


def test_a_git_install_is_pinned_to_its_exact_commit(tmp_path):
    record = {"url": "https://git.acme.test/ops/statusgen.git", "vcs_info": {"vcs": "git", "commit_id": SHA}}
    pin = pin_of(installed(tmp_path, direct_url=record))
    assert pin.line == f"statusgen @ git+https://git.acme.test/ops/statusgen.git@{SHA}" and not pin.problem


def test_a_wheel_at_an_address_is_pinned_with_its_hash(tmp_path):
    url = "https://files.acme.test/statusgen-1.2.0-py3-none-any.whl"
    record = {"url": url, "archive_info": {"hashes": {"sha256": "ab" * 32}}}
    pin = pin_of(installed(tmp_path, direct_url=record))
    assert pin.line == f"statusgen @ {url}#sha256={'ab' * 32}" and not pin.problem


@pytest.mark.parametrize(
    "record, installer, said",
    [
        ({"url": "file:///home/me/dist/statusgen-1.2.0-py3-none-any.whl", "archive_info": {}}, True, "a local wheel"),
        ({"url": "file:///home/me/statusgen", "dir_info": {"editable": True}}, True, "a local folder"),
        (None, False, "a source checkout"),
    ],
)
def test_a_local_wheel_or_checkout_is_not_installable_elsewhere_and_says_so(tmp_path, record, installer, said):
    pin = pin_of(installed(tmp_path, direct_url=record, installer=installer))
    assert said in pin.problem and "CI cannot install" in pin.problem
    assert "statusgen==1.2.0" in pin.problem and "git+https://" in pin.problem


@pytest.mark.parametrize(
    "spec, said",
    [
        ("flask==3.0", "names 'flask'; expected statusgen"),
        ("statusgen ==", "is not a requirement"),
        ("statusgen==1.2\n--index-url http://evil.test", "one line"),
        ("", "one line"),
    ],
)
def test_an_explicit_requirement_must_name_statusgen_on_one_line(spec, said):
    with pytest.raises(StatusgenError) as raised:
        checked_requirement(spec)
    assert said in raised.value.message


def test_dependencies_are_pinned_exactly_as_installed_and_test_tools_are_not():
    pins = dict(line.split("==") for line in dependency_pins())
    assert pins["mkdocs-material"] == version("mkdocs-material")
    assert pins["mkdocs"] == version("mkdocs") and "Jinja2" in pins and "MarkupSafe" in pins
    assert "pytest" not in pins and "statusgen" not in pins
    assert len(pins) > 10  # what mkdocs and material need in turn, too


def run(*args):
    return CliRunner().invoke(main, ["--now", NOW, *args])


@pytest.fixture
def from_checkout(tmp_path) -> Path:
    """A repository init wrote from this checkout (which no other machine can install)."""
    target = tmp_path / "status"
    result = run("init", str(target), "--company", "Acme", "-c", "api=API", "--yes")
    assert result.exit_code == 0, result.output
    assert "warning: requirements.txt does not pin statusgen yet" in result.output
    return target


def test_init_from_a_checkout_comments_the_pin_out_and_validate_explains_it(from_checkout):
    text = (from_checkout / "requirements.txt").read_text()
    assert "\nNOT INSTALLABLE" not in text and "# NOT INSTALLABLE YET" in text
    assert "\n# statusgen==" in text and "\nstatusgen==" not in text
    result = run("-C", str(from_checkout), "validate", "--strict")
    assert result.exit_code == 1
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("# statusgen=="))
    assert f"requirements.txt:{line}: warning: statusgen is not pinned (its line is commented out)" in result.output
    assert run("-C", str(from_checkout), "validate").exit_code == 0  # a warning: main still publishes


def test_upgrade_pins_sets_the_pin_everywhere_and_keeps_the_teams_own_lines(from_checkout):
    path = from_checkout / "requirements.txt"
    path.write_text("# our own\nrequests==2.0  # for a script of ours\n" + path.read_text() + "httpx==0.1\n")
    result = run("-C", str(from_checkout), "upgrade-pins", "--requirement", "statusgen==1.2.0")
    assert result.exit_code == 0, result.output
    assert "Pinned statusgen==1.2.0 in requirements.txt and the pre-commit hooks" in result.output
    text = path.read_text()
    assert text.startswith("# our own\nrequests==2.0  # for a script of ours\n") and text.endswith(
        f"{END}\nhttpx==0.1\n"
    )
    assert f"{START}\nstatusgen==1.2.0\n" in text and "NOT INSTALLABLE" not in text
    hooks = yaml.safe_load((from_checkout / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert [h["additional_dependencies"] for h in hooks] == [["statusgen==1.2.0"]] * 2
    assert {h["language"] for h in hooks} == {"python"}
    assert run("-C", str(from_checkout), "validate", "--strict").exit_code == 0
    # run again from this checkout: the installable line the team set is kept
    result = run("-C", str(from_checkout), "upgrade-pins")
    assert result.exit_code == 0, result.output
    assert path.read_text() == text and "(0 pins changed)" in result.output


def test_upgrade_pins_refuses_a_file_init_did_not_write(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: S\nplugins: [statusgen]\n")
    (tmp_path / "requirements.txt").write_text("statusgen==0.9\n")
    result = run("-C", str(tmp_path), "upgrade-pins", "--requirement", "statusgen==1.2.0")
    assert result.exit_code == 1 and "has no block of statusgen pins" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "requirements.txt").read_text() == "statusgen==0.9\n"
