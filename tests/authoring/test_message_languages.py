"""Customer messages in the site's language: the built-in templates of each shipped language,
which template a name resolves to, and the words statusgen fills in (times, durations, lists,
its own sentences) going through the site's Language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from conftest import SMALL_CONFIG, cli_ok, write_repo

from statusgen.authoring.messages import (
    BUILTIN_DIR,
    load_templates,
    placeholder_values,
    read_template,
    render,
    render_message,
)
from statusgen.authoring.reminders import due_notices
from statusgen.core.language import SHIPPED, SOURCE
from statusgen.sources.config import load_config
from statusgen.sources.repository import load_repository

LANGUAGES = [code for code in SHIPPED if code != SOURCE]
ENGLISH_FILES = sorted(BUILTIN_DIR.glob("*.yaml"))
AT = datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
INCIDENT = "incidents/2026/2026-11-22-api-errors.yaml"
MAINTENANCE = "incidents/2026/2026-12-01-database-upgrade.yaml"

# A maintenance template without its own rescheduled and cancelled messages: statusgen's are posted.
PLAIN_MAINTENANCE = """\
kind: maintenance
stages:
  scheduled: Maintenance on {components} during {window}.
  in_progress: Started.
  verifying: Checking.
  completed: Done.
"""


def config_text(language: str) -> str:
    return SMALL_CONFIG + f"      language: {language}\n"


def messages_of(path: Path) -> dict[str, str]:
    """Every message of a template file by key (``stages.investigating``, ``cancelled``)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = {}
    for key in ("stages", "follow_up"):
        found.update({f"{key}.{stage}": text for stage, text in (data.get(key) or {}).items()})
    found.update({key: data[key] for key in ("rescheduled", "cancelled") if key in data})
    return found


def written(root: Path, name: str) -> list[dict]:
    return yaml.safe_load((root / name).read_text(encoding="utf-8"))["updates"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("english", ENGLISH_FILES, ids=lambda path: path.stem)
def test_each_builtin_template_has_a_faithful_translation(tmp_path, language, english):
    path = BUILTIN_DIR / language / english.name
    template, problems = read_template(path, f"{language}/{english.name}", builtin=True)
    assert problems == [] and template is not None
    original, _ = read_template(english, english.name, builtin=True)
    assert original is not None
    assert (template.kind, template.severity) == (original.kind, original.severity)
    assert list(template.stages) == list(original.stages)
    assert list(template.follow_up) == list(original.follow_up)
    assert list(template.messages) == list(original.messages)
    ours, theirs = messages_of(path), messages_of(english)
    assert list(ours) == list(theirs)
    for key, text in ours.items():
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(theirs[key])), key
        english_sentences = [s for s in re.split(r"(?<=[.!?])\s+", PLACEHOLDER.sub("", theirs[key])) if len(s) > 12]
        for sentence in english_sentences:
            assert sentence.strip() not in text, f"{key}: English text left: {sentence!r}"
    # rendered in a site of that language: every placeholder filled
    config = load_config(write_repo(tmp_path, {}, config_text(language)))
    values = placeholder_values(
        config, title="T", components={"api": "partial_outage", "web": "operational"}, started=AT - timedelta(hours=2),
        at=AT, window=(AT, AT + timedelta(hours=2)),
    )  # fmt: skip
    for stage in template.stages:
        for follow_up in (False, True):
            text = render(template, stage, values, follow_up=follow_up, lang=config.lang)
            assert not PLACEHOLDER.search(text) and "{" not in text, (stage, text)
    for name in template.messages:
        assert "{" not in render_message(template, name, values, config.lang)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_site_in_a_language_takes_statusgens_templates_in_it(tmp_path, language):
    templates, problems = load_templates(load_config(write_repo(tmp_path, {}, config_text(language))))
    assert problems == []
    assert {t.name for t in templates.values()} == {path.stem for path in ENGLISH_FILES}
    for template in templates.values():
        assert template.builtin and template.source == BUILTIN_DIR / language / f"{template.name}.yaml"


def test_the_pseudo_locale_takes_the_english_templates(tmp_path):
    templates, _ = load_templates(load_config(write_repo(tmp_path, {}, config_text("qps-ploc"))))
    assert templates["generic"].source == BUILTIN_DIR / "generic.yaml"


def test_new_writes_the_german_opening_message_with_german_times(tmp_path):
    root = write_repo(tmp_path, {}, config_text("de"))
    cli_ok(root, "new", "-t", "API errors", "-s", "SEV3", "-c", "api=partial")
    (opening,) = written(root, INCIDENT)
    message = opening["message"]
    assert message.startswith("Wir untersuchen ein Problem, das seit 16:00 UTC"), message
    assert "22. Nov." in message and "22 Nov" not in message
    assert "Unser nächstes Update folgt bis 18:00 UTC" in message
    # a date's own full stop ends the sentence: no "Nov.."
    assert ".." not in message


def test_the_pseudo_locale_wraps_every_word_statusgen_fills_in(tmp_path):
    root = write_repo(tmp_path, {}, config_text("qps-ploc"))
    cli_ok(root, "new", "-t", "API errors", "-s", "SEV3", "-c", "api=partial", "-c", "web=degraded")
    cli_ok(root, "update", "api-errors", "--stage", "investigating", now="2026-11-22T16:20:00Z")
    opening, follow_up = written(root, INCIDENT)
    assert opening["message"].startswith("We are investigating a problem that started at ⟦⟦16:00 UTC⟧ on ⟦22 Nov⟧⟧: ")
    assert "is partly unavailable⟧" in opening["message"] and "is slower than usual⟧" in opening["message"]
    # statusgen's own follow-up is one catalog message
    assert follow_up["message"].startswith("⟦We are still investigating: ")
    assert follow_up["message"].rstrip().endswith("⟧")


def test_the_pseudo_locale_wraps_the_reschedule_cancel_reminder_and_notice_texts(tmp_path):
    root = write_repo(tmp_path, {"templates/plain.yaml": PLAIN_MAINTENANCE}, config_text("qps-ploc"))
    cli_ok(root, "new", "--maintenance", "-t", "Database upgrade", "-c", "db", "--template", "plain",
           "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T03:00:00Z")  # fmt: skip
    cli_ok(root, "reschedule", "database", "--start", "2026-12-02T04:00:00Z", "--end", "2026-12-02T06:00:00Z")
    rescheduled = written(root, MAINTENANCE)[-1]["message"]
    assert rescheduled.startswith("⟦The planned maintenance on ⟦Database⟧ has moved: it now takes place during ⟦")
    config = load_config(root)
    before = datetime(2026, 12, 2, 3, 45, tzinfo=timezone.utc)  # within the hour before the new window
    repository, _ = load_repository(root, now=before, config=config)
    (incident,) = repository.incidents
    (reminder,) = due_notices([incident], config, before)
    text = reminder.incident.updates[reminder.index].message
    assert (
        text == "⟦Reminder: the planned maintenance on ⟦Database⟧ takes place during ⟦⟦04:00⟧–⟦06:00 UTC⟧ on ⟦2 Dec⟧⟧.⟧"
    )
    cli_ok(root, "cancel", "database")
    assert written(root, MAINTENANCE)[-1]["message"].startswith("⟦The planned maintenance on ⟦Database⟧, scheduled")
    cli_ok(root, "notice", "Our phone line is down.", "--title", "Phone line")
    (notice,) = (root / "incidents").rglob("*phone-line.yaml")
    cli_ok(root, "notice", "end", "phone-line", now="2026-11-22T18:30:00Z")
    ended = yaml.safe_load(notice.read_text(encoding="utf-8"))["updates"][-1]["message"]
    assert ended.strip() == "⟦This notice has ended.⟧"


def test_reschedule_and_cancel_post_the_german_messages(tmp_path):
    root = write_repo(tmp_path, {}, config_text("de"))
    cli_ok(root, "new", "--maintenance", "-t", "Database upgrade", "-c", "db",
           "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T03:00:00Z")  # fmt: skip
    assert written(root, MAINTENANCE)[0]["message"].startswith(
        "Wir führen am 1. Dez. von 02:00 bis 03:00 UTC geplante Wartungsarbeiten"
    )
    cli_ok(root, "reschedule", "database", "--start", "2026-12-02T04:00:00Z", "--end", "2026-12-02T06:00:00Z")
    message = written(root, MAINTENANCE)[-1]["message"]
    assert message.startswith("Die geplanten Wartungsarbeiten an Database wurden verschoben")
    assert "finden nun am 2. Dez. von 04:00 bis 06:00 UTC statt" in message
    assert "(bisher geplant: am 1. Dez. von 02:00 bis 03:00 UTC)" in message
    cli_ok(root, "cancel", "database")
    assert written(root, MAINTENANCE)[-1]["message"].startswith(
        "Die am 2. Dez. von 04:00 bis 06:00 UTC geplanten Wartungsarbeiten"
    )


def test_a_teams_language_folder_wins_and_is_checked_like_its_templates(tmp_path):
    root = write_repo(
        tmp_path,
        {
            "templates/de/generic.yaml": "stages:\n  investigating: Unsere Störung seit {started}.\n",
            "templates/high-latency.yaml": "stages:\n  investigating: Our own, slow {components}.\n",
            "templates/fr/generic.yaml": "stages:\n  investigating: Depuis {strated}.\n",
            "templates/drafts/generic.yaml": "not: a template\n",
        },
        config_text("de"),
    )
    templates, problems = load_templates(load_config(root))
    assert not templates["generic"].builtin and templates["generic"].source == root / "templates/de/generic.yaml"
    # the team's own folder wins over statusgen's German template of the same name
    assert not templates["high-latency"].builtin
    assert templates["full-outage"].source == BUILTIN_DIR / "de/full-outage.yaml"
    # the French folder is not used in a German site, but checked; other folders are not templates
    assert {(p.path, p.line) for p in problems if "strated" in p.message} == {("templates/fr/generic.yaml", 2)}
    assert not [p for p in problems if "drafts" in p.path]
    cli_ok(root, "new", "-t", "API errors", "-s", "SEV3", "-c", "api=partial")
    assert written(root, INCIDENT)[0]["message"].startswith("Unsere Störung seit 16:00 UTC")


def test_an_english_site_ignores_the_language_folders_of_other_languages(tmp_path):
    root = write_repo(tmp_path, {"templates/de/generic.yaml": "stages:\n  investigating: Unsere Störung.\n"})
    templates, problems = load_templates(load_config(root))
    assert templates["generic"].source == BUILTIN_DIR / "generic.yaml"
    # still checked: its missing stages are reported against it
    assert problems and {(p.path, p.level) for p in problems} == {("templates/de/generic.yaml", "warning")}
