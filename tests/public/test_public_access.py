"""The public site for every reader, in headless Chromium: what a phone shows first during an
outage, the uptime bars for keyboards and screen readers, dark without JavaScript, focus and
target sizes, the 404 page served under a project path (/REPO/), and axe-core's WCAG 2.2 AA
rules on every kind of page, light and dark, wide and narrow. One build, one browser."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import NOW, ROOT, QuietHandler, axe_script, copy_example, serving
from test_public_browser import INCIDENT, Visit, keep

from statusgen.build import build_sites

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class _Pages(QuietHandler):
    """GitHub Pages for a project site: the site lives under /REPO/, and any missing address
    under it gets /REPO/404.html with status 404."""

    def send_head(self):
        path = urlsplit(self.path).path
        if not path.startswith("/REPO/"):
            self.send_error(404)
            return None
        self.path = path[len("/REPO") :]
        local = Path(self.translate_path(self.path))
        if local.is_file() or (local / "index.html").is_file():
            return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *args):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("access") / "site"
    build_sites(ROOT, NOW, sites=("public",), out=out)
    return out


@pytest.fixture(scope="module")
def served(site):
    with serving(site) as url:
        yield url


def test_what_is_broken_is_on_the_first_screens_of_a_phone(site, served, browser, tmp_path):
    visit = Visit(browser, **PHONE)
    page = visit.page
    page.goto(served, wait_until="networkidle")
    top = page.evaluate("document.getElementById('sg-components').getBoundingClientRect().top + scrollY")
    elements = page.evaluate("document.getElementsByTagName('*').length")
    size = len((site / "index.html").read_bytes())
    print(f"\nhome: components start at {top:.0f} px on 390x844; {size} bytes of HTML; {elements} elements")
    assert top <= 1.5 * 844, top
    # active incidents, most severe first, each with its latest update only and a way to the rest
    cards = page.locator("#sg-active ~ .sg-card")
    assert [c.locator(".sg-chip").first.inner_text() for c in cards.all()] == [
        "Major impact",
        "Minor impact",
        "Low impact",
    ]
    assert page.locator(".sg-timeline").count() == 0
    assert cards.first.locator(".sg-latest p").first.inner_text().startswith("22 Nov 2026, 14:45 UTC: The fix")
    more = cards.first.get_by_role("link", name="All 3 updates on Single sign-on failing for some customers")
    assert more.get_attribute("href") == INCIDENT
    # what follows the components: upcoming maintenance, then the last days' resolved incidents
    order = page.evaluate("[...document.querySelectorAll('.sg-page h2')].map(h => h.textContent.trim())")
    assert order == ["Active incidents", "Components", "Upcoming maintenance", "Past incidents"]
    past = page.locator("#sg-past ~ .sg-card .sg-card__title").all_inner_texts()
    assert past == ["Web dashboard loading slowly in parts of Europe", "Dashboard search unavailable"]
    # the bars weigh little: one empty element per quiet day, no repeated text
    assert size < 50_000 and elements < 1_300
    shot = tmp_path / "public-home-first-screen-390.png"
    page.screenshot(path=str(shot))
    keep(shot)
    visit.close()


def test_the_uptime_bars_are_read_as_a_summary_and_links(served, browser):
    visit = Visit(browser)
    page = visit.page
    page.goto(served, wait_until="networkidle")
    api = page.locator(".sg-component").filter(has=page.get_by_role("heading", name="Public API"))
    tree = api.aria_snapshot()
    summary = "99.942% uptime over 90 days; 3 days with incidents or maintenance:"
    assert summary in tree, tree
    bars = api.locator(".sg-bars").aria_snapshot()
    assert re.findall(r'link "(\d+ \w+ 2026):', bars) == ["14 Oct 2026", "27 Oct 2026", "12 Nov 2026"]
    assert all(line.startswith(("- 'link", "  - /url")) for line in bars.splitlines()), bars
    # the keyboard reaches them, from the summary's component on
    page.locator(".sg-bars a").first.focus()
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith("14 Oct 2026: major outage")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/incidents/2026-10-14-api-outage/")
    # the whole window in words, on a page of its own
    page.goto(served + "uptime/#api-2026-10-14", wait_until="networkidle")
    row = page.locator("tr:target")
    assert row.inner_text().split("\t")[0] == "14 Oct 2026"
    assert page.locator("tbody tr").count() == 8 * 90
    visit.close()


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_dark_without_javascript_and_a_stored_choice_wins_with_it(served, browser, tmp_path):
    for width in (390, 1280):
        visit = Visit(browser, java_script_enabled=False, color_scheme="dark", viewport={"width": width, "height": 844})
        visit.page.goto(served, wait_until="networkidle")
        assert background(visit.page) == "rgb(30, 33, 41)"
        shot = tmp_path / f"public-home-dark-nojs-{width}.png"
        visit.page.screenshot(path=str(shot))
        keep(shot)
        visit.close()
    visit = Visit(browser, java_script_enabled=False, color_scheme="light")
    visit.page.goto(served, wait_until="networkidle")
    assert background(visit.page) == "rgb(255, 255, 255)"
    visit.close()
    visit = Visit(browser, color_scheme="dark")
    page = visit.page
    page.goto(served, wait_until="networkidle")
    assert background(page) == "rgb(30, 33, 41)"
    page.get_by_title("Switch to light mode").click()
    page.reload(wait_until="networkidle")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "default"
    assert background(page) == "rgb(255, 255, 255)", "the reader's choice beats the system's"
    visit.close()


FOCUS = """() => {
  const el = document.activeElement;
  const shown = el.matches("input[name=__palette]") ? el.nextElementSibling : el;
  const style = getComputedStyle(shown), box = shown.getBoundingClientRect();
  return {tag: el.tagName, text: (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 40),
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
          width: box.width, height: box.height, inText: !!el.closest("p:not(.sg-component__feeds)"),
          inBars: !!el.closest(".sg-bars"), font: parseFloat(style.fontSize), visible: box.width > 0};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_every_control_shows_focus_and_is_a_big_enough_target(served, browser, width):
    visit = Visit(browser, viewport={"width": width, "height": 844})
    page = visit.page
    page.goto(served + INCIDENT, wait_until="networkidle")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS)
        if state["tag"] == "BODY" or (seen and state == seen[0]):
            break
        seen.append(state)
    assert seen[0]["text"] == "Skip to content" and seen[0]["font"] >= 16 and seen[0]["visible"]
    assert any(s["tag"] == "INPUT" for s in seen), "the theme toggle is reached"
    assert any(s["text"] == "Status API (JSON)" for s in seen)
    for state in seen:
        assert state["outline"], state
        if not state["inText"] and not state["inBars"]:
            assert state["width"] >= 24 and state["height"] >= 24, state
    visit.close()


def run_axe(page, include: list[str] | None = None) -> list[str]:
    page.add_script_tag(path=str(axe_script()))
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    context = json.dumps({"include": include}) if include else "document"
    result = page.evaluate(f"async () => await axe.run({context}, {options})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


EVERY_WAY = [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]
# the other pages are built of the same pieces as the home page: two ways each, between them all four
TWO_WAYS = [(1280, "light"), (390, "dark")]
OTHER_TWO = [(1280, "dark"), (390, "light")]
# The uptime page is eight tables of 90 rows from one template: axe reads the frame, the
# index and the first table (all of it takes a minute).
FIRST_TABLE = [".sg-header", "h1", "nav[aria-label=Components]", ".sg-section:first-of-type", ".sg-footer"]


@pytest.mark.parametrize(
    ("path", "ways", "include"),
    [
        ("", EVERY_WAY, None),
        (INCIDENT, OTHER_TWO, None),
        ("history/", TWO_WAYS, None),
        ("uptime/", TWO_WAYS, FIRST_TABLE),
        ("404.html", OTHER_TWO, None),
    ],
    ids=["home", "incident", "history", "uptime", "404"],
)
def test_axe_finds_nothing_at_wcag_22_aa(served, browser, path, ways, include):
    if axe_script() is None:
        pytest.fail("axe-core not found: pip install -e '.[test]' (axe-playwright-python ships it) or set AXE_CORE_JS")
    problems = []
    for width, scheme in ways:
        # axe is added as an inline script, which the page's own policy rightly refuses.
        visit = Visit(browser, color_scheme=scheme, bypass_csp=True, viewport={"width": width, "height": 844})
        visit.page.goto(served + path, wait_until="networkidle")
        problems += [f"{path or '/'} {width} {scheme}: {v}" for v in run_axe(visit.page, include)]
        visit.close()
    assert not problems, "\n".join(problems)


# -- the 404 page under a project path ------------------------------------------------------------


@pytest.fixture(scope="module")
def project_sites(tmp_path_factory):
    """The example built twice: with site_url naming the project path, and with no site_url."""
    base = tmp_path_factory.mktemp("project")
    sites = {}
    with contextlib.ExitStack() as servers:
        for name, line in (("named", "site_url: https://example.github.io/REPO/\n"), ("default", "")):
            root = copy_example(base / name)
            config = (root / "mkdocs.yml").read_text()
            (root / "mkdocs.yml").write_text(re.sub(r"^site_url: .*\n", line, config, flags=re.M))
            build_sites(root, NOW, sites=("public",), out=base / f"{name}-site")
            sites[name] = servers.enter_context(serving(base / f"{name}-site", _Pages)) + "REPO/"
        yield sites


def links_work(page) -> list[str]:
    """The page's links and stylesheets that do not answer 200, followed for real."""
    urls = page.evaluate("[...document.querySelectorAll('a[href], link[href]')].map(e => e.getAttribute('href'))")
    broken = []
    for href in urls:
        if href.startswith(("#", "https://ledgerline.example")):
            continue
        target = urljoin(page.url, href)
        if page.request.get(target).status != 200:
            broken.append(f"{href} -> {target}")
    return broken


@pytest.mark.parametrize(("name", "javascript"), [("named", False), ("named", True), ("default", True)])
def test_the_404_page_links_work_under_a_project_path(project_sites, browser, name, javascript, tmp_path):
    visit = Visit(browser, java_script_enabled=javascript)
    page = visit.page
    response = page.goto(project_sites[name] + "incidents/no-such-incident/deeper/", wait_until="networkidle")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    if javascript and name == "default":
        page.wait_for_function("document.querySelector('a.sg-brand').getAttribute('href').startsWith('/REPO/')")
    assert links_work(page) == []
    # styled: the theme's stylesheets were found
    assert page.evaluate("getComputedStyle(document.querySelector('.sg-footer')).borderTopStyle") == "solid"
    page.get_by_role("link", name="browse the history").click()
    page.wait_for_load_state("networkidle")
    assert page.url == project_sites[name] + "history/"
    shot = tmp_path / f"public-404-{name}-{'js' if javascript else 'nojs'}.png"
    page.screenshot(path=str(shot))
    keep(shot)
    visit.close()
