"""Figures clients and teams rely on, worked out by hand: resolve/reopen windows, reopening
without -c, exact availability, and one weight table for public uptime and internal budgets."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from click.testing import CliRunner
from conftest import SMALL_CONFIG, write_repo

from statusgen.cli import main
from statusgen.core.errors import ValidationError
from statusgen.core.status import weights_sentence
from statusgen.public.api import Api
from statusgen.sources.repository import load_repository
from statusgen.views import metrics
from statusgen.views.public import project

UTC = timezone.utc
NOW = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)

# Down 10:00-11:00, resolved, reopened 15:00, resolved 16:00; the resolved and reopened
# updates name no components (validate accepts that).
REOPENED = """\
id: 2026-11-22-web-down
title: Website down
kind: incident
severity: SEV2
components:
  web: major_outage
impact_start: 2026-11-22T10:00:00Z
updates:
  - at: 2026-11-22T10:00:00Z
    stage: investigating
    message: The website is down.
    components:
      web: major_outage
  - at: 2026-11-22T11:00:00Z
    stage: resolved
    message: Fixed.
  - at: 2026-11-22T15:00:00Z
    stage: investigating
    reopened: true
    message: It is down again.
  - at: 2026-11-22T16:00:00Z
    stage: resolved
    message: Fixed for good.
"""


def load(root):
    repo, problems = load_repository(root, now=NOW)
    assert not [p for p in problems if p.is_error], problems
    return repo


def test_time_between_a_resolve_and_a_reopen_is_not_downtime(tmp_path):
    repo = load(write_repo(tmp_path / "repo", {"incidents/2026/2026-11-22-web-down.yaml": REOPENED}))
    (incident,) = repo.incidents
    at = lambda h: datetime(2026, 11, 22, h, 0, tzinfo=UTC)  # noqa: E731
    assert incident.status_windows(NOW) == [
        ("web", "major_outage", at(10), at(11)),
        ("web", "major_outage", at(15), at(16)),
    ]
    # Public: 120 min down of 89 d 16 h = 129,120 min since 25 Aug 00:00 UTC.
    status = project(repo, NOW)
    assert status.uptime["web"].availability == Decimal(100) * (129120 - 120) / 129120
    assert status.uptime["web"].availability_text == "99.907%"  # 360 min counted gave 99.721%
    # Internal: 120 min against the 30-day budget of 99.5% (216 min) is 56%: the 50% flag.
    (web,) = [b for b in metrics.rolling_budgets(repo, NOW) if b.component.id == "web"]
    assert web.downtime == timedelta(minutes=120)
    assert web.level == "50%"  # it was "exhausted" with 360 min
    # The resolve lists the return to operational, the reopen the outage again.
    changes = incident.status_changes()
    assert changes == [
        (("web", "operational", "major_outage"),),
        (("web", "major_outage", "operational"),),
        (("web", "operational", "major_outage"),),
        (("web", "major_outage", "operational"),),
    ]


def test_a_reopened_incident_is_down_again_until_resolved(tmp_path):
    text = REOPENED[: REOPENED.index("  - at: 2026-11-22T16:00:00Z")]
    repo = load(write_repo(tmp_path / "repo", {"incidents/2026/2026-11-22-web-down.yaml": text}))
    (incident,) = repo.incidents
    assert dict(incident.current_components()) == {"web": "major_outage"}
    status = project(repo, NOW)
    assert status.component("web").status == "major_outage"
    # 1 h before the resolve and 1 h since the reopen, of 129,120 min
    assert status.uptime["web"].availability == Decimal(100) * (129120 - 120) / 129120


def test_reopen_without_components_restores_the_statuses_at_resolution_and_says_so(tmp_path):
    root = write_repo(tmp_path / "repo", {})
    runner = CliRunner()

    def run(*args, now):
        result = runner.invoke(main, ["-C", str(root), "--now", now, *args])
        assert result.exit_code == 0, result.output
        return result

    run("new", "-t", "Checkout errors", "-s", "SEV2", "-c", "api=partial", "-c", "web=major", "-m", "Errors.",
        "--at", "2026-11-22T10:00:00Z", now="2026-11-22T10:00:00Z")  # fmt: skip
    run("update", "checkout", "--stage", "monitoring", "-c", "web=degraded", "-m", "Better.",
        "--at", "2026-11-22T10:30:00Z", now="2026-11-22T10:30:00Z")  # fmt: skip
    run("resolve", "checkout", "-m", "Fixed.", "--at", "2026-11-22T11:00:00Z", now="2026-11-22T11:00:00Z")
    result = run("reopen", "checkout", "-m", "Back.", "--at", "2026-11-22T15:00:00Z", now="2026-11-22T15:00:00Z")
    assert (
        "reopened with the statuses it had when resolved: api=partial_outage, web=degraded_performance "
        "(pass -c ID=STATUS to set others)" in result.output
    )
    repo = load(root)
    (incident,) = repo.incidents
    assert dict(incident.updates[-1].components) == {"api": "partial_outage", "web": "degraded_performance"}
    api = Api(project(repo, NOW)).endpoints()
    statuses = {c["id"]: c["status"] for c in api["components.json"]["components"]}
    assert statuses["api"] == "partial_outage" and statuses["web"] == "degraded_performance"
    assert api["status.json"]["status"]["indicator"] == "major"
    # With -c, exactly the statuses given.
    run("resolve", "checkout", "-m", "Fixed.", "--at", "2026-11-22T15:30:00Z", now="2026-11-22T15:30:00Z")
    result = run("reopen", "checkout", "-c", "web=partial", "-m", "Again.", "--at", "2026-11-22T15:40:00Z",
                 now="2026-11-22T15:40:00Z")  # fmt: skip
    assert "reopened with the statuses given: web=partial_outage" in result.output
    (incident,) = load(root).incidents
    assert dict(incident.current_components()) == {"api": "operational", "web": "partial_outage"}


def test_reopen_needs_components_when_there_is_nothing_to_restore(tmp_path):
    root = write_repo(tmp_path / "repo", {})
    runner = CliRunner()
    for args, now in [
        (("new", "-t", "Slow API", "-s", "SEV3", "-c", "api=degraded", "-m", "Slow.", "--at", "2026-11-22T10:00:00Z"), "10:00"),
        (("update", "slow-api", "--stage", "monitoring", "-c", "api=operational", "-m", "Ok.", "--at", "2026-11-22T10:20:00Z"), "10:20"),
        (("resolve", "slow-api", "-m", "Done.", "--at", "2026-11-22T10:30:00Z"), "10:30"),
    ]:  # fmt: skip
        result = runner.invoke(main, ["-C", str(root), "--now", f"2026-11-22T{now}:00Z", *args])
        assert result.exit_code == 0, result.output
    path = next((root / "incidents").rglob("*.yaml"))
    before = path.read_text()
    result = runner.invoke(main, ["-C", str(root), "--now", "2026-11-22T11:00:00Z", "reopen", "slow-api", "-m", "x"])
    assert result.exit_code == 1
    assert "so there is no status to restore; name the affected components with -c ID=STATUS" in result.output
    assert "Traceback" not in result.output
    assert path.read_text() == before


def test_public_and_internal_availability_agree_over_the_same_window(tmp_path):
    # web: degraded 10:00-12:00 then partial 12:00-13:00; api: major 30 min. One table serves both.
    files = {
        "incidents/2026/2026-11-20-web.yaml": """\
id: 2026-11-20-web
title: Website trouble
kind: incident
severity: SEV3
components:
  web: partial_outage
  api: major_outage
impact_start: 2026-11-20T10:00:00Z
updates:
  - at: 2026-11-20T10:00:00Z
    stage: investigating
    message: Slow.
    components:
      web: degraded_performance
      api: major_outage
  - at: 2026-11-20T10:30:00Z
    stage: identified
    message: Api back.
    components:
      api: operational
  - at: 2026-11-20T12:00:00Z
    stage: identified
    message: Worse.
    components:
      web: partial_outage
  - at: 2026-11-20T13:00:00Z
    stage: resolved
    message: Fixed.
"""
    }
    config = SMALL_CONFIG.replace(
        "      company: Acme\n",
        "      company: Acme\n      downtime_weights:\n        partial_outage: 0.5\n        degraded_performance: 0.25\n",
    )
    repo = load(write_repo(tmp_path / "repo", files, config=config))
    status = project(repo, NOW)
    start = status.uptime_since
    assert start == datetime(2026, 8, 25, tzinfo=UTC)
    windows = metrics.component_windows(repo, NOW)
    for component in repo.config.components:
        down = metrics.weighted_downtime(windows.get(component.id, []), start, NOW, repo.config.downtime_weights)
        budget = metrics.Budget(component, start, NOW, NOW - start, down, component.slo)
        assert budget.availability == status.uptime[component.id].availability
        assert budget.availability_text == status.uptime[component.id].availability_text
    # web: 120 min x 0.25 + 60 min x 0.5 = 60 min of 129,120 min
    assert status.uptime["web"].availability == Decimal(100) * (129120 - 60) / 129120
    assert status.uptime_weights == (
        "major outage counts as down, partial outage as 50% down, degraded performance as 25% down, maintenance as up"
    )
    assert json.loads(json.dumps(metrics.compute(repo, [], NOW).as_json()))["weights"]["degraded_performance"] == 0.25


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("{partial_outage: 2}", "the weight of partial_outage is 2; expected a share between 0 and 1"),
        ("{under_maintenance: 0.5}", "unknown key 'under_maintenance' in downtime_weights"),
        ("{major_outage: lots}", "the weight of major_outage must be a number"),
    ],
)
def test_a_bad_weight_table_is_refused_with_its_line(tmp_path, weights, message):
    config = SMALL_CONFIG.replace("      company: Acme\n", f"      company: Acme\n      downtime_weights: {weights}\n")
    root = write_repo(tmp_path / "repo", {}, config=config)
    with pytest.raises(ValidationError) as caught:
        load_repository(root, now=NOW)
    assert f"mkdocs.yml:9: {message}" in str(caught.value)


def test_the_home_page_says_what_its_figure_means(tmp_path):
    from statusgen.build import build_sites

    repo = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-22-web-down.yaml": REOPENED})
    out = tmp_path / "out"
    build_sites(repo, NOW, sites=("public",), out=out)
    html = (out / "index.html").read_text()
    assert (
        'Uptime is the share of the time from <time datetime="2026-08-25T00:00:00Z" data-sg-local>25 Aug 2026, 00:00 UTC</time> '
        "to now that a component was up (90 days, one bar per day, UTC): major outage counts as down, partial outage as 30% "
        "down, degraded performance and maintenance as up." in html
    )
    assert weights_sentence() in metrics.budget_explanation()
