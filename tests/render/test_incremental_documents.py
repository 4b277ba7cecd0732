"""The internal site's runbook, postmortem and list pages (rendered by mkdocs) under records: a
rebuild renders again only those whose inputs changed, and after any kind of change the site is
byte for byte what a full build from an empty cache gives."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW, ROOT, copy_example
from test_incremental import OPEN, files_of, full_build, same_trees, statusgen

from statusgen.build import build_sites
from statusgen.cache.store import CACHE_DIR
from statusgen.render.page_records import MkdocsPageRecords

RUNBOOK = "runbooks/webhooks/webhook-delivery-backlog.md"  # the runbook OPEN names
OTHER_RUNBOOK = "runbooks/auth/sso-login-failures.md"
POSTMORTEM = "incidents/2026/2026-10-14-api-outage.postmortem.md"


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """URLs of the mkdocs pages a build rendered (not kept from the previous build)."""
    found: list[str] = []
    real = MkdocsPageRecords.rendered

    def counting(self, page, output):
        if output.strip():
            found.append(page.url)
        return real(self, page, output)

    monkeypatch.setattr(MkdocsPageRecords, "rendered", counting)
    return found


@pytest.fixture
def repo(tmp_path) -> Path:
    return copy_example(tmp_path / "repo")


def build_internal(repo: Path, out: Path, now=NOW) -> None:
    build_sites(repo, now, out=out, sites=["internal"])


# The URL of a runbook's page (runbooks/SERVICE/NAME/) or of a postmortem's (postmortems/ID/).
DOCUMENT = re.compile(r"runbooks/[^/]+/[^/]+/|postmortems/\d{4}-\d\d-\d\d-[^/]+/")


def documents(urls: list[str]) -> list[str]:
    return sorted(url for url in urls if DOCUMENT.fullmatch(url))


def test_an_update_renders_again_only_the_documents_that_show_the_incident(repo, tmp_path, rendered):
    out = tmp_path / "out"
    build_internal(repo, out)
    assert "runbooks/webhooks/webhook-delivery-backlog/" in rendered
    assert len(documents(rendered)) == 14  # 8 runbooks, 6 postmortems
    lists = sorted(set(rendered) - set(documents(rendered)))
    rendered.clear()
    build_internal(repo, out)  # nothing changed: only the lists and the home page (they say when) are rendered
    assert sorted(rendered) == lists
    statusgen(repo, "update", OPEN, "--stage", "monitoring", "-m", "Draining.", now=NOW + timedelta(minutes=5))
    rendered.clear()
    build_internal(repo, out)
    # A runbook's page lists the incidents that used it by date, title and severity: an update
    # changes none of those, so no document is rendered again.
    assert documents(rendered) == []
    _edit(repo / "incidents/2026" / f"{OPEN}.yaml", "title: ", "title: Renamed, ")
    before = files_of(out)
    rendered.clear()
    build_internal(repo, out)
    # A new title: the runbook the incident names lists it; no other document is rendered.
    assert documents(rendered) == ["runbooks/webhooks/webhook-delivery-backlog/"]
    assert "Renamed, " in (out / "runbooks/webhooks/webhook-delivery-backlog/index.html").read_text()
    after = files_of(out)
    assert after["runbooks/auth/sso-login-failures/index.html"] == before["runbooks/auth/sso-login-failures/index.html"]
    same_trees(out, full_build(repo, tmp_path / "full", ["internal"]))


def test_only_document_pages_drop_the_build_time(repo, tmp_path):
    out = tmp_path / "out"
    build_internal(repo, out)
    as_of = "Built by statusgen from the status repository as of 22 Nov 2026, 16:00 UTC."
    assert as_of in (out / "index.html").read_text()
    assert as_of in (out / "metrics" / "index.html").read_text()
    for page in ("runbooks/auth/sso-login-failures/", "postmortems/2026-10-14-api-outage/"):
        text = (out / page / "index.html").read_text()
        assert "Built by statusgen from the status repository." in text and as_of not in text


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, path
    path.write_text(text.replace(old, new, 1))


def _runbook_body(repo: Path) -> str:
    path = repo / OTHER_RUNBOOK
    text = path.read_text()
    path.write_text(text + "\n## Afterwards\n\nWrite down what helped.\n")
    return "Write down what helped."


def _runbook_title(repo: Path) -> str:
    """A title other pages show: in the sidebar of its service's other runbook."""
    path = repo / "runbooks/api/api-error-rate.md"
    title = next(line for line in path.read_text().splitlines() if line.startswith("title:"))
    _edit(path, title, "title: API errors above budget")
    return "API errors above budget"


def _postmortem(repo: Path) -> str:
    path = repo / POSTMORTEM
    path.write_text(path.read_text() + "\nOne more lesson: page the database owner sooner.\n")
    return "page the database owner sooner"


def _override(repo: Path) -> str:
    packaged = (ROOT / "statusgen/theme/internal/runbook.html").read_text()
    (repo / "overrides/internal").mkdir(parents=True, exist_ok=True)
    (repo / "overrides/internal/runbook.html").write_text(
        packaged.replace("{% block article %}", "{% block article %}<p>Team note.</p>", 1)
    )
    return "Team note."


def _config(repo: Path) -> str:
    _edit(repo / "mkdocs.yml", "copyright:", "copyright: Renamed, Inc. #")
    return "Renamed, Inc."


def _alert_rule(repo: Path) -> str:
    _edit(repo / "prometheus/rules/ledgerline.yml", "More than 1% of API responses are 5xx", "API 5xx above 1%")
    return "API 5xx above 1%"


CHANGES = {
    "alert-rule": (_alert_rule, "runbooks/alerts/apierrorratehigh/index.html"),
    "runbook-body": (_runbook_body, "runbooks/auth/sso-login-failures/index.html"),
    "runbook-title": (_runbook_title, "runbooks/api/api-high-latency/index.html"),
    "postmortem": (_postmortem, "postmortems/2026-10-14-api-outage/index.html"),
    "override": (_override, "runbooks/auth/sso-login-failures/index.html"),
    "mkdocs.yml": (_config, "runbooks/auth/sso-login-failures/index.html"),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_after_each_kind_of_change_the_site_is_a_full_builds(repo, tmp_path, change):
    out = tmp_path / "out"
    build_internal(repo, out)
    edit, page = CHANGES[change]
    shown = edit(repo)
    build_internal(repo, out)
    assert shown in (out / page).read_text()
    same_trees(out, full_build(repo, tmp_path / "full", ["internal"]))


def test_an_incidents_page_counts_by_its_file_and_a_runbook_link_by_what_it_shows(repo, tmp_path, monkeypatch):
    """An internal incident page's record takes the incident by its file (its view's other values
    are digested as they are), and the runbooks it links by their address and title: a hand edit
    of the file, or a new title of a runbook it names, renders the page again; nothing else does."""
    from statusgen.render import frame

    out = tmp_path / "out"
    build_internal(repo, out)
    pages: list[str] = []
    real = frame.Frame.fill
    monkeypatch.setattr(
        frame.Frame, "fill", lambda self, t, page, *a: pages.append(page.url) or real(self, t, page, *a)
    )

    def rebuild() -> list[str]:
        pages.clear()
        build_internal(repo, out)
        return sorted(url for url in pages if url.startswith("incidents/") and url.count("/") == 2)

    assert rebuild() == []
    resolved = repo / "incidents/2026/2026-10-14-api-outage.yaml"
    text = resolved.read_text()
    assert "\ndrill: " not in text
    resolved.write_text(text.replace("\nkind: incident\n", "\nkind: incident\ndrill: true\n", 1))
    assert rebuild() == ["incidents/2026-10-14-api-outage/"]
    assert "drill" in (out / "incidents/2026-10-14-api-outage/index.html").read_text().lower()

    runbook = repo / RUNBOOK
    runbook.write_text(
        re.sub(r"^title: .*$", "title: Webhook backlog, retitled", runbook.read_text(), count=1, flags=re.M)
    )
    assert OPEN in " ".join(rebuild())  # the open incident names that runbook
    assert "Webhook backlog, retitled" in (out / f"incidents/{OPEN}/index.html").read_text()
    same_trees(out, full_build(repo, tmp_path / "full", sites=["internal"]))


def test_a_resolved_incidents_page_is_kept_without_its_view_until_its_postmortem_falls_due(repo, tmp_path, monkeypatch):
    """The view of an incident resolved in its file is keyed by that file, its postmortem and the
    runbooks it links: a rebuild keeps such a page without making its view, and the clock making
    its postmortem overdue renders it again."""
    from statusgen.internal.pages import InternalPages

    sso = "2026-11-22-sso-login-failures"  # SEV2, open in the example: resolved here, no postmortem
    statusgen(repo, "update", sso, "--stage", "resolved", "-m", "Fixed.", now=NOW + timedelta(minutes=1))
    out = tmp_path / "out"
    later = NOW + timedelta(minutes=2)
    build_internal(repo, out, now=later)
    made: list[str] = []
    real = InternalPages.incident_view
    monkeypatch.setattr(InternalPages, "incident_view", lambda self, i: made.append(i.id) or real(self, i))
    build_internal(repo, out, now=later + timedelta(minutes=1))
    active = {p.stem for p in (repo / "incidents").rglob("*.yaml") if "stage: resolved" not in p.read_text()}
    assert len(set(made) - active) <= 2  # the pages that make the frame: the first two of their kind
    page = out / f"incidents/{sso}/index.html"
    assert "Postmortem overdue" not in page.read_text()

    due = later + timedelta(hours=49)
    made.clear()
    build_internal(repo, out, now=due)
    assert sso in made and "Postmortem overdue" in page.read_text()
    shutil.rmtree(repo / CACHE_DIR)
    build_internal(repo, tmp_path / "full", now=due)
    same_trees(out, tmp_path / "full")
