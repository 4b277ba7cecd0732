"""Parsing many files in forked processes gives exactly what one process gives."""

from __future__ import annotations

import json
import os
import shutil
import threading

import pytest
from conftest import INCIDENT, run_cli, write_repo

from statusgen.cache.store import CACHE_DIR
from statusgen.sources import parallel

COUNT = parallel.PARALLEL_FROM + 100


def square(number: int) -> list[int]:
    return [number, number * number]


class Fails(Exception):
    pass


def failing_at(*bad: int):
    def func(number: int) -> int:
        if number in bad:
            raise Fails(number)
        return number

    return func


@pytest.mark.parametrize("processes", [2, 3, 4])
def test_mapped_gives_the_list_comprehension_s_results_in_order(processes):
    items = list(range(COUNT))
    assert parallel.mapped(square, items, processes) == [square(n) for n in items]


def test_few_items_stay_in_this_process(monkeypatch):
    monkeypatch.setattr(parallel, "_fork", lambda *_: pytest.fail("forked for a few items"))
    assert parallel.mapped(square, range(10), 4) == [square(n) for n in range(10)]


def test_children_are_forked_for_many_items(monkeypatch):
    forked = []
    fork = parallel._fork
    monkeypatch.setattr(parallel, "_fork", lambda func, chunk: forked.append(len(chunk)) or fork(func, chunk))
    parallel.mapped(square, range(COUNT), 3)
    assert len(forked) == 2 and sum(forked) == COUNT - len(range(0, COUNT, 3))


@pytest.mark.parametrize(
    "bad",
    [
        (7,),  # in a child's share (processes=2: the odd items)
        (8,),  # in this process's share
        (9, 4),  # both: the first in order is raised
        (COUNT - 1, COUNT - 3),  # both in one child's share
    ],
)
def test_an_exception_is_the_one_a_single_process_raises(bad):
    func = failing_at(*bad)
    with pytest.raises(Fails) as serial:
        [func(n) for n in range(COUNT)]
    with pytest.raises(Fails) as forked:
        parallel.mapped(func, list(range(COUNT)), 2)
    assert forked.value.args == serial.value.args == (min(bad),)


def test_a_child_that_dies_loses_and_repeats_no_result():
    parent = os.getpid()

    def dies_in_a_child(number: int) -> int:
        if number == 11 and os.getpid() != parent:
            os._exit(3)  # a crash, with no exception to send back
        return number

    assert parallel.mapped(dies_in_a_child, list(range(COUNT)), 3) == list(range(COUNT))


def test_results_that_are_not_json_are_computed_here():
    parent = os.getpid()

    def odd(number: int):
        return {number} if os.getpid() != parent else number  # a set cannot be sent back

    assert parallel.mapped(odd, list(range(COUNT)), 2) == list(range(COUNT))


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.workers() == 1
    finally:
        stop.set()
        thread.join()


# -- a real cold validate -------------------------------------------------------------------------

BROKEN = INCIDENT.replace("severity: SEV3", "severity: SEV9").replace("commander: carol", "commander: [carol]")
ESCAPED = INCIDENT.replace("title: API errors", 'title: "API\\e errors"')


def many_incidents(root):
    files = {}
    for n in range(COUNT):
        day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
        ident = f"{day}-api-errors-{n}"
        text = INCIDENT.replace("2026-11-20-api-errors", ident).replace("2026-11-20", day)
        if n % 97 == 5:
            text = BROKEN.replace("2026-11-20-api-errors", ident).replace("2026-11-20", day)
        elif n % 89 == 3:
            text = ESCAPED.replace("2026-11-20-api-errors", ident).replace("2026-11-20", day)
        elif n % 83 == 1:
            text = text.replace("id: ", "id: x")  # the id does not match the file name
        files[f"incidents/2025/{ident}.yaml"] = text
    files["incidents/2025/2025-03-03-too-big.yaml"] = "#" * (1024 * 1024 + 1)  # refused when read
    files["incidents/2024/2025-01-01-api-errors-0.yaml"] = files["incidents/2025/2025-01-01-api-errors-0.yaml"]
    write_repo(root, files)
    return root


def cold_validate(root, monkeypatch, processes: int):
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    monkeypatch.setattr(parallel, "workers", lambda: processes)
    result = run_cli(root, "validate")
    index = (root / CACHE_DIR / "index.json").read_text().partition("\n")[2]
    return result.exit_code, result.output, json.loads(index)["files"]


def test_a_cold_validate_in_processes_reports_what_one_process_does(tmp_path, monkeypatch):
    root = many_incidents(tmp_path / "repo")
    forked = []
    fork = parallel._fork
    monkeypatch.setattr(parallel, "_fork", lambda func, chunk: forked.append(1) or fork(func, chunk))
    serial = cold_validate(root, monkeypatch, 1)
    assert not forked
    assert serial[0] == 1
    for expected in ("'SEV9' is not valid", "is larger than 1 MB", "U+001B (ESC)", "does not match", "duplicate id"):
        assert expected in serial[1], expected
    assert cold_validate(root, monkeypatch, 2) == serial
    assert forked
    assert cold_validate(root, monkeypatch, 3) == serial
    # warm, from the index the forked run wrote: the same again
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    warm = run_cli(root, "validate")
    assert (warm.exit_code, warm.output) == serial[:2]
