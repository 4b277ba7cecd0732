"""A team in Berlin: every time on both sites, in feeds and in messages is Berlin time with
its zone named (CET in winter, CEST in summer); uptime days are cut at Berlin's midnight; the
API names the zone. In Chromium, the page shows the reader's own zone, a button switches to the
page's zone and back (remembered), and without JavaScript the page's zone shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from conftest import NOW, SMALL_CONFIG, cli_ok, run_cli, serving, write_repo

from statusgen.build import build_sites

BERLIN = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      timezone: Europe/Berlin\n")
# Impact from 23:30 UTC on the 20th to 00:30 UTC on the 21st: 00:30 to 01:30 on the 21st in Berlin.
ACROSS_MIDNIGHT = """\
id: 2026-11-20-late-errors
title: Late errors
kind: incident
severity: SEV3
impact_start: 2026-11-20T23:30:00Z
components:
  api: partial_outage
updates:
  - at: 2026-11-20T23:30:00Z
    stage: investigating
    message: Some requests fail.
  - at: 2026-11-21T00:30:00Z
    stage: resolved
    message: Fixed.
"""
SUMMER = """\
id: 2026-07-01-summer-slowness
title: Summer slowness
kind: incident
severity: SEV4
impact_start: 2026-07-01T12:00:00Z
components:
  web: degraded_performance
updates:
  - at: 2026-07-01T12:00:00Z
    stage: investigating
    message: Pages load slowly.
  - at: 2026-07-01T12:40:00Z
    stage: resolved
    message: Back to normal.
"""
TIME = re.compile(r"<time [^>]*>([^<]*)</time>")


def build(root: Path, name: str) -> Path:
    out = root.parent / f"{name}-site"
    build_sites(root, NOW, out=out)
    return out


@pytest.fixture(scope="module")
def berlin(tmp_path_factory) -> Path:
    root = write_repo(
        tmp_path_factory.mktemp("berlin") / "repo",
        {
            "incidents/2026/2026-11-20-late-errors.yaml": ACROSS_MIDNIGHT,
            "incidents/2026/2026-07-01-summer-slowness.yaml": SUMMER,
        },
        BERLIN,
    )
    cli_ok(root, "new", "-t", "Checkout errors", "-s", "SEV2", "-c", "api=major_outage", "--at", "2026-11-22T15:00:00Z")
    return root


@pytest.fixture(scope="module")
def berlin_site(berlin) -> Path:
    return build(berlin, "berlin")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_every_time_on_both_sites_is_berlin_time_and_says_so(berlin_site):
    pages = sorted(berlin_site.rglob("*.html"))
    assert len(pages) > 10
    times = [t.strip() for page in pages for t in TIME.findall(page.read_text())]
    assert times and all(t.endswith((" CET", " CEST")) for t in times), sorted(set(times))[:10]
    home = (berlin_site / "public" / "index.html").read_text()
    assert "Times are shown in Europe/Berlin time (CET/CEST)." in home
    assert 'data-sg-zone="Europe/Berlin"' in home
    summer = (berlin_site / "public" / "incidents" / "2026-07-01-summer-slowness" / "index.html").read_text()
    assert "1 Jul 2026, 14:00 CEST" in summer  # 12:00 UTC
    for page in pages:
        assert " UTC" not in visible_text(page.read_text()), page  # no time left in UTC, no line saying so


def test_feeds_messages_and_the_api_use_the_page_zone(berlin, berlin_site):
    feed = feedparser.parse((berlin_site / "public" / "feed.atom").read_bytes())
    assert "22 Nov 2026, 16:00 CET" in feed.entries[0].content[0].value
    incident = next((berlin / "incidents").rglob("*checkout-errors.yaml")).read_text()
    assert "CET" in incident and "UTC" not in incident.split("updates:")[1].split("at:")[1]
    api = json.loads((berlin_site / "public" / "api" / "v2" / "summary.json").read_text())
    assert api["page"]["time_zone"] == "Europe/Berlin"


def test_uptime_days_are_cut_at_midnight_in_berlin(berlin, berlin_site, tmp_path):
    def uptime_page(site: Path) -> str:
        html = (site / "public" / "uptime" / "index.html").read_text()
        return html

    berlin_uptime = uptime_page(berlin_site)
    # the incident falls on the 21st alone in Berlin; in UTC it touches the 20th and the 21st
    utc_root = write_repo(tmp_path / "utc", {"incidents/2026/2026-11-20-late-errors.yaml": ACROSS_MIDNIGHT})
    utc_uptime = uptime_page(build(utc_root, "utc"))

    def days_with(html: str) -> list[str]:
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)
        return sorted({re.search(r"\d{4}-\d{2}-\d{2}|\d+ \w{3} \d{4}", r).group(0) for r in rows if "Late errors" in r})

    assert len(days_with(berlin_uptime)) == 1
    assert len(days_with(utc_uptime)) == 2


def test_a_zone_that_does_not_exist_is_refused_with_its_line(tmp_path):
    root = write_repo(tmp_path / "repo", {}, BERLIN.replace("Europe/Berlin", "Europe/Atlantis"))
    result = run_cli(root, "validate")
    assert result.exit_code == 1
    assert "mkdocs.yml:9: timezone 'Europe/Atlantis' is not a time zone; expected an IANA name" in result.output


# -- in the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(berlin_site):
    with serving(berlin_site / "public") as url:
        yield url


@pytest.mark.browser
def test_a_reader_in_new_york_sees_their_time_and_can_switch(served, browser):
    url = served + "incidents/2026-11-20-late-errors/"
    context = browser.new_context(timezone_id="America/New_York")
    page = context.new_page()
    page.goto(url)
    first = page.locator("time[data-sg-local]").first
    assert first.text_content() == "20 Nov 2026, 18:30 GMT-5"  # 23:30 UTC
    switch = page.get_by_role("button", name="Show the page's time zone (Europe/Berlin)")
    assert switch.is_visible() and switch.get_attribute("aria-pressed") == "true"
    assert "your time zone, America/New_York" in page.locator(".sg-zone").text_content()
    switch.click()
    assert first.text_content() == "21 Nov 2026, 00:30 CET"
    page.reload()  # the choice is remembered
    assert page.locator("time[data-sg-local]").first.text_content() == "21 Nov 2026, 00:30 CET"
    page.get_by_role("button", name="Show my time zone (America/New_York)").click()
    assert page.locator("time[data-sg-local]").first.text_content() == "20 Nov 2026, 18:30 GMT-5"
    context.close()

    still = browser.new_context(timezone_id="America/New_York", java_script_enabled=False)
    page = still.new_page()
    page.goto(url)
    assert page.locator("time[data-sg-local]").first.text_content() == "21 Nov 2026, 00:30 CET"
    assert page.get_by_role("button").count() == 0 or not page.locator(".sg-zone-switch").count()
    still.close()
