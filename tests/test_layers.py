"""The layers of the package hold: each imports only from the layers below it, no module is
longer than a newcomer can read at once, and the command layer leaves files to the library."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "statusgen"
# What each part of the package may import of statusgen besides itself (ARCHITECTURE.md).
ALLOWED = {
    "core": set(),
    "cache": {"core"},
    "sources": {"core", "cache"},
    "views": {"core"},
    "authoring": {"core", "sources", "views"},
    "render": {"core", "cache"},
    "public": {"core", "views", "render"},
    "internal": {"core", "views", "render"},
    "cli": {"core", "sources", "views", "authoring", "build"},
}
TOP_LEVEL = {"__init__.py", "__main__.py", "build.py", "plugin.py"}
LONGEST = 450


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "scaffold" not in p.relative_to(PACKAGE).parts)


def imported(path: Path) -> set[str]:
    """The statusgen modules ``path`` imports, anywhere in it (lazy imports count too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; the package imports absolutely")
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "statusgen":
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.split(".")[0] == "statusgen")
    return names


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for path in modules():
        part = path.relative_to(PACKAGE).parts[0]
        if part not in ALLOWED:
            continue
        for name in imported(path):
            layer = name.split(".")[1] if name.count(".") else name
            if layer != part and layer not in ALLOWED[part]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []


def test_no_module_is_longer_than_a_screenful_or_two():
    long = [f"{p.relative_to(PACKAGE)}: {n}" for p in modules() if (n := len(p.read_text().splitlines())) > LONGEST]
    assert long == []


def test_the_top_level_holds_the_layers_and_the_pipeline_only():
    files = {p.name for p in PACKAGE.iterdir() if p.is_file()}
    assert files == TOP_LEVEL


def test_commands_leave_yaml_and_the_writer_to_the_library():
    for path in (PACKAGE / "cli").glob("*.py"):
        names = imported(path)
        text = path.read_text(encoding="utf-8")
        assert "statusgen.authoring.writer" not in names, path
        assert not any(
            line.lstrip().startswith(("import yaml", "from ruamel", "import ruamel")) for line in text.splitlines()
        ), path
