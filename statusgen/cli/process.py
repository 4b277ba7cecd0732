"""The statusgen program's own process: how Python's cyclic garbage collector runs in it.

Only the program (``statusgen.cli.run``) tunes it; ``main`` called inside another program
leaves that program's collector alone.
"""

from __future__ import annotations

import gc


def collect_less() -> None:
    """Tune the collector for a process that runs one command.

    A command loads its data once (10,000 incidents are millions of small objects) and keeps it
    until it exits, and that data holds no reference cycles: plain reference counting frees
    what it drops. With the default thresholds the collector still walked all of it again and
    again, and found almost nothing: at 10,000 incidents a public rebuild spent 2.3–3.4 s of its
    12–15 s in collections that freed about 2,000 objects. What is loaded at start-up is set
    aside for good (``gc.freeze``), and collections run 70 times less often. They still run, so
    the cycles a build does make (a Markdown converter per internal page) are still freed, and
    ``statusgen serve`` collects after each rebuild (render/serve.py, LiveServer)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
