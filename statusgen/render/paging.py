"""Long lists split into numbered pages: the public history, the internal incident lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pager:
    """Where one page of a split list sits: its number, the count, and its neighbours' URLs."""

    number: int
    count: int
    previous_url: str | None
    next_url: str | None
    urls: tuple[str, ...]  # every page's URL, for a numbered list of links


def page_count(rows: int, size: int) -> int:
    """How many pages ``rows`` rows fill, ``size`` a page; one page even when empty."""
    return max(1, -(-rows // size))


def pager(number: int, count: int, url: Callable[[int], str]) -> Pager:
    """Page ``number`` of ``count``; ``url(n)`` is the URL of page ``n``."""
    return Pager(
        number=number,
        count=count,
        previous_url=url(number - 1) if number > 1 else None,
        next_url=url(number + 1) if number < count else None,
        urls=tuple(url(n) for n in range(1, count + 1)),
    )
