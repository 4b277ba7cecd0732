"""The internal site in other languages, built for real from the example repository: every word
statusgen writes goes through the site's Language (the pseudo-locale marks it; every page is
read in tests/test_pseudo_locale.py), right-to-left
languages read right to left on every page, and dates and numbers take the language's forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import NOW, copy_example

from statusgen.build import build_sites


def build(base: Path, plugin_option: str = "", theme_language: str = "") -> Path:
    """The example's internal site, with ``language:`` for the statusgen plugin or ``theme.language``."""
    root = copy_example(base / "repo")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if plugin_option:
        text = text.replace("  - statusgen:\n", f"  - statusgen:\n      language: {plugin_option}\n", 1)
    if theme_language:
        text, count = re.subn(r"(?m)^  language: \w+$", f"  language: {theme_language}", text, count=1)
        assert count == 1
    config.write_text(text, encoding="utf-8")
    build_sites(root, NOW, sites=("internal",), out=base / "out")
    return base / "out"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("internal-pseudo")
    return base / "repo", build(base, plugin_option="qps-ploc")


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("internal-ar"), theme_language="ar")


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("internal-de"), plugin_option="de")


# -- the pseudo-locale: statusgen's words, dates and numbers are marked --------------------------


def test_metrics_chart_and_budgets_are_in_the_site_language(pseudo):
    _, site = pseudo
    metrics = read(site, "metrics/index.html")
    assert "<strong>⟦MTTA (time to acknowledge)⟧</strong>" in metrics
    assert "<th>⟦MTTR⟧</th>" in metrics
    assert "⟦mean of acknowledged_at − detected_at⟧" in metrics
    # the chart's words are in the SVG, which a reader's screen reader reads out
    chart = metrics.split('<div class="sg-chart">', 1)[1].split("</svg>", 1)[0]
    assert '<title id="sg-chart-title">⟦Incidents per month by severity. ⟦' in chart
    assert re.search(r'text-anchor="middle">⟦Nov 26⟧</text>', chart)
    assert re.search(r"<title>⟦⟦November 2026⟧: ⟦\d+⟧ SEV\d⟧</title>", chart)
    # a budget's figures and flag
    assert re.search(r"<td>⟦99\.9\d*%⟧</td>", metrics)
    assert re.search(r"⟦⟦[58]0%⟧ used⟧|⟦Exhausted⟧", metrics)


def test_action_items_times_and_facts_are_in_the_site_language(pseudo):
    _, site = pseudo
    postmortem = read(site, "postmortems/2026-10-14-api-outage/index.html")
    assert re.search(r"<td>⟦(Open|In progress|Done|Won't do)⟧", postmortem)
    incident = read(site, "incidents/2026-10-14-api-outage/index.html")
    assert '<th scope="row">⟦Detected⟧</th><td>⟦14 Oct 2026, ' in incident
    assert re.search(r"<h3>⟦⟦\d{1,2} \w{3} 2026, \d\d:\d\d \w+⟧: \w[\w ]*⟧", incident)
    assert "⟦Built by statusgen from the status repository as of ⟦" in read(site, "metrics/index.html")


# -- right to left ------------------------------------------------------------------------------


def direction(html: str) -> str:
    return re.search(r'<body dir="(\w+)"', html).group(1)


def test_a_right_to_left_language_reads_right_to_left_on_every_kind_of_page(arabic):
    runbook = next(p for p in sorted((arabic / "runbooks").rglob("index.html")) if "alerts" not in p.parts)
    assert direction(runbook.read_text(encoding="utf-8")) == "rtl"  # a page mkdocs renders
    incident = read(arabic, "incidents/2026-10-14-api-outage/index.html")  # one statusgen renders itself
    assert direction(incident) == "rtl"
    assert '<html lang="ar"' in incident
    assert direction(read(arabic, "runbooks/alerts/apierrorratehigh/index.html")) == "rtl"


def test_the_stylesheet_aligns_by_the_line_not_by_the_screen(arabic):
    css = read(arabic, "assets/statusgen-internal.css")
    assert not re.search(r"text-align:\s*(left|right)|(margin|padding)-(left|right)|float:\s*(left|right)", css)


# -- German: Babel's forms (true with or without a German catalog) ------------------------------


def test_german_dates_and_numbers_take_german_forms(german):
    metrics = read(german, "metrics/index.html")
    assert "22. Nov. 2026" in metrics  # "as of" the build, CLDR's medium date
    assert re.search(r"99,9\d*\xa0%", metrics)  # an SLO or availability, with a decimal comma
    assert not re.search(r"\b99\.9\d*%", metrics)
    chart = metrics.split('<div class="sg-chart">', 1)[1].split("</svg>", 1)[0]
    assert "November 2026" in chart and "Nov. 2026" in chart
    incident = read(german, "incidents/2026-10-14-api-outage/index.html")
    assert "14. Okt. 2026" in incident
