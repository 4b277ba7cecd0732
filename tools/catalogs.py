"""Keep statusgen's translation catalogs in step with its source.

    python tools/catalogs.py extract   # statusgen/locale/statusgen.pot from the code and templates
    python tools/catalogs.py update    # every shipped language's .po gets the new messages (empty);
                                       # a shipped language without a .po gets one
    python tools/catalogs.py check     # what tests/test_catalogs.py checks, as a list

Messages are found in Python (``N_("...")``, ``gettext``, ``ngettext``) and in the templates
(``_("...")``, ``{% trans %}``). A message added to the source without a translation in every
shipped language fails the catalog tests; this script says which.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from statusgen.core.language import SHIPPED, SOURCE  # noqa: E402

PACKAGE = Path(__file__).resolve().parent.parent / "statusgen"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "statusgen.pot"
METHODS = [
    ("theme/**.html", "jinja2.ext:babel_extract"),
    ("**/scaffold/**", "ignore"),
    ("**.py", "python"),
]
OPTIONS = {"theme/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted() -> Catalog:
    """The catalog of every message in the package as it is now."""
    catalog = Catalog(project="statusgen", domain="statusgen", charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def write(catalog: Catalog, path: Path) -> None:
    buffer = BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    path.write_bytes(buffer.getvalue())


def shipped() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/statusgen.po"))


def problems() -> list[str]:
    """Every message the template misses, and every one a shipped language leaves untranslated."""
    found = []
    current = extracted()
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    new = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in current if m.id and m.id not in template)
    found += [f"{TEMPLATE.name}: missing {message!r}; run python tools/catalogs.py extract" for message in new]
    for path in shipped():
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in template:
            if not message.id:
                continue
            have = catalog.get(message.id, message.context)
            shown = message.id if isinstance(message.id, str) else message.id[0]
            where = path.relative_to(PACKAGE.parent)
            if have is None:
                found.append(f"{where}: no entry for {shown!r}")
            elif have.fuzzy:
                found.append(f"{where}: fuzzy translation of {shown!r}")
            elif not have.string or (isinstance(have.string, tuple) and not all(have.string)):
                found.append(f"{where}: untranslated {shown!r}")
            else:
                found.extend(f"{where}: {shown!r}: {error}" for error in have.check(catalog))
    return found


def main(command: str) -> int:
    if command == "extract":
        write(extracted(), TEMPLATE)
        print(f"wrote {TEMPLATE.relative_to(PACKAGE.parent)}")
    elif command == "update":
        with TEMPLATE.open("rb") as handle:
            template = read_po(handle)
        for code in SHIPPED:
            path = LOCALE / code / "LC_MESSAGES" / "statusgen.po"
            if code != SOURCE and not path.exists():
                path.parent.mkdir(parents=True)
                write(Catalog(locale=code, project="statusgen", domain="statusgen", fuzzy=False), path)
        for path in shipped():
            with path.open("rb") as handle:
                catalog = read_po(handle)
            catalog.update(template, no_fuzzy_matching=True)
            write(catalog, path)
            print(f"updated {path.relative_to(PACKAGE.parent)}")
    elif command == "check":
        found = problems()
        print("\n".join(found) or "every shipped language translates every message")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
