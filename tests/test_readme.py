"""The README and the `--help` examples are executable truth: every command they show runs,
verbatim and in order, in a copy of the example repository."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import click
from conftest import NOW, ROOT, copy_example

from statusgen.cli import main

README = ROOT / "README.md"
TESTED_SECTIONS = ("## Mid-incident, in one command each", "## After the incident: postmortem, runbooks, metrics")
STEP = timedelta(minutes=7)  # each command runs this much later than the one before
NEVER_EXITS = ("statusgen serve",)  # a live-reload server: its example is checked for form only
NEEDS_CI = ('statusgen notify --since "$BEFORE"',)  # needs the push's previous commit: checked for form only
# rewrites the pins init writes, which this repository (it installs its own checkout) has not:
# run in a repository init made (tests/authoring/test_pins.py)
NEEDS_INIT = ("statusgen upgrade-pins",)


def sections(text: str, headings) -> dict[str, str]:
    """The text under each ``## heading`` (up to the next ``## ``), by heading."""
    found = {}
    for heading in headings:
        start = text.index(heading + "\n")
        end = text.find("\n## ", start + len(heading))
        found[heading] = text[start : end if end != -1 else len(text)]
    return found


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```$", text, flags=re.S | re.M)


def commands(block: str) -> list[str]:
    """One command per line; a trailing backslash continues it on the next line."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def readme_commands() -> list[str]:
    found = sections(README.read_text(encoding="utf-8"), TESTED_SECTIONS)
    return [
        command for heading in TESTED_SECTIONS for block in shell_blocks(found[heading]) for command in commands(block)
    ]


def git_repo(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "example")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "example"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=environment(NOW))
    return root


def environment(now) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",  # this statusgen first
        SOURCE_DATE_EPOCH=str(int(now.timestamp())),
        GIT_AUTHOR_NAME="On Call", GIT_AUTHOR_EMAIL="oncall@example.test",
        GIT_COMMITTER_NAME="On Call", GIT_COMMITTER_EMAIL="oncall@example.test",
        GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1",
    )  # fmt: skip
    return env


def run_all(root: Path, lines: list[str]) -> list[tuple[str, subprocess.CompletedProcess]]:
    """Run each command with bash in ``root``, the clock moving on by STEP each time."""
    done = []
    for number, line in enumerate(lines):
        result = subprocess.run(
            ["bash", "-c", line], cwd=root, env=environment(NOW + number * STEP), capture_output=True, text=True
        )
        done.append((line, result))
        expected = (0, 1) if line.startswith("statusgen due") else (0,)
        assert result.returncode in expected, f"$ {line}\n{result.stdout}{result.stderr}"
        assert "Traceback" not in result.stderr, f"$ {line}\n{result.stderr}"
    return done


def test_the_readme_sections_name_the_commands_we_expect():
    lines = readme_commands()
    assert lines[0] == "statusgen new --template high-latency -s SEV2 -c api=degraded -c checkout=partial"
    assert "statusgen postmortem latency    # scaffold incidents/2026/2026-11-22-high-latency.postmortem.md" in lines
    assert all(line.startswith("statusgen ") for line in lines), lines


def test_the_readme_mid_incident_and_postmortem_commands_run_verbatim(tmp_path):
    root = git_repo(tmp_path)
    done = run_all(root, readme_commands())
    output = {line: result.stdout + result.stderr for line, result in done}
    incident = (root / "incidents/2026/2026-11-22-high-latency.yaml").read_text()
    assert "stage: resolved" in incident and "orders DB pool exhausted" in incident
    log = subprocess.run(["git", "log", "--format=%s", "-1"], cwd=root, capture_output=True, text=True).stdout
    assert log == "incident 2026-11-22-high-latency: resolved\n"
    assert (root / "incidents/2026/2026-11-22-high-latency.postmortem.md").is_file()
    assert (root / "runbooks/database/orders-db-pool.md").is_file()
    listed = output["statusgen list --active"].splitlines()
    assert listed[0].split() == ["ID", "SEV", "STAGE", "AGE", "TITLE"]
    assert any(line.startswith("2026-11-22-payouts-delayed-for-some-banks") for line in listed)
    assert (
        "15 incidents checked"
        not in output["statusgen validate --alert-rules prometheus/rules/*.yml   # alerts without runbooks, and back"]
    )
    assert (
        "0 errors, 0 warnings"
        in output["statusgen validate --alert-rules prometheus/rules/*.yml   # alerts without runbooks, and back"]
    )


def test_every_file_the_readme_names_exists():
    text = README.read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w/<])((?:incidents|runbooks|templates|prometheus|overrides)/[\w./*-]*)", text))
    # Left out: placeholders, the files the README's own commands create, and API output paths.
    named = {
        n.rstrip(".")
        for n in named
        if "YYYY" not in n and not n.startswith("incidents/2026/2026-11-22-") and not n.endswith(".json")
    }
    assert {"prometheus/rules/*.yml", "templates/card-processor.yaml"} <= named
    for name in sorted(named):
        assert list(ROOT.glob(name)) or (ROOT / name).exists(), f"the README names {name}, which does not exist"


# -- the examples in `statusgen --help` and every command's --help -----------------------------

# The order the examples run in, so each finds what the ones before it made.
HELP_ORDER = [
    "", "new", "update", "resolve", "reopen", "reschedule", "cancel", "notice", "notice post", "notice end", "list", "show", "due", "validate", "templates", "templates show",
    "build", "serve", "postmortem", "runbook", "runbook new", "metrics", "init", "schema", "notify",
    "upgrade-pins",
]  # fmt: skip


def all_commands():
    def walk(group, prefix=""):
        for name, command in group.commands.items():
            yield prefix + name, command
            if isinstance(command, click.Group):
                yield from walk(command, prefix + name + " ")

    return {"": main, **dict(walk(main))}


def help_examples(command) -> list[str]:
    """The command lines under ``Example:``/``Examples:`` in a command's help."""
    text = command.help or ""
    block = re.split(r"\n\s*Examples?(?:, [^:\n]*)?:\n", text, maxsplit=1)
    if len(block) < 2:
        return []
    lines = re.sub(r"\\\\\n\s*", " ", block[1])  # "\\" in a docstring is one backslash in the help
    lines = re.sub(r"\\\n\s*", " ", lines)
    return [line.strip() for line in lines.splitlines() if line.strip().startswith("statusgen ")]


def test_every_command_is_in_the_help_order_and_has_examples():
    commands = all_commands()
    assert sorted(commands) == sorted(HELP_ORDER)
    for name, command in commands.items():
        assert help_examples(command), f"`statusgen {name}` has no example in its help"


def test_every_help_example_runs_verbatim(tmp_path):
    root = git_repo(tmp_path)
    commands = all_commands()
    lines = [line for name in HELP_ORDER for line in help_examples(commands[name])]
    runnable = [line for line in lines if not line.startswith(NEVER_EXITS) and line not in NEEDS_CI + NEEDS_INIT]
    assert len(runnable) >= 25
    for line in lines:
        shlex.split(line)  # every example is a well-formed shell command
    # The examples are shown as run at the top of the example repository, at the example's "now".
    run_all(root, runnable)
