"""The internal site's runbook and postmortem pages keep their Markdown conversion from the
previous build while their text, the build's inputs and the build's files are the same
(statusgen/render/kept_markdown.py): real builds of the example, and after every change the
site equals a full build from an empty cache."""

from __future__ import annotations

import logging
import re

import pytest
from conftest import NOW, copy_example
from mkdocs.structure.pages import Page
from test_incremental import full_build, same_trees

from statusgen.build import build_sites

RUNBOOK = "runbooks/webhooks/webhook-delivery-backlog.md"
RUNBOOK_URI = "runbooks/webhooks/webhook-delivery-backlog.md"  # its src_uri on the internal site


@pytest.fixture
def converted(monkeypatch) -> list[str]:
    """src_uri of every page mkdocs converted from Markdown in a build."""
    found: list[str] = []
    real = Page.render

    def counting(self, config, files):
        found.append(self.file.src_uri)
        return real(self, config, files)

    monkeypatch.setattr(Page, "render", counting)
    return found


@pytest.fixture
def repo(tmp_path):
    return copy_example(tmp_path / "repo")


def build_internal(repo, out) -> None:
    build_sites(repo, NOW, out=out, sites=["internal"])


# The source of a runbook's page (runbooks/SERVICE/NAME.md) or of a postmortem's (postmortems/ID.md).
DOCUMENT = re.compile(r"runbooks/(?!alerts/)[^/]+/[^/]+\.md|postmortems/\d{4}-\d\d-\d\d-[^/]+\.md")


def documents(uris: list[str]) -> list[str]:
    return sorted(u for u in uris if DOCUMENT.fullmatch(u))


def test_an_unchanged_document_is_not_converted_again_and_an_edited_one_is(repo, tmp_path, converted, monkeypatch):
    import statusgen.internal.site as internal_site

    sanitized: list[str] = []  # what the internal site sanitized of converted documents
    real_sanitize = internal_site.sanitize_html

    def counting(html, *args, **kwargs):
        sanitized.append(html)
        return real_sanitize(html, *args, **kwargs)

    monkeypatch.setattr(internal_site, "sanitize_html", counting)
    out = tmp_path / "out"
    build_internal(repo, out)
    first = documents(converted)
    assert len(first) == 14  # 8 runbooks, 6 postmortems
    assert len([h for h in sanitized if h.strip()]) >= 14
    converted.clear()
    sanitized.clear()
    build_internal(repo, out)
    assert documents(converted) == []  # every conversion kept, and its sanitized HTML with it
    assert [h for h in sanitized if h.strip()] == []
    same_trees(out, full_build(repo, tmp_path / "full-1", sites=("internal",)))

    build_internal(repo, out)  # records again (the full build above emptied the cache)
    path = repo / RUNBOOK
    path.write_text(path.read_text().replace("## ", "## Edited: ", 1))
    converted.clear()
    build_internal(repo, out)
    assert [u for u in documents(converted) if u.startswith("runbooks/")] == [
        u for u in first if u.startswith("runbooks/webhooks/webhook-delivery-backlog")
    ]
    assert "Edited: " in (out / "runbooks/webhooks/webhook-delivery-backlog/index.html").read_text()
    same_trees(out, full_build(repo, tmp_path / "full-2", sites=("internal",)))


def test_what_mkdocs_said_converting_a_kept_page_is_said_again_and_a_new_file_converts_it_again(
    repo, tmp_path, converted, caplog
):
    """A link to a page that does not exist: mkdocs says so while converting. A rebuild that
    keeps the conversion says it again (so a strict build still fails on it); once the page
    exists, the build's files differ and the page is converted again, without the warning."""
    path = repo / RUNBOOK
    path.write_text(path.read_text() + "\nSee [the replay guide](replay-guide.md).\n")
    out = tmp_path / "out"
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        build_internal(repo, out)
    said = [r for r in caplog.records if "replay-guide.md" in r.getMessage()]
    assert said, "mkdocs said nothing of the missing page"
    caplog.clear()
    converted.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        build_internal(repo, out)
    assert documents(converted) == []
    again = [r for r in caplog.records if "replay-guide.md" in r.getMessage()]
    assert [(r.name, r.levelno, r.getMessage()) for r in again] == [(r.name, r.levelno, r.getMessage()) for r in said]

    guide = path.parent / "replay-guide.md"
    front = path.read_text().split("---\n")[1].replace("Webhook delivery backlog", "Replay guide")
    front = "".join(line for line in front.splitlines(keepends=True) if not line.startswith("alerts:"))
    guide.write_text(f"---\n{front}---\n\n## Steps\n\nReplay.\n")
    caplog.clear()
    converted.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        build_internal(repo, out)
    assert RUNBOOK_URI in converted
    assert not [r for r in caplog.records if "replay-guide.md" in r.getMessage() and r.levelno >= logging.WARNING]
    same_trees(out, full_build(repo, tmp_path / "full", sites=("internal",)))


def test_with_an_extension_that_reads_other_files_every_page_is_converted(repo, tmp_path, converted):
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text() + "\nmarkdown_extensions:\n  - pymdownx.snippets\n")
    out = tmp_path / "out"
    build_internal(repo, out)
    converted.clear()
    build_internal(repo, out)
    assert len(documents(converted)) == 14


def test_a_strict_build_still_fails_on_a_broken_link_in_a_kept_page(repo, tmp_path, converted):
    """mkdocs counts the warnings said again for a kept conversion, and --strict stops on them."""
    from statusgen.core.errors import StatusgenError

    path = repo / RUNBOOK
    path.write_text(path.read_text() + "\nSee [the replay guide](replay-guide.md).\n")
    out = tmp_path / "out"
    build_internal(repo, out)
    converted.clear()
    with pytest.raises(StatusgenError) as caught:
        build_sites(repo, NOW, out=out, sites=["internal"], strict=True)
    assert documents(converted) == []  # the conversion was kept, and still the build stopped
    assert caught.value.format_message() == "building the internal site failed: Aborted with 1 warnings in strict mode!"
