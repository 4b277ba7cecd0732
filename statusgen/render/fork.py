"""Run one piece of a build in a forked child beside the parent (two CPUs: both sites at once).

The child inherits everything already loaded (the repository, the config), so nothing is read
twice and the output is the same as in one process. It reports a failure back through a pipe
as the message the parent then raises; it never runs the parent's exit code.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable

from statusgen.core.errors import StatusgenError


def available() -> bool:
    """Fork only where it exists, with a second CPU, and with no other thread that could hold a lock."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


class Beside:
    """A function running in a child process; ``join`` waits and raises its error, if any."""

    def __init__(self, func: Callable[[], None]):
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read)
            code, message = 0, ""
            try:
                func()
            except StatusgenError as exc:
                code, message = 1, exc.format_message()
            except BaseException as exc:  # an unexpected error: show where, as one process would
                traceback.print_exc()
                code, message = 1, f"{type(exc).__name__}: {exc}"
            finally:
                os.write(write, message.encode("utf-8", "replace"))
                os._exit(code)
        os.close(write)
        self.read = read

    def join(self) -> None:
        chunks = []
        while chunk := os.read(self.read, 65536):
            chunks.append(chunk)
        os.close(self.read)
        _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise StatusgenError(b"".join(chunks).decode("utf-8", "replace") or "a build process failed")
