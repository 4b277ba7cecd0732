"""Views a long-running process keeps from one projection to the next.

`statusgen serve` projects the whole repository again at every rebuild. An incident resolved
in its file has a view made from that file (its bytes and path, as the load's digest of them:
``Repository.sources``), its postmortem's summary and the config alone, so when those are the
same as last time, the view made last time is the view now.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class KeptViews:
    """Per incident id: what its view was made from besides the ``basis`` every view shares,
    and the view. One kind of view (one projection function) per KeptViews; what a projection
    did not ask for is dropped, so the kept views never outgrow the repository."""

    def __init__(self) -> None:
        self.basis: Any = None  # what every view depends on (the config)
        self.views: dict[str, tuple[Hashable, object]] = {}
        self._fresh: dict[str, tuple[Hashable, object]] = {}

    def begin(self, basis: Any) -> None:
        """Start a projection over ``basis``; when it differs from the last one, nothing is kept."""
        if basis != self.basis:
            self.basis, self.views = basis, {}
        self._fresh = {}

    def view(self, ident: str, inputs: Hashable, make: Callable[[], object]) -> object:
        """The view of ``ident`` made from ``inputs``: the kept one when they are equal, else ``make()``."""
        known = self.views.get(ident)
        made = known[1] if known is not None and known[0] == inputs else make()
        self._fresh[ident] = (inputs, made)
        return made

    def end(self) -> None:
        """Keep what this projection used, and only that."""
        self.views, self._fresh = self._fresh, {}
