"""Each metric against values worked out by hand (the incidents: INTERNAL_FILES in repos.py)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from conftest import NOW
from repos import internal_repo

from statusgen.core.model import Component
from statusgen.sources.repository import load_repository
from statusgen.views import metrics as m

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def t(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo, problems = load_repository(internal_repo(tmp_path_factory.mktemp("metrics")), now=NOW)
    assert not [p for p in problems if p.is_error]
    return repo


@pytest.fixture(scope="module")
def result(repo):
    assert repo.postmortem_problems == ()
    return m.compute(repo, repo.postmortems.values(), NOW)


def test_drills_and_maintenance_are_left_out(result, repo):
    ids = [i.id for i in m.counted_incidents(repo)]
    assert ids == [
        "2026-10-05-web-slow",
        "2026-10-31-db-outage",
        "2026-11-20-api-errors",
        "2026-11-20-api-latency",
        "2026-11-22-web-down",
    ]
    assert result.incidents == 5
    assert result.drills_left_out == 1


def test_mttd_leaves_out_the_incident_without_detected_at(result):
    # A 5, B 10, C 10, D 10; E has no detected_at.
    assert result.overall[m.MTTD] == m.Stat(35 * MIN / 4, 4, 5)
    assert result.overall[m.MTTD].mean == timedelta(minutes=8, seconds=45)


def test_mtta_counts_only_incidents_with_both_milestones(result):
    # A 2, B 5, C 10; D was never acknowledged, E has neither.
    assert result.overall[m.MTTA] == m.Stat(timedelta(seconds=340), 3, 5)


def test_time_to_mitigate(result):
    # B 23:30 -> 00:30 across midnight = 60 min; C 10:30 -> 11:30 = 60 min.
    assert result.overall[m.TTM] == m.Stat(60 * MIN, 2, 5)


def test_mttr_leaves_out_the_open_incident(result):
    # A 70, B 90 (across midnight), C 90, E 60; D is still open.
    assert result.overall[m.MTTR] == m.Stat(timedelta(minutes=77, seconds=30), 4, 5)


def test_mtbf_is_the_mean_gap_between_starts(result):
    # E 10-05 08:00 -> B 10-31 23:30 -> A 11-20 10:00 -> C 11-20 10:30 -> D 11-22 14:00
    # gaps 639.5 h + 466.5 h + 0.5 h + 51.5 h = 1158 h over 4 gaps.
    assert result.overall[m.MTBF] == m.Stat(289.5 * HOUR, 4, 5)


def test_per_severity(result):
    sev2 = result.by_severity["SEV2"]  # C and D
    assert sev2[m.MTTD] == m.Stat(10 * MIN, 2, 2)
    assert sev2[m.MTTA] == m.Stat(10 * MIN, 1, 2)
    assert sev2[m.MTTR] == m.Stat(90 * MIN, 1, 2)
    assert sev2[m.MTBF] == m.Stat(51.5 * HOUR, 1, 2)
    sev1 = result.by_severity["SEV1"]  # B alone: no gap for MTBF
    assert sev1[m.MTTR] == m.Stat(90 * MIN, 1, 1)
    assert sev1[m.MTBF] == m.Stat(None, 0, 1)
    assert result.by_severity["SEV4"][m.MTTD] == m.Stat(None, 0, 1)


def test_per_component(result):
    api = result.by_component["api"]  # A and C (the drill is left out)
    assert api[m.MTTD] == m.Stat(7.5 * MIN, 2, 2)
    assert api[m.MTTR] == m.Stat(80 * MIN, 2, 2)
    assert api[m.MTBF] == m.Stat(30 * MIN, 1, 2)
    web = result.by_component["web"]  # E and D
    assert web[m.MTBF] == m.Stat(timedelta(days=48, hours=6), 1, 2)
    assert web[m.MTTR] == m.Stat(60 * MIN, 1, 2)


def test_incidents_per_month_by_start_month(result):
    # B starts on 31 October, so it counts in October although most of it is in November.
    assert result.per_month == [
        ("2026-10", {"SEV1": 1, "SEV2": 0, "SEV3": 0, "SEV4": 1}),
        ("2026-11", {"SEV1": 0, "SEV2": 2, "SEV3": 1, "SEV4": 0}),
    ]


def test_action_item_completion_leaves_out_wont_do_and_drills(result):
    # B's postmortem: done, done, open, in_progress, wont_do -> 2 of 4. The drill's item is left out.
    assert result.completion == m.Completion(2, 4)
    assert result.completion.rate == 0.5
    assert not result.completion.met


def budget(budgets, cid):
    return next(b for b in budgets if b.component.id == cid)


def test_overlapping_incidents_count_the_worst_status_once(result):
    # api: A partial 10:00-11:10 and C degraded 10:30-12:00 overlap from 10:30 to 11:10.
    # With the default weights (partial 0.3, degraded 0): 70 min x 0.3 = 21 min; 11:10-12:00
    # is degraded only and counts as up.
    api = budget(result.rolling, "api")
    assert api.downtime == 21 * MIN
    assert api.allowed == timedelta(minutes=43, seconds=12)  # 30 d x 0.1%
    assert api.consumed == pytest.approx(21 / 43.2)
    assert api.level == "ok"
    # 30 d = 2,592,000 s; exactly 100 x (2,592,000 - 1,260) / 2,592,000
    assert api.availability == Decimal(100) * (2592000 - 1260) / 2592000
    assert api.availability_text == "99.951%"


def test_a_team_weight_table_counts_the_overlap_once(repo):
    # The same overlap with the table 0.5 / 0.25: 70 min x 0.5 + 50 min x 0.25 = 47.5 min
    # (adding them up would give 57.5).
    weights = {**m.WEIGHTS, "partial_outage": Decimal("0.5"), "degraded_performance": Decimal("0.25")}
    team = dataclasses.replace(repo, config=dataclasses.replace(repo.config, downtime_weights=weights))
    api = budget(m.rolling_budgets(team, NOW), "api")
    assert api.downtime == timedelta(minutes=47, seconds=30)
    assert api.level == "exhausted"


def test_open_incident_counts_up_to_now(result):
    # web: D major from 14:00 to now (16:00) = 120 min; E (October) is outside the 30 days.
    web = budget(result.rolling, "web")
    assert web.downtime == 120 * MIN
    assert web.allowed == 216 * MIN  # 30 d x 0.5%
    assert web.consumed == pytest.approx(120 / 216)
    assert web.level == "50%"


def test_midnight_incident_and_calendar_months(result):
    db = budget(result.rolling, "db")
    assert db.downtime == 90 * MIN  # 23:30 -> 01:00; the maintenance on 18 Nov weighs 0
    months = dict(result.monthly)
    assert list(months) == ["2026-09", "2026-10", "2026-11"]
    october, november = budget(months["2026-10"], "db"), budget(months["2026-11"], "db")
    assert october.downtime == 30 * MIN and november.downtime == 60 * MIN
    assert october.allowed == timedelta(days=31) * 0.0005  # 22.32 min
    assert october.consumed == pytest.approx(30 / 22.32)
    # November so far: 21 d 16 h elapsed = 31,200 min; the budget is for all 30 days.
    assert november.elapsed == timedelta(days=21, hours=16)
    assert november.availability == Decimal(100) * (31200 - 60) / 31200
    assert november.consumed == pytest.approx(60 / 21.6)
    web_october = budget(months["2026-10"], "web")
    assert web_october.downtime == timedelta(0)  # E: 60 min degraded, which counts as up


@pytest.mark.parametrize(
    ("minutes", "level"),
    [(0, "ok"), (21.5, "ok"), (21.6, "50%"), (34.56, "80%"), (43.1, "80%"), (43.2, "exhausted"), (100, "exhausted")],
)
def test_budget_flags_at_50_and_80_percent_and_exhausted(minutes, level):
    start = t("2026-11-01T00:00:00")
    thirty = timedelta(days=30)
    b = m.Budget(Component("x", "X", 1, slo=99.9), start, start + thirty, thirty, timedelta(minutes=minutes), 99.9)
    assert b.level == level


def test_weighted_downtime_edge_cases():
    start, end = t("2026-11-01T00:00:00"), t("2026-11-02T00:00:00")
    team = {**m.WEIGHTS, "partial_outage": Decimal("0.5"), "degraded_performance": Decimal("0.25")}

    def w(windows, start, end):
        return m.weighted_downtime(windows, start, end, team)

    # Clipped to the window.
    assert w([("major_outage", t("2026-10-31T23:00:00"), t("2026-11-01T01:00:00"))], start, end) == 60 * MIN
    # Nested windows: the worse status wins inside, the outer one counts outside.
    nested = [
        ("degraded_performance", t("2026-11-01T10:00:00"), t("2026-11-01T14:00:00")),
        ("major_outage", t("2026-11-01T11:00:00"), t("2026-11-01T12:00:00")),
    ]
    assert w(nested, start, end) == 3 * 60 * MIN * 0.25 + 60 * MIN
    # Identical windows count once.
    same = [("partial_outage", t("2026-11-01T10:00:00"), t("2026-11-01T11:00:00"))] * 3
    assert w(same, start, end) == 30 * MIN
    # Maintenance weighs nothing, even under an outage it does not hide.
    maint = [
        ("under_maintenance", t("2026-11-01T10:00:00"), t("2026-11-01T12:00:00")),
        ("partial_outage", t("2026-11-01T11:00:00"), t("2026-11-01T13:00:00")),
    ]
    assert w(maint, start, end) == 60 * MIN
    assert w([], start, end) == timedelta(0)


def test_json_is_stable_and_in_seconds(result):
    data = result.as_json()
    assert data["overall"]["mttr"] == {"mean_seconds": 4650, "counted": 4, "incidents": 5}
    assert data["overall"]["mtbf"]["mean_seconds"] == 1042200
    assert data["weights"]["partial_outage"] == 0.3
    assert data["action_items"] == {"done": 2, "counted": 4, "rate": 0.5, "target": 0.9, "met": False}
    api = next(b for b in data["error_budget"]["rolling"] if b["component"] == "api")
    assert api["weighted_downtime_seconds"] == 1260 and api["level"] == "ok"
    assert api["availability"] == 99.9513


def test_no_incidents_gives_empty_figures(tmp_path):
    from conftest import write_repo

    repo, _ = load_repository(write_repo(tmp_path / "empty", {}), now=NOW)
    result = m.compute(repo, [], NOW)
    assert result.overall[m.MTTR] == m.Stat(None, 0, 0)
    assert result.completion.rate is None
    assert all(b.consumed == 0 and b.level == "ok" for b in result.rolling)
    assert len(result.per_month) == 12 and result.per_month[-1][0] == "2026-11"
    assert all(sum(counts.values()) == 0 for _, counts in result.per_month)
