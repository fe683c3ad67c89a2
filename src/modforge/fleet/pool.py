"""Run a function over `range(total)` in forked worker processes and hand back each result as it comes.

Unlike modforge.checker.forkpool (results at the end, for a check that takes milliseconds per module), a
fleet update takes a second or more per module and writes each module as soon as its result is in, so the
results stream: every worker holds one index at a time, asks for the next when it sends a result, and the
caller sees `(index, result)` in the order they finish. Memory stays flat whatever the number of modules.

Workers are forked from this process, so they share what it already loaded (copier, the template
checkouts, the compiled templates) for free. They ignore SIGINT: the caller decides, and closing the
stream (an interrupt in the caller, or `close()`) terminates them, each in a process group of its own with
the processes it started. A worker that dies gives its index
`on_lost(index)`, and the others carry on.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import struct
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
_SIZE = struct.Struct("<Q")


def stream(
    function: Callable[[int], T], total: int, workers: int, on_lost: Callable[[int], T]
) -> Iterator[tuple[int, T]]:
    """`(index, function(index))` for every index in `range(total)`, in the order they finish."""
    if workers < 2 or total < 2:
        for index in range(total):
            yield index, function(index)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pending = iter(range(total))
    children: dict[int, _Child] = {}  # results fd -> child
    selector = selectors.DefaultSelector()
    try:
        for _ in range(min(workers, total)):
            child = _Child.fork(function, [fd for c in children.values() for fd in (c.tasks, c.results)])
            if child is None:
                break
            children[child.results] = child
            selector.register(child.results, selectors.EVENT_READ, child)
        if not children:  # no process to be had: do the work here
            for index in pending:
                yield index, function(index)
            return
        for child in children.values():
            child.give(next(pending, None))
        while children:
            for key, _ in selector.select():
                child = key.data
                message = child.receive()
                if message is None:  # the worker died
                    selector.unregister(child.results)
                    del children[child.results]
                    child.close()
                    if child.index is not None:
                        yield child.index, on_lost(child.index)
                    continue
                index, result = message
                child.give(next(pending, None))
                yield index, result
        for index in pending:  # every worker died: the rest here
            yield index, function(index)
    finally:
        for child in children.values():
            child.stop()
        selector.close()


class _Child:
    def __init__(self, pid: int, tasks: int, results: int) -> None:
        self.pid, self.tasks, self.results = pid, tasks, results
        self.index: int | None = None
        self._buffer = b""

    @classmethod
    def fork(cls, function: Callable[[int], T], siblings: list[int]) -> _Child | None:
        """A new worker; it closes `siblings` (the other workers' pipes), so that each task pipe has one
        writer and a worker sees the end of its work when this process closes it."""
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (task_read, task_write, result_read, result_write):
                os.close(fd)
            return None
        if pid == 0:  # the worker
            status = 1
            try:
                os.setpgid(0, 0)  # a group of its own, with the processes it starts (git): `stop` ends them all
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                for fd in (task_write, result_read, *siblings):
                    os.close(fd)
                _serve(function, task_read, result_write)
                status = 0
            finally:
                os._exit(status)
        with contextlib.suppress(OSError):  # (the worker does the same: whichever runs first)
            os.setpgid(pid, pid)
        os.close(task_read)
        os.close(result_write)
        return cls(pid, task_write, result_read)

    def give(self, index: int | None) -> None:
        """Send the next index, or (None) tell the worker there is no more work."""
        self.index = index
        if index is None:
            if self.tasks >= 0:
                os.close(self.tasks)
                self.tasks = -1
            return
        os.write(self.tasks, _SIZE.pack(index))

    def receive(self) -> tuple[int, object] | None:
        """The worker's next (index, result), or None when it is gone."""
        while True:
            if len(self._buffer) >= _SIZE.size:
                (size,) = _SIZE.unpack_from(self._buffer)
                if len(self._buffer) >= _SIZE.size + size:
                    data = self._buffer[_SIZE.size : _SIZE.size + size]
                    self._buffer = self._buffer[_SIZE.size + size :]
                    return pickle.loads(data)
            chunk = os.read(self.results, 1 << 20)
            if not chunk:
                return None
            self._buffer += chunk

    def close(self) -> None:
        for fd in (self.tasks, self.results):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.tasks = self.results = -1
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def stop(self) -> None:
        """End the worker at once, and the processes it started: a git left running would go on writing in the
        scratch folders its caller removes next."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGTERM)
        self.close()


def _serve(function: Callable[[int], T], tasks: int, results: int) -> None:
    while True:
        token = _read_exactly(tasks, _SIZE.size)
        if token is None:
            return
        (index,) = _SIZE.unpack(token)
        data = pickle.dumps((index, function(index)), protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(results, _SIZE.pack(len(data)) + data)


def _read_exactly(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
