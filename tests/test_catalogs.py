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


def test_messages_inside_f_strings_reach_the_template_too():
    """Babel's extractor does not look inside f-strings: a message written there would never be
    translated. Python's own parser sees every call."""
    import ast

    from babel.messages.pofile import read_po

    with catalogs.TEMPLATE.open("rb") as handle:
        kept = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    missing = []
    for path in sorted((ROOT / "statusgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            message = node.args[0].value
            if name in ("gettext", "ngettext", "N_") and isinstance(message, str) and message not in kept:
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {message!r}")
    assert missing == []
