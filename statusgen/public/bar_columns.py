"""The uptime bars' grid, written for the page's number of days: one column per day, and the
classes that place a link over its run (``sg-c<first column>``, ``sg-s<number of columns>``).

A page's CSS may not set a style inline (its Content-Security-Policy has no 'unsafe-inline'),
so the places are classes in the stylesheet. On a phone only the last ``RECENT`` days show:
the older columns take no width and the drawing grows so its last days fill the row; the
links of the older days stay (no wider than their outline) for screen readers and the keyboard.
"""

from __future__ import annotations

from statusgen.views.bars import RECENT

NARROW = "(max-width: 44em)"  # statusgen.css's phone width


def bar_columns_css(days: int, recent: int = RECENT) -> str:
    """The grid rules for bars of ``days`` days."""
    days = max(days, 1)
    shown = min(recent, days)
    rules = [f".sg-bars{{grid-template-columns:repeat({days},minmax(0,1fr))}}"]
    rules += [f".sg-c{n}{{grid-column-start:{n}}}" for n in range(1, days + 1)]
    rules += [f".sg-s{n}{{grid-column-end:span {n}}}" for n in range(1, days + 1)]
    if shown < days:
        older = days - shown
        # the drawing keeps its right-hand part (the left in right-to-left pages, as it is mirrored)
        narrow = (
            f".sg-bars{{grid-template-columns:repeat({older},0) repeat({shown},minmax(0,1fr))}}"
            f".sg-bars>.sg-bars__days{{width:calc(100% * {days} / {shown})}}"
        )
        rules.append(f"@media {NARROW}{{{narrow}}}")
    return "\n".join(rules) + "\n"
