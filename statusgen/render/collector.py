"""When a long-running server collects its garbage: once it has been quiet for a moment.

``statusgen`` collects rarely (cli/process), and what a rebuild of ``statusgen serve`` leaves
is in reference cycles, so the server collects after its rebuilds. Not inside one: mkdocs tells
the browsers to reload only when the builder returns, and a collection takes 0.15 s at 1,000
incidents, 1 s at 10,000.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable

# How long a server stays quiet after a rebuild before it collects garbage: long enough for
# the browsers to reload and fetch the new page first.
QUIET_SECONDS = 1.0


class QuietCollector:
    """Collects garbage (``collect``) once ``quiet`` seconds have passed since the last call of
    ``due()`` with nothing else asked of it, in a thread of its own; never while ``busy`` (a
    lock the rebuilds hold) is held, so a collection neither delays a reload nor runs mid-build."""

    def __init__(self, quiet: float, collect: Callable[[], object] = gc.collect):
        self.quiet = quiet
        self.collect = collect
        self.busy = threading.Lock()
        self._asked = threading.Condition()
        self._asked_at: float | None = None  # monotonic time of the last due() not yet served
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="statusgen-collector", daemon=True)
        self._thread.start()

    def due(self) -> None:
        """A rebuild just ended: collect once the server has been quiet for a while."""
        with self._asked:
            self._asked_at = time.monotonic()
            self._asked.notify()

    def stop(self) -> None:
        """End the thread; a collection still due is not made."""
        with self._asked:
            self._stopped = True
            self._asked.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._asked:
                while self._asked_at is None and not self._stopped:
                    self._asked.wait()
                if self._stopped:
                    return
                asked_at = self._asked_at
                assert asked_at is not None
                left = asked_at + self.quiet - time.monotonic()
                if left > 0:  # asked again meanwhile: the quiet starts over
                    self._asked.wait(left)
                    continue
                self._asked_at = None
            with self.busy:
                self.collect()
