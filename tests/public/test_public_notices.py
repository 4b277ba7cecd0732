"""Notices (kind: notice) on the public site: shown from their start to their end on the home
page, with a page of their own and in the history, in the feeds (read with feedparser) and in
the API as an incident of impact "none"; and never in uptime, component status, metrics or
`statusgen due`. The site is built at three times: before the notice starts, while it is
shown, and after its end."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import jsonschema
import lxml.html
import pytest
from conftest import NOW, cli_ok, run_cli, write_repo
from repos import PUBLIC_FILES

from statusgen.build import build_sites
from statusgen.sources.repository import load_repository
from statusgen.views import metrics
from statusgen.views.public import project

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "statuspage-v2.json").read_text())
NOTICE_ID = "2026-11-22-support-tool"
NOTICE = f"""\
id: {NOTICE_ID}
title: Support tool migration
kind: notice
scheduled_for: 2026-11-22T12:00:00Z
scheduled_until: 2026-11-23T12:00:00Z
updates:
  - at: 2026-11-21T09:00:00Z
    stage: posted
    message: |
      We are **migrating** our support tool; tickets sent today may be answered late.
      <script>alert('notice')</script><img src=x onerror="alert(1)">
"""
FILES = {**PUBLIC_FILES, f"incidents/2026/{NOTICE_ID}.yaml": NOTICE}
TIMES = {
    "before": datetime(2026, 11, 22, 11, 0, tzinfo=timezone.utc),
    "during": NOW,  # 2026-11-22T16:00Z
    "after": datetime(2026, 11, 23, 13, 0, tzinfo=timezone.utc),
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return write_repo(tmp_path_factory.mktemp("notices") / "repo", FILES)


@pytest.fixture(scope="module")
def sites(repo, tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("notice-sites")
    for name, now in TIMES.items():
        build_sites(repo, now, sites=("public",), out=base / name)
    return {name: base / name for name in TIMES}


def find(element, selector: str) -> list:
    """The elements under ``element`` matching ``.class`` or ``.class tag`` (or ``#id``)."""
    first, _, tag = selector.partition(" ")
    if first.startswith("#"):
        path = f".//*[@id='{first[1:]}']"
    elif not first.startswith("."):
        path = f".//{first}"
    else:
        path = f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {first[1:]} ')]"
    return element.xpath(path + (f"//{tag}" if tag else ""))


def home(site: Path):
    return lxml.html.fromstring((site / "index.html").read_bytes())


def api(site: Path, path: str) -> dict:
    return json.loads((site / "api" / "v2" / path).read_text())


def notice_entry(site: Path, path: str, key: str = "incidents") -> dict | None:
    return next((i for i in api(site, path)[key] if i["id"] == NOTICE_ID), None)


def test_the_home_page_shows_the_notice_only_while_it_is_shown(sites):
    assert not find(home(sites["before"]), ".sg-notice")
    assert not find(home(sites["after"]), ".sg-notice")
    page = home(sites["during"])
    (banner,) = find(page, ".sg-notice")
    assert find(banner, ".sg-notice__title a")[0].text_content() == "Support tool migration"
    assert find(banner, ".sg-notice__title a")[0].get("href") == f"incidents/{NOTICE_ID}/"
    # The message is Markdown, sanitized: emphasis kept, the script and the handler gone.
    body = find(banner, ".sg-notice__body")[0]
    assert find(body, "strong")[0].text_content() == "migrating"
    assert not find(body, "script") and "onerror" not in lxml.html.tostring(body).decode()
    assert "shown until" in banner.text_content() and "23 Nov 2026, 12:00 UTC" in banner.text_content()
    # Above everything else on the page, right under the overall status, and not an incident.
    html = (sites["during"] / "index.html").read_text()
    assert html.index("sg-overall") < html.index("sg-notice") < html.index('id="sg-active"')
    active = find(page, "#sg-active")[0].getparent().text_content()
    assert "Support tool migration" not in active


def test_the_notice_has_its_page_and_a_place_in_the_history_once_it_starts(sites):
    assert not (sites["before"] / "incidents" / NOTICE_ID).exists()
    assert "Support tool migration" not in (sites["before"] / "history" / "index.html").read_text()
    for name in ("during", "after"):
        page = lxml.html.fromstring((sites[name] / "incidents" / NOTICE_ID / "index.html").read_bytes())
        text = " ".join(page.text_content().split())
        assert "Notice" in text and "Affected components" not in text
        assert find(page, ".sg-timeline__body strong")[0].text_content() == "migrating"
        assert "Support tool migration" in (sites[name] / "history" / "index.html").read_text()
    ended = " ".join(
        lxml.html.fromstring((sites["after"] / "incidents" / NOTICE_ID / "index.html").read_bytes())
        .text_content()
        .split()
    )
    assert "Ended 23 Nov 2026, 12:00 UTC" in ended


def test_the_feeds_carry_the_notice_from_its_start_and_say_when_it_ended(sites):
    assert all(
        NOTICE_ID not in entry.link for entry in feedparser.parse((sites["before"] / "feed.atom").read_bytes()).entries
    )
    for kind in ("rss", "atom"):
        feed = feedparser.parse((sites["during"] / f"feed.{kind}").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        (entry,) = [e for e in feed.entries if NOTICE_ID in e.link]
        assert entry.title == "Notice: Support tool migration (Posted)"
        body = entry.content[0].value if kind == "atom" else entry.description
        assert "<strong>migrating</strong>" in body and "<script" not in body
        after = feedparser.parse((sites["after"] / f"feed.{kind}").read_bytes())
        (ended,) = [e for e in after.entries if NOTICE_ID in e.link]
        assert ended.title == "Notice: Support tool migration (Ended)"
        assert ended.link == entry.link  # the same item, moved on
    # A notice names no component, so no component's feed carries it.
    for component_feed in (sites["during"] / "components").glob("*/feed.atom"):
        assert NOTICE_ID not in component_feed.read_text()


def test_the_api_shows_the_notice_as_an_incident_of_impact_none(sites):
    validator = jsonschema.Draft202012Validator
    for when in ("before", "during", "after"):
        for path, definition in (("summary.json", "summary.json"), ("incidents.json", "incidents.json"),
                                 ("incidents/unresolved.json", "incidents-unresolved.json")):  # fmt: skip
            data = api(sites[when], path)
            errors = list(validator({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"}).iter_errors(data))
            assert not errors, (when, path, errors[0].message)
    assert notice_entry(sites["before"], "incidents.json") is None
    shown = notice_entry(sites["during"], "summary.json")
    assert shown is not None and shown["impact"] == "none" and shown["status"] == "identified"
    assert shown["components"] == [] and shown["resolved_at"] is None
    assert shown["incident_updates"][0]["body"].startswith("We are **migrating** our support tool")
    assert notice_entry(sites["during"], "incidents/unresolved.json") == shown
    assert notice_entry(sites["after"], "summary.json") is None
    assert notice_entry(sites["after"], "incidents/unresolved.json") is None
    ended = notice_entry(sites["after"], "incidents.json")
    assert ended["status"] == "resolved" and ended["resolved_at"] == "2026-11-23T12:00:00.000Z"
    assert [u["status"] for u in ended["incident_updates"]] == ["resolved", "identified"]
    # The page's status stays the incidents' and maintenance's own.
    assert api(sites["during"], "status.json")["status"]["indicator"] == "major"  # the active SEV2


def test_a_notice_touches_no_uptime_status_metric_or_due(repo, tmp_path):
    without = write_repo(tmp_path / "without", PUBLIC_FILES)
    with_notice, _ = load_repository(repo, now=NOW)
    plain, _ = load_repository(without, now=NOW)
    assert with_notice.incident(NOTICE_ID) is not None
    shown, calm = project(with_notice, NOW), project(plain, NOW)
    assert [n.id for n in shown.notices] == [NOTICE_ID]
    assert shown.uptime == calm.uptime and shown.components == calm.components and shown.overall == calm.overall
    assert shown.active_incidents == calm.active_incidents and shown.active_maintenance == calm.active_maintenance
    assert metrics.compute(with_notice, [], NOW).as_json() == metrics.compute(plain, [], NOW).as_json()
    # `due` and `list --active` look past a notice posted a day ago and still shown.
    only = write_repo(tmp_path / "only", {f"incidents/2026/{NOTICE_ID}.yaml": NOTICE})
    assert cli_ok(only, "due").output.strip() == "no updates due within 10 min"
    assert cli_ok(only, "list", "--active").output.strip() == "no active incidents"
    listed = json.loads(cli_ok(only, "list", "--json").output)
    assert [(i["kind"], i["stage"], i["active"], i["next_update_due"]) for i in listed] == [
        ("notice", "posted", False, None)
    ]
    assert run_cli(only, "validate").exit_code == 0
