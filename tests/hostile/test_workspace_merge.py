"""The workspace pack's merge step (extensions/workspace_merge.py, a copier task) on a team's own
`.modforge.toml` and `.pre-commit-config.yaml` that it cannot read safely: it leaves the file exactly as it
was, says why and what to add by hand, and lets the copy go on (exit 0), with no traceback and no hang."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hostile.helpers import TIMEOUT

SCRIPT = Path(__file__).resolve().parents[2] / "extensions" / "workspace_merge.py"


def _alias_bomb() -> bytes:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        name, previous = "abcdefghij"[level], "abcdefghij"[level - 1]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\nrepos:\n- repo: local\n  hooks:\n  - id: mine\n").encode()


CASES = {
    "toml not utf-8": (".modforge.toml", b'ignore = ["MF\xff01"]\n', "is not UTF-8"),
    "toml utf-16": (".modforge.toml", "ignore = []\n".encode("utf-16"), "UTF-16"),
    "toml nested deep": (".modforge.toml", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "too deeply"),
    "toml huge number": (".modforge.toml", b"x = " + b"9" * 5000 + b"\n", "4,300 digits"),
    "yaml not utf-8": (".pre-commit-config.yaml", b"repos: []\n# caf\xe9\n", "is not UTF-8"),
    "yaml nested deep": (".pre-commit-config.yaml", b"repos: " + b"[" * 5000 + b"]" * 5000 + b"\n", "200 deep"),
    "yaml alias bomb": (".pre-commit-config.yaml", _alias_bomb(), "aliases expand past 100,000"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_file_it_cannot_read_safely_is_left_alone_with_the_reason(tmp_path: Path, case: str) -> None:
    name, data, reason = CASES[case]
    (tmp_path / name).write_bytes(data)

    done = subprocess.run(
        [sys.executable, SCRIPT, "modules", "server", "https://example.invalid/modforge", "v1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    said = done.stdout.splitlines()[0]
    assert said.startswith(f"left {name} alone ("), said
    assert reason in said
    assert "by hand" in said
    assert (tmp_path / name).read_bytes() == data
