"""A team's message template can neither hang nor crash the CLI: placeholders are plain names,
rendering takes time linear in the text, every message is rendered when it is checked, and the
templates folder follows the access rules of every source folder."""

from __future__ import annotations

import time

from conftest import run_cli, write_repo

from statusgen.authoring.messages import PLACEHOLDERS, Template, placeholder_problems, render

SAMPLE_VALUES = {name: f"sample {name}" for name in PLACEHOLDERS}
GOOD = "title: Evil\nstages:\n  investigating: 'We are looking into it: {impact}.'\n  identified: 'Found it.'\n"


def template_file(**stages: str) -> str:
    return "title: Evil\nstages:\n" + "".join(f"  {stage}: '{text}'\n" for stage, text in stages.items())


def test_format_specs_and_conversions_are_refused_by_validate(tmp_path):
    evil = template_file(investigating="A {impact:>300000}", identified="Now {now:%Y}", monitoring="{title!r}")
    root = write_repo(tmp_path / "repo", {"templates/evil.yaml": evil})
    result = run_cli(root, "validate")
    assert result.exit_code == 1
    assert "templates/evil.yaml:3: investigating message: placeholder {impact:>300000} has a format spec; " in (
        result.output
    )
    assert "expected a plain name, like {impact}" in result.output
    assert "templates/evil.yaml:4: identified message: placeholder {now:%Y} has a format spec" in result.output
    assert "templates/evil.yaml:5: monitoring message: placeholder {title!r} has a conversion" in result.output
    started = time.monotonic()
    result = run_cli(root, "new", "--template", "evil", "-s", "SEV3", "-c", "api=partial")
    assert result.exit_code == 1 and time.monotonic() - started < 10
    assert not isinstance(result.exception, ValueError) and "Traceback" not in result.output


def test_a_template_edited_after_an_incident_named_it_is_an_error_not_a_traceback(tmp_path):
    root = write_repo(tmp_path / "repo", {"templates/evil.yaml": GOOD})
    result = run_cli(root, "new", "--template", "evil", "-s", "SEV3", "-c", "api=partial")
    assert result.exit_code == 0, result.output
    (root / "templates/evil.yaml").write_text(template_file(investigating="x", identified="Now {now:%Y}"))
    result = run_cli(root, "update", "2026-11", "--stage", "identified")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def test_rendering_takes_time_linear_in_the_text():
    spaces = " " * 200_000
    template = Template("wide", "Wide", "", "incident", {"investigating": f"A{spaces}B{spaces}\n{{impact}}{spaces}"})
    started = time.monotonic()
    message = render(template, "investigating", SAMPLE_VALUES)
    assert time.monotonic() - started < 2
    assert message == "A B\nsample impact\n"


def test_literal_braces_still_work_and_no_text_makes_rendering_fail():
    assert placeholder_problems("Use {{braces}} around {impact}.") == []
    template = Template("t", "T", "", "incident", {"investigating": "Use {{braces}} around {impact}."})
    assert render(template, "investigating", SAMPLE_VALUES) == "Use {braces} around sample impact.\n"
    for text in ("{now:%Y}", "{impact:>300000}", "{", "}", "{0}", "{impact.__class__}", "{unknown}"):
        template = Template("t", "T", "", "incident", {"investigating": text})
        assert render(template, "investigating", SAMPLE_VALUES) == text + "\n"


def test_a_templates_folder_linked_outside_the_repository_is_not_read(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text("title: x\nstages:\n  root:x:0:0: CANARY-OUTSIDE-9d1e\n")
    root = write_repo(tmp_path / "repo", {})
    (root / "templates").symlink_to(outside)
    result = run_cli(root, "validate")
    assert result.exit_code == 1
    assert "templates: is a link to a folder outside the repository; expected a folder inside it" in result.output
    assert "CANARY-OUTSIDE-9d1e" not in result.output and "root:x" not in result.output
    assert "secret" not in run_cli(root, "templates").output


def test_a_templates_folder_linked_inside_the_repository_is_read(tmp_path):
    root = write_repo(tmp_path / "repo", {"shared/templates/ours.yaml": GOOD})
    (root / "templates").symlink_to(root / "shared/templates")
    result = run_cli(root, "templates")
    assert result.exit_code == 0 and "ours" in result.output
