"""`statusgen init` with hostile input: a site URL that would break out of an HTML attribute, a
target or a folder inside it that is a symbolic link. Clear errors, nothing written elsewhere."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from statusgen.cli import main

NOW = "2026-11-28T05:00:00Z"


def init(target: Path, *extra: str):
    return CliRunner().invoke(
        main, ["--now", NOW, "init", str(target), "--company", "Acme", "-c", "api=API", "--yes", *extra]
    )


def test_init_refuses_a_site_url_that_breaks_out_of_an_attribute(tmp_path):
    target = tmp_path / "status"
    result = init(target, "--site-url", 'https://status.example/"><script>alert(1)</script><x y="')
    assert result.exit_code == 1
    assert "the site URL contains '\"', which a URL never holds" in result.output
    assert "Traceback" not in result.output
    assert not target.exists()


def test_init_refuses_a_site_url_without_a_web_scheme_or_host(tmp_path):
    for url in ("javascript:alert(1)", "https:///x", "status.example.com"):
        result = init(tmp_path / "status", "--site-url", url)
        assert result.exit_code == 1 and "the site URL" in result.output, (url, result.output)


def test_init_never_writes_through_a_linked_folder_inside_the_target(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = tmp_path / "status"
    target.mkdir()
    (target / ".github").symlink_to(elsewhere)
    result = init(target, "--force")
    assert result.exit_code == 1
    assert ".github in" in result.output and "is a symbolic link" in result.output
    assert "init never writes through a link, so it wrote nothing" in result.output
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == [".github"]


def test_init_into_a_link_is_a_clear_error(tmp_path):
    target = tmp_path / "status"
    target.symlink_to(tmp_path / "nowhere")  # dangling
    result = init(target)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is a symbolic link; init never writes through a link" in result.output
    assert not (tmp_path / "nowhere").exists()
    real = tmp_path / "real"
    real.mkdir()
    target.unlink()
    target.symlink_to(real)
    result = init(target)
    assert result.exit_code == 1 and "is a symbolic link" in result.output
    assert list(real.iterdir()) == []


def test_the_ignore_rules_init_writes_cover_a_cache_that_is_a_link(tmp_path):
    target = tmp_path / "status"
    assert init(target).exit_code == 0
    rules = (target / ".gitignore").read_text().splitlines()
    assert "/.statusgen-cache" in rules  # no trailing slash: a link of that name is ignored as well
