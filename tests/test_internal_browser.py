"""Screenshots of the internal site in headless Chromium: the runbook page and the metrics page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import CHROMIUM, NOW, copy_example, require_chromium
from conftest import CHROMIUM_ARGS as ARGS

from statusgen.build import build_sites

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    root = copy_example(base / "repo")
    build_sites(root, NOW, sites=["internal"], out=base / "internal")
    return base / "internal"


@pytest.fixture(scope="module")
def browser():
    import playwright.sync_api as playwright

    require_chromium()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


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
