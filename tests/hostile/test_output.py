"""Output: a standard output that is closed, full or a pipe whose reader left (`modforge check | head -0`)
ends the command with one line and exit 2; file names that are not UTF-8 print as `\\xNN` under the
strictest output encoding, and `--format json` stays valid JSON in valid UTF-8."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hostile.helpers import TIMEOUT, Monorepo, make_monorepo, run_process

# Commands that only print: what they print is the whole of what they do.
PRINTERS = {
    "check": lambda mono: ["check", "--no-cache", mono.module],
    "rules": lambda mono: ["rules", "--format", "markdown"],
    "prompt": lambda mono: ["prompt", "code", mono.module],
}


def _with_findings(mono: Monorepo) -> None:
    """Enough findings that the check's output is larger than a pipe holds (64 kB)."""
    design = mono.doc("INTENT_REQUIREMENTS.md")
    design.write_text(design.read_text() + "".join(f"See REQ-OAGW-{n} here.\n" for n in range(1000, 2500)))


def _process(args: list[object], stdout, **options) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "modforge", *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
        **options,
    )


def _one_line(completed: subprocess.CompletedProcess[bytes], command: str, says: str) -> None:
    err = completed.stderr.decode()
    assert completed.returncode == 2, err
    assert "Traceback" not in err, err
    assert "Exception ignored" not in err, err
    (line,) = err.splitlines()
    assert line.startswith(f"modforge {command}: error: "), err
    assert says in line, err


@pytest.mark.parametrize("command", [*PRINTERS])
def test_a_pipe_whose_reader_left(tmp_path: Path, command: str) -> None:
    mono = make_monorepo(tmp_path, git_repo=False)
    _with_findings(mono)
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head -0`: nobody reads
    try:
        completed = _process(PRINTERS[command](mono), write_end)
    finally:
        os.close(write_end)
    _one_line(completed, command, "Broken pipe")


@pytest.mark.parametrize("command", [*PRINTERS])
def test_a_full_output(tmp_path: Path, command: str) -> None:
    mono = make_monorepo(tmp_path, git_repo=False)
    _with_findings(mono)
    with open("/dev/full", "wb") as full:
        completed = _process(PRINTERS[command](mono), full)
    _one_line(completed, command, "No space left on device")


@pytest.mark.parametrize("command", [*PRINTERS])
def test_a_closed_output(tmp_path: Path, command: str) -> None:
    mono = make_monorepo(tmp_path, git_repo=False)
    completed = _process(PRINTERS[command](mono), subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    _one_line(completed, command, "standard output is closed")


# --- names that are not UTF-8 -------------------------------------------------------------------------------
@pytest.fixture
def undecodable(tmp_path: Path) -> tuple[Monorepo, Path]:
    """A monorepo whose module folder's name holds the byte 0xff, and a finding in that module."""
    mono = make_monorepo(tmp_path, git_repo=False)
    odd = Path(os.fsdecode(bytes(mono.module.parent) + b"/oagw-\xff"))
    shutil.move(mono.module, odd)
    requirements = odd / "docs" / "INTENT_REQUIREMENTS.md"
    requirements.write_text(requirements.read_text() + "See REQ-OAGW-999 here.\n")
    return mono, odd


STRICT = {"PYTHONIOENCODING": "utf-8:strict", "PYTHONUTF8": "1", "LC_ALL": "C.UTF-8"}


def test_text_output_shows_the_byte_escaped_under_a_strict_output(undecodable) -> None:
    mono, _ = undecodable
    result = run_process("check", "--no-cache", cwd=mono.root, env=STRICT)
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert "modules/oagw-\\xff/docs/INTENT_REQUIREMENTS.md:" in result.out


@pytest.mark.parametrize("format", ["json", "github"])
def test_machine_formats_stay_valid_utf8(undecodable, format: str) -> None:
    mono, _ = undecodable
    for env in (STRICT, {"PYTHONIOENCODING": "utf-8:surrogateescape"}):
        completed = subprocess.run(
            [sys.executable, "-m", "modforge", "check", "--no-cache", "--format", format],
            cwd=mono.root,
            capture_output=True,
            timeout=TIMEOUT,
            env={**os.environ, **env},
        )
        assert completed.returncode == 1, completed.stderr
        text = completed.stdout.decode("utf-8")  # strict: raises on bytes that are not UTF-8
        if format == "json":
            (finding,) = [d for d in json.loads(text)["diagnostics"] if "999" in d["message"]]
            assert finding["path"] == "modules/oagw-\\xff/docs/INTENT_REQUIREMENTS.md"
        else:
            assert "file=modules/oagw-\\xff/docs/INTENT_REQUIREMENTS.md" in text


def test_other_commands_print_such_a_name_too(undecodable) -> None:
    _, odd = undecodable
    for args in (["prompt", "tasks", odd], ["migrate", "--dry-run", odd]):
        result = run_process(*args, env=STRICT)
        assert "Traceback" not in result.err, result.err
        assert result.code in (0, 1), result.err
