"""Every kind of bad incident file gets ``path:line: what is wrong, what was expected``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import write_repo

from statusgen.cli import main

GOOD = """\
id: {id}
title: Database slow
kind: incident
severity: SEV3
components:
  db: degraded_performance
impact_start: 2026-11-20T10:00:00Z
updates:
  - at: 2026-11-20T10:10:00Z
    stage: investigating
    message: Looking into it.
  - at: 2026-11-20T10:40:00Z
    stage: monitoring
    message: Fix deployed.
"""


def edit(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


BILLION_LAUGHS = """\
id: {id}
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
title: *c
"""

# (case, file text, line, expected message)
CASES = [
    (
        "syntax",
        edit("title: Database slow", "title: [unclosed"),
        3,
        "YAML syntax error: did not find expected ',' or ']'",
    ),
    (
        "unknown-key",
        edit("severity: SEV3", "sevrity: SEV3"),
        4,
        "unknown key 'sevrity' in an incident (did you mean 'severity'?); expected one of: id, title,",
    ),
    (
        "bad-enum",
        edit("severity: SEV3", "severity: SEV9"),
        4,
        "severity 'SEV9' is not valid (did you mean 'SEV4'?); expected one of: SEV1, SEV2, SEV3, SEV4",
    ),
    ("wrong-type", edit("title: Database slow", "title: [a, b]"), 2, "title must be text, not a list"),
    (
        "missing-title",
        edit("title: Database slow\n", ""),
        1,
        "missing required field 'title'; expected a short public title",
    ),
    (
        "unknown-component",
        edit("  db: degraded", "  dbx: degraded"),
        6,
        "unknown component 'dbx' (did you mean 'db'?); expected one of: api, web, db",
    ),
    (
        "bad-status",
        edit("  db: degraded_performance", "  db: broken"),
        6,
        "status of 'db' 'broken' is not valid; expected one of: operational, under_maintenance,",
    ),
    (
        "backward",
        edit(
            "stage: monitoring",
            "stage: monitoring\n    message: Fixed.\n  - at: 2026-11-20T10:50:00Z\n    stage: identified",
        ),
        15,
        "stage cannot go back from monitoring to identified; pass --backward",
    ),
    (
        "naive-time",
        edit("impact_start: 2026-11-20T10:00:00Z", "impact_start: 2026-11-20T10:00:00"),
        7,
        "impact_start: time '2026-11-20T10:00:00' has no timezone; write it in UTC with a Z, like 2026-11-20T10:00:00Z",
    ),
    (
        "not-a-time",
        edit("  - at: 2026-11-20T10:40:00Z", "  - at: yesterday"),
        12,
        "at: 'yesterday' is not a time; expected ISO 8601 with a zone",
    ),
    (
        "python-tag",
        edit("title: Database slow", 'title: !!python/object/apply:os.system ["echo pwned"]'),
        2,
        "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; expected plain YAML values",
    ),
    (
        "custom-tag",
        edit("title: Database slow", "title: !secret Database slow"),
        2,
        "tag '!secret' is not allowed; expected plain YAML values",
    ),
    ("alias-bomb", BILLION_LAUGHS, 2, "YAML aliases (*name) are not allowed here; write the value out"),
    (
        "duplicate-key",
        edit("kind: incident", "kind: incident\ntitle: Again"),
        4,
        "duplicate key 'title' in an incident file (first at line 2)",
    ),
    (
        "id-mismatch",
        GOOD.replace("id: {id}", "id: 2026-11-20-other"),
        1,
        "id '2026-11-20-other' does not match the file name; expected id: ",
    ),
    (
        "time-backwards",
        edit("  - at: 2026-11-20T10:40:00Z", "  - at: 2026-11-20T10:05:00Z"),
        12,
        "update at 2026-11-20T10:05:00Z is earlier than the one before it (2026-11-20T10:10:00Z); updates are append-only",
    ),
    (
        "before-impact",
        edit("  - at: 2026-11-20T10:10:00Z", "  - at: 2026-11-20T09:10:00Z"),
        9,
        "update at 2026-11-20T09:10:00Z predates impact_start (2026-11-20T10:00:00Z)",
    ),
    (
        "severity-down",
        edit("    stage: investigating", "    stage: investigating\n    severity: SEV3").replace(
            "    stage: monitoring", "    stage: monitoring\n    severity: SEV4"
        ),
        13,
        "severity cannot go down from SEV3 to SEV4 while the incident is active; escalate only",
    ),
    (
        "after-resolved",
        edit(
            "stage: monitoring\n    message: Fix deployed.",
            "stage: resolved\n    message: Fixed.\n  - at: 2026-11-20T11:00:00Z\n    stage: monitoring\n    message: Again.",
        ),
        15,
        "the incident is resolved; run `statusgen reopen` before posting a 'monitoring' update",
    ),
    (
        "empty-updates",
        GOOD[: GOOD.index("updates:")] + "updates: []\n",
        8,
        "updates is empty; expected at least one update",
    ),
    (
        "update-no-message",
        edit("    message: Fix deployed.\n", ""),
        12,
        "update is missing 'message'; expected the public text of the update",
    ),
    ("empty-file", "", 1, "the file is empty; expected a mapping of fields"),
    ("top-level-list", "- id: x\n- title: y\n", 1, "an incident file must be a mapping of keys to values, not a list"),
    (
        "drill-not-bool",
        edit("kind: incident", "kind: incident\ndrill: maybe"),
        4,
        "drill must be true or false, not the text 'maybe'",
    ),
    (
        "milestone-order",
        edit(
            "impact_start: 2026-11-20T10:00:00Z",
            "impact_start: 2026-11-20T10:00:00Z\ndetected_at: 2026-11-20T09:00:00Z",
        ),
        8,
        "detected_at (2026-11-20T09:00:00Z) is before impact_start (2026-11-20T10:00:00Z); milestones go in order",
    ),
    (
        "maintenance-no-window",
        edit("kind: incident", "kind: maintenance")
        .replace("investigating", "scheduled")
        .replace("monitoring", "in_progress"),
        1,
        "maintenance needs 'scheduled_for'; expected a time like 2026-12-03T02:00:00Z",
    ),
    (
        "tab-indent",
        edit("  db: degraded_performance", "\tdb: degraded_performance"),
        6,
        "YAML syntax error: found character that cannot start any token (indent with spaces, not tabs)",
    ),
    (
        "wrong-kind-stage",
        edit("stage: monitoring", "stage: in_progress"),
        13,
        "stage 'in_progress' is not valid; expected one of: investigating, identified, monitoring, resolved",
    ),
    (
        "scheduled-on-incident",
        edit("kind: incident", "kind: incident\nscheduled_for: 2026-12-01T00:00:00Z"),
        4,
        "'scheduled_for' is only for maintenance; add 'kind: maintenance' or remove it",
    ),
]


def stem(case: str) -> str:
    return f"2026-11-20-{case}"


def run_validate(root, *args):
    return CliRunner().invoke(main, ["-C", str(root), "--now", "2026-11-22T00:00:00Z", "validate", *args])


@pytest.mark.parametrize("case,text,line,message", CASES, ids=[c[0] for c in CASES])
def test_each_bad_file(tmp_path, case, text, line, message):
    root = write_repo(tmp_path, {f"incidents/2026/{stem(case)}.yaml": text.replace("{id}", stem(case))})
    result = run_validate(root)
    assert result.exit_code == 1, result.output
    assert f"incidents/2026/{stem(case)}.yaml:{line}: {message}" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_cases_are_distinct():
    assert len(CASES) >= 20
    assert len({c[0] for c in CASES}) == len(CASES)
    assert len({c[3] for c in CASES}) == len(CASES)


def test_not_utf8(tmp_path):
    data = GOOD.replace("{id}", stem("latin1")).replace("Database slow", "Base de donn\u00e9es lente").encode("latin-1")
    root = write_repo(tmp_path, {})
    path = root / "incidents/2026" / f"{stem('latin1')}.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    result = run_validate(root)
    assert result.exit_code == 1
    assert (
        f"incidents/2026/{stem('latin1')}.yaml:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8" in result.output
    )


def test_duplicate_id_across_years(tmp_path):
    text = GOOD.replace("{id}", stem("dup"))
    root = write_repo(
        tmp_path, {f"incidents/2025/{stem('dup')}.yaml": text, f"incidents/2026/{stem('dup')}.yaml": text}
    )
    result = run_validate(root)
    assert result.exit_code == 1
    assert (
        f"incidents/2026/{stem('dup')}.yaml:1: duplicate id '{stem('dup')}'; also used by incidents/2025/{stem('dup')}.yaml"
        in result.output
    )


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    many = (
        edit("severity: SEV3", "severity: SEV9")
        .replace("title: Database slow", "title: [x]")
        .replace("  db:", "  dbx:")
    )
    root = write_repo(
        tmp_path,
        {
            f"incidents/2026/{stem('many')}.yaml": many.replace("{id}", stem("many")),
            f"incidents/2026/{stem('other')}.yaml": edit("kind: incident", "kind: incdent").replace(
                "{id}", stem("other")
            ),
        },
    )
    result = run_validate(root)
    assert result.exit_code == 1
    assert result.output.count(f"{stem('many')}.yaml:") == 3
    assert f"{stem('other')}.yaml:3: kind 'incdent' is not valid (did you mean 'incident'?)" in result.output
    assert "Aborted with 4 problems." in result.output


def test_exact_validate_output_for_one_bad_file(tmp_path):
    root = write_repo(
        tmp_path,
        {f"incidents/2026/{stem('one')}.yaml": edit("  db: degraded", "  dbb: degraded").replace("{id}", stem("one"))},
    )
    result = run_validate(root)
    assert result.exit_code == 1
    assert result.output == (
        f"incidents/2026/{stem('one')}.yaml:6: unknown component 'dbb' (did you mean 'db'?); expected one of: api, web, db\n"
        "0 incidents checked: 1 error, 0 warnings. Aborted with 1 problem.\n"
    )


def test_a_bad_mkdocs_yml_is_reported_with_its_line(tmp_path):
    from conftest import SMALL_CONFIG

    root = write_repo(
        tmp_path / "r",
        {},
        config=SMALL_CONFIG.replace(
            "          group: core\n          slo: 99.5", "          group: cor\n          slo: 120"
        ),
    )
    result = run_validate(root)
    assert result.exit_code == 1
    assert "mkdocs.yml:19: group 'cor' is not valid (did you mean 'core'?); expected one of: core" in result.output
    assert "mkdocs.yml:20: slo 120 is out of range; expected a percentage like 99.9" in result.output
    assert "Traceback" not in result.output
