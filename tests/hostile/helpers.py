"""The hostile-input suite (issue 9): whatever lies in a module folder, a command does its job or stops with
one clear line, exit 2, and the tree exactly as it was; nothing is ever written outside it, and nothing hangs.

Every test here builds a monorepo holding a module, puts something hostile in it (a link, a FIFO, bytes
that are not UTF-8, a number of 5,000 digits, ...), snapshots the monorepo and a folder beside it
(`outside/`, where links point) byte for byte, runs a command, and compares. Commands run in process
(`modforge.cli.main`) unless the behaviour needs a process of its own (a closed standard output, a signal,
a strict output encoding); each subprocess has a timeout, so a hang fails instead of blocking the suite.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import NamedTuple

from conftest import git, init_repo

from modforge import cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CLEAN_MODULE = FIXTURES / "check" / "clean-module"  # a module at release 0.1.0: check, migrate and prompt
LEGACY_MODULE = FIXTURES / "legacy" / "oagw"  # a hand-made module with the older document names: adopt
PRECIOUS = b"the owner's words, outside the module\n"
TIMEOUT = 60  # seconds a subprocess may take before the test calls it a hang


class Result(NamedTuple):
    code: int
    out: str
    err: str


class Hung(Exception):
    """A command still running after TIMEOUT seconds (blocked on a FIFO, say)."""


@contextlib.contextmanager
def within(seconds: int = TIMEOUT):
    """Fail with Hung instead of blocking the suite when the body takes longer than `seconds`."""

    def give_up(_signal: int, _frame: object) -> None:
        raise Hung(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(*args: object, cwd: Path | None = None) -> Result:
    """`modforge ARGS` in this process, its output captured. An exception escaping main() fails the test with
    its traceback: a traceback is what these tests exist to rule out; so does a hang (see `within`)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd or Path.cwd()), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            with within():
                code = cli.main([str(arg) for arg in args])
        except SystemExit as exit:  # argparse's usage errors
            code = exit.code if isinstance(exit.code, int) else 2
    return Result(code, out.getvalue(), err.getvalue())


def interrupted(delay: float, *args: object) -> Result:
    """`modforge ARGS` in this process, with SIGINT arriving after `delay` seconds (as from Ctrl-C): the
    interrupt is raised only while the command runs, never in the test after it. A SIGINT that lands after
    main() has returned (the command finished first) reads as the command's own result, as for a Ctrl-C
    pressed a moment later; one that escapes main() itself still fails the test."""
    armed = True

    def interrupt(_signal: int, _frame: object) -> None:
        if armed:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)
    timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    timer.start()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                with within():
                    code = cli.main([str(arg) for arg in args])
                    armed = False
            except SystemExit as exit:  # argparse's usage errors
                code = exit.code if isinstance(exit.code, int) else 2
            except KeyboardInterrupt:
                if code is None:
                    raise
    finally:
        armed = False
        timer.cancel()
        timer.join()
        signal.signal(signal.SIGINT, previous)
    return Result(code, out.getvalue(), err.getvalue())


def run_process(*args: object, cwd: Path | None = None, env: dict[str, str] | None = None, **options) -> Result:
    """`modforge ARGS` as its own process (bytes of the output decoded leniently: checking them is the test's)."""
    completed = subprocess.run(
        [sys.executable, "-m", "modforge", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
        env={**os.environ, **(env or {})},
        **options,
    )
    decode = lambda data: data.decode("utf-8", "replace") if isinstance(data, bytes) else data or ""  # noqa: E731
    return Result(completed.returncode, decode(completed.stdout), decode(completed.stderr))


_DOUBLED_WORD = re.compile(r"\b([A-Za-z]{2,})\s+\1\b", re.I)


def refused(result: Result, command: str, *, says: str = "", code: int = 2) -> str:
    """Assert a refusal: exit `code`, nothing on standard output, one line `modforge COMMAND: error: ...` on
    standard error (holding `says`), no traceback, no word written twice in a row. Returns the line."""
    assert "Traceback" not in result.err, result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"modforge {command}: error: "), result.err
    assert result.code == code, (result.code, result.err)
    assert says in lines[0], lines[0]
    assert not _DOUBLED_WORD.search(lines[0]), lines[0]
    return lines[0]


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.err, result.err
    assert "Exception ignored" not in result.err, result.err


# --- the byte-for-byte snapshot ------------------------------------------------------------------------
def snapshot(*roots: Path, cache: bool = False) -> dict[str, tuple]:
    """Everything under `roots`, links not followed: files with their bytes and permissions, links with their
    targets, folders, special files; git's index as its entries (git may rewrite the index file itself when
    it only reads it, as `git status` does). `modforge check`'s cache folder only with `cache` (the check
    writes it on purpose; test_wrong_results.py says where and when)."""
    found: dict[str, tuple] = {}
    for root in roots:
        if not os.path.lexists(root):
            continue
        found[str(root)] = _entry(root)
        for folder, dirs, files in os.walk(root):
            if not cache and ".modforge-cache" in dirs:
                dirs.remove(".modforge-cache")
            if ".git" in dirs:
                dirs.remove(".git")
                listed = subprocess.run(["git", "ls-files", "-s", "-z"], cwd=folder, capture_output=True)
                found[os.path.join(folder, ".git index")] = ("index", listed.stdout)
            for name in dirs + files:
                path = os.path.join(folder, name)
                found[path] = _entry(Path(path))
    return found


def _entry(path: Path) -> tuple:
    info = os.lstat(path)
    mode = stat.S_IMODE(info.st_mode)
    if stat.S_ISLNK(info.st_mode):
        return ("link", os.readlink(path))
    if stat.S_ISDIR(info.st_mode):
        return ("dir", mode)
    if stat.S_ISREG(info.st_mode):
        return ("file", mode, path.read_bytes())
    return ("special", stat.S_IFMT(info.st_mode), mode)


# --- the monorepo under attack ---------------------------------------------------------------------------
class Monorepo(NamedTuple):
    root: Path  # the monorepo (a git work tree when made with git=True)
    module: Path  # modules/<name>
    outside: Path  # a folder beside the monorepo, where hostile links point

    def snapshot(self, *, cache: bool = False) -> dict[str, tuple]:
        return snapshot(self.root, self.outside, cache=cache)

    def doc(self, name: str) -> Path:
        return self.module / "docs" / name

    def commit(self, message: str = "hostile input") -> None:
        """Commit everything git can hold; a FIFO or device stays beside a clean work tree, untracked (git
        keeps neither: the file it replaced is committed as deleted)."""
        special = [path for path, entry in snapshot(self.root).items() if entry[0] == "special"]
        for path in special:
            git(self.root, "rm", "-q", "--cached", "--ignore-unmatch", "--", path)
        subprocess.run(["git", "add", "-A", "--ignore-errors"], cwd=self.root, capture_output=True)
        git(self.root, "commit", "-q", "--allow-empty", "-m", message)


def make_monorepo(base: Path, source: Path = CLEAN_MODULE, name: str = "oagw", *, git_repo: bool = True) -> Monorepo:
    root = base / "monorepo"
    module = Path(shutil.copytree(source, root / "modules" / name))
    (root / "README.md").write_text("# Platform\n")
    outside = base / "outside"
    outside.mkdir()
    (outside / "precious.md").write_bytes(PRECIOUS)
    (outside / "docs").mkdir()
    (outside / "docs" / "INTENT_DESIGN.md").write_bytes(PRECIOUS)
    if git_repo:
        init_repo(root)
    return Monorepo(root, module, outside)


# Each command, as the hostile tests run it against the module (the template given where one is needed).
def command_args(command: str, module: Path, template: Path | None = None) -> list[object]:
    return {
        "check": ["check", module],
        "migrate": ["migrate", module],
        "adopt": ["adopt", module, "--template", template],
        "prompt": ["prompt", "tasks", module],
        "update": ["update", module],
    }[command]
