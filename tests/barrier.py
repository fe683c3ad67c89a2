"""A barrier for tests of forked processes: which processes took work, and every one of them made to take some."""

from __future__ import annotations

import os
import time
from pathlib import Path


def meet(folder: Path, processes: int) -> None:
    """Record that this process took work, and wait (10 s at most) until `processes` processes have: a barrier
    that makes every process take a chunk however the machine schedules them, where a sleep would only make it
    likely. Files, because the processes are forked and share nothing else."""
    (folder / str(os.getpid())).touch()
    deadline = time.monotonic() + 10
    while len(list(folder.iterdir())) < processes and time.monotonic() < deadline:
        time.sleep(0.001)


def pids(folder: Path) -> set[int]:
    return {int(path.name) for path in folder.iterdir()}
