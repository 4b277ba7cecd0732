"""Screenshots of the internal site in headless Chromium: the runbook page and the metrics page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import NOW, axe_script, copy_example, serving

from statusgen.build import build_sites

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    root = copy_example(base / "repo")
    build_sites(root, NOW, sites=["internal"], out=base / "internal")
    return base / "internal"


def shoot(browser, site: Path, path: str, out: Path, *, javascript=True, width=1280):
    """Open a page, screenshot it, and return (page text, the URLs it requested)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((site / path / "index.html").as_uri())
    page.screenshot(path=str(out), full_page=True)
    text = page.inner_text("article")
    boxes = {
        selector: page.locator(selector).first.bounding_box() if page.locator(selector).count() else None
        for selector in ("h1", ".sg-chart svg")
    }
    context.close()
    keep = os.environ.get("STATUSGEN_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(out, Path(keep) / out.name)
    return text, requested, boxes


def test_runbook_page_screenshot(browser, site, tmp_path):
    out = tmp_path / "internal-runbook.png"
    text, requested, boxes = shoot(browser, site, "runbooks/api/api-high-latency", out)
    assert out.stat().st_size > 20_000
    assert text.startswith("API high latency")
    assert "Incidents that used this runbook" in text
    assert boxes["h1"] and boxes["h1"]["height"] > 0
    assert all(url.startswith("file://") for url in requested), requested  # nothing from other hosts


def test_metrics_page_screenshot_without_javascript(browser, site, tmp_path):
    out = tmp_path / "internal-metrics.png"
    text, requested, boxes = shoot(browser, site, "metrics", out, javascript=False)
    assert out.stat().st_size > 20_000
    assert "MTTD (time to detect)" in text and "Error budgets" in text
    chart = boxes[".sg-chart svg"]
    assert chart and chart["width"] > 300 and chart["height"] > 100  # the chart draws without JavaScript
    assert all(url.startswith("file://") for url in requested), requested


@pytest.mark.parametrize(("width", "javascript"), [(390, True), (390, False), (1280, False)])
def test_home_page_on_a_phone_and_without_javascript(browser, site, tmp_path, width, javascript):
    out = tmp_path / f"internal-home-{width}{'' if javascript else '-nojs'}.png"
    text, requested, boxes = shoot(browser, site, ".", out, javascript=javascript, width=width)
    assert out.stat().st_size > 10_000
    assert boxes["h1"] and boxes["h1"]["height"] > 0 and boxes["h1"]["x"] >= 0
    assert boxes["h1"]["x"] + boxes["h1"]["width"] <= width
    assert all(url.startswith("file://") for url in requested), requested


# Cells of the figure tables whose text wraps onto a second line, and how wide the page is.
WRAPPED_CELLS = """() => {
  const wrapped = [...document.querySelectorAll('.sg-table td, .sg-table th')].filter(cell => {
    const s = getComputedStyle(cell);
    const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.6;
    return cell.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom) > line * 1.5;
  }).map(cell => cell.textContent);
  return {wrapped, tables: document.querySelectorAll('.sg-table').length,
          page: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize(("width", "javascript"), [(390, False), (390, True), (1280, True)])
def test_metrics_tables_keep_each_figure_on_one_line(browser, site, tmp_path, width, javascript):
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto((site / "metrics" / "index.html").as_uri())
    found = page.evaluate(WRAPPED_CELLS)
    out = tmp_path / f"internal-metrics-{width}{'' if javascript else '-nojs'}.png"
    page.screenshot(path=str(out), full_page=True)
    context.close()
    keep = os.environ.get("STATUSGEN_SCREENSHOTS")
    if keep:
        shutil.copy(out, Path(keep) / out.name)
    assert found["tables"] >= 5  # response times (3), incidents per month, and the budgets
    assert found["wrapped"] == []
    assert found["page"] <= width  # a wide table scrolls inside its box, not the whole page


# What a phone (or a browser with scripts off) shows: sideways overflow, the header's title,
# the footer, empty table rows, and the boxes that scroll sideways on their own.
LAYOUT = """() => {
  const box = el => el ? el.getBoundingClientRect() : null;
  const visible = el => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const title = document.querySelector('.md-header__title .md-ellipsis, .md-header__topic');
  const rows = [...document.querySelectorAll('article tr')];
  return {
    page: document.documentElement.scrollWidth,
    title: title ? title.textContent.trim() : null,
    titleVisible: visible(title),
    titleBox: box(title) && {x: box(title).x, right: box(title).right},
    footer: (document.querySelector('.sg-internal-footer') || {innerText: ''}).innerText,
    emptyRows: rows.filter(tr => tr.innerText.trim() === '').length,
    scrollers: [...document.querySelectorAll('article .sg-table')].map(div => ({
      right: div.getBoundingClientRect().right, scrolls: div.scrollWidth > div.clientWidth})),
  };
}"""

PHONE_PAGES = [(".", "home"), ("postmortems/2026-10-14-api-outage", "postmortem")]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize(("path", "name"), PHONE_PAGES, ids=[n for _, n in PHONE_PAGES])
def test_home_and_postmortem_on_a_phone_with_and_without_scripts(browser, site, tmp_path, path, name, javascript):
    width = 390
    context = browser.new_context(viewport={"width": width, "height": 844}, java_script_enabled=javascript)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((site / path / "index.html").as_uri())
    layout = page.evaluate(LAYOUT)
    text = page.inner_text("article")
    out = tmp_path / f"internal-{name}-{width}{'' if javascript else '-nojs'}.png"
    page.screenshot(path=str(out), full_page=True)
    context.close()
    keep = os.environ.get("STATUSGEN_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(out, Path(keep) / out.name)
    assert layout["page"] <= width, layout  # nothing pushes the page sideways
    assert layout["title"] and "Ledgerline internal" in layout["title"] and layout["titleVisible"]
    assert layout["titleBox"]["x"] >= 0 and layout["titleBox"]["right"] <= width
    assert "for the team only, not for customers" in layout["footer"]
    # The home page says when it was built; a document's page does not (a rebuild keeps it).
    built = "repository as of 22 Nov 2026, 16:00 UTC" if name == "home" else "repository. Ledgerline"
    assert f"Built by statusgen from the status {built}" in layout["footer"]
    assert layout["emptyRows"] == 0
    assert all(s["right"] <= width for s in layout["scrollers"]), layout["scrollers"]
    assert all(url.startswith("file://") for url in requested), requested
    if name == "postmortem":
        # The action items: a box that scrolls sideways, its states as people write them.
        assert layout["scrollers"] and layout["scrollers"][0]["scrolls"]
        assert "Won't do" in text and "In progress" in text
    else:
        assert text.startswith("Home\n")
        assert "Right now" in text and "open action items" in text


@pytest.fixture(scope="module")
def served(site):
    """The internal site on 127.0.0.1 (material's search runs in a worker: not from file://)."""
    with serving(site) as url:
        yield url


INCIDENT = "incidents/2026-11-22-sso-login-failures/"
# Planted after the build, inside the article: what the sanitizer would let through if it were broken.
PLANTED = (
    '<script>document.documentElement.dataset.planted = "script";</script>'
    '<img src="../../assets/images/favicon.png" alt="" onload="document.documentElement.dataset.planted = \'handler\'">'
)


def test_with_the_policy_on_search_finds_an_incident_and_planted_scripts_do_not_run(browser, site, served, tmp_path):
    page_file = site / INCIDENT / "index.html"
    html = page_file.read_text()
    (site / INCIDENT / "planted.html").write_text(html.replace("</h1>", "</h1>" + PLANTED, 1))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(served + INCIDENT + "planted.html", wait_until="networkidle")
    assert page.evaluate("document.documentElement.dataset.planted") is None
    blocked = [m for m in messages if "Content Security Policy" in m]
    assert len(blocked) == 2 and all("script-src" in m for m in blocked), messages

    messages.clear()
    page.goto(served + INCIDENT, wait_until="networkidle")
    assert page.locator("h1").inner_text() == "Single sign-on failing for some customers"
    out = tmp_path / "internal-incident-csp.png"
    page.screenshot(path=str(out), full_page=True)
    search = page.locator("input.md-search__input")
    search.click()
    search.type("webhook deliveries")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=15_000)
    found = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("incidents/" in href for href in found), found
    page.screenshot(path=str(tmp_path / "internal-search-csp.png"))
    assert [m for m in messages if "Content Security Policy" in m] == [], messages
    context.close()
    keep = os.environ.get("STATUSGEN_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for name in ("internal-incident-csp.png", "internal-search-csp.png"):
            shutil.copy(tmp_path / name, Path(keep) / name)


# axe-core's WCAG 2.2 AA rules on every kind of internal page: the home page in all four ways,
# the others in two ways each that between them make up the four.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
EVERY_WAY = [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]
TWO_WAYS = [(1280, "light"), (390, "dark")]
OTHER_TWO = [(1280, "dark"), (390, "light")]
AXE_PAGES = [
    ("", EVERY_WAY),
    (INCIDENT, TWO_WAYS),
    ("runbooks/api/api-high-latency/", OTHER_TWO),
    ("runbooks/alerts/apihighlatencyp95/", TWO_WAYS),
    ("metrics/", OTHER_TWO),
    ("postmortems/", TWO_WAYS),
]


@pytest.mark.parametrize(
    ("path", "ways"), AXE_PAGES, ids=["home", "incident", "runbook", "alert", "metrics", "postmortems"]
)
def test_axe_finds_nothing_at_wcag_22_aa(browser, served, path, ways):
    script = axe_script()
    if script is None:
        pytest.fail("axe-core not found: pip install -e '.[test]' (axe-playwright-python ships it) or set AXE_CORE_JS")
    problems = []
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    for width, scheme in ways:
        # axe is added as an inline script, which the page's own policy rightly refuses.
        context = browser.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme, bypass_csp=True)
        page = context.new_page()
        page.goto(served + path, wait_until="networkidle")
        page.add_script_tag(path=str(script))
        result = page.evaluate("async options => await axe.run(document, options)", options)
        problems += [
            f"/{path} {width} {scheme}: {v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]
        ]
        context.close()
    assert not problems, "\n".join(problems)
