"""Both example sites, byte for byte: a digest of every file a build of the example repository
writes at a fixed "now", compared with the digests kept in tests/golden/example-sites.sha256.

A change that is meant to change what the sites show records the new digests with

    python tests/test_golden.py --update

and the diff of that file says which outputs changed. The digests hold only for the versions of
the packages that render the pages; with other versions installed the comparison is skipped
(and says so), since their own templates and assets are part of every page.
"""

from __future__ import annotations

import hashlib
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from conftest import NOW, copy_example  # noqa: E402

MANIFEST = HERE / "golden" / "example-sites.sha256"
# Packages whose templates, assets or output are part of the bytes of every page.
RENDERERS = ("mkdocs", "mkdocs-material", "Jinja2", "Markdown", "pymdown-extensions", "nh3", "feedgen")


def renderer_versions() -> str:
    return "# " + ", ".join(f"{name} {version(name)}" for name in RENDERERS)


def site_digests(workdir: Path) -> list[str]:
    """``<sha256>  <site>/<path>`` for every file of both example sites built in ``workdir``."""
    from statusgen.build import build_sites

    root = copy_example(workdir / "repo")
    out = workdir / "out"
    build_sites(root, NOW, out=out)
    files = sorted((path.relative_to(out).as_posix(), path) for path in out.rglob("*") if path.is_file())
    return [f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}" for name, path in files]


def test_both_example_sites_are_byte_identical_to_the_recorded_digests(tmp_path):
    recorded = MANIFEST.read_text(encoding="utf-8").splitlines()
    if recorded[0] != renderer_versions():
        pytest.skip(f"digests recorded with {recorded[0][2:]}; installed: {renderer_versions()[2:]}")
    assert site_digests(tmp_path) == recorded[1:]


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        lines = [renderer_versions(), *site_digests(Path(work))]
    MANIFEST.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{MANIFEST.relative_to(HERE.parent)}: {len(lines) - 1} files")
