"""The public site, built for real with mkdocs into tmp_path, checked output by output:
HTML content, feeds through feedparser, the API against a JSON schema, the calendar through
icalendar, badges as XML; plus the rules: no third-party URLs, no internal field anywhere,
byte-identical rebuilds, and validation before publishing."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import icalendar
import jsonschema
import pytest
from click.testing import CliRunner
from conftest import INCIDENT, NOW, ROOT, SMALL_CONFIG, write_repo
from repos import ACTIVE, CANARIES, PUBLIC_FILES, UPCOMING

from statusgen.build import build_sites
from statusgen.core.errors import ValidationError

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "statuspage-v2.json").read_text())

API_ENDPOINTS = {
    "summary.json": "summary.json",
    "status.json": "status.json",
    "components.json": "components.json",
    "incidents.json": "incidents.json",
    "incidents/unresolved.json": "incidents.json",
    "scheduled-maintenances.json": "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json": "scheduled-maintenances.json",
    "scheduled-maintenances/active.json": "scheduled-maintenances.json",
}


def build(root: Path, out: Path, now: datetime = NOW) -> Path:
    build_sites(root, now, sites=("public",), out=out)
    return out


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    """The small repository (resolved, active, upcoming, drill), built once for this module."""
    base = tmp_path_factory.mktemp("small")
    root = write_repo(base / "repo", PUBLIC_FILES)
    return build(root, base / "out")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    """The example content at the top of this repository, built once for this module."""
    return build(ROOT, tmp_path_factory.mktemp("example") / "out")


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# -- outputs ------------------------------------------------------------------------------------


def test_build_writes_every_output(small_site):
    expected = [
        "index.html",
        "history/index.html",
        "incidents/2026-11-20-api-errors/index.html",
        "incidents/2026-11-22-web-slow/index.html",
        "incidents/2026-12-01-db-upgrade/index.html",
        "404.html",
        "feed.rss",
        "feed.atom",
        "maintenance.ics",
        "badges/status.svg",
        "badges/status.json",
        "uptime/index.html",
        *(f"components/{c}/feed.{k}" for c in ("api", "web", "db") for k in ("rss", "atom")),
        *(f"badges/{c}.{k}" for c in ("api", "web", "db") for k in ("svg", "json")),
        *(f"api/v2/{p}" for p in API_ENDPOINTS),
    ]
    missing = [p for p in expected if not (small_site / p).is_file()]
    assert not missing
    # one stylesheet named by its content, none of the ones it was made from
    assert [p.name[:7] for p in (small_site / "assets/stylesheets").iterdir()] == ["status."]
    assert not (small_site / "incidents/2026-11-10-drill").exists(), "drills are not published"


def test_home_page_shows_status_components_incidents_and_maintenance(small_site):
    html = read(small_site, "index.html")
    text = text_of(html)
    # An active SEV2 (impact major) with a component in partial outage: Statuspage's "major".
    assert re.search(r'<h1 id="sg-overall"[^>]*>Partial System Outage</h1>', html)
    assert "sg-banner--major" in html
    assert "As of 22 Nov 2026, 16:00 UTC" in text
    for name in ("API", "Website", "Database"):
        assert f'<h4 class="sg-component__name">{name}</h4>' in html
    assert "Core" in text and "Other services" in text
    # the active incident with its latest update only (time with zone), and a link to the rest
    assert "Website slow" in text and "Major impact" in text
    assert "22 Nov 2026, 15:40 UTC : We found a slow database query" in text
    assert "Pages on the website load slowly" not in text
    assert '<a class="sg-card__more" href="incidents/2026-11-22-web-slow/">All 2 updates' in html
    # in this order: active incident, components, upcoming maintenance, the last days' resolved
    order = [text.index(t) for t in ("Website slow", "Components", "Upcoming maintenance", "Past incidents")]
    assert order == sorted(order)
    assert "Database upgrade" in text and "Scheduled 1 Dec 2026, 02:00 UTC to 1 Dec 2026, 03:00 UTC" in text
    past = text[text.index("Past incidents") :]
    assert "API errors" in past and "Resolved 20 Nov 2026, 11:10 UTC , lasted 1 h 10 min" in past
    # a past incident: when it ended and what it touched, then its last update (the timeline is on its page)
    assert "Resolved 20 Nov 2026, 11:10 UTC , lasted 1 h 10 min. Affected: API Fixed." in past
    assert '<p class="sg-card__latest" dir="auto">Fixed.</p>' in html
    # statuses in words, not only colour
    assert "Partial outage" in text and "Operational" in text
    # no severity ids for customers unless the team publishes them
    assert "SEV" not in text


def test_active_incidents_are_most_severe_first(tmp_path):
    minor = ACTIVE.replace("2026-11-22-web-slow", "2026-11-22-api-slow").replace("Website slow", "API slow")
    minor = minor.replace("severity: SEV2", "severity: SEV3").replace("15:10", "15:12")
    files = {**PUBLIC_FILES, "incidents/2026/2026-11-22-api-slow.yaml": minor}
    text = text_of(read(build(write_repo(tmp_path / "repo", files), tmp_path / "out"), "index.html"))
    # the minor one started later (the history's first), yet the major one leads
    assert text.index("Website slow") < text.index("API slow") < text.index("Components")


def test_severity_ids_show_only_when_the_team_publishes_them(tmp_path):
    config = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      public_severity: true\n")
    site = build(write_repo(tmp_path / "repo", PUBLIC_FILES, config=config), tmp_path / "out")
    assert "Major impact (SEV2)" in text_of(read(site, "index.html"))
    assert "Minor impact (SEV3)" in text_of(read(site, "history/index.html"))


def test_uptime_bars_are_one_silent_drawing_with_links_on_days_with_incidents(small_site):
    html = read(small_site, "index.html")
    summaries = re.findall(r'<p class="sg-sr">([^<]+)</p>\s*<div class="sg-bars">(.*?)</div>', html, flags=re.S)
    assert [summary for summary, _ in summaries] == [
        "99.983% uptime over 90 days; 1 day with incidents or maintenance:",
        "99.995% uptime over 90 days; 1 day with incidents or maintenance:",
        "100% uptime over 90 days; no incidents.",
    ]
    api = summaries[0][1]
    drawing = re.search(r"<svg [^>]*>(.*?)</svg>", api, flags=re.S).group(1)
    # one path per kind of day, whatever the number of days: 89 quiet days and one partial outage
    paths = re.findall(r'<path class="sg-day--(\w+)" d="([^"]+)"/>', drawing)
    assert [kind for kind, _ in paths] == ["quiet", "partial_outage_pale", "partial_outage"]
    assert paths[0][1].count("z") == 89 and paths[1][1] == "M871 0h8v20h-8z" and paths[2][1] == "M871 20h8v20h-8z"
    assert "".join(f'<path class="sg-day--{k}" d="{d}"/>' for k, d in paths) == drawing
    assert re.findall(r"<a [^>]*></a>", api) == [
        '<a class="sg-c88 sg-s1" href="incidents/2026-11-20-api-errors/" '
        'aria-label="20 Nov 2026: partial outage 1 h 10 min (counted as 30% down), 1 incident"></a>'
    ]
    assert "title=" not in api and "tabindex" not in api
    # api: 70 min at partial outage x 0.3 = 21 min of 89 days + 16 h = 129,120 min: 99.98373...
    assert "<strong>99.983%</strong> uptime" in html
    assert "one bar per day, UTC" in text_of(html)
    assert '<a href="uptime/">Every day in a table</a>' in html


def test_the_uptime_page_has_every_day_of_every_component(small_site):
    html = read(small_site, "uptime/index.html")
    rows = re.findall(r'<tr id="(\w+)-(\d{4}-\d\d-\d\d)"', html)
    assert len(rows) == 3 * 90 and rows[0] == ("api", "2026-11-22") and rows[89] == ("api", "2026-08-25")
    row = re.search(r'<tr id="api-2026-11-20".*?</tr>', html, flags=re.S).group(0)
    assert text_of(row) == "20 Nov 2026 Partial outage 1 h 10 min (counted as 30% down) API errors"
    assert 'href="../incidents/2026-11-20-api-errors/"' in row
    assert '<h2 id="api">API: 99.983% uptime</h2>' in html


def test_history_lists_everything_newest_first_by_month(small_site):
    text = text_of(read(small_site, "history/index.html"))
    assert text.index("December 2026") < text.index("November 2026")
    order = [text.index(t) for t in ("Database upgrade", "Website slow", "API errors")]
    assert order == sorted(order)
    assert "lasted 1 h" in text and "Minor impact" in text and "Maintenance" in text and "SEV3" not in text
    assert "CANARY-DRILL" not in text


def test_history_is_paginated(tmp_path):
    config = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      history_page_size: 2\n")
    root = write_repo(tmp_path / "repo", PUBLIC_FILES, config=config)
    site = build(root, tmp_path / "out")
    first, second = text_of(read(site, "history/index.html")), text_of(read(site, "history/2/index.html"))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Database upgrade" in first and "Website slow" in first and "API errors" not in first
    assert "API errors" in second
    assert 'rel="next"' in read(site, "history/index.html")
    assert not (site / "history/3").exists()


def test_incident_page_has_timeline_duration_and_components(small_site):
    text = text_of(read(small_site, "incidents/2026-11-20-api-errors/index.html"))
    assert "API errors" in text
    assert "Started 20 Nov 2026, 10:00 UTC" in text
    assert "Resolved 20 Nov 2026, 11:10 UTC" in text
    assert "Duration 1 h" in text
    assert "API (partial outage)" in text
    assert text.index("Fixed.") < text.index("We are looking into failed API requests.")
    active = text_of(read(small_site, "incidents/2026-11-22-web-slow/index.html"))
    assert "Resolved Not yet" in active and "50 min so far" in active


def test_every_printed_time_says_utc(small_site):
    for page in small_site.rglob("*.html"):
        html = page.read_text()
        for shown in re.findall(r"<time [^>]*>([^<]*)</time>", html):
            assert shown.endswith(" UTC"), (page, shown)


def test_headings_are_in_order_with_one_h1_and_landmarks(small_site):
    for page in small_site.rglob("*.html"):
        html = page.read_text()
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
        assert levels.count(1) == 1, page
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (page, levels)
        # /embed/ is a widget framed by other sites' pages: its one landmark is <main>.
        for landmark in ("<main",) if page.parent.name == "embed" else ("<header", "<main", "<footer", "<nav"):
            assert landmark in html, (page, landmark)
        assert '<html lang="en"' in html
        # status pages carry no material sidebar, toc or tabs
        assert "md-sidebar" not in html and "md-tabs" not in html


# -- feeds --------------------------------------------------------------------------------------


def parse_feed(site: Path, path: str):
    feed = feedparser.parse((site / path).read_bytes())
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    return feed


def test_feeds_parse_without_bozo_and_hold_every_update(small_site):
    for kind in ("rss", "atom"):
        feed = parse_feed(small_site, f"feed.{kind}")
        ids = [e.id for e in feed.entries]
        assert ids == [
            "https://status.acme.test/incidents/2026-11-22-web-slow/",
            "https://status.acme.test/incidents/2026-12-01-db-upgrade/",
            "https://status.acme.test/incidents/2026-11-20-api-errors/",
        ]
        entry = feed.entries[0]
        assert entry.link == "https://status.acme.test/incidents/2026-11-22-web-slow/"
        body = entry.get("content", [{}])[0].get("value") if kind == "atom" else entry.description
        assert body.index("We found a slow database query") < body.index("Pages on the website load slowly")
        assert "15:40 UTC" in body
        stamp = entry.updated_parsed if kind == "atom" else entry.published_parsed
        assert stamp[:5] == (2026, 11, 22, 15, 40)
        for other in feed.entries:
            assert urlsplit(other.link).netloc == "status.acme.test"


def test_every_feed_links_to_its_page_and_to_itself(small_site):
    """Readers show the channel's link as the site: the page a feed is about, in RSS as in Atom."""
    for path, page in (("", "https://status.acme.test/"), ("components/db/", "https://status.acme.test/")):
        for kind in ("rss", "atom"):
            feed = parse_feed(small_site, f"{path}feed.{kind}").feed
            assert feed.link == page, (path, kind, feed.link)
            selves = [link.href for link in feed.links if link.rel == "self"]
            assert selves == [f"https://status.acme.test/{path}feed.{kind}"], (path, kind)


def test_api_positions_number_the_component_list_without_repeats(small_site):
    """A group and its first component never share a position: the list is numbered in order."""
    for path in ("api/v2/components.json", "api/v2/summary.json"):
        items = json.loads((small_site / path).read_text())["components"]
        assert [item["position"] for item in items] == list(range(1, len(items) + 1)), path
        assert items[0]["group"] is True and items[1]["group_id"] == items[0]["id"]


def test_api_creation_dates_without_a_created_option_come_from_the_first_incident(tmp_path):
    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT})
    site = build(root, tmp_path / "out")
    components = json.loads((site / "api/v2/components.json").read_text())["components"]
    assert {c["created_at"] for c in components} == {"2026-11-20T10:00:00.000Z"}  # the incident's impact_start


def test_feed_items_update_makes_each_update_a_new_item_linking_to_it(tmp_path):
    """For chat apps that post only new items: each update its own item, guid and anchor."""
    config = SMALL_CONFIG.replace("      company: Acme\n", "      company: Acme\n      feed_items: update\n")
    root = write_repo(tmp_path / "repo", PUBLIC_FILES, config=config)
    site = build(root, tmp_path / "out")
    page = (site / "incidents/2026-11-22-web-slow/index.html").read_text()
    for kind in ("rss", "atom"):
        entries = parse_feed(site, f"feed.{kind}").entries
        guids = [e.id for e in entries]
        assert len(guids) == len(set(guids)) == 5  # every update of the published incidents, once
        first = entries[0]
        assert first.link == "https://status.acme.test/incidents/2026-11-22-web-slow/#update-2026-11-22-web-slow-2"
        assert first.title == "Incident: Website slow (Identified)"
        assert "We found a slow database query" in (first.get("content", [{}])[0].get("value") or first.description)
        assert "Pages on the website load slowly" not in (
            first.get("content", [{}])[0].get("value") or first.description
        )
        assert 'id="update-2026-11-22-web-slow-2"' in page
    incident_feed = parse_feed(build(write_repo(tmp_path / "plain", PUBLIC_FILES), tmp_path / "o2"), "feed.rss")
    assert len(incident_feed.entries) == 3  # the default: one item per incident


def test_component_feeds_hold_only_that_component(small_site):
    web = parse_feed(small_site, "components/web/feed.atom")
    assert [e.title for e in web.entries] == ["Incident: Website slow (Identified)"]
    db = parse_feed(small_site, "components/db/feed.rss")
    assert [e.title for e in db.entries] == ["Maintenance: Database upgrade (Scheduled)"]


def test_feed_item_keeps_its_guid_and_moves_its_date_on_update(tmp_path):
    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-22-web-slow.yaml": ACTIVE})
    before = parse_feed(build(root, tmp_path / "one"), "feed.rss").entries[0]
    path = root / "incidents/2026/2026-11-22-web-slow.yaml"
    path.write_text(
        path.read_text()
        + "  - at: 2026-11-22T15:55:00Z\n    stage: monitoring\n    message: A fix is out; we are watching.\n"
    )
    after = parse_feed(build(root, tmp_path / "two"), "feed.rss").entries[0]
    assert after.id == before.id
    assert before.published_parsed[:5] == (2026, 11, 22, 15, 40)
    assert after.published_parsed[:5] == (2026, 11, 22, 15, 55)
    assert "A fix is out" in after.description


# -- API ----------------------------------------------------------------------------------------


def test_api_matches_the_statuspage_schema(small_site):
    for path, definition in API_ENDPOINTS.items():
        data = json.loads(read(small_site, f"api/v2/{path}"))
        validator = jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{definition}"})
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, (path, [e.message for e in errors[:3]])


def test_api_content(small_site):
    summary = json.loads(read(small_site, "api/v2/summary.json"))
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert summary["page"] == {
        "id": "status-acme-test",
        "name": "Acme Status",
        "url": "https://status.acme.test",
        "time_zone": "Etc/UTC",
        "updated_at": "2026-11-22T15:40:00.000Z",
    }
    statuses = {c["id"]: c["status"] for c in summary["components"]}
    assert statuses == {"core": "partial_outage", "api": "operational", "web": "partial_outage", "db": "operational"}
    group = summary["components"][0]
    assert group["group"] is True and group["components"] == ["api", "web"]
    assert [i["id"] for i in summary["incidents"]] == ["2026-11-22-web-slow"]
    active = summary["incidents"][0]
    assert active["resolved_at"] is None and active["monitoring_at"] is None and active["impact"] == "major"
    assert [u["status"] for u in active["incident_updates"]] == ["identified", "investigating"]
    assert active["incident_updates"][0]["affected_components"] == [
        {"code": "web", "name": "Website", "old_status": "degraded_performance", "new_status": "partial_outage"}
    ]
    assert active["shortlink"] == "https://status.acme.test/incidents/2026-11-22-web-slow/"
    assert [m["id"] for m in summary["scheduled_maintenances"]] == ["2026-12-01-db-upgrade"]
    resolved = json.loads(read(small_site, "api/v2/incidents.json"))["incidents"][-1]
    assert resolved["status"] == "resolved" and resolved["resolved_at"] == "2026-11-20T11:10:00.000Z"
    upcoming = json.loads(read(small_site, "api/v2/scheduled-maintenances/upcoming.json"))
    assert upcoming["scheduled_maintenances"][0]["scheduled_for"] == "2026-12-01T02:00:00.000Z"
    assert json.loads(read(small_site, "api/v2/scheduled-maintenances/active.json"))["scheduled_maintenances"] == []


# -- calendar and badges ------------------------------------------------------------------------


def test_maintenance_calendar_parses_and_follows_rfc5545(small_site):
    data = (small_site / "maintenance.ics").read_bytes()
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"\r\n " in data, "the long description is folded"
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == "2026-12-01-db-upgrade@status.acme.test"
    assert event["DTSTART"].dt == datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
    assert event["DTEND"].dt == datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
    assert int(event["SEQUENCE"]) == 0
    # commas and semicolons are escaped in the file and come back unchanged
    assert "writes pause for a few minutes, and this line" in str(event["DESCRIPTION"])
    assert "café" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == "https://status.acme.test/incidents/2026-12-01-db-upgrade/"


def test_calendar_sequence_grows_with_updates(tmp_path):
    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-12-01-db-upgrade.yaml": UPCOMING})
    path = root / "incidents/2026/2026-12-01-db-upgrade.yaml"
    path.write_text(path.read_text() + "  - at: 2026-11-22T10:00:00Z\n    stage: scheduled\n    message: Moved.\n")
    event = icalendar.Calendar.from_ical((build(root, tmp_path / "out") / "maintenance.ics").read_bytes())
    (event,) = event.walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1
    assert event["DTSTAMP"].dt == datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def test_badges_are_well_formed_svg_with_shields_endpoints(small_site):
    for name, message, color in (
        ("status", "partial system outage", "orange"),
        ("web", "partial outage", "orange"),
        ("api", "operational", "brightgreen"),
    ):
        svg = ET.parse(small_site / f"badges/{name}.svg").getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        assert svg.get("role") == "img" and message in svg.get("aria-label")
        endpoint = json.loads(read(small_site, f"badges/{name}.json"))
        assert endpoint["schemaVersion"] == 1 and endpoint["message"] == message and endpoint["color"] == color
        assert set(endpoint) == {"schemaVersion", "label", "message", "color"}


# -- rules --------------------------------------------------------------------------------------


class _Urls(HTMLParser):
    """Absolute URLs in attributes, with the tag they sit on."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "xmlns" or not value:
                continue
            for url in (
                re.findall(r"(?:https?:)?//[^\s\"',)]+", value)
                if name in ("src", "href", "srcset", "content", "action", "poster", "data", "style")
                else []
            ):
                self.found.append((tag, name, url))


def third_party_urls(site: Path, own_hosts: set[str], link_hosts: set[str]) -> list[str]:
    """Every absolute URL to another host in built HTML, CSS and JS.

    HTML: any attribute URL; plain links (<a href>) only to the site's own hosts or the
    configured support link. CSS: url(...). JS: any http(s) URL that is not an XML namespace.
    """
    bad = []
    for page in site.rglob("*.html"):
        parser = _Urls()
        parser.feed(page.read_text())
        for tag, attr, url in parser.found:
            host = urlsplit(url if "://" in url else "https:" + url).hostname
            allowed = own_hosts | (link_hosts if (tag, attr) == ("a", "href") else set())
            if host not in allowed:
                bad.append(f"{page.relative_to(site)}: <{tag} {attr}> {url}")
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", page.read_text(), flags=re.S):
            bad.extend(f"{page.relative_to(site)}: inline script {u}" for u in _js_urls(script, own_hosts))
    for sheet in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", sheet.read_text()):
            if urlsplit(url if "://" in url else "https:" + url).hostname not in own_hosts:
                bad.append(f"{sheet.relative_to(site)}: {url}")
        if "@import" in sheet.read_text():
            bad.append(f"{sheet.relative_to(site)}: @import")
    for script in site.rglob("*.js"):
        bad.extend(f"{script.relative_to(site)}: {u}" for u in _js_urls(script.read_text(), own_hosts))
    return bad


def _js_urls(text: str, own_hosts: set[str]) -> list[str]:
    urls = re.findall(r"https?://[^\s\"'`)]+", text)
    return [u for u in urls if urlsplit(u).hostname not in own_hosts and "www.w3.org/" not in u]


def test_nothing_from_third_party_hosts(example_site):
    bad = third_party_urls(example_site, {"status.ledgerline.example"}, {"ledgerline.example"})
    assert not bad, "\n".join(bad[:20])
    # and the known offenders of theme templates in particular
    for page in example_site.rglob("*.html"):
        html = page.read_text()
        for host in ("unpkg", "googleapis", "gstatic", "gravatar", "jsdelivr", "cdnjs", "squidfunk"):
            assert host not in html, (page, host)


def test_internal_fields_never_reach_the_public_site(small_site):
    """Canaries from every internal field: notes, commander, roles, runbooks, drills, postmortems."""
    leaks = []
    for path in small_site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace").lower()
        leaks.extend(f"{path.relative_to(small_site)}: {c}" for c in CANARIES if c.lower() in text)
    assert not leaks, leaks


def test_projection_has_no_internal_fields():
    from dataclasses import fields

    from statusgen.views import public as projection

    internal = {"internal_note", "commander", "roles", "runbooks", "template", "drill", "postmortem_path", "path"}
    for cls in (projection.PublicIncident, projection.PublicUpdate, projection.PublicStatus):
        assert not internal & {f.name for f in fields(cls)}, cls


def test_two_builds_are_byte_identical(tmp_path):
    root = write_repo(tmp_path / "repo", PUBLIC_FILES)
    one, two = build(root, tmp_path / "one"), build(root, tmp_path / "two")
    files_one = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    files_two = sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert files_one == files_two
    differ = [str(p) for p in files_one if (one / p).read_bytes() != (two / p).read_bytes()]
    assert not differ


def test_build_refuses_errors_and_leaves_the_old_site(tmp_path):
    root = write_repo(tmp_path / "repo", PUBLIC_FILES)
    site = build(root, tmp_path / "site")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    bad = INCIDENT.replace("id: 2026-11-20-api-errors", "id: 2026-11-21-broken").replace(
        "api: partial_outage", "nope: partial_outage", 1
    )
    (root / "incidents/2026/2026-11-21-broken.yaml").write_text(bad.replace("stage: resolved", "stage: exploded"))
    with pytest.raises(ValidationError) as raised:
        build(root, site)
    message = str(raised.value.format_message())
    assert "incidents/2026/2026-11-21-broken.yaml:" in message and "exploded" in message and "nope" in message
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["repo", "site"], "no temp dirs left behind"


def test_cli_build_publishes_and_refuses_errors(tmp_path):
    from statusgen.cli import main

    root = write_repo(tmp_path / "repo", PUBLIC_FILES)
    runner = CliRunner()
    result = runner.invoke(main, ["-C", str(root), "build", "--now", "2026-11-22T16:00:00Z", "--site", "public"])
    assert result.exit_code == 0, result.output
    assert (root / "site/public/index.html").is_file()
    assert "Built the public site in" in result.output
    (root / "incidents/2026/2026-11-21-broken.yaml").write_text("id: 2026-11-21-broken\ntitle: x\nkind: nonsense\n")
    before = (root / "site/public/index.html").read_bytes()
    result = runner.invoke(main, ["-C", str(root), "build", "--now", "2026-11-22T16:00:00Z", "--site", "public"])
    assert result.exit_code == 1
    assert "incidents/2026/2026-11-21-broken.yaml:" in result.output
    assert (root / "site/public/index.html").read_bytes() == before


def test_site_commands_import_no_mkdocs():
    import subprocess
    import sys

    code = "import sys, statusgen.cli.site; assert not {'mkdocs', 'feedgen'} & set(sys.modules), sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_plugin_declares_exactly_the_options_the_config_reads():
    """One table declares the options: mkdocs accepts each of them and no other, and each is a
    typed Config field (its default is the field's), explained in one line."""
    from dataclasses import fields

    from statusgen.core.model import Config
    from statusgen.plugin import PluginConfig
    from statusgen.sources.config import OPTION_NAMES, OPTIONS

    assert {name for name, _ in PluginConfig._schema} == set(OPTION_NAMES)
    assert set(OPTION_NAMES) <= {f.name for f in fields(Config)}
    assert all(option.doc for option in OPTIONS)


def test_plain_mkdocs_build_uses_the_plugin(tmp_path, monkeypatch):
    """`mkdocs build` alone (no statusgen CLI) renders the public site too."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT})
    (root / "docs").mkdir()
    monkeypatch.setenv("STATUSGEN_NOW", "2026-11-22T16:00:00Z")
    mkdocs_build(load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp_path / "out")))
    assert "All Systems Operational" in read(tmp_path / "out", "index.html")
    assert (tmp_path / "out/api/v2/summary.json").is_file()


# -- the example content ------------------------------------------------------------------------


def test_example_site_builds_every_page(example_site):
    text = text_of(read(example_site, "index.html"))
    assert "Partial System Outage" in text
    assert "Single sign-on failing for some customers" in text
    assert "Search infrastructure upgrade" in text
    incidents = sorted(p.parent.name for p in (example_site / "incidents").glob("*/index.html"))
    assert len(incidents) == 14 and "2026-09-10-api-errors" not in incidents  # the drill
    for kind in ("rss", "atom"):
        parse_feed(example_site, f"feed.{kind}")


def test_serve_rebuilds_when_an_incident_changes(tmp_path):
    """`statusgen serve` previews the site and rebuilds it when an incident file changes."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-22-web-slow.yaml": ACTIVE})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "statusgen", "-C", str(root), "serve", "--now", "2026-11-22T16:00:00Z"]
    server = subprocess.Popen(
        [*command, "-a", f"127.0.0.1:{port}"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )

    def home_until(condition, timeout=30.0, path="") -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=2) as response:
                    html = response.read().decode()
                if condition(html):
                    return html
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError("the served page never showed the expected content")

    try:
        assert "Website slow" in home_until(lambda html: "Website slow" in html)
        path = root / "incidents/2026/2026-11-22-web-slow.yaml"
        path.write_text(path.read_text().replace("title: Website slow", "title: Website very slow"))
        home_until(lambda html: "Website very slow" in html)
        # The incident's own page (rendered by statusgen, kept between rebuilds when unchanged).
        page = "incidents/2026-11-22-web-slow/"
        assert '<h1 dir="auto">Website very slow</h1>' in home_until(lambda html: "very slow" in html, path=page)
        path.write_text(path.read_text().replace("title: Website very slow", "title: Website slow again"))
        home_until(lambda html: '<h1 dir="auto">Website slow again</h1>' in html, path=page)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_repository_with_no_incidents_builds_a_calm_site(tmp_path):
    site = build(write_repo(tmp_path / "repo", {}), tmp_path / "out")
    text = text_of(read(site, "index.html"))
    assert "All Systems Operational" in text and "Active incidents" not in text
    assert "No incidents so far." in text_of(read(site, "history/index.html"))
    for path in ("feed.rss", "feed.atom", "components/db/feed.atom", "components/db/feed.rss"):
        assert parse_feed(site, path).entries == []
    assert list(icalendar.Calendar.from_ical((site / "maintenance.ics").read_bytes()).walk("VEVENT")) == []
    status = json.loads(read(site, "api/v2/status.json"))
    assert status["status"] == {"indicator": "none", "description": "All Systems Operational"}
    assert json.loads(read(site, "badges/status.json"))["color"] == "brightgreen"


def test_every_example_feed_parses(example_site):
    feeds = sorted(example_site.rglob("feed.*"))
    assert len(feeds) == 2 + 2 * 8
    for feed in feeds:
        parse_feed(example_site, str(feed.relative_to(example_site)))


def test_docs_dir_pages_stay_out_of_the_public_site(tmp_path):
    """docs/ may hold internal pages: only docs/assets/ is published, and our pages win."""
    root = write_repo(
        tmp_path / "repo",
        {
            "docs/index.md": "# Internal home CANARY-DOCS-1b2c\n",
            "docs/oncall.md": "# On-call CANARY-DOCS-9d8e\n",
            "docs/notes.txt": "CANARY-DOCS-txt\n",
            "docs/assets/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
        },
    )
    site = build(root, tmp_path / "out")
    assert (site / "assets/logo.svg").is_file()
    assert not (site / "oncall").exists() and not (site / "notes.txt").exists()
    assert "All Systems Operational" in read(site, "index.html")
    for path in site.rglob("*"):
        if path.is_file() and path.suffix != ".gz":
            assert b"CANARY-DOCS" not in path.read_bytes(), path


def test_every_public_page_has_a_description_even_without_site_description(small_repo, tmp_path):
    assert "site_description" not in (small_repo / "mkdocs.yml").read_text()
    out = tmp_path / "out"
    build_sites(small_repo, NOW, out=out)
    wanted = '<meta name="description" content="Live status, incidents and scheduled maintenance for Acme.">'
    pages = sorted((out / "public").rglob("*.html"))
    assert len(pages) > 3
    assert [p for p in pages if wanted not in p.read_text() and "embed" not in p.parts] == []
    assert wanted not in (out / "internal" / "index.html").read_text()  # the internal site is not indexed


def test_the_favicon_is_named_by_its_content_and_every_page_links_that_name(small_site):
    (icon,) = (small_site / "assets/images").iterdir()
    digest = hashlib.sha256(icon.read_bytes()).hexdigest()[:10]
    assert icon.name == f"favicon.{digest}.png"
    assert f'<link rel="icon" href="assets/images/{icon.name}">' in read(small_site, "index.html")
    assert f'<link rel="icon" href="../assets/images/{icon.name}">' in read(small_site, "uptime/index.html")
