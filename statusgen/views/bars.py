"""A component's uptime bars as the home page draws them: the days as a few SVG paths (one per
kind of day, not one element per day) and the runs of days with incidents as links.

The bars are a grid of one column per day. The days are one ``<svg>`` across every column; each
link covers the columns of its run. On a phone only the last ``RECENT`` days show: the older
columns shrink to nothing (public/bar_columns.py), so a run across the cut shows over its recent
days, and a link among the older days is still read and reached by the keyboard (its outline
and its words show while it has the focus).

Each kind of day has a shape as well as a colour, so colour is never the only signal: a quiet
day is a full bar; degraded performance, three quarters of one; a partial outage, a full bar
whose upper half is pale; a major outage, a full solid bar; maintenance, stripes.
"""

from __future__ import annotations

from dataclasses import dataclass

from statusgen.core.language import ENGLISH, Language
from statusgen.views.status import Day, joined

# Days a phone shows (its bar is about 12 px a day then).
RECENT = 30
# Links to days with incidents stand at least this many days apart: a quiet gap of fewer than
# LINK_SPACING - 1 days joins the runs on each side. A day's bar is 7 to 12 px wide (a 44em
# screen shows 90 days in about 650 px; a phone, 30 in 330 px), so two runs' targets stay at
# least three days, over 21 px, apart, and the 24 px circles around two one-day links never meet.
LINK_SPACING = 4

# The drawing: a day is 10 units wide (an 8-unit bar and its gap) and 40 high.
DAY_WIDTH, BAR_WIDTH, HEIGHT = 10, 8, 40
# Where each kind of day is drawn, as (kind of path, top, height) bands of its bar.
_STRIPES = tuple(("under_maintenance", top, 4) for top in range(0, HEIGHT, 6))
SHAPES: dict[str, tuple[tuple[str, int, int], ...]] = {
    "quiet": (("quiet", 0, HEIGHT),),
    "under_maintenance": _STRIPES,
    "degraded_performance": (("degraded_performance", HEIGHT // 4, HEIGHT - HEIGHT // 4),),
    "partial_outage": (("partial_outage_pale", 0, HEIGHT // 2), ("partial_outage", HEIGHT // 2, HEIGHT // 2)),
    "major_outage": (("major_outage", 0, HEIGHT),),
}
# Paths in drawing order (each kind of path is one <path> element, or none).
PATH_KINDS = (
    "quiet",
    "under_maintenance",
    "degraded_performance",
    "partial_outage_pale",
    "partial_outage",
    "major_outage",
)


@dataclass(frozen=True)
class DayRun:
    """Consecutive days of an uptime bar that all had incidents (``marked``), or all had none.

    A marked run is one link on the page: a link a day would put targets a few pixels wide side
    by side.
    """

    days: tuple[Day, ...]
    marked: bool

    @property
    def incident_id(self) -> str | None:
        """The one incident (or maintenance) every day of the run saw, if there is just one."""
        ids = {day.ids for day in self.days if day.ids}  # a quiet day inside the run says nothing
        return next(iter(ids))[0] if len(ids) == 1 and len(next(iter(ids))) == 1 else None

    @property
    def label(self) -> str:
        return self.label_in(ENGLISH)

    def label_in(self, language: Language) -> str:
        """What happened each day of the run, in ``language``."""
        return joined(language, (day.label_in(language) for day in self.days if day.ids or day.minutes))


def day_runs(days: tuple[Day, ...]) -> tuple[DayRun, ...]:
    """``days`` cut into runs of days with incidents and days without; a quiet gap of fewer
    than ``LINK_SPACING - 1`` days between two runs with incidents belongs to one run with them."""
    runs: list[DayRun] = []
    for day in days:
        marked = bool(day.ids)
        if runs and runs[-1].marked == marked:
            runs[-1] = DayRun((*runs[-1].days, day), marked)
        elif marked and len(runs) >= 2 and len(runs[-1].days) < LINK_SPACING - 1 and runs[-2].marked:
            gap = runs.pop()
            runs[-1] = DayRun((*runs[-1].days, *gap.days, day), True)
        else:
            runs.append(DayRun((day,), marked))
    return tuple(runs)


@dataclass(frozen=True)
class BarLink:
    """A link over the columns ``first`` to ``first + count - 1`` (from 1): a run of days with
    incidents."""

    first: int
    count: int
    run: DayRun


@dataclass(frozen=True)
class Bars:
    """One component's bars: ``paths`` (kind, SVG path data) in a ``width`` × ``HEIGHT``
    drawing, and the ``links``."""

    days: int
    paths: tuple[tuple[str, str], ...]
    links: tuple[BarLink, ...]

    @property
    def width(self) -> int:
        return self.days * DAY_WIDTH

    @property
    def height(self) -> int:
        return HEIGHT

    @property
    def recent(self) -> int:
        """The days a phone shows."""
        return min(RECENT, self.days)


def day_kind(day: Day) -> str:
    """How a day is drawn: ``quiet`` when nothing happened to the component, else its worst status."""
    return day.worst if day.minutes and day.worst in SHAPES else "quiet"


def bar_paths(days: tuple[Day, ...]) -> tuple[tuple[str, str], ...]:
    """Every day's bar, as one path per kind of band: ``(kind, "M1 0h8v40h-8zm10 0h8v40h-8z...")``."""
    parts: dict[str, list[str]] = {kind: [] for kind in PATH_KINDS}
    last: dict[str, tuple[int, int]] = {}  # each path's last band (a move after "z" is from there)
    gap = (DAY_WIDTH - BAR_WIDTH) // 2
    for n, day in enumerate(days):
        x = n * DAY_WIDTH + gap
        for kind, top, height in SHAPES[day_kind(day)]:
            move = f"m{x - last[kind][0]} {top - last[kind][1]}" if kind in last else f"M{x} {top}"
            parts[kind].append(f"{move}h{BAR_WIDTH}v{height}h-{BAR_WIDTH}z")
            last[kind] = (x, top)
    return tuple((kind, "".join(parts[kind])) for kind in PATH_KINDS if parts[kind])


def bars(days: tuple[Day, ...]) -> Bars:
    """The bars of ``days`` (oldest first), with a link over each run of days with incidents."""
    links: list[BarLink] = []
    first = 1
    for run in day_runs(days):
        if run.marked:
            links.append(BarLink(first, len(run.days), run))
        first += len(run.days)
    return Bars(len(days), bar_paths(days), tuple(links))
