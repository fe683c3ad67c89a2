"""modforge.checker.forkpool: the same results as a loop, shared among real forked processes, and nothing lost when
a worker fails."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from barrier import meet, pids

from modforge.checker import forkpool

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="modforge forks workers on Linux only")


def test_results_come_back_in_order_computed_by_every_process(tmp_path: Path) -> None:
    def square(index: int) -> tuple[int, int]:
        meet(tmp_path, 2)
        return index * index, os.getpid()

    results = forkpool.run(square, 60, workers=2)
    assert [value for value, _ in results] == [index * index for index in range(60)]
    assert {pid for _, pid in results} == pids(tmp_path), "results come back from the process that computed them"
    assert len(pids(tmp_path)) == 2, "the worker and this process both took chunks"
    assert os.getpid() in pids(tmp_path)


def test_one_process_is_a_plain_loop() -> None:
    assert forkpool.run(lambda index: (index * index, os.getpid()), 5, workers=1) == [
        (index * index, os.getpid()) for index in range(5)
    ]


@pytest.mark.parametrize("failure", ["raises", "exits"])
def test_the_work_of_a_failing_worker_is_done_here(tmp_path: Path, failure: str) -> None:
    parent = os.getpid()

    def fragile(index: int) -> int:
        meet(tmp_path, 3)
        if os.getpid() != parent:
            if failure == "raises":
                raise RuntimeError("a worker's bug")
            os._exit(3)  # killed, as by the OOM killer
        return index + 1

    assert forkpool.run(fragile, 40, workers=3) == [index + 1 for index in range(40)]
    assert len(pids(tmp_path) - {parent}) == 2, "both workers took a chunk and failed on it"


def test_a_failure_in_this_process_surfaces_and_leaves_no_worker_behind(tmp_path: Path) -> None:
    parent = os.getpid()

    def broken(index: int) -> int:
        meet(tmp_path, 2)
        if os.getpid() == parent:
            raise ValueError(f"module {index} is broken")
        return index

    with pytest.raises(ValueError, match="is broken"):
        forkpool.run(broken, 30, workers=2)
    (worker,) = pids(tmp_path) - {parent}
    # Reaped already: a worker left running (or a zombie) would be met by the caller's own wait for its children.
    with pytest.raises(ChildProcessError):
        os.waitpid(worker, os.WNOHANG)
