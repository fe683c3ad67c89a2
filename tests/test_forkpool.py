"""modforge.checker.forkpool: the same results as a loop, shared among real forked processes, and nothing lost when
a worker fails."""

from __future__ import annotations

import os
import sys
import time

import pytest

from modforge.checker import forkpool

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="modforge forks workers on Linux only")


def slow_square(index: int) -> tuple[int, int]:
    time.sleep(0.005)  # long enough that every process gets chunks
    return index * index, os.getpid()


def test_results_come_back_in_order_computed_by_every_process() -> None:
    results = forkpool.run(slow_square, 60, workers=2)
    assert [value for value, _ in results] == [index * index for index in range(60)]
    assert len({pid for _, pid in results}) == 2, "the worker and this process both took chunks"


def test_one_process_is_a_plain_loop() -> None:
    assert forkpool.run(slow_square, 5, workers=1) == [(index * index, os.getpid()) for index in range(5)]


@pytest.mark.parametrize("failure", ["raises", "exits"])
def test_the_work_of_a_failing_worker_is_done_here(failure: str) -> None:
    parent = os.getpid()

    def fragile(index: int) -> int:
        time.sleep(0.002)
        if os.getpid() != parent:
            if failure == "raises":
                raise RuntimeError("a worker's bug")
            os._exit(3)  # killed, as by the OOM killer
        return index + 1

    assert forkpool.run(fragile, 40, workers=3) == [index + 1 for index in range(40)]


def test_a_failure_in_this_process_surfaces() -> None:
    def broken(index: int) -> int:
        raise ValueError(f"module {index} is broken")

    with pytest.raises(ValueError, match="is broken"):
        forkpool.run(broken, 30, workers=2)
