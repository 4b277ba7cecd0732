"""The example built in every shipped language: its home page, an incident page, the internal
home and a runbook page say what they are in that language, left no word of statusgen's in
English (no text on them is a catalog message whose translation differs from its English), and
a language written right to left lays out right to left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import NOW, VisibleText, copy_example

from statusgen.build import build_sites
from statusgen.core.language import SHIPPED, SOURCE, load_language

LANGUAGES = [code for code in SHIPPED if code != SOURCE]
PAGES = (
    "public/index.html",
    "public/incidents/2026-10-14-api-outage/index.html",
    "public/history/index.html",
    "internal/index.html",
    "internal/incidents/2026-10-14-api-outage/index.html",
    "internal/metrics/index.html",
)


def english_messages(code: str) -> set[str]:
    """The catalog's messages without placeholders whose translation differs from the English:
    any of them on a page is a word left untranslated."""
    language = load_language(code)
    found = set()
    for message in language.translations._catalog:  # type: ignore[attr-defined]
        if isinstance(message, str) and message and "%" not in message and language.gettext(message) != message:
            found.add(message)
    return found


@pytest.fixture(scope="module", params=LANGUAGES)
def built(request, tmp_path_factory) -> tuple[str, Path]:
    code = request.param
    root = copy_example(tmp_path_factory.mktemp(f"lang-{code}") / "repo")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  - statusgen:\n", f"  - statusgen:\n      language: {code}\n", 1), encoding="utf-8"
    )
    build_sites(root, NOW, out=root.parent / "out")
    return code, root.parent / "out"


def test_every_page_is_in_the_language_with_no_english_word_of_statusgens_left(built):
    code, out = built
    english = english_messages(code)
    assert len(english) > 200
    tag = code.replace("_", "-")
    for path in PAGES:
        html = (out / path).read_text(encoding="utf-8")
        # material writes pt-BR's pages as lang="pt": the language, if not its region
        assert re.search(rf'<html lang="({tag}|{tag.split("-")[0]})"', html), path
        parser = VisibleText(html)
        left = sorted({" ".join(t.split()) for t in parser.texts + parser.attributes} & english)
        assert left == [], f"{code} {path}: {left}"
    feed = (out / "public/feed.rss").read_text(encoding="utf-8")
    assert f"<language>{tag}</language>" in feed


def test_right_to_left_on_both_sites(built):
    code, out = built
    expected = "rtl" if load_language(code).direction == "rtl" else "ltr"
    for path in PAGES:
        html = (out / path).read_text(encoding="utf-8")
        head = html[: html.index("<body")]
        body = re.search(r"<body[^>]*>", html)
        assert body is not None
        written = "rtl" if 'dir="rtl"' in head + body.group(0) else "ltr"
        assert written == expected, f"{code} {path}"
