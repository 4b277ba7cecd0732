"""The home page's size does not grow with the number of incidents: at the density of the
10,000-incident benchmark repository (bench/generate.py: five or six incidents a day over 12
components) it holds no more than 600 elements and 40 KB gzipped."""

from __future__ import annotations

import gzip
import re
import sys
from html.parser import HTMLParser

from conftest import NOW, ROOT

from statusgen.build import build_sites

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


class Elements(HTMLParser):
    """Counts every element, as document.querySelectorAll("*") does."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.count += 1

    def handle_startendtag(self, tag, attrs) -> None:
        self.count += 1


def test_a_home_page_at_the_benchmarks_density_stays_small(tmp_path):
    # 550 incidents over 100 days: the 10,000 repository's 5.5 a day
    generate(550, tmp_path / "repo", days=100)
    build_sites(tmp_path / "repo", NOW, sites=("public",), out=tmp_path / "out")
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    summaries = re.findall(r"(\d+) days? with incidents or maintenance:", html)
    assert len(summaries) == 12 and min(int(n) for n in summaries) >= 20, summaries  # the bars are busy
    assert len(re.findall(r'<article class="sg-card', html)) >= 15  # and so is the list of past incidents
    parser = Elements()
    parser.feed(html)
    # the page's script adds two (the time zone switch and its words)
    assert parser.count + 2 <= 600, parser.count
    assert len(gzip.compress(html.encode("utf-8"), 9)) <= 40_000
