"""Interruptions: Ctrl-C at any moment of a command leaves the tree as it was or as the command would leave
it, never half-way, and ends with one line and exit 130, no traceback."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from hostile.helpers import LEGACY_MODULE, TIMEOUT, Monorepo, interrupted, make_monorepo, run, snapshot


def _tree(mono: Monorepo) -> dict[str, tuple]:
    """The monorepo's snapshot with paths relative to it, so two copies compare."""
    return {os.path.relpath(path, mono.root): entry for path, entry in snapshot(mono.root).items()}


def test_adopt_interrupted_at_any_moment_is_all_or_nothing(tmp_path: Path, template_repo: Path) -> None:

    reference = make_monorepo(tmp_path / "reference", LEGACY_MODULE)
    before = _tree(reference)
    start = time.perf_counter()
    assert run("adopt", reference.module, "--template", template_repo).code == 0
    whole = time.perf_counter() - start
    after = _tree(reference)
    outcomes = set()
    for index, fraction in enumerate((0.05, 0.3, 0.6, 0.8, 0.95)):
        mono = make_monorepo(tmp_path / str(index), LEGACY_MODULE)
        result = interrupted(whole * fraction, "adopt", mono.module, "--template", template_repo)
        assert "Traceback" not in result.err
        if result.code == 130:
            assert result.err == "modforge adopt: interrupted\n"
        else:
            assert result.code == 0, result.err  # finished before the interrupt landed
        state = _tree(mono)
        assert state in (before, after), f"half-adopted after an interrupt at {fraction} of the run"
        outcomes.add((result.code, state == after))
    assert (130, False) in outcomes, "no interrupt landed before the adoption was written"


def test_migrate_interrupted_at_any_moment_is_all_or_nothing(tmp_path: Path) -> None:
    reference = make_monorepo(tmp_path / "reference")
    before = _tree(reference)
    start = time.perf_counter()
    assert run("migrate", reference.module).code == 0
    whole = time.perf_counter() - start
    after = _tree(reference)
    for index, fraction in enumerate((0.1, 0.5, 0.9)):
        mono = make_monorepo(tmp_path / str(index))
        result = interrupted(whole * fraction, "migrate", mono.module)
        assert "Traceback" not in result.err
        assert result.code in (0, 130), result.err
        assert _tree(mono) in (before, after), f"half-migrated after an interrupt at {fraction} of the run"


def test_check_interrupted_with_its_workers_ends_in_one_line(tmp_path: Path) -> None:
    # Ctrl-C reaches the whole process group: the check and the worker processes it forked. Sent once the
    # check has opened a document, so the interrupt lands in modforge's own code, not in Python's start-up.
    mono = make_monorepo(tmp_path, git_repo=False)
    for index in range(60):
        shutil.copytree(mono.module, mono.root / "modules" / f"m{index:02}")
    process = subprocess.Popen(
        [sys.executable, "-m", "modforge", "check", "--no-cache", mono.root],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + TIMEOUT
    while process.poll() is None and time.monotonic() < deadline and not _reading_under(process.pid, mono.root):
        time.sleep(0.001)
    with contextlib.suppress(ProcessLookupError):  # the check may have finished already
        os.killpg(process.pid, signal.SIGINT)
    _out, err = process.communicate(timeout=TIMEOUT)

    if process.returncode != 130:  # it finished first: rare, but no failure of modforge's
        assert process.returncode == 0, err
        return
    assert err.decode() == "modforge check: interrupted\n"


def _reading_under(pid: int, root: Path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").startswith(str(root)) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False
