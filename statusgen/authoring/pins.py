"""What a status repository installs: the ``requirements.txt`` that `statusgen init` writes and
`statusgen upgrade-pins` refreshes.

The file names statusgen the way the running copy can be installed elsewhere, which its
installation record (PEP 610 ``direct_url.json``) tells: a release from the package index
(``statusgen==1.2.0``), a git commit (``statusgen @ git+https://…@<commit>``) or a wheel at an
address (``statusgen @ https://…whl``). A copy installed from a local wheel or a checkout cannot be
installed in CI: then the line is written commented out, with how to fix it, and
``sources.requirements`` (read by `validate`) says so. Below it, between two marker lines, every
package statusgen runs on is pinned to the version installed now, so two builds months apart
render with the same mkdocs-material.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
from dataclasses import dataclass
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path
from urllib.parse import urlsplit

from statusgen.authoring.writer import write_atomic
from statusgen.core.errors import StatusgenError
from statusgen.sources.requirements import REQUIREMENTS_FILE, STATUSGEN_LINE

PRE_COMMIT_FILE = ".pre-commit-config.yaml"
START = "# -- statusgen pins: start (statusgen upgrade-pins rewrites the lines up to the end marker) --"
END = "# -- statusgen pins: end --"
# The pre-commit hooks install the same statusgen as requirements.txt; upgrade-pins keeps them equal.
HOOK_PIN = re.compile(r"^(\s*additional_dependencies:\s*)(\[.*\])(\s*#.*statusgen pin.*)$", re.M)


@dataclass(frozen=True)
class Pin:
    """How statusgen is named in ``requirements.txt``: ``line``, and ``problem`` when that line
    cannot be installed on another machine (why, and what to do instead)."""

    line: str
    problem: str = ""


def statusgen_pin(explicit: str | None = None) -> Pin:
    """The requirement a new repository installs: ``explicit`` (``--requirement``) when given,
    else what the running statusgen was installed from."""
    if explicit is not None:
        return Pin(checked_requirement(explicit))
    try:
        dist = distribution("statusgen")
    except PackageNotFoundError:
        return Pin("statusgen", _local("a source folder without package metadata", "0"))
    return pin_of(dist)


def pin_of(dist: Distribution) -> Pin:
    """The pin for an installed distribution, from its PEP 610 record."""
    version = dist.version
    record = dist.read_text("direct_url.json")
    if record is None:
        if dist.read_text("INSTALLER") is None:  # metadata beside a source tree, not an installation
            return Pin(f"statusgen=={version}", _local("a source checkout", version))
        return Pin(f"statusgen=={version}")
    try:
        data = json.loads(record)
        url = str(data["url"])
    except (ValueError, KeyError, TypeError):
        return Pin(f"statusgen=={version}", _local("an address its installation record does not say", version))
    scheme = urlsplit(url).scheme
    fragment = f"#subdirectory={data['subdirectory']}" if data.get("subdirectory") else ""
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return Pin(f"statusgen @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}{fragment}")
    if scheme == "file" or "dir_info" in data:
        # the path is not written: it names a folder of one machine, in a file the team shares
        where = "a local wheel" if url.endswith(".whl") else "a local folder"
        return Pin(f"statusgen=={version}", _local(where, version))
    hashes = (data.get("archive_info") or {}).get("hashes") or {}
    digest = f"#sha256={hashes['sha256']}" if isinstance(hashes, dict) and "sha256" in hashes else ""
    return Pin(f"statusgen @ {url}{digest}")


def _local(source: str, version: str) -> str:
    return (
        f"this statusgen was installed from {source}, which CI cannot install. Before pushing, set the "
        f"statusgen line of {REQUIREMENTS_FILE} to a release (statusgen=={version}) or a git tag "
        f"(statusgen @ git+https://HOST/OWNER/statusgen@v{version}), or run "
        f"`statusgen upgrade-pins --requirement SPEC`"
    )


def checked_requirement(text: str) -> str:
    """``text`` as a requirement line for statusgen, or StatusgenError saying what is wrong."""
    from packaging.requirements import InvalidRequirement, Requirement

    line = text.strip()
    if not line or any(ord(ch) < 32 or ord(ch) == 127 for ch in line):
        raise StatusgenError("--requirement must be one line, like statusgen==1.2.0")
    try:
        parsed = Requirement(line)
    except InvalidRequirement as exc:
        raise StatusgenError(
            f"--requirement '{line}' is not a requirement ({exc}); expected e.g. statusgen==1.2.0"
        ) from None
    if parsed.name.lower() != "statusgen":
        raise StatusgenError(f"--requirement names '{parsed.name}'; expected statusgen, e.g. statusgen==1.2.0")
    return line


def dependency_pins() -> list[str]:
    """``name==version`` for every package the running statusgen needs (all the way down), as
    installed now, for this Python and platform; sorted by name."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, str] = {}
    todo = ["statusgen"]
    seen = {"statusgen"}
    while todo:
        try:
            dist = distribution(todo.pop())
        except PackageNotFoundError:
            continue
        for text in dist.requires or ():
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            key = canonicalize_name(req.name)
            if key in seen:
                continue
            seen.add(key)
            try:
                found[key] = f"{distribution(req.name).metadata['Name']}=={distribution(req.name).version}"
            except PackageNotFoundError:
                raise StatusgenError(
                    f"statusgen needs {req.name}, which is not installed here; install statusgen with its "
                    "dependencies (python -m pip install statusgen) and try again"
                ) from None
            todo.append(req.name)
    return [found[key] for key in sorted(found)]


def pins_block(pin: Pin, dependencies: list[str]) -> str:
    """The lines between (and including) the markers: statusgen, then what it runs on."""
    python = f"Python {sys.version_info.major}.{sys.version_info.minor} on {platform.system()}"
    if pin.problem:
        head = [
            "# NOT INSTALLABLE YET: " + pin.problem.replace(". ", ".\n# "),
            f"# {pin.line}",
        ]
    else:
        head = [pin.line]
    return "\n".join(
        [START, *head, f"# What statusgen runs on, exactly as installed when the pins were made ({python}):"]
        + dependencies
        + [END]
    )


def requirements_text(pin: Pin, dependencies: list[str]) -> str:
    """A whole ``requirements.txt`` for a new repository."""
    return (
        "# What CI (.github/workflows/status.yml) and you install: python -m pip install -r requirements.txt\n"
        "# statusgen and everything it runs on are pinned, so every build renders the same bytes. To\n"
        "# upgrade: python -m pip install --upgrade statusgen && statusgen upgrade-pins (README: Upgrading).\n"
        "# Lines of your own go above the start marker or below the end marker; upgrade-pins keeps them.\n"
        + pins_block(pin, dependencies)
        + "\n"
    )


@dataclass(frozen=True)
class Upgraded:
    pin: Pin
    changed: list[str]  # "name old -> new" for each pin that moved
    hook_updated: bool


def upgrade_pins(root: Path, explicit: str | None = None) -> Upgraded:
    """Rewrite the pins block of ``root/requirements.txt`` (and the statusgen pin of the
    pre-commit hooks) from what is installed now. Only the block between the markers changes;
    a file without them was not written by statusgen and is refused."""
    path = root / REQUIREMENTS_FILE
    text = _read(path)
    lines = text.splitlines()
    if START not in lines or END not in lines or lines.index(START) > lines.index(END):
        raise StatusgenError(
            f"{path.name}: has no block of statusgen pins (the lines '{START[:26]}…' and '{END}'); "
            "upgrade-pins only rewrites what statusgen init wrote. Add the two marker lines around "
            "your statusgen line to let it"
        )
    pin = statusgen_pin(explicit) if explicit is not None else _current_or_kept(lines)
    start, end = lines.index(START), lines.index(END)
    old = _pinned(lines[start:end])
    block = pins_block(pin, dependency_pins()).splitlines()
    new = _pinned(block)
    changed = [
        f"{name} {old.get(name, '(new)')} -> {new.get(name, '(removed)')}"
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]
    ending = "\r\n" if "\r\n" in text else "\n"
    result = ending.join(lines[:start] + block + lines[end + 1 :]) + ending
    write_atomic(path, result)
    hook_updated = _update_hook(root / PRE_COMMIT_FILE, pin)
    return Upgraded(pin, changed, hook_updated)


def _current_or_kept(lines: list[str]) -> Pin:
    """The running statusgen's pin; when that is not installable but the file already names an
    installable statusgen (a team set it by hand), the file's line is kept."""
    pin = statusgen_pin()
    if not pin.problem:
        return pin
    for line in lines:
        if STATUSGEN_LINE.match(line):
            return Pin(line.strip())
    return pin


def _pinned(lines: list[str]) -> dict[str, str]:
    result = {}
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            name, _, version = stripped.partition("==")
            result[name.split("@")[0].strip().lower()] = version or stripped
    return result


def _update_hook(path: Path, pin: Pin) -> bool:
    if not path.is_file() or path.is_symlink():
        return False
    text = _read(path)
    line = pin.line if not pin.problem else None
    if line is None:
        return False
    new = HOOK_PIN.sub(lambda m: f"{m.group(1)}{json.dumps([line])}{m.group(3)}", text)
    if new == text:
        return False
    write_atomic(path, new)
    return True


def _read(path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise StatusgenError(f"{path.name}: cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, encoding="utf-8", newline="") as handle:
        return handle.read()
