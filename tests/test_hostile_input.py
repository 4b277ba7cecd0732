"""Hostile text and careless paths: what an attacker or a hurried user puts in a status
repository must neither run in a reader's browser, nor stop publishing, nor hurt the files
around it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import INCIDENT, SMALL_CONFIG, write_repo
from conftest import run_cli as run

from statusgen.build import MARKER
from statusgen.cli import main

NOW = "2026-11-22T16:00:00Z"
STEM = "2026-11-20-api-errors"
INCIDENT_PATH = f"incidents/2026/{STEM}.yaml"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (links as their target), to prove nothing changed."""
    result = {}
    for path in sorted(root.rglob("*")):
        if ".statusgen-cache" in path.parts:  # the loader's cache: safe to delete, not content
            continue
        if path.is_symlink():
            result[str(path.relative_to(root))] = os.readlink(path).encode()
        elif path.is_file():
            result[str(path.relative_to(root))] = path.read_bytes()
    return result


# -- 1. output directories that cannot hurt -------------------------------------------------


@pytest.mark.parametrize(
    "args,config_line,expected",
    [
        (["--site", "public", "--out", "."], None, "--out: '.' is the repository"),
        (["--site", "public", "--out", ".."], None, "--out: '..' contains the repository"),
        (["--out", "."], None, "is inside the source folder"),  # ./public, ./internal are fine...
        ([], 'public_dir: ""', "public_dir in mkdocs.yml: '' is the repository"),
        ([], "public_dir: .", "public_dir in mkdocs.yml: '.' is the repository"),
        ([], "public_dir: ..", "contains the repository"),
        ([], "public_dir: incidents", "is inside the source folder 'incidents'"),
        ([], "internal_dir: .git/site", "is inside the source folder '.git'"),
        ([], "public_dir: site\n      internal_dir: site/internal", "would be written into each other"),
        ([], "incidents_dir: data/incidents\n      public_dir: data", "holds the source folder 'data/incidents'"),
    ],
    ids=["out-dot", "out-parent", "out-all-dot", "empty", "dot", "parent", "incidents", "git", "nested", "holds"],
)
def test_build_refuses_targets_it_could_hurt(tmp_path, args, config_line, expected):
    root = tmp_path / "repo"
    config = SMALL_CONFIG
    if config_line:
        config = config.replace("      company: Acme\n", f"      company: Acme\n      {config_line}\n")
    write_repo(root, {INCIDENT_PATH: INCIDENT}, config=config)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "sibling.txt").write_text("keep me\n")
    if args == ["--out", "."]:
        # With both sites, --out . means ./public and ./internal: refused only when one of them
        # lands in a source folder, so make ./public one.
        config = config.replace("      company: Acme\n", "      company: Acme\n      incidents_dir: public\n")
        (root / "mkdocs.yml").write_text(config)
        (root / "incidents").rename(root / "public")
    before = tree(tmp_path)
    old_cwd = os.getcwd()
    os.chdir(root)  # relative --out is taken from the working directory
    try:
        result = run(root, "build", *args)
    finally:
        os.chdir(old_cwd)
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Nothing was written." in result.output
    assert "Traceback" not in result.output
    assert tree(tmp_path) == before


def test_build_refuses_a_non_empty_directory_it_did_not_make(tmp_path, small_repo):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    result = run(small_repo, "build", "--site", "public", "--out", str(target))
    assert result.exit_code == 1
    assert "is a non-empty directory that statusgen did not build" in result.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_build_replaces_its_own_output_and_an_empty_directory(tmp_path, small_repo):
    target = tmp_path / "out"
    target.mkdir()  # empty: fine
    assert run(small_repo, "build", "--site", "public", "--out", str(target)).exit_code == 0
    assert (target / MARKER).is_file() and (target / "index.html").is_file()
    (target / "stale.txt").write_text("from the last build\n")
    result = run(small_repo, "build", "--site", "public", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert not (target / "stale.txt").exists()


def test_build_refuses_a_target_through_a_symbolic_link(tmp_path, small_repo):
    real = tmp_path / "real"
    real.mkdir()
    (small_repo / "site").symlink_to(real)
    result = run(small_repo, "build", "--site", "public")
    assert result.exit_code == 1
    assert "symbolic link" in result.output
    assert list(real.iterdir()) == []


# -- 3/4/5/13. one text rule ------------------------------------------------------------------

BAD_CHARACTERS = {
    "ESC": "\x1b]0;owned\x07",
    "NUL": "\x00",
    "U+FFFE": "\ufffe",
    "CR": "a\rb",
    "NEL": "\x85",
    "U+2028": "\u2028",
    "U+2029": "\u2029",
    "DEL": "\x7f",
}


def yaml_escape(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii").replace('"', '\\"')


@pytest.mark.parametrize("name", sorted(BAD_CHARACTERS))
@pytest.mark.parametrize("field", ["title", "message"])
def test_control_characters_in_a_file_are_refused_with_their_line(tmp_path, name, field):
    bad = yaml_escape(BAD_CHARACTERS[name])
    if field == "title":
        text = INCIDENT.replace("title: API errors", f'title: "API {bad} errors"')
        line = 3
    else:
        text = INCIDENT.replace(
            "message: We are looking into failed API requests.", f'message: "Looking {bad} into it."'
        )
        line = INCIDENT.splitlines().index("    message: We are looking into failed API requests.") + 1
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: text})
    result = run(root, "validate")
    assert result.exit_code == 1, result.output
    assert f"{INCIDENT_PATH}:{line}: {field} contains U+" in result.output
    assert "expected printable text" in result.output
    assert "Traceback" not in result.output
    # Nothing that validate refuses can reach a writer: the build stops at validation too.
    result = run(root, "build", "--site", "public", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_control_character_in_a_component_name_is_refused(tmp_path):
    config = SMALL_CONFIG.replace("name: Website", 'name: "Web\\x1bsite"')
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: INCIDENT}, config=config)
    result = run(root, "validate")
    assert result.exit_code == 1
    line = config.splitlines().index('          name: "Web\\x1bsite"') + 1
    assert f"mkdocs.yml:{line}: component name contains U+001B (ESC)" in result.output


def test_a_literal_block_reports_the_line_of_the_bad_character(tmp_path):
    text = INCIDENT.replace(
        "    message: We are looking into failed API requests.",
        "    message: |\n      first line\n      second \x1b line",
    )
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: text})
    result = run(root, "validate")
    line = text.splitlines().index("      second \x1b line") + 1
    assert f"{INCIDENT_PATH}:{line}: contains U+001B (ESC)" in result.output


def test_errors_never_print_raw_escape_sequences(tmp_path):
    raw = INCIDENT.replace("kind: incident", "kind: incident\n\x1b]52;c;b3duZWQ=\x07: 1")
    quoted = INCIDENT.replace("kind: incident", 'kind: incident\n"\\e]0;owned\\a": 1')
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: raw, "incidents/2026/2026-11-21-quoted.yaml": quoted})
    result = run(root, "validate")
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    line = raw.splitlines().index("\x1b]52;c;b3duZWQ=\x07: 1") + 1
    assert f"{INCIDENT_PATH}:{line}: contains U+001B (ESC)" in result.output
    assert f"{INCIDENT_PATH}:{line}: contains U+0007 (BEL)" in result.output
    assert "unknown key '\\x1b]0;owned\\x07' in an incident" in result.output


ODD_BUT_FINE = ["tab\there", "emoji 🔥", "RTL שלום", "zero\u200bwidth", "nbsp\u00a0x", "combining é", "bom\ufeffmid"]


@pytest.mark.parametrize("text", ODD_BUT_FINE, ids=range(len(ODD_BUT_FINE)))
def test_what_validate_accepts_the_rewriter_and_every_writer_accept(tmp_path, text):
    root = write_repo(tmp_path / "r", {})
    result = run(root, "new", "-t", f"Title {text}", "-s", "SEV3", "-c", "api=degraded_performance", "-m", f"m {text}")
    assert result.exit_code == 0, result.output
    stem = Path(result.output.strip().splitlines()[0]).stem
    for step in (["update", stem, "--stage", "identified", "-m", f"n {text}"], ["resolve", stem, "-m", f"r {text}"]):
        result = run(root, *step)
        assert result.exit_code == 0, result.output
    assert run(root, "validate").exit_code == 0
    result = run(root, "build", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output


# -- 6/7/12. files ------------------------------------------------------------------------------


def test_a_link_to_a_file_outside_the_repository_is_refused_unread(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: INCIDENT})
    (root / "incidents/2026/2026-11-21-linked.yaml").symlink_to(secret)
    (root / "incidents/2026/2026-11-21-passwd.yaml").symlink_to("/etc/passwd")
    result = run(root, "validate")
    assert result.exit_code == 1
    for name in ("linked", "passwd"):
        assert (
            f"incidents/2026/2026-11-21-{name}.yaml: is a symbolic link to a file outside the repository"
            in result.output
        )
    assert "root:" not in result.output and "unknown key" not in result.output


def test_a_link_inside_the_repository_is_read(tmp_path):
    root = write_repo(tmp_path / "r", {"elsewhere/keep.yaml": INCIDENT})
    (root / "incidents/2026").mkdir(parents=True)
    (root / INCIDENT_PATH).symlink_to(root / "elsewhere/keep.yaml")
    assert run(root, "validate").exit_code == 0


def test_dangling_links_and_directories_named_like_incidents_are_errors_not_tracebacks(tmp_path):
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: INCIDENT})
    (root / "incidents/2026/2026-11-21-gone.yaml").symlink_to(tmp_path / "missing.yaml")
    (root / "incidents/2026/2026-11-21-folder.yaml").mkdir()
    result = run(root, "validate")
    assert "incidents/2026/2026-11-21-gone.yaml: is a symbolic link to nothing (dangling)" in result.output
    assert "Traceback" not in result.output and result.exit_code == 1


def test_special_files_are_refused_without_being_opened(tmp_path):
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: INCIDENT})
    os.mkfifo(root / "incidents/2026/2026-11-21-fifo.yaml")
    (root / "incidents/2026/2026-11-21-zero.yaml").symlink_to("/dev/zero")
    # In a child process with a timeout: before the fix, reading the FIFO hung forever.
    command = [sys.executable, "-m", "statusgen", "-C", str(root), "--now", NOW, "validate"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "incidents/2026/2026-11-21-fifo.yaml: is not a regular file (a FIFO)" in done.stderr + done.stdout
    assert "incidents/2026/2026-11-21-zero.yaml: is a symbolic link to a file outside the repository" in (
        done.stderr + done.stdout
    )


def test_a_file_over_the_size_limit_is_refused_with_its_path(tmp_path):
    big = INCIDENT.replace("message: Fixed.", "message: " + "x" * (1024 * 1024 + 10))
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: big})
    result = run(root, "validate")
    assert result.exit_code == 1
    assert f"{INCIDENT_PATH}: is larger than 1 MB; expected a smaller file (raise max_file_kb in mkdocs.yml" in (
        result.output
    )
    config = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      max_file_kb: 2048\n")
    (root / "mkdocs.yml").write_text(config)
    assert run(root, "validate").exit_code == 0


# -- 8. the calendar ------------------------------------------------------------------------------


def test_no_line_break_reaches_the_calendar_raw():
    from statusgen.public.ical import escape_text, fold

    text = "Window\rDTSTART:19700101T000000Z\r\nX\u2028Y\nZ\x85W"
    line = fold("SUMMARY:" + escape_text(text))
    assert line.count("\r\n") == 1 and line.endswith("\r\n")
    assert "\r" not in line[:-2] and "\n" not in line[:-2] and "\u2028" not in line and "\x85" not in line


# -- 9. times -----------------------------------------------------------------------------------

OUT_OF_RANGE = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "1969-12-31T23:59:59Z",
    "2200-01-01T00:00:00Z",
]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_times_out_of_range_are_clear_errors_in_files(tmp_path, value):
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: INCIDENT.replace("2026-11-20T10:00:00Z", value, 1)})
    result = run(root, "validate")
    assert result.exit_code == 1
    assert f"impact_start: time '{value}' is out of range; expected a time between 1970 and 2199" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("value", OUT_OF_RANGE[:2])
def test_times_out_of_range_are_clear_errors_on_the_command_line(small_repo, value):
    for args in (["--now", value, "list"], ["update", "api-errors", "--stage", "monitoring", "-m", "x", "--at", value]):
        result = CliRunner().invoke(main, ["-C", str(small_repo), *args])
        assert result.exit_code == 2, result.output
        assert "out of range; expected a time between 1970 and 2199" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_source_date_epoch_out_of_range_is_a_clear_error(small_repo):
    result = CliRunner().invoke(main, ["-C", str(small_repo), "list"], env={"SOURCE_DATE_EPOCH": "99999999999999"})
    assert result.exit_code != 0
    assert "SOURCE_DATE_EPOCH=99999999999999 is out of range" in result.output


# -- 11. ids from accented titles -------------------------------------------------------------


@pytest.mark.parametrize(
    "title,slug",
    [
        ("Café façade Zürich", "cafe-facade-zurich"),
        ("Ошибка оплаты", "oshibka-oplaty"),
        ("Straße ärger", "strasse-arger"),
    ],
)
def test_accented_titles_give_readable_ids(small_repo, title, slug):
    result = run(small_repo, "new", "-t", title, "-s", "SEV3", "-c", "api=degraded_performance", "-m", "Looking.")
    assert result.exit_code == 0, result.output
    assert Path(result.output.strip().splitlines()[0]).stem.endswith(f"-{slug}")


# -- 4/5/13. the same rule for what is typed on the command line ---------------------------------


@pytest.mark.parametrize(
    "args,option",
    [
        (["new", "-t", "API \x1b]0;x\x07 down", "-s", "SEV3", "-c", "api=degraded_performance", "-m", "x"], "-t"),
        (["update", "api-errors", "--stage", "monitoring", "-m", "pasted\u2028text"], "-m"),
        (["update", "api-errors", "--stage", "monitoring", "--message=bare\rreturn"], "--message"),
        (["update", "api-errors", "--stage", "monitoring", "-m", "ok", "--note", "nel\x85here"], "--note"),
        (["new", "-t", "A\ufffe", "-s", "SEV3", "-c", "api=degraded_performance", "-m", "x"], "-t"),
    ],
    ids=["esc-title", "line-separator", "bare-cr", "nel-note", "non-character"],
)
def test_control_characters_typed_on_the_command_line_are_refused_naming_the_option(tmp_path, args, option):
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: INCIDENT.replace("    stage: resolved", "    stage: monitoring")})
    before = tree(root)
    result = run(root, *args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}': contains U+" in result.output
    assert "expected printable text" in result.output
    assert tree(root) == before  # nothing written


def test_an_incident_written_by_the_cli_stays_editable(tmp_path):
    """Before the rule, U+2028 in -m wrote a file every later update failed to rewrite."""
    root = write_repo(tmp_path / "r", {})
    result = run(root, "new", "-t", "API slow", "-s", "SEV3", "-c", "api=degraded_performance", "-m", "a\u2029b")
    assert result.exit_code == 2
    assert not (root / "incidents").exists()
    result = run(root, "new", "-t", "API slow", "-s", "SEV3", "-c", "api=degraded_performance", "-m", "first")
    stem = Path(result.output.strip().splitlines()[0]).stem
    assert run(root, "update", stem, "--stage", "identified", "-m", "second").exit_code == 0
    assert run(root, "resolve", stem, "-m", "done").exit_code == 0


def test_a_plain_mkdocs_build_cannot_empty_a_source_folder(tmp_path, caplog):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    config = SMALL_CONFIG.replace("site_url:", "site_dir: incidents\nsite_url:")
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: INCIDENT, "docs/index.md": "# Docs\n"}, config=config)
    before = tree(root)
    with pytest.raises((PluginError, Abort)):
        build(load_config(str(root / "mkdocs.yml")))
    assert "site_dir: 'incidents' is inside the source folder 'incidents'" in caplog.text
    assert tree(root) == before


@pytest.mark.parametrize(
    "old,new,message",
    [
        (
            "      company: Acme\n",
            "      company: Acme\n      support_url: javascript:alert(1)\n",
            "support_url must start",
        ),
        ("site_url: https://status.acme.test/", "site_url: 'javascript:alert(1)//'", "site_url must start"),
    ],
)
def test_urls_in_the_config_must_be_web_urls(tmp_path, old, new, message):
    root = write_repo(tmp_path / "r", {}, config=SMALL_CONFIG.replace(old, new))
    result = run(root, "validate")
    assert result.exit_code == 1 and message in result.output


def test_list_and_show_never_print_terminal_sequences_from_files(tmp_path):
    """A title that would set the terminal's title (OSC 0) or write its clipboard (OSC 52)."""
    hostile = INCIDENT.replace("title: API errors", 'title: "API \\e]0;owned\\a \\e]52;c;cm0gLXJmIH4=\\a errors"')
    root = write_repo(tmp_path / "r", {INCIDENT_PATH: hostile})
    for args in (["list"], ["show", STEM], ["validate"]):
        result = run(root, *args)
        assert "\x1b" not in result.output and "\x07" not in result.output, args
    assert "title contains U+001B (ESC)" in run(root, "validate").output


def test_source_folders_stay_inside_the_repository(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text("root:x:0:0:root:/root:/bin/bash\n")
    config = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      incidents_dir: ../elsewhere\n")
    root = write_repo(tmp_path / "r", {}, config=config)
    result = run(root, "validate")
    assert result.exit_code == 1
    assert "incidents_dir '../elsewhere' leaves the repository; expected a folder inside it" in result.output
    # the same folder reached through a link
    (root / "mkdocs.yml").write_text(SMALL_CONFIG)
    (root / "incidents").symlink_to(outside)
    result = run(root, "validate")
    assert result.exit_code == 1
    assert "incidents: is a link to a folder outside the repository" in result.output
    assert "root:" not in result.output
