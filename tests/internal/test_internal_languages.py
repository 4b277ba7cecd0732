"""The internal site in other languages, built for real from the example repository: every word
statusgen writes goes through the site's Language (the pseudo-locale shows it), right-to-left
languages read right to left on every page, and dates and numbers take the language's forms."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import NOW, copy_example

from statusgen.build import build_sites

WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
NO_WORDS = re.compile(r"[\W\d_]*")
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
SKIPPED = {"script", "style", "svg", "code", "pre"}


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


class PageText(HTMLParser):
    """A page's visible text as one stream (a translated sentence may hold a link), and the
    attributes read out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self.attributes: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping.append(tag)
        self.attributes.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.nodes.append(data)


def untranslated(text: str, data: str) -> list[str]:
    """The pieces of ``text`` outside the markers that are not the team's own words. Markers
    nest (a date inside a sentence), so the innermost go first."""
    while WRAPPED.search(text):
        text = WRAPPED.sub("\0", text)
    found = []
    for piece in re.split("[\0\1]", text):
        piece = " ".join(piece.split()).strip(" ()[]:;,.·—–-/|«»\"'")
        if not NO_WORDS.fullmatch(piece) and piece not in data:
            found.append(piece)
    return found


def test_no_word_of_statusgen_is_left_untranslated(pseudo):
    root, site = pseudo
    import material

    english = Path(material.__file__).parent / "templates/partials/languages/en.html"
    material_words = set(re.findall(r'"[\w.]+": "([^"]*)"', english.read_text(encoding="utf-8")))
    # what the team wrote, spaces collapsed as a page's text is (Markdown wraps its lines)
    sources = [
        root / "mkdocs.yml",
        *(p for f in ("incidents", "runbooks", "prometheus") for p in (root / f).rglob("*")),
    ]
    data = " ".join(" ".join(p.read_text(encoding="utf-8") for p in sources if p.is_file()).split())
    problems = []
    for page in sorted(site.rglob("*.html")):
        parser = PageText()
        parser.feed(page.read_text(encoding="utf-8"))
        for text in [*parser.attributes, "\1".join(parser.nodes)]:
            problems += [
                f"{page.relative_to(site)}: {p!r}" for p in untranslated(text, data) if p not in material_words
            ]
    assert list(dict.fromkeys(problems)) == []


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
