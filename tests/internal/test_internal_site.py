"""The internal site, built for real (both sites, as `statusgen build` does) and read back."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from conftest import NOW, SMALL_CONFIG, copy_example, write_repo
from conftest import NOW as EXAMPLE_NOW
from repos import INTERNAL_FILES, internal_repo

from statusgen.build import build_sites

CANARIES = (
    "CANARY-NOTE-7f3a",  # an internal note
    "CANARY-NOTE-b2c4",  # an internal note, in an incident with a postmortem
    "CANARY-RUNBOOK-3d9e",  # a runbook body
    "CANARY-POSTMORTEM-55e1",  # a postmortem body
    "CANARY-ACTION-91d0",  # a postmortem action item
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("internal-site")
    root = internal_repo(base)
    result = build_sites(root, NOW, out=base / "site")
    assert set(result.outputs) == {"public", "internal"}
    return base / "site"


@pytest.fixture(scope="module")
def site(built):
    return built / "internal"


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text()


def text_of(html: str) -> str:
    """The visible text of the article, tags removed and spaces collapsed."""
    article = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    article = re.sub(r"</?(strong|em|code|a|span)\b[^>]*>", "", article)
    return " ".join(re.sub(r"<[^>]+>", " ", article).split())


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html.split('<article class="md-content__inner', 1)[1])


def all_text(directory: Path) -> str:
    chunks = []
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            chunks.append(data.decode("utf-8", "replace"))
    return "\n".join(chunks)


def test_canaries_appear_in_the_internal_site_and_never_in_the_public_one(built):
    internal, public = all_text(built / "internal"), all_text(built / "public")
    assert (built / "public" / "index.html").is_file()
    for canary in CANARIES:
        assert canary in internal, canary
        assert canary not in public, canary
    for internal_only in ("team-data", "Automate failover", "Database down", "postmortem"):
        assert internal_only not in public, internal_only


def test_runbook_page(site):
    html = page(site, "runbooks/api/api-errors")
    text = text_of(html)
    assert text.startswith("API errors Service Owner Severity Alerts Last reviewed Review due api team-api SEV2")
    assert "2026-10-01 2026-12-30 (every 90 days)" in text
    assert "Review overdue" not in text
    for heading in ("Symptoms", "Impact", "Diagnosis", "Mitigation", "Recovery", "Escalation", "What NOT to do"):
        assert f">{heading}<" in html
    assert '<div class="highlight"><pre><span></span><code><span class="gp">$ </span>' in html or "promql" in html
    assert "Incidents that used this runbook" in text
    assert "2026-11-20: API errors (SEV3)" in text
    assert "2026-10-31: Database unavailable (SEV1), postmortem" in text
    links = hrefs(html)
    assert "../../alerts/apierrorratehigh/" in links and "../../alerts/apigateway5xx/" in links
    assert "../../../incidents/2026-11-20-api-errors/" in links
    assert "../../../postmortems/2026-10-31-db-outage/" in links


def test_stale_runbook_is_flagged_on_its_page_and_in_the_list(site):
    assert "Review overdue Last reviewed 2026-05-01; a review was due 2026-07-30 (115 days ago)." in text_of(
        page(site, "runbooks/db/db-down")
    )
    listing = text_of(page(site, "runbooks"))
    assert "2 runbooks; 1 past their review date." in listing
    assert "Database down team-data SEV1 PostgresDown 2026-05-01 overdue 2026-07-30" in listing


def test_every_alert_has_a_page_leading_to_its_runbook(site):
    html = page(site, "runbooks/alerts/apigateway5xx")
    assert text_of(html).startswith("APIGateway5xx Runbook: API errors (service api, owner team-api, severity SEV2).")
    assert "../../api/api-errors/" in hrefs(html)
    assert "../../api/api-errors/#user-content-mitigation" in hrefs(html)
    assert "../apierrorratehigh/" in hrefs(html)
    assert "Review overdue" in text_of(page(site, "runbooks/alerts/postgresdown"))


def test_alerts_json_maps_every_alert_to_its_page(site):
    data = json.loads((site / "runbooks/alerts.json").read_text())
    assert data == {
        "APIErrorRateHigh": "/runbooks/alerts/apierrorratehigh/",
        "APIGateway5xx": "/runbooks/alerts/apigateway5xx/",
        "PostgresDown": "/runbooks/alerts/postgresdown/",
    }
    for url in data.values():
        assert (site / url.strip("/") / "index.html").is_file()


def test_incident_page_has_notes_runbooks_and_postmortem(site):
    html = page(site, "incidents/2026-10-31-db-outage")
    text = text_of(html)
    assert "CANARY-NOTE-b2c4 primary lost its disk" in text
    assert "Commander dana" in text and "Role: communications erin" in text
    assert "Mitigated 1 Nov 2026, 00:30 UTC" in text
    assert "Database Major outage 31 Oct 2026, 23:30 UTC 1 Nov 2026, 01:00 UTC 1 h 30 min" in text
    assert "../../runbooks/db/db-down/" in hrefs(html)
    assert "../../postmortems/2026-10-31-db-outage/" in hrefs(html)
    drill = text_of(page(site, "incidents/2026-11-15-api-drill"))
    assert drill.startswith("API drill Drill A planned exercise")
    missing = text_of(page(site, "incidents/2026-11-20-api-latency"))
    assert "Postmortem overdue SEV2 resolved 20 Nov 2026, 12:00 UTC without a postmortem." in missing


def test_postmortem_page_links_back_and_lists_action_items(site):
    html = page(site, "postmortems/2026-10-31-db-outage")
    text = text_of(html)
    assert "../../incidents/2026-10-31-db-outage/" in hrefs(html)
    assert "AI-3 Automate failover CANARY-ACTION-91d0 prevent P1 frank 2026-11-10 Open overdue OPS-3" in text
    assert "AI-4 Write the failover drill plan process P3 grace 2026-12-01 In progress -" in text
    assert "AI-5 Move to a managed database prevent P4 dana 2026-12-20 Won&#39;t do -" in text  # escaped, as every text
    # The table scrolls sideways in its own box on a narrow screen.
    assert (
        '<div class="sg-table sg-table--items" role="region" tabindex="0" aria-label="Action items"><table>\n'
        "      <thead><tr><th>ID</th><th>Action</th>" in html
    )
    assert "CANARY-POSTMORTEM-55e1" in text


def test_archive_by_month_severity_and_component(site):
    text = text_of(page(site, "postmortems"))
    assert "2 postmortems." in text
    assert "1 postmortem missing" in text and "Slow API" in text
    entry = "2026-10-31: Database unavailable (SEV1, published, 2 open action items)"
    assert (
        f"By month November 2026 2026-11-15: API drill (SEV2, draft, 1 open action item) drill October 2026 {entry}"
        in text
    )
    assert f"By severity SEV1: Critical {entry} SEV2: Major 2026-11-15: API drill" in text
    assert f"By component API 2026-11-15: API drill (SEV2, draft, 1 open action item) drill Database {entry}" in text


def test_action_items_page_overdue_first_and_missing_postmortems(site):
    text = text_of(page(site, "action-items"))
    assert "3 open action items, 2 overdue" in text
    assert "Completion: 2 of 4 done (50%; target 90%" in text
    first = text.index(
        "overdue 12 d 2026-11-10 frank AI-3 Automate failover CANARY-ACTION-91d0 (prevent, OPS-3) P1 Open"
    )
    second = text.index("overdue 6 d 2026-11-16 carol AI-1 Drill follow-up (process) P3 Open 2026-11-15-api-drill")
    third = text.index("2026-12-01 grace AI-4")
    assert first < second < third
    assert "Slow API SEV2 20 Nov 2026, 12:00 UTC 4 h statusgen postmortem 2026-11-20-api-latency" in text


def test_metrics_page(site):
    html = page(site, "metrics")
    text = text_of(html)
    assert "5 incidents counted; drills (1) and scheduled maintenance are left out." in text
    assert "MTTD (time to detect): mean of detected_at − impact_start." in text
    assert "All 8.8 min (4 of 5) 5.7 min (3 of 5) 1 h (2 of 5) 1 h 17 min (4 of 5) 12 d 1 h (4 of 5)" in text
    assert "SEV2 10 min (2 of 2) 10 min (1 of 2) 1 h (1 of 2) 1 h 30 min (1 of 2) 2 d 3 h (1 of 2)" in text
    assert (
        "Availability here weighs each minute the way the public uptime does: major outage counts as down, "
        "partial outage as 30% down, degraded performance and maintenance as up." in text
    )
    assert "API 99.9% 99.951% 21 min 43.2 min 49% OK" in text
    assert "Website 99.5% 99.722% 2 h 3 h 36 min 56% 50% used" in text
    assert "Completion rate: 50.0% (2 of 4 done), which is below the 90% target." in text
    # The chart is inline SVG made at build time: no script needed to read it.
    chart = html.split('<div class="sg-chart">', 1)[1].split("</div>", 1)[0]
    assert chart.startswith("<svg") and "<script" not in chart
    assert "<title>October 2026: 1 SEV1</title>" in chart and "<title>November 2026: 2 SEV2</title>" in chart
    assert "October 2026 1 0 0 1 2" in text  # the same numbers as a table


def test_metrics_figures_are_truncated_and_say_what_they_mean(site):
    text = text_of(page(site, "metrics"))
    # 90 min down in 30 days is 99.7916...%: truncated, never rounded up to 99.792%.
    assert "Database 99.95% 99.791% 1 h 30 min" in text
    assert "99.792%" not in text and "100.000%" not in text
    assert "October 2026 Availability from 1 Oct 2026, 00:00 UTC to 1 Nov 2026, 00:00 UTC, weighted as above" in text
    assert (
        "Availability over the 30 days from 23 Oct 2026, 16:00 UTC to 22 Nov 2026, 16:00 UTC, weighted as above; "
        "maintenance and drills left out." in text
    )
    assert "November 2026 (so far; the budget is for the whole month) Availability from 1 Nov 2026, 00:00 UTC" in text
    assert "Means over all 5 counted incidents" in text


def test_metrics_page_takes_the_weights_from_the_config(tmp_path):
    config = SMALL_CONFIG + "      downtime_weights: {partial_outage: 0.5, degraded_performance: 0.25}\n"
    root = write_repo(tmp_path / "repo", INTERNAL_FILES, config=config)
    build_sites(root, NOW, sites=["internal"], out=tmp_path / "out")
    text = text_of(page(tmp_path / "out", "metrics"))
    assert (
        "major outage counts as down, partial outage as 50% down, degraded performance as 25% down, "
        "maintenance as up." in text
    )
    # api: 70 min partial (0.5), then 50 more min degraded (0.25): 35 + 12.5 = 47.5 min of 30 days.
    assert "API 99.9% 99.890% 47.5 min 43.2 min 110% Exhausted" in text


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("example")
    root = copy_example(base / "repo")
    build_sites(root, EXAMPLE_NOW, out=base / "site")
    return root, base / "site"


def test_example_content_builds_the_whole_internal_site(example_site):
    from statusgen.sources.config import load_config
    from statusgen.sources.runbooks import load_runbooks

    root, built = example_site
    site = built / "internal"
    runbooks, _ = load_runbooks(load_config(root))
    alerts = json.loads((site / "runbooks/alerts.json").read_text())
    assert sorted(alerts) == sorted(a for r in runbooks for a in r.alerts)
    for runbook in runbooks:
        assert (site / "runbooks" / runbook.rel[:-3] / "index.html").is_file()
    for url in alerts.values():
        assert (site / url.strip("/") / "index.html").is_file()
    for name in ("metrics", "action-items", "postmortems", "incidents", "runbooks/alerts"):
        assert (site / name / "index.html").is_file()
    assert (site / "postmortems/2026-10-14-api-outage/index.html").is_file()
    # Internal notes of the example incidents stay out of the public site.
    public = all_text(built / "public")
    assert "FATAL too many connections" in all_text(site)
    assert "FATAL too many connections" not in public
    assert "LED-1399" not in public  # an action item ticket


def test_search_covers_runbooks_alerts_postmortems_and_incidents(example_site):
    _, built = example_site
    index = json.loads((built / "internal/search/search_index.json").read_text())

    def found(words):
        return {doc["location"].split("#")[0] for doc in index["docs"] if words in doc["text"]}

    assert "runbooks/api/api-high-latency/" in found("fires when p95 latency")
    assert "postmortems/2026-10-14-api-outage/" in found("renamed the setting")
    assert "incidents/2026-10-14-api-outage/" in found("FATAL too many connections")
    # An alert by its name, by what its rule says, and by its runbook's title.
    alert = "runbooks/alerts/apierrorratehigh/"
    assert [d["title"] for d in index["docs"] if d["location"] == alert] == ["APIErrorRateHigh"]
    assert alert in found("More than 1% of API responses are 5xx") and alert in found("API error rate high")


def test_example_build_is_reproducible(example_site, tmp_path):
    root, built = example_site
    build_sites(root, EXAMPLE_NOW, sites=["internal"], out=tmp_path / "again")
    first = {p.relative_to(built / "internal"): p.read_bytes() for p in (built / "internal").rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "again"): p.read_bytes() for p in (tmp_path / "again").rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_a_repository_without_runbooks_or_postmortems_builds(small_repo, tmp_path):
    (small_repo / "incidents/2026/2026-11-20-api-errors.yaml").write_text(
        (small_repo / "incidents/2026/2026-11-20-api-errors.yaml")
        .read_text()
        .replace("commander: carol", "runbooks: [gone]")
    )
    build_sites(small_repo, NOW, sites=["internal"], out=tmp_path / "out")
    site = tmp_path / "out"
    assert json.loads((site / "runbooks/alerts.json").read_text()) == {}
    assert "0 runbooks; 0 past their review date." in text_of(page(site, "runbooks"))
    assert "Runbooks used gone (not found)" in text_of(page(site, "incidents/2026-11-20-api-errors"))
    assert "0 open action items, 0 overdue" in text_of(page(site, "action-items"))


PASSED_MAINTENANCE = """\
id: 2026-11-21-web-maintenance
title: Website maintenance
kind: maintenance
components: [web]
scheduled_for: 2026-11-21T02:00:00Z
scheduled_until: 2026-11-21T03:00:00Z
updates:
  - at: 2026-11-20T09:00:00Z
    stage: scheduled
    message: We will move the website to new servers.
"""


@pytest.mark.parametrize(("auto_complete", "stage"), [(True, "completed"), (False, "in_progress")])
def test_a_passed_maintenance_window_shows_as_on_the_public_site(small_repo, tmp_path, auto_complete, stage):
    (small_repo / "incidents/2026/2026-11-21-web-maintenance.yaml").write_text(PASSED_MAINTENANCE)
    if not auto_complete:
        config = small_repo / "mkdocs.yml"
        config.write_text(config.read_text() + "      maintenance_auto_complete: false\n")
    build_sites(small_repo, NOW, out=tmp_path / "out")
    site = tmp_path / "out/internal"
    text = text_of(page(site, "incidents/2026-11-21-web-maintenance"))
    assert f"Stage {stage}" in text
    assert "21 Nov 2026, 02:00 UTC: in progress automatic Added by statusgen from the maintenance window" in text
    assert ("21 Nov 2026, 03:00 UTC: completed automatic" in text) is auto_complete
    assert f"Website maintenance maintenance - {stage} " in text_of(page(site, "incidents"))
    summary = json.loads((tmp_path / "out/public/api/v2/scheduled-maintenances.json").read_text())
    assert summary["scheduled_maintenances"][0]["status"] == stage  # the public site agrees


def test_alert_page_without_rule_files_says_so_and_shows_the_runbook_sections(site):
    html = page(site, "runbooks/alerts/apigateway5xx")
    text = text_of(html)
    assert "Alerting rule No rule file defines this alert here: this site is built without alerting rules." in text
    assert "When it fires CANARY-RUNBOOK-3d9e: 5xx above 2%." in text
    assert (
        "First steps The first steps of the runbook's Mitigation; read it whole before you go further. Roll back."
        in text
    )
    assert "Rollback Nothing." in text
    assert "Recent incidents 2026-11-20: API errors (SEV3) 2026-10-31: Database unavailable (SEV1), postmortem" in text
    assert "../../api/api-errors/#user-content-mitigation" in hrefs(html)


def test_alert_page_with_rule_files(tmp_path):
    from repos import ALERT_RULES

    config = SMALL_CONFIG.replace(
        "      company: Acme\n", "      company: Acme\n      alert_rules: [prometheus/*.yml]\n"
    )
    drill_used = INTERNAL_FILES["incidents/2026/2026-11-15-api-drill.yaml"].replace(
        "drill: true\n", "drill: true\nrunbooks: [api-errors]\n"
    )
    files = {
        **INTERNAL_FILES,
        "prometheus/api.yml": ALERT_RULES,
        "incidents/2026/2026-11-15-api-drill.yaml": drill_used,
    }
    root = write_repo(tmp_path / "repo", files, config=config)
    build_sites(root, NOW, sites=["internal"], out=tmp_path / "out")
    html = page(tmp_path / "out", "runbooks/alerts/apierrorratehigh")
    text = text_of(html)
    assert "Alerting rule rate(errors[5m]) &gt; 0.02 Severity - For - (fires at once) Labels -" in text
    assert "Defined in prometheus/api.yml:4 (group api)" in text
    assert "<code>rate(errors[5m]) &gt; 0.02</code>" in html
    # The drill is listed, and marked as one.
    assert "Recent incidents 2026-11-20: API errors (SEV3) 2026-11-15: API drill (SEV2, drill)" in text
    # PostgresDown is named by a runbook, and no rule file given defines it.
    missing = text_of(page(tmp_path / "out", "runbooks/alerts/postgresdown"))
    assert "No rule file defines this alert. The site reads alerting rules from prometheus/*.yml" in missing
    assert "none of them has an alert named PostgresDown" in missing


def test_example_alert_pages_show_the_example_rules(example_site):
    _, built = example_site
    html = page(built / "internal", "runbooks/alerts/apihighlatencyp95")
    text = text_of(html)
    assert "Alerting rule API p95 latency above 800 ms histogram_quantile(0.95, sum by (le)" in text
    assert "Severity warning For 10m (the expression must hold this long before it fires)" in text
    assert 'Labels component="api" team="platform"' in text
    assert "Defined in prometheus/rules/ledgerline.yml:" in text
    assert "When it fires APIHighLatencyP95 fires when p95 latency of api stays above 800 ms" in text
    assert "1. Roll back a recent deploy." not in text and "Roll back a recent deploy." in text
    assert "Rollback Reset any HPA change" in text
    assert "Recent incidents 2026-10-27:" in text
    assert "No rule file defines this alert" not in all_text(built / "internal" / "runbooks" / "alerts")


def test_a_scaffolded_postmortem_page_has_no_empty_first_row(tmp_path):
    from click.testing import CliRunner

    from statusgen.cli import main

    root = internal_repo(tmp_path)
    result = CliRunner().invoke(
        main, ["-C", str(root), "--now", "2026-11-22T16:00:00Z", "postmortem", "2026-11-20-api-latency"]
    )
    assert result.exit_code == 0, result.output
    # The scaffold starts with a table without headings ("| | |"), which converts to an empty row.
    assert (root / "incidents/2026/2026-11-20-api-latency.postmortem.md").read_text().count("| | |") == 1
    build_sites(root, NOW, sites=["internal"], out=tmp_path / "out")
    html = page(tmp_path / "out", "postmortems/2026-11-20-api-latency")
    assert re.search(r"<th[^>]*>\s*</th>", html) is None
    assert re.search(r"<tr>\s*(<t[hd][^>]*>\s*</t[hd]>\s*)+</tr>", html) is None
    assert "<td>Incident</td>\n<td>2026-11-20-api-latency</td>" in html  # the table itself stays
    assert "<th>Figure</th>" in html  # tables with headings keep them


def test_internal_footer_says_which_site_it_is_and_when_it_was_built(tmp_path):
    hostile = SMALL_CONFIG.replace("company: Acme", "company: 'Acme <script>alert(1)</script>'").replace(
        "site_url:", "copyright: 'Acme & Co'\nsite_url:"
    )
    root = write_repo(tmp_path / "repo", INTERNAL_FILES, config=hostile)
    build_sites(root, NOW, out=tmp_path / "out")
    site = tmp_path / "out/internal"
    for path in ("index.html", "incidents/2026-11-20-api-errors/index.html", "metrics/index.html", "404.html"):
        html = (site / path).read_text()
        footer = html.split('<footer class="md-footer">', 1)[1].split("</footer>", 1)[0]
        text = " ".join(re.sub(r"<[^>]+>", " ", footer).split())
        # An incident page has no build time: it would make every one of them change at each build.
        built = "" if path.startswith("incidents/") else " as of 22 Nov 2026, 16:00 UTC"
        assert text == (
            "Acme &lt;script&gt;alert(1)&lt;/script&gt; internal : for the team only, not for customers. "
            "The public status page is built separately and shows none of this. Built by statusgen from the "
            f"status repository{built}. Acme &amp; Co"
        ), path
        assert "Made with" not in html and "squidfunk" not in footer, path
    # The public site keeps its own footer.
    public = (tmp_path / "out/public/index.html").read_text()
    assert "for the team only" not in public and "Made with" not in public


def test_metrics_page_gives_no_completion_verdict_without_action_items(tmp_path):
    root = write_repo(tmp_path / "repo", {})
    build_sites(root, NOW, sites=["internal"], out=tmp_path / "internal")
    text = text_of(page(tmp_path / "internal", "metrics/"))
    assert "No action items to count yet, so there is no completion rate (the target is 90%)." in text
    assert "is below the" not in text


def sidebar(html: str) -> str:
    """The primary navigation of a page."""
    return html.split('<nav class="md-nav md-nav--primary"', 1)[1].split('<div class="md-sidebar', 1)[0]


def test_a_runbook_pages_sidebar_holds_its_own_services_runbooks_and_the_other_services_as_links(site):
    nav = sidebar(page(site, "runbooks/api/api-errors"))
    assert "API errors" in nav and "Database down" not in nav  # material's navigation.prune
    assert re.search(r'href="../../db/db-down/"[^>]*>\s*(<span[^>]*>\s*)?db', nav), nav  # the other service: a link
    assert '"features": ["navigation.prune"]' in page(site, "runbooks/api/api-errors")


def test_a_team_that_expands_the_navigation_keeps_its_choice(tmp_path):
    root = internal_repo(tmp_path)
    config = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(
        config.replace("  name: material\n", "  name: material\n  features: [navigation.expand]\n")
    )
    assert "navigation.expand" in (root / "mkdocs.yml").read_text()
    build_sites(root, NOW, sites=("internal",), out=tmp_path / "out")
    html = (tmp_path / "out" / "runbooks" / "api" / "api-errors" / "index.html").read_text()
    assert '"features": ["navigation.expand"]' in html and "Database down" in sidebar(html)
