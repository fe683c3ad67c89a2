"""Running the `modforge` CLI as users do (a subprocess) and snapshotting folders to prove nothing changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MODFORGE = [sys.executable, "-m", "modforge"]
COPIER = [sys.executable, "-m", "copier"]


def modforge(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MODFORGE, *map(str, args)], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


def copier(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COPIER, *map(str, args)], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under `root` (outside .git) with its bytes: equal snapshots mean nothing changed."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def one_error_line(result: subprocess.CompletedProcess[str], command: str) -> str:
    """The single `modforge <command>: error: ...` line of a failed run (and no traceback)."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"modforge {command}: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]
