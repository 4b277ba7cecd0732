"""Every word statusgen writes for readers goes through a catalog: both sites built in the
pseudo-locale (``language: qps-ploc``, which wraps every translated word, date and number in
⟦…⟧) show no text of statusgen's own outside the markers. Text that is the team's data (titles,
messages, component names, runbooks) and mkdocs-material's own words (its catalogs, chosen by
theme.language) are told apart by where they come from: the repository's files and material's
English catalog. A label added to a template or a view without a translation fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import NOW, ROOT, VisibleText, copy_example

from statusgen.build import build_sites

WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
# what is left of a text once its translated parts are gone: punctuation, digits, space
NO_WORDS = re.compile(r"[\W\d_]*")


def material_words() -> set[str]:
    import material

    source = Path(material.__file__).parent / "templates/partials/languages/en.html"
    return set(re.findall(r'"[\w.]+": "([^"]*)"', source.read_text(encoding="utf-8")))


def data_text(root: Path) -> str:
    """Everything the team wrote: what a page may show that is not statusgen's."""
    parts = [(root / "mkdocs.yml").read_text(encoding="utf-8")]
    for folder in ("incidents", "runbooks", "templates", "prometheus", "overrides"):
        parts += [p.read_text(encoding="utf-8") for p in sorted((root / folder).rglob("*")) if p.is_file()]
    # spaces collapsed as a page's text is: Markdown wraps a paragraph's lines
    return " ".join("\n".join(parts).split())


def unwrapped(text: str, data: str, material: set[str]) -> list[str]:
    """The pieces of ``text`` outside the markers that are neither data nor material's. Markers
    nest (a date inside a sentence), so the innermost go first; ``\x01`` parts text nodes."""
    while WRAPPED.search(text):
        text = WRAPPED.sub("\0", text)
    found = []
    for piece in re.split("[\0\1]", text):
        piece = " ".join(piece.split()).strip(" ()[]:;,.·—–-/|«»\"'")
        if NO_WORDS.fullmatch(piece) or piece in material or piece in data:
            continue
        found.append(piece)
    return found


@pytest.fixture(scope="module")
def pseudo_sites(tmp_path_factory) -> tuple[Path, Path]:
    root = copy_example(tmp_path_factory.mktemp("pseudo") / "repo")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - statusgen:\n", "  - statusgen:\n      language: qps-ploc\n", 1),
        encoding="utf-8",
    )
    out = root.parent / "out"
    build_sites(root, NOW, out=out)
    return root, out


@pytest.mark.parametrize("site", ["public", "internal"])
def test_every_word_of_statusgen_on_a_page_is_translated(pseudo_sites, site):
    root, out = pseudo_sites
    data, material = data_text(root), material_words()
    problems, wrapped = [], 0
    pages = sorted((out / site).rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        parser = VisibleText(page.read_text(encoding="utf-8"))
        # a translated sentence may hold a link: a page's text nodes are read as one stream
        for text in [*parser.attributes, "\1".join(parser.texts)]:
            wrapped += text.count("⟦")
            problems += [f"{page.relative_to(out)}: {piece!r}" for piece in unwrapped(text, data, material)]
    assert wrapped > 20 * len(pages) // 10
    unique = list(dict.fromkeys(problems))
    assert unique == [], f"{len(unique)} texts not translated:\n" + "\n".join(unique[:60])


def test_the_feeds_titles_are_translated(pseudo_sites):
    root, out = pseudo_sites
    data = data_text(root)
    for name in ("feed.rss", "feed.atom"):
        xml = (out / "public" / name).read_text(encoding="utf-8")
        titles = re.findall(r"<title>([^<]*)</title>", xml)
        assert titles
        assert [p for t in titles for p in unwrapped(t, data, set())] == []


def test_the_pseudo_locale_is_not_a_shipped_catalog():
    """qps-ploc is made at run time from the source; only real languages ship a .po."""
    assert not (ROOT / "statusgen/locale/qps-ploc").exists()
