"""A notice file (kind: notice) is checked like any incident file: everything a notice may not
have, and an end before its start, is reported as ``path:line: what is wrong, what was
expected``, every file at once, in one run of ``statusgen validate``."""

from __future__ import annotations

from conftest import run_cli, write_repo

GOOD = """\
id: {id}
title: Phone line down
kind: notice
scheduled_for: 2026-11-22T12:00:00Z
scheduled_until: 2026-11-23T12:00:00Z
updates:
  - at: 2026-11-22T11:00:00Z
    stage: posted
    message: Our phone line is down; please write to us.
"""


def edit(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (name, file text, line, expected message)
CASES = [
    (
        "components",
        edit("kind: notice\n", "kind: notice\ncomponents:\n  api: major_outage\n"),
        4,
        "'components' is not for a notice (it affects no component and has no severity); remove it, or make it "
        "'kind: incident'",
    ),
    (
        "severity",
        edit("kind: notice\n", "kind: notice\nseverity: SEV2\n"),
        4,
        "'severity' is not for a notice (it affects no component and has no severity); remove it, or make it "
        "'kind: incident'",
    ),
    (
        "milestone",
        edit("kind: notice\n", "kind: notice\nimpact_start: 2026-11-22T10:00:00Z\n"),
        4,
        "'impact_start' is not for a notice",
    ),
    (
        "stage",
        edit("stage: posted", "stage: investigating"),
        8,
        "stage 'investigating' is not valid; expected one of: posted, ended",
    ),
    (
        "update-components",
        edit("    stage: posted\n", "    stage: posted\n    components:\n      api: major_outage\n"),
        9,
        "'components' is not for a notice's update; a notice's updates have at, stage and message",
    ),
    (
        "end-before-start",
        edit("scheduled_until: 2026-11-23T12:00:00Z", "scheduled_until: 2026-11-22T08:00:00Z"),
        5,
        "scheduled_until (2026-11-22T08:00:00Z) is not after scheduled_for (2026-11-22T12:00:00Z); expected the end "
        "of the notice after its start",
    ),
    (
        "second-end",
        GOOD
        + "  - at: 2026-11-22T13:00:00Z\n    stage: ended\n    message: Back.\n"
        + "  - at: 2026-11-22T14:00:00Z\n    stage: ended\n    message: Back again.\n",
        13,
        "the notice is already ended; a second 'ended' update is not allowed",
    ),
]


def test_every_bad_notice_is_reported_with_its_line_at_once(tmp_path):
    files = {f"incidents/2026/2026-11-22-{name}.yaml": text.format(id=f"2026-11-22-{name}") for name, text, *_ in CASES}
    files["incidents/2026/2026-11-22-good.yaml"] = GOOD.format(id="2026-11-22-good")
    root = write_repo(tmp_path / "repo", files)
    result = run_cli(root, "validate")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for name, _, line, message in CASES:
        assert f"incidents/2026/2026-11-22-{name}.yaml:{line}: {message}" in result.output, (name, result.output)
    assert "2026-11-22-good.yaml" not in result.output


def test_a_notice_needs_no_start_end_components_or_severity(tmp_path):
    text = GOOD.replace("scheduled_for: 2026-11-22T12:00:00Z\nscheduled_until: 2026-11-23T12:00:00Z\n", "")
    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-22-bare.yaml": text.format(id="2026-11-22-bare")})
    result = run_cli(root, "validate")
    assert result.exit_code == 0, result.output


def test_the_schema_takes_a_notice_and_refuses_what_the_loader_refuses():
    import yaml
    from jsonschema import Draft202012Validator

    from statusgen.sources.schema import incident_schema

    validator = Draft202012Validator(incident_schema())

    def errors(text: str) -> list:
        return list(validator.iter_errors(yaml.load(text.format(id="2026-11-22-x"), Loader=yaml.BaseLoader)))

    assert errors(GOOD) == []
    for name, text, _, _ in CASES:
        if name not in ("end-before-start", "second-end"):  # rules across fields: `statusgen validate`'s
            assert errors(text), name
