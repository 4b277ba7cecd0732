"""The public site in another language, built for real: the pseudo-locale (every translated word,
date and number wrapped in ⟦…⟧) reaches the feeds, the calendar, the badges and the embed; a
language written right to left lays out every page right to left, the ones statusgen renders
itself too; German without a catalog still takes its dates and numbers from CLDR."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import INCIDENT, NOW, SMALL_CONFIG, write_repo

from statusgen.build import build_sites

# An older incident on another component: with one item a page, the history has three pages
# (the maintenance, November, October).
OLDER = (
    INCIDENT.replace("2026-11-20", "2026-10-05")
    .replace("title: API errors", "title: Slow website")
    .replace("api: partial_outage", "web: degraded_performance")
    .replace("api: operational", "web: operational")
)
MAINTENANCE = """\
id: 2026-12-03-db-upgrade
title: Database upgrade
kind: maintenance
components:
  db: under_maintenance
scheduled_for: 2026-12-03T02:00:00Z
scheduled_until: 2026-12-03T03:30:00Z
updates:
  - at: 2026-11-21T16:00:00Z
    stage: scheduled
    message: We will upgrade the database.
"""
FILES = {
    "incidents/2026/2026-11-20-api-errors.yaml": INCIDENT,
    "incidents/2026/2026-10-05-api-errors.yaml": OLDER,
    "incidents/2026/2026-12-03-db-upgrade.yaml": MAINTENANCE,
}


def build(base: Path, option: str = "", theme: str = "") -> Path:
    """The public site of a small repository with the plugin's ``language`` option or
    ``theme.language`` set; one incident a history page."""
    config = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      history_page_size: 1\n")
    if option:
        config = config.replace("      company: Acme\n", f"      company: Acme\n      language: {option}\n")
    if theme:
        config = config.replace("  font: false\n", f"  font: false\n  language: {theme}\n")
    root = write_repo(base / "repo", FILES, config)
    build_sites(root, NOW, out=base / "out")
    return base / "out" / "public"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("pseudo"), option="qps-ploc")


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("arabic"), theme="ar")


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("german"), option="de")


# -- the pseudo-locale -------------------------------------------------------------------------


def test_the_feeds_declare_the_language_and_word_their_titles_and_items(pseudo):
    rss, atom = read(pseudo, "feed.rss"), read(pseudo, "feed.atom")
    assert "<language>qps-ploc</language>" in rss
    assert 'xml:lang="qps-ploc"' in atom
    assert "<title>⟦Incident: API errors (⟦Resolved⟧)⟧</title>" in rss
    assert "<title>⟦Maintenance: Database upgrade (⟦Scheduled⟧)⟧</title>" in rss
    # the item body: its stage, its time through the Language, the affected components
    assert "⟦20 Nov 2026, 11:10 UTC⟧" in rss
    assert "⟦Affected: ⟦API⟧⟧" in rss
    component = read(pseudo, "components/api/feed.rss")
    assert "<title>⟦Acme Status: API⟧</title>" in component


def test_dates_percentages_and_months_on_the_pages_pass_through_the_language(pseudo):
    home = read(pseudo, "index.html")
    assert '<time datetime="2026-11-22T16:00:00Z" data-sg-local>⟦22 Nov 2026, 16:00 UTC⟧</time>' in home
    assert re.search(r"<strong>⟦\d+(\.\d+)?%⟧</strong>", home)
    assert ">⟦October 2026⟧</h2>" in read(pseudo, "history/3/index.html")
    # a day of the uptime table: the status, its time and how it counts, each translated
    assert re.search(r"⟦⟦partial outage⟧ ⟦[^⟦⟧]+⟧ \(counted ⟦as ⟦30%⟧ down⟧\)⟧", read(pseudo, "uptime/index.html"))


def test_the_calendar_badges_and_embed_are_worded_in_the_language(pseudo):
    calendar = (pseudo / "maintenance.ics").read_bytes().decode("utf-8").replace("\r\n ", "")  # unfolded
    assert "SUMMARY;LANGUAGE=qps-ploc:⟦Maintenance: Database upgrade⟧" in calendar
    assert "DESCRIPTION;LANGUAGE=qps-ploc:⟦⟦Scheduled⟧: We will upgrade the database.⟧" in calendar
    assert "BEGIN:VEVENT" in calendar and "DTSTART:20261203T020000Z" in calendar  # the keys stay

    badge = json.loads(read(pseudo, "badges/status.json"))
    assert set(badge) == {"schemaVersion", "label", "message", "color"}  # shields.io's keys
    assert badge["label"] == "⟦status⟧" and badge["message"].startswith("⟦")
    assert json.loads(read(pseudo, "badges/db.json"))["message"] == "⟦operational⟧"
    assert ">⟦status⟧</text>" in read(pseudo, "badges/status.svg")

    words = json.loads(read(pseudo, "embed/words.json"))
    assert words["lang"] == "qps-ploc" and words["dir"] == "ltr"
    assert all(text.startswith("⟦") and text.endswith("⟧") for text in words["text"].values())
    script = read(pseudo, "embed/status.js")
    assert "Major outage" not in script and "embed/words.json" in script  # no English of its own
    page = read(pseudo, "embed/index.html")
    assert '<html lang="qps-ploc">' in page
    assert "<title>⟦Acme Status: ⟦All Systems Operational⟧⟧</title>" in page
    assert "⟦Acme Status, as of ⟦22 Nov 2026, 16:00 UTC⟧⟧" in page


def test_the_reader_zone_script_carries_no_english(pseudo):
    home = read(pseudo, "index.html")
    note = re.search(r'<p class="sg-zone"[^>]*>', home)
    assert note
    for name in ("mine", "show-page", "show-mine"):
        value = re.search(rf'data-sg-{name}="([^"]*)"', note.group(0))
        assert value and value.group(1).startswith("⟦") and "{zone}" in value.group(1)
    script = home[home.index("[data-sg-zone]") : home.index("statusgen.zone")]
    assert "Show my time zone" not in script and "Times are shown" not in script
    assert "Intl.DateTimeFormat(lang" in script and "document.documentElement.lang" in script


def test_the_statuspage_api_stays_english(pseudo):
    summary = json.loads(read(pseudo, "api/v2/summary.json"))
    assert "⟦" not in json.dumps(summary, ensure_ascii=False)
    assert summary["status"]["description"] == "All Systems Operational"


# -- right to left -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["index.html", "history/index.html", "history/2/index.html", "incidents/2026-11-20-api-errors/index.html"]
)
def test_a_language_written_right_to_left_lays_every_page_out_right_to_left(arabic, path):
    """Material sets dir on <body> from theme.language; the pages statusgen renders itself
    (incident pages, history after the first) carry it the same way."""
    page = read(arabic, path)
    assert re.search(r'<html lang="ar"', page)
    assert re.search(r'<body dir="rtl"', page)


def test_the_embed_is_right_to_left_too(arabic):
    assert '<html lang="ar" dir="rtl">' in read(arabic, "embed/index.html")
    words = json.loads(read(arabic, "embed/words.json"))
    assert (words["lang"], words["dir"]) == ("ar", "rtl")


def test_the_stylesheet_uses_logical_sides():
    """Borders and offsets that mark a start side follow the direction of the page."""
    css = (Path(__file__).resolve().parents[2] / "statusgen/theme/assets/stylesheets/statusgen.css").read_text()
    assert not re.search(r"(margin|padding|border)-(left|right)\b", css)
    assert not re.search(r"text-align:\s*(left|right)", css)


# -- German, from CLDR before any catalog ----------------------------------------------------


def test_german_dates_and_percentages_take_german_forms(german):
    home = read(german, "index.html")
    assert "22. Nov. 2026, 16:00 UTC" in home
    figures = re.findall(r"<strong>([^<]*)</strong>", home)
    assert "100\u00a0%" in figures
    assert any(re.fullmatch(r"99,\d+\u00a0%", figure) for figure in figures)
    assert "99.9" not in " ".join(figures)
    assert "20. Nov. 2026, 11:10 UTC" in read(german, "incidents/2026-11-20-api-errors/index.html")


def test_german_feeds_and_calendar_declare_german(german):
    assert "<language>de</language>" in read(german, "feed.rss")
    assert 'xml:lang="de"' in read(german, "feed.atom")
    assert "SUMMARY;LANGUAGE=de:" in read(german, "maintenance.ics")
    assert json.loads(read(german, "embed/words.json"))["lang"] == "de"
    assert '<html lang="de">' in read(german, "embed/index.html")


def test_german_months_in_the_history_are_german(german):
    assert ">Oktober 2026</h2>" in read(german, "history/3/index.html")


def test_the_language_option_sets_the_pages_lang_apart_from_an_english_theme(german):
    # the fixture sets only the plugin's option: the pages say they are German, as their words are
    for path in ("index.html", "history/2/index.html", "incidents/2026-11-20-api-errors/index.html", "404.html"):
        assert re.search(r'<html lang="de"', read(german, path)), path
