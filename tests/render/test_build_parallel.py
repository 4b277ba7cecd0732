"""Both sites at once: the site built in a forked child reports its failure like the parent would."""

from __future__ import annotations

import pytest
from conftest import NOW, copy_example

import statusgen.build as build
from statusgen.core.errors import StatusgenError
from statusgen.render import fork as parallel


@pytest.mark.parametrize(
    "error, message",
    [(StatusgenError("building the public site failed: boom"), "building the public site failed: boom"),
     (RuntimeError("unexpected"), "RuntimeError: unexpected")],
)  # fmt: skip
def test_a_failure_in_the_child_is_raised_by_the_parent(tmp_path, monkeypatch, error, message):
    # The child really runs, whatever threads the test runner keeps (a module's server reader, say).
    monkeypatch.setattr(parallel, "available", lambda: True)
    root = copy_example(tmp_path / "repo")
    real = build._build_one

    def failing(root, repo, now, site, target, strict):
        if site == "public":
            raise error
        real(root, repo, now, site, target, strict)

    monkeypatch.setattr(build, "_build_one", failing)
    with pytest.raises(StatusgenError) as caught:
        build.build_sites(root, NOW, out=tmp_path / "out")
    assert caught.value.format_message() == message
    assert (tmp_path / "out/internal/index.html").is_file()  # the other site was still built
    assert not (tmp_path / "out/public").exists()
