"""`statusgen notice TEXT` writes a notice file, `statusgen notice end ID` ends it; `list` and
`show` describe notices; mistakes get a clear error and leave the files as they were."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import cli_ok, run_cli, write_repo

from statusgen.core.times import parse_time
from statusgen.sources.repository import load_repository


def files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted((root / "incidents").rglob("*.yaml"))}


def test_post_then_end_a_notice(tmp_path):
    root = write_repo(tmp_path / "repo", {})
    posted = cli_ok(
        root, "notice", "Our **phone line** is down.\n\nPlease write to us.", "--until", "2026-11-23T09:00:00Z"
    )
    path = "incidents/2026/2026-11-22-our-phone-line-is-down.yaml"
    assert posted.stdout.strip() == path
    assert "posted notice 2026-11-22-our-phone-line-is-down: Our phone line is down." in posted.stderr
    assert "end it: statusgen notice end our-phone-line-is-down" in posted.stderr
    data = yaml.safe_load((root / path).read_text())
    assert {k: v for k, v in data.items() if k != "updates"} == {
        "id": "2026-11-22-our-phone-line-is-down",
        "title": "Our phone line is down.",
        "kind": "notice",
        "scheduled_until": parse_time("2026-11-23T09:00:00Z"),
    }
    assert data["updates"] == [
        {
            "at": parse_time("2026-11-22T16:00:00Z"),
            "stage": "posted",
            "message": "Our **phone line** is down.\n\nPlease write to us.\n",
        }
    ]
    shown = cli_ok(root, "show", "phone-line").output
    assert "notice · posted" in shown and "shown     from when posted to 23 Nov 2026, 09:00 UTC" in shown
    listed = cli_ok(root, "list").output
    assert "2026-11-22-our-phone-line-is-down  -    posted" in listed

    ended = cli_ok(root, "notice", "end", "phone-line", now="2026-11-22T18:30:00Z")
    assert ended.stdout.strip() == f"{path}: ended"
    repo, problems = load_repository(root, now=parse_time("2026-11-22T18:30:00Z"))
    notice = repo.incidents[0]
    assert not problems and notice.is_resolved and notice.resolved_at == parse_time("2026-11-22T18:30:00Z")
    assert [u.message for u in notice.updates][-1] == "This notice has ended."
    before = files(root)
    again = run_cli(root, "notice", "end", "phone-line", now="2026-11-22T19:00:00Z")
    assert again.exit_code == 1 and "has already ended" in again.output and "Traceback" not in again.output
    assert files(root) == before


def test_a_title_a_start_and_resolve_work_on_notices(tmp_path):
    root = write_repo(tmp_path / "repo", {})
    cli_ok(root, "notice", "We move our support tool on Friday.", "--title", "Support tool move",
           "--from", "2026-11-27T08:00:00Z", "--until", "2026-11-27T18:00:00Z")  # fmt: skip
    (path,) = files(root)
    assert path == "incidents/2026/2026-11-27-support-tool-move.yaml"  # named by the day it is shown
    # `statusgen resolve` ends a notice too (the built-in notice template gives the message).
    cli_ok(root, "resolve", "support-tool-move")
    assert "stage: ended" in (root / path).read_text()
    assert "This notice has ended." in (root / path).read_text()


def test_mistakes_are_refused_with_nothing_written(tmp_path):
    root = write_repo(tmp_path / "repo", {})
    for args, message in (
        (("notice", "x", "--until", "2026-11-22T15:00:00Z"), "expected --until after now"),
        (
            ("notice", "x", "--from", "2026-11-24T00:00:00Z", "--until", "2026-11-23T00:00:00Z"),
            "expected --until after --from",
        ),
        (("notice", "x", "--until", "tomorrow"), "--until"),
        (("notice", "   "), "a notice needs a message"),
    ):
        result = run_cli(root, *args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert files(root) == {}
    cli_ok(root, "new", "-t", "API errors", "-s", "SEV3", "-c", "api=partial", "-m", "x")
    before = files(root)
    result = run_cli(root, "notice", "end", "api-errors")
    assert result.exit_code == 1
    assert (
        "2026-11-22-api-errors is an incident, not a notice; `statusgen resolve 2026-11-22-api-errors` ends it"
        in result.output
    )
    assert files(root) == before
