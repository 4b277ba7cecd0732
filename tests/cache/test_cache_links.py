"""The cache folder is statusgen's to write, so it is never written (or read) through a link, nor
used when someone else owns it: a committed `.statusgen-cache` link must not carry every internal
note into the public site or a file out of the repository. Such a cache is simply not used."""

from __future__ import annotations

import os

import pytest
from conftest import INCIDENT, cli_ok, write_repo

from statusgen.cache import parsed
from statusgen.cache.store import CACHE_DIR

FILES = {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT}


@pytest.fixture(autouse=True)
def warn_every_time(monkeypatch):
    """The warning is printed once per process; each test is a new "process"."""
    monkeypatch.setattr(parsed, "_WARNED", set(), raising=False)


def tree(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_a_cache_folder_linked_into_the_public_site_is_not_written(tmp_path):
    root = write_repo(tmp_path / "repo", FILES)
    public = root / "site" / "public"
    public.mkdir(parents=True)
    (public / "index.html").write_text("<p>public</p>")
    (root / CACHE_DIR).symlink_to(public)
    outputs = []
    for command in (["metrics"], ["list"], ["validate"], ["show", "api-errors"]):
        outputs.append(cli_ok(root, *command).output)
        assert tree(public) == ["index.html"], command
    assert ".statusgen-cache is a symbolic link; not using statusgen's cache" in outputs[0]


def test_a_dangling_link_in_the_cache_folder_does_not_create_a_file_outside(tmp_path):
    root = write_repo(tmp_path / "repo", FILES)
    (root / CACHE_DIR).mkdir()
    outside = tmp_path / "outside-ignore"
    (root / CACHE_DIR / ".gitignore").symlink_to(outside)
    cli_ok(root, "list")
    assert not outside.exists()
    assert (root / CACHE_DIR / "index.json").is_file()  # the cache itself still works


def test_a_cache_file_that_is_a_link_is_neither_read_nor_written_through(tmp_path):
    root = write_repo(tmp_path / "repo", FILES)
    cli_ok(root, "list")
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("kept")
    index = root / CACHE_DIR / "index.json"
    index.unlink()
    index.symlink_to(elsewhere)
    assert "API errors" in cli_ok(root, "list").output
    assert elsewhere.read_text() == "kept"
    assert not index.is_symlink() and index.is_file()  # replaced by a file of its own


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder away needs root")
def test_a_cache_folder_someone_else_owns_is_not_used(tmp_path):
    root = write_repo(tmp_path / "repo", FILES)
    folder = root / CACHE_DIR
    folder.mkdir()
    os.chown(folder, 4321, 4321)
    result = cli_ok(root, "list")
    assert "owned by another user; not using statusgen's cache" in result.output
    assert list(folder.iterdir()) == []
