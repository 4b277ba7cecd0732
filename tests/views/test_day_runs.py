"""Uptime bars: a few SVG paths for the days, and a link for each run of days with incidents.
No two links come closer than LINK_SPACING days (targets need 24 px; a day is 7 to 12 px wide)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from statusgen.views.bars import LINK_SPACING, bars, day_runs
from statusgen.views.status import Day

KINDS = {"x": "partial_outage", "d": "degraded_performance", "m": "under_maintenance", "M": "major_outage"}


def days(pattern: str) -> tuple[Day, ...]:
    """``"x.d"``: a day with incident ``a`` and the status of KINDS, or a quiet day (.)."""
    start = date(2026, 11, 1)
    return tuple(
        Day(start + timedelta(days=n), KINDS.get(c, "operational"), ((KINDS[c], 60.0),) if c in KINDS else (),
            int(c in KINDS), 0, ids=("a",) if c in KINDS else ())
        for n, c in enumerate(pattern)
    )  # fmt: skip


def shape(pattern: str) -> list[tuple[bool, int]]:
    return [(run.marked, len(run.days)) for run in day_runs(days(pattern))]


def test_a_gap_of_under_three_quiet_days_joins_the_runs_on_each_side_so_their_links_stay_apart():
    assert LINK_SPACING == 4
    assert shape("..x.x..") == [(False, 2), (True, 3), (False, 2)]
    assert shape("x..x") == [(True, 4)]
    assert shape("x...x") == [(True, 1), (False, 3), (True, 1)]  # links 4 days apart: enough
    assert shape("xx.x..x") == [(True, 7)]


def test_a_joined_run_still_links_to_its_one_incident_and_its_name_skips_the_quiet_days():
    (_, run, _) = day_runs(days(".x.x."))
    assert run.incident_id == "a" and run.marked
    assert run.label.count("Nov 2026") == 2 and "operational all day" not in run.label


def rects(path: str) -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) of each band of a path written as moves and h/v lines."""
    found, x, y = [], 0, 0
    for move, dx, dy, w, h in re.findall(r"([Mm])(-?\d+) (-?\d+)h(\d+)v(\d+)h-\d+z", path):
        x, y = (int(dx), int(dy)) if move == "M" else (x + int(dx), y + int(dy))
        found.append((x, y, int(w), int(h)))
    return found


def test_the_days_are_one_path_per_kind_of_band_each_day_in_its_own_column():
    drawn = bars(days("..x.dm.M"))
    paths = dict(drawn.paths)
    assert list(paths) == [
        "quiet", "under_maintenance", "degraded_performance", "partial_outage_pale", "partial_outage", "major_outage",
    ]  # fmt: skip
    assert (drawn.width, drawn.height) == (80, 40)
    assert [x for x, *_ in rects(paths["quiet"])] == [1, 11, 31, 61]
    assert rects(paths["partial_outage_pale"]) == [(21, 0, 8, 20)] and rects(paths["partial_outage"]) == [
        (21, 20, 8, 20)
    ]
    assert rects(paths["degraded_performance"]) == [(41, 10, 8, 30)]  # three quarters of a bar
    assert rects(paths["major_outage"]) == [(71, 0, 8, 40)]
    stripes = rects(paths["under_maintenance"])
    assert len(stripes) == 7 and {x for x, *_ in stripes} == {51} and stripes[-1][1] + stripes[-1][3] == 40


def test_a_quiet_window_is_one_path_and_no_link():
    drawn = bars(days("." * 90))
    assert [kind for kind, _ in drawn.paths] == ["quiet"] and len(rects(drawn.paths[0][1])) == 90
    assert drawn.links == ()


def test_links_cover_their_runs():
    drawn = bars(days("x......" + "xx.x" + "....x"))
    assert [(link.first, link.count) for link in drawn.links] == [(1, 1), (8, 4), (16, 1)]
    assert [d.day.day for d in drawn.links[1].run.days] == [8, 9, 10, 11] and drawn.links[1].run.incident_id == "a"
