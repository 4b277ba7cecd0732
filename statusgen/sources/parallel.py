"""One function over many items in forked processes, with exactly the results one process gives.

For reading thousands of incident files with no cache (every CI run): parsing them is most of a
cold ``validate``, and each file is parsed on its own. Each process takes every n-th item
(n processes): this one the first share, a forked child each other one. A child inherits
everything loaded (config, runbook names), computes its share, sends the results back as JSON
and exits; the results are put back in the order of the items. Should a child fail (an
exception, a crash, results that do not read back), this process computes its items itself, in
order; should this process's own share raise, it computes everything in order. Either way an
exception is the one a single process would raise, and no result is lost or counted twice.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

# Below this many items a fork costs more than it saves.
PARALLEL_FROM = 500
MAX_WORKERS = 4  # every result comes back through this process, which soon is the bottleneck

_T = TypeVar("_T")


def workers() -> int:
    """How many processes may share the work: the CPUs this process may use (one when pinned to
    a CPU), at most MAX_WORKERS; one when forking is unsafe or impossible (no fork; other
    threads, such as `statusgen serve`'s server, could hold a lock a child would wait for)."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, MAX_WORKERS))


def mapped(func: Callable[[_T], Any], items: Sequence[_T], processes: int | None = None) -> list[Any]:
    """``[func(item) for item in items]``, in forked processes when there are many items.

    ``func`` must return JSON values (lists, not tuples: a child's results come back as JSON)
    and do nothing else that shows (print, write files): in a child that fails it would have
    happened twice. ``processes`` (default: ``workers()``) is how many processes share the work.
    """
    processes = workers() if processes is None else processes
    if processes < 2 or len(items) < PARALLEL_FROM:
        return [func(item) for item in items]
    # Every processes-th item to each, so that files growing over the years load each alike.
    chunks = [items[first::processes] for first in range(processes)]
    sys.stdout.flush()
    sys.stderr.flush()
    collecting = gc.isenabled()
    # The collector paused (in the children too): it would walk the growing results again and
    # again; cycles made meanwhile are found when it resumes.
    gc.disable()
    try:
        children = [_fork(func, chunk) for chunk in chunks[1:]]
        try:
            mine = [func(item) for item in chunks[0]]
        except Exception:
            _stop(children)
            return [func(item) for item in items]  # raises at the item one process would fail on
        except BaseException:  # an interrupt: no child outlives it
            _stop(children)
            raise
        returned = [mine, *(_join(child, len(chunk)) for child, chunk in zip(children, chunks[1:]))]
    finally:
        if collecting:
            gc.enable()
    results: list[Any] = [None] * len(items)
    for first, result in enumerate(returned):
        if result is not None:
            results[first::processes] = result
    failed = {first for first, result in enumerate(returned) if result is None}
    if failed:  # the items of children that failed, computed here in order: an exception is the one serial raises
        for index, item in enumerate(items):
            if index % processes in failed:
                results[index] = func(item)
    return results


def _stop(children: list[tuple[int, int] | None]) -> None:
    for child in children:
        if child is not None:
            os.kill(child[0], signal.SIGKILL)
            _join(child, 0)


def _fork(func: Callable[[_T], Any], chunk: Sequence[_T]) -> tuple[int, int] | None:
    """``(pid, read end of its pipe)`` of a child computing ``chunk``; None when none could start."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the child: compute, send, and leave without running any of the parent's exit code
        code = 1
        try:
            os.close(read)
            text = json.dumps([func(item) for item in chunk], separators=(",", ":"))  # dumps: the C encoder
            with open(write, "w", encoding="utf-8") as out:
                out.write(text)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _join(child: tuple[int, int] | None, count: int) -> list[Any] | None:
    """A child's ``count`` results; None when it failed (or never started)."""
    if child is None:
        return None
    pid, read = child
    with open(read, encoding="utf-8") as back:  # read before waiting: a full pipe would hold the child
        text = back.read()
    try:
        _, status = os.waitpid(pid, 0)
        finished = os.waitstatus_to_exitcode(status) == 0
    except ChildProcessError:  # reaped already (SIGCHLD ignored): whether the text is whole decides
        finished = True
    if not finished:
        return None
    try:
        results = json.loads(text)
    except ValueError:
        return None
    return results if isinstance(results, list) and len(results) == count else None
