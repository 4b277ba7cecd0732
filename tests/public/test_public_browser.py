"""The built public site in headless Chromium: what a person sees, that no request leaves
127.0.0.1, page weight, dark mode and reading without JavaScript (axe-core: test_public_access.py).

Screenshots go to tmp_path; set STATUSGEN_SCREENSHOTS=DIR to keep copies. axe-core is looked
up at $AXE_CORE_JS, then in the axe-playwright-python package (a test dependency).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import NOW, ROOT, require_chromium, serving

from statusgen.build import build_sites

pytestmark = pytest.mark.browser

INCIDENT = "incidents/2026-11-22-sso-login-failures/"


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    """The example site, built."""
    require_chromium()
    site = tmp_path_factory.mktemp("browser") / "site"
    build_sites(ROOT, NOW, sites=("public",), out=site)
    return site


@pytest.fixture(scope="module")
def served(site_dir):
    """The example site, served on 127.0.0.1 from a thread."""
    with serving(site_dir) as url:
        yield url


class Visit:
    """A page that records every request it makes and blocks any that leaves 127.0.0.1."""

    def __init__(self, browser, **context_options):
        context_options.setdefault("viewport", {"width": 1280, "height": 900})
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.bytes: dict[str, bytes] = {}
        self.context.route("**/*", self._route)
        self.page.on("response", self._response)

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        host = urlsplit(url).hostname
        if url.startswith("data:") or host == "127.0.0.1":
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def _response(self, response):
        try:
            self.bytes[response.url] = response.body()
        except Exception:  # a redirect has no body
            self.bytes[response.url] = b""

    def close(self):
        self.context.close()


def keep(shot: Path):
    target = os.environ.get("STATUSGEN_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(target) / shot.name)


def test_home_page_as_a_customer_sees_it(served, browser, tmp_path):
    visit = Visit(browser)
    page = visit.page
    page.goto(served, wait_until="networkidle")
    banner = page.locator(".sg-banner h1")
    assert banner.inner_text() == "Partial System Outage"
    assert page.get_by_role("heading", name="Active incidents").is_visible()
    assert page.get_by_role("link", name="Single sign-on failing for some customers", exact=True).is_visible()
    # the home page shows each incident's latest update; the whole timeline is on its page
    assert page.get_by_text("The fix is taking longer than we hoped", exact=False).first.is_visible()
    assert page.get_by_text("We have found the cause: a change we made today", exact=False).count() == 0
    assert page.get_by_role("heading", name="Upcoming maintenance").is_visible()
    for name in ("Public API", "Login & SSO", "Checkout", "Search"):
        assert page.locator(".sg-component__name", has_text=name).first.is_visible()
    # each component's 90 days are one drawing; a run of days with incidents is a link named by what happened
    assert page.locator(".sg-bars").count() == 8
    drawing = page.locator(".sg-bars__days").first
    assert drawing.get_attribute("viewBox") == "0 0 900 40" and drawing.get_attribute("aria-hidden") == "true"
    box = drawing.bounding_box()
    assert box["width"] > 800 and 30 <= box["height"] <= 34, box
    assert page.get_by_role("link", name="22 Nov 2026: partial outage", exact=False).count() == 1
    # status pages show no documentation chrome
    assert page.locator(".md-sidebar, .md-tabs, .md-nav").count() == 0
    shot = tmp_path / "status-home.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)
    assert not visit.foreign, visit.foreign

    weight = sum(len(gzip.compress(body, 9)) for body in visit.bytes.values())
    report = {"requests": len(visit.requests), "gzip_bytes": weight, "urls": sorted(visit.bytes)}
    (tmp_path / "page-weight.json").write_text(json.dumps(report, indent=2))
    print(f"\npage weight of /: {len(visit.requests)} requests, {weight} bytes gzipped")
    assert len(visit.requests) <= 6
    assert weight < 60_000
    visit.close()


def test_incident_page_shows_the_whole_timeline(served, browser, tmp_path):
    visit = Visit(browser, color_scheme="dark")
    page = visit.page
    page.goto(served + INCIDENT, wait_until="networkidle")
    assert page.locator("h1").inner_text() == "Single sign-on failing for some customers"
    stages = page.locator(".sg-timeline .sg-stage").all_inner_texts()
    assert stages == ["Identified", "Identified", "Investigating"]
    times = page.locator(".sg-timeline time").all_inner_texts()
    assert times == ["22 Nov 2026, 14:45 UTC", "22 Nov 2026, 13:52 UTC", "22 Nov 2026, 13:06 UTC"]
    assert page.locator(".sg-facts").get_by_text("Login & SSO (partial outage)").is_visible()
    # dark palette follows the system preference
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    shot = tmp_path / "status-incident-dark.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)
    assert not visit.foreign, visit.foreign
    visit.close()


def test_palette_toggle_switches_to_dark_and_back(served, browser):
    visit = Visit(browser, color_scheme="light")
    page = visit.page
    page.goto(served, wait_until="networkidle")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.get_by_title("Switch to dark mode").click()
    assert body.get_attribute("data-md-color-scheme") == "slate"
    page.reload(wait_until="networkidle")
    assert body.get_attribute("data-md-color-scheme") == "slate", "the choice is remembered"
    page.get_by_title("Switch to light mode").click()
    assert body.get_attribute("data-md-color-scheme") == "default"
    visit.close()


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def header_height(page) -> float:
    return page.locator("header.sg-header").bounding_box()["height"]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_readable_without_javascript(served, browser, viewport, tmp_path):
    visit = Visit(browser, java_script_enabled=False)
    page = visit.page
    page.set_viewport_size(viewport)
    page.goto(served, wait_until="networkidle")
    assert page.locator(".sg-banner h1").inner_text() == "Partial System Outage"
    assert page.get_by_text("22 Nov 2026, 14:45 UTC").first.is_visible()
    # the header keeps its height and its links (it collapsed to a sliver without scripts)
    assert header_height(page) >= 44
    for name in ("Status", "History", "Subscribe"):
        link = page.locator("header").get_by_role("link", name=name, exact=True)
        assert link.is_visible() and link.bounding_box()["height"] > 10
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot = tmp_path / f"public-home-nojs-{viewport['width']}.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)
    page.goto(served + "history/", wait_until="networkidle")
    assert page.get_by_role("heading", name="November 2026").is_visible()
    assert header_height(page) >= 44
    visit.close()


def test_phone_shows_30_wider_day_bars_and_the_days_with_incidents_as_links(served, browser, tmp_path):
    visit = Visit(browser, **PHONE)
    page = visit.page
    page.goto(served, wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing runs off the screen"
    assert header_height(page) >= 44
    webhooks = page.locator(".sg-component").filter(has_text="Webhooks")
    row = webhooks.locator(".sg-bars").bounding_box()
    drawing = webhooks.locator(".sg-bars__days").bounding_box()
    # the drawing is three rows wide and ends where the row does: its last 30 days show
    assert (
        abs(drawing["width"] - 3 * row["width"]) < 1
        and abs(drawing["x"] + drawing["width"] - row["x"] - row["width"]) < 1
    )
    assert webhooks.evaluate("el => el.querySelector('.sg-bars').getBoundingClientRect().width") <= 360
    # a screen reader hears the summary, then only the days with incidents, as links
    tree = webhooks.aria_snapshot()
    assert "100% uptime over 90 days; 3 days with incidents or maintenance:" in tree, tree
    links = webhooks.locator(".sg-bars > a")
    names = [line for line in webhooks.locator(".sg-bars").aria_snapshot().splitlines() if "link" in line]
    # two days in a row make one link over both, so links are never side by side
    assert len(names) == 2 and "29 Sep 2026: degraded performance" in names[0] and "; 30 Sep 2026: " in names[0]
    older, today = (links.nth(n).bounding_box() for n in range(2))
    assert today["width"] >= 10 and today["height"] >= 24, today  # a day is over 10 px wide on a phone
    # the older days take no room on a phone's bar (the uptime page has every day), but their
    # link is still there for the keyboard: its outline and its words show while it has the focus
    assert older["width"] == 0 and older["x"] == row["x"], older
    links.first.focus()
    outline = links.first.evaluate("a => getComputedStyle(a).outlineWidth")
    older_tip = links.first.evaluate("a => getComputedStyle(a, '::after').content")
    assert outline == "2px" and older_tip.startswith('"29 Sep 2026: degraded performance'), (outline, older_tip)
    assert webhooks.get_by_text("30 days ago").is_visible()
    assert not webhooks.get_by_text("90 days ago").is_visible()
    # the keyboard on today's link shows what happened, minutes per status, above the bar
    today = links.last
    today.focus()
    tip = today.evaluate("a => { const s = getComputedStyle(a, '::after'); return [s.content, s.position, s.width]; }")
    assert tip[0] == '"22 Nov 2026: degraded performance 1 h 25 min (counted as up), 1 incident"', tip
    assert tip[1] == "absolute" and float(tip[2].removesuffix("px")) > 200, tip
    # 100% beside amber bars says why
    assert webhooks.locator(".sg-availability").inner_text() == "100% uptime (90 days)"
    assert webhooks.locator(".sg-uptime-reason").inner_text().startswith("Degraded performance (")
    shot = tmp_path / "public-home-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)
    webhooks.screenshot(path=str(tmp_path / "public-phone-webhooks-focused.png"))
    keep(tmp_path / "public-phone-webhooks-focused.png")
    page.goto(served + INCIDENT, wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot = tmp_path / "public-incident-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)
    assert not visit.foreign, visit.foreign
    visit.close()


# Planted after the build, inside the page's content: what the sanitizer would let through if
# it were broken. The page's policy must stop both.
PLANTED = (
    '<script>document.documentElement.dataset.planted = "script";</script>'
    '<img src="assets/images/favicon.png" alt="" onload="document.documentElement.dataset.planted = \'handler\'">'
)


def csp_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m]


def test_the_policy_blocks_a_planted_script_and_handler_and_the_page_still_works(site_dir, served, browser, tmp_path):
    home = (site_dir / "index.html").read_text()
    assert home.count('<div class="md-content__inner md-typeset sg-page">') == 1
    (icon,) = (site_dir / "assets/images").glob("favicon.*.png")  # named by its content
    planted = home.replace('<div class="md-content__inner md-typeset sg-page">',
                           '<div class="md-content__inner md-typeset sg-page">'
                           + PLANTED.replace("favicon.png", icon.name))  # fmt: skip
    (site_dir / "planted.html").write_text(planted)
    visit = Visit(browser, color_scheme="light")
    page = visit.page
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(served + "planted.html", wait_until="networkidle")
    assert page.locator("img[onload]").evaluate("img => img.complete && img.naturalWidth > 0")  # it loaded...
    assert page.evaluate("document.documentElement.dataset.planted") is None  # ...and neither ran
    blocked = csp_violations(messages)
    assert len(blocked) == 2 and all("script-src" in m for m in blocked), messages

    messages.clear()
    page.goto(served, wait_until="networkidle")
    assert csp_violations(messages) == []  # the theme's own scripts and styles are all allowed
    # the stylesheets apply (statusgen.css: the bars' grid; material's: its header colour)
    assert page.evaluate("getComputedStyle(document.querySelector('.sg-bars')).display") == "grid"
    assert page.evaluate("getComputedStyle(document.querySelector('.sg-brand__suffix')).opacity") == "0.85"
    assert page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") != "rgba(0, 0, 0, 0)"
    # the theme's scripts run: times in the reader's zone (kept in the page's), and the light/dark toggle
    assert page.locator("time[data-sg-local]").first.get_attribute("data-sg-page-text").endswith(" UTC")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.get_by_title("Switch to dark mode").click()
    assert body.get_attribute("data-md-color-scheme") == "slate"
    page.get_by_title("Switch to light mode").click()
    shot = tmp_path / "public-home-csp.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)
    assert csp_violations(messages) == []
    assert not visit.foreign, visit.foreign
    visit.close()


def with_whole_stylesheets(site_dir: Path, target: Path) -> Path:
    """A copy of the site whose pages load material's whole main.css and palette.css,
    statusgen.css and the uptime bars' columns, as they would without the one reduced file."""
    import re

    import material

    from statusgen.public.bar_columns import bar_columns_css

    shutil.copytree(site_dir, target)
    styles = target / "assets" / "stylesheets"
    sources = [
        *sorted((Path(material.__file__).parent / "templates/assets/stylesheets").glob("*.min.css")),
        ROOT / "statusgen/theme/assets/stylesheets/statusgen.css",
    ]
    for source in sources:
        shutil.copy(source, styles / source.name)
    (styles / "bar-columns.css").write_text(bar_columns_css(90), encoding="utf-8")
    names = [s.name for s in sources if s.name.startswith(("main.", "palette."))] + ["statusgen.css", "bar-columns.css"]
    link = re.compile(r'<link rel="stylesheet" href="([./]*)assets/stylesheets/status\.[0-9a-f]{10}\.css">')
    for page in target.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        whole = "".join(f'<link rel="stylesheet" href="\\1assets/stylesheets/{n}">' for n in names)
        page.write_text(link.sub(whole, text), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("width", "scheme", "paths"), [(1280, "light", ("",)), (390, "dark", ("", INCIDENT, "history/", "404.html"))]
)
def test_the_one_reduced_stylesheet_draws_every_pixel_as_materials_whole_css(
    site_dir, served, browser, tmp_path, width, scheme, paths
):
    whole_site = with_whole_stylesheets(site_dir, tmp_path / "whole")
    with serving(whole_site) as whole:
        for path in paths:
            shots = []
            for base in (served, whole):
                visit = Visit(browser, viewport={"width": width, "height": 844}, color_scheme=scheme)
                visit.page.goto(base + path, wait_until="networkidle")
                shots.append(visit.page.screenshot(full_page=True))
                sheets = [u for u in visit.requests if u.endswith(".css")]
                visit.close()
            assert len(sheets) == 4  # the whole copy loads four; the built page (checked below) one
            assert shots[0] == shots[1], f"{path or '/'} at {width} px ({scheme}) differs from material's whole CSS"
    visit = Visit(browser)
    visit.page.goto(served, wait_until="networkidle")
    assert [u.rsplit("/", 1)[1][:7] for u in visit.requests if u.endswith(".css")] == ["status."]
    visit.close()
