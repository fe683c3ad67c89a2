"""modforge.fleet.pool: forked workers hand back each result as it is ready, each index exactly once, and a
worker that dies costs only its own index."""

from __future__ import annotations

import os
import subprocess
import time

from modforge.fleet import pool


def test_every_index_comes_back_once_in_the_order_they_finish():
    def work(index: int) -> tuple[int, int]:
        if index == 0:
            time.sleep(1.0)  # the slow one does not hold the others back
        return index * index, os.getpid()

    results = list(pool.stream(work, 8, 2, on_lost=lambda index: (-1, 0)))
    assert sorted(index for index, _ in results) == list(range(8))
    assert {index: value for index, (value, _) in results} == {i: i * i for i in range(8)}
    assert results[-1][0] == 0
    assert os.getpid() not in {pid for _, (_, pid) in results}, "the work ran in forked workers"


def test_a_worker_that_dies_loses_only_its_index():
    def work(index: int) -> str:
        if index == 3:
            os._exit(7)  # a crash the worker cannot report
        return f"done {index}"

    results = dict(pool.stream(work, 6, 2, on_lost=lambda index: f"lost {index}"))
    assert results == {0: "done 0", 1: "done 1", 2: "done 2", 3: "lost 3", 4: "done 4", 5: "done 5"}


def test_one_job_runs_in_this_process():
    results = list(pool.stream(lambda index: os.getpid(), 3, 1, on_lost=lambda index: 0))
    assert results == [(0, os.getpid()), (1, os.getpid()), (2, os.getpid())]


def _children() -> set[str]:
    # `ps` run without a shell: the only child it lists besides the others is itself.
    listed = subprocess.run(["ps", "-o", "pid=", "--ppid", str(os.getpid())], capture_output=True, text=True)
    return set(listed.stdout.split())


def test_closing_the_stream_stops_the_workers():
    before = _children()  # an earlier test in this process may have left a child of its own
    stream = pool.stream(lambda index: time.sleep(0.2) or index, 50, 2, on_lost=lambda index: -1)
    next(stream)
    during = _children() - before
    stream.close()
    left = _children() - before
    assert len(during) >= 3, f"two workers ran (and the ps): {during}"
    assert len(left) <= 1, f"no worker is left running (the ps itself may be listed): {left}"


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie nobody has reaped yet has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_closing_the_stream_also_ends_what_the_workers_started(tmp_path):
    """A worker stopped mid-module takes the git it was running with it: a process left behind would go on
    writing in the scratch folder the run removes next (an interrupted update left it behind)."""

    def work(index: int) -> int:
        if index == 0:
            return index  # the first result, which starts the stream
        child = subprocess.Popen(["sleep", "30"])  # stands for a long git command
        (tmp_path / f"child-{index}").write_text(str(child.pid))
        child.wait()
        return index

    stream = pool.stream(work, 4, 2, on_lost=lambda index: -1)
    assert next(stream) == (0, 0)
    deadline = time.monotonic() + 30
    while len(list(tmp_path.glob("child-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = [int(path.read_text()) for path in tmp_path.glob("child-*")]
    assert len(started) == 2
    assert all(_alive(pid) for pid in started)
    stream.close()
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(_alive(pid) for pid in started), "the workers' own processes were left running"
