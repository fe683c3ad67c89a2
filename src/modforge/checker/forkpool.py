"""Run a function over `range(total)` in forked worker processes, this process among them.

Why not `multiprocessing`: importing it costs more than checking a hundred modules, and its pool sends
work and results through pickling threads. A fork shares everything already loaded for free, so all the
workers need is a queue of work and a way back for their results:

- the queue is one pipe, filled with every chunk's start before any worker exists, then closed for
  writing. Each process reads the next 4-byte chunk start from it; reads that small are atomic, so every
  chunk goes to exactly one process, and a process that is fast (or got a core to itself) simply takes
  more chunks: no worker idles while another still has a long share;
- each worker sends its `(index, result)` pairs back through its own pipe with `marshal` (results must be
  plain data: tuples, lists, strings, numbers) and exits with `os._exit`, running no cleanup of the
  parent's.

A worker that fails or cannot be started loses nothing: whatever indices have no result at the end are
run in this process, so an error there surfaces as it would without workers. An error in this process
stops and reaps the workers before it surfaces: no process is left behind for the caller to meet.
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_TOKEN = 4  # bytes per chunk start in the queue
_QUEUE_BYTES = 16_384  # the queue is written before any reader exists: stay far below a pipe's capacity


def run(function: Callable[[int], T], total: int, workers: int) -> list[T]:
    """`[function(index) for index in range(total)]`, computed by `workers` processes (this one included)."""
    if workers < 2 or total < 2:
        return [function(index) for index in range(total)]
    chunk = max(1, -(-total * _TOKEN // _QUEUE_BYTES))
    queue = _queue(range(0, total, chunk))
    if queue is None:
        return [function(index) for index in range(total)]
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[tuple[int, int]] = []  # (pid, read end of its results pipe)
    try:
        for _ in range(workers - 1):
            child = _fork_worker(function, queue, chunk, total)
            if child is None:
                break
            children.append(child)
        results: dict[int, T] = dict(_drain(function, queue, chunk, total))
    except BaseException:  # the error surfaces here: stop the workers first, leaving no process behind
        _stop(children)
        raise
    finally:
        os.close(queue)
    for pid, pipe in children:
        results.update(_collect(pid, pipe))
    return [results[index] if index in results else function(index) for index in range(total)]


def _queue(starts: range) -> int | None:
    """The read end of a pipe holding every chunk start; None when the pipe cannot take them all."""
    read_end, write_end = os.pipe()
    data = b"".join(start.to_bytes(_TOKEN, "little") for start in starts)
    try:
        os.set_blocking(write_end, False)  # a pipe smaller than expected must fail here, not hang
        written = os.write(write_end, data)
    except OSError:
        written = -1
    finally:
        os.close(write_end)
    if written != len(data):
        os.close(read_end)
        return None
    return read_end


def _drain(function: Callable[[int], T], queue: int, chunk: int, total: int) -> list[tuple[int, T]]:
    """Take chunks from the queue until it is empty; the results of their indices."""
    done = []
    while len(token := os.read(queue, _TOKEN)) == _TOKEN:
        start = int.from_bytes(token, "little")
        done += [(index, function(index)) for index in range(start, min(start + chunk, total))]
    return done


def _fork_worker(function: Callable[[int], T], queue: int, chunk: int, total: int) -> tuple[int, int] | None:
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to be had (a limit, a sandbox): the others do the work
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the worker
        status = 1
        try:
            os.close(read_end)
            data = marshal.dumps(_drain(function, queue, chunk, total))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _stop(children: list[tuple[int, int]]) -> None:
    """End the workers without their results, and reap them (a caller that forks too must not meet them)."""
    for pid, pipe in children:
        os.kill(pid, signal.SIGKILL)  # never fails: an unreaped child, even one that has exited, keeps its pid
        os.close(pipe)
        os.waitpid(pid, 0)


def _collect(pid: int, pipe: int) -> list[tuple[int, T]]:
    """A worker's results; none when it failed (its indices are then run here)."""
    with os.fdopen(pipe, "rb") as results:
        data = results.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return []
    try:
        received = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return []
    return received if isinstance(received, list) else []
