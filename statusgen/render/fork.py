"""Run one piece of a build in a forked child beside the parent: one site while the parent
builds the other, or half of the directly rendered pages while the parent renders the rest.

The child inherits everything already loaded (the repository, the config, the templates), so
nothing is read twice and the output is the same as in one process. It sends back its result
(JSON) or its failure through a pipe; it never runs the parent's exit code.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from statusgen.core.errors import StatusgenError


class ChildFailed(StatusgenError):
    """The child raised: its message, as the parent shows it."""


def available() -> bool:
    """Fork only where it exists, with a second CPU, and with no other thread that could hold a lock
    (`statusgen serve`'s server runs threads)."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


class Beside:
    """``func`` running in a child process; ``join`` waits and returns what it returned (a JSON
    value) or raises ChildFailed with its error."""

    def __init__(self, func: Callable[[], object]):
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read)
            code, outcome = 0, {}
            try:
                outcome = {"value": func()}
            except StatusgenError as exc:
                code, outcome = 1, {"error": exc.format_message()}
            except BaseException as exc:  # an unexpected error: show where, as one process would
                traceback.print_exc()
                code, outcome = 1, {"error": f"{type(exc).__name__}: {exc}"}
            finally:
                try:
                    with open(write, "w", encoding="utf-8") as out:
                        json.dump(outcome, out)
                finally:
                    os._exit(code)
        os.close(write)
        self.read = read

    def join(self) -> Any:
        # Read before waiting: a child whose result fills the pipe would never exit.
        with open(self.read, encoding="utf-8") as back:
            found = back.read()
        _, status = os.waitpid(self.pid, 0)
        try:
            outcome = json.loads(found) if found else {}
        except ValueError:
            outcome = {}
        if os.waitstatus_to_exitcode(status) != 0 or "value" not in outcome:
            raise ChildFailed(outcome.get("error") or "a build process failed")
        return outcome["value"]
