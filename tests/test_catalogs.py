"""The catalogs keep up with the source: the template holds every message the code and the
templates use (so a new message cannot be forgotten), and every shipped language translates
every one of them, with no fuzzy entry and the same placeholders as the source."""

from __future__ import annotations

import sys

from conftest import ROOT

from statusgen.core.language import SHIPPED, SOURCE, load_language

sys.path.insert(0, str(ROOT / "tools"))
import catalogs  # noqa: E402


def test_the_template_holds_every_message_in_the_source():
    from babel.messages.pofile import read_po

    with catalogs.TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    found = {m.id for m in catalogs.extracted() if m.id}
    kept = {m.id for m in template if m.id}
    assert sorted(map(str, found - kept)) == [], "run: python tools/catalogs.py extract"
    assert sorted(map(str, kept - found)) == [], "messages no longer used; run: python tools/catalogs.py extract"


def test_every_shipped_language_translates_every_message():
    assert catalogs.problems() == []


def test_each_shipped_language_has_a_catalog_and_loads():
    for code in SHIPPED:
        if code == SOURCE:
            continue
        assert (catalogs.LOCALE / code / "LC_MESSAGES" / "statusgen.po").is_file(), code
        language = load_language(code)
        assert language.gettext("Operational") != "Operational", code
