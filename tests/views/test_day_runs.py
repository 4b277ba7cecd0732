"""Uptime bars as runs: a link stands for a run of days with incidents, and no two links come
closer than LINK_SPACING days (on a phone a day's bar is about 10 px wide; targets need 24 px)."""

from __future__ import annotations

from datetime import date, timedelta

from statusgen.views.status import LINK_SPACING, Day, day_runs


def days(pattern: str) -> tuple[Day, ...]:
    """``"x.x"``: a day with incident ``a`` (x), or a quiet day (.)."""
    start = date(2026, 11, 1)
    return tuple(
        Day(start + timedelta(days=n), "partial_outage" if c == "x" else "operational", (), c == "x", 0,
            ids=("a",) if c == "x" else ())
        for n, c in enumerate(pattern)
    )  # fmt: skip


def shape(pattern: str) -> list[tuple[bool, int]]:
    return [(run.marked, len(run.days)) for run in day_runs(days(pattern))]


def test_a_one_day_gap_joins_the_runs_on_each_side_so_their_links_stay_apart():
    assert LINK_SPACING == 3
    assert shape("..x.x..") == [(False, 2), (True, 3), (False, 2)]
    assert shape("x..x") == [(True, 1), (False, 2), (True, 1)]  # links 3 days apart: enough
    assert shape("xx.x.x") == [(True, 6)]


def test_a_joined_run_still_links_to_its_one_incident():
    (_, run, _) = day_runs(days(".x.x."))
    assert run.incident_id == "a" and run.marked
