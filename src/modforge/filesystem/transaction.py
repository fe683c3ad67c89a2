"""All-or-nothing changes to the files under one folder, git's index included.

A command first records every change it means to make (`write`, `rename`, `delete`, `remove_folder_if_empty`,
and the index moves `git mv`, conflict resolution and a merge's unmerged stages need), then `commit` applies
them together:

1. every path is checked before anything is written: it stays under the root, no link on the way, a
   file is replaced only by a file (a folder, FIFO or device in its place stops the whole change);
2. new contents go to temporary files beside their targets (same file system, so the final step is a
   rename), with the replaced file's permissions;
3. the renames into place, the deletions and the index updates run with SIGINT and SIGTERM held back;
   each step records how to undo it, and if any step fails every done step is undone in reverse and the
   index file is put back byte for byte. The command then fails with one message and nothing changed.

`diff()` prints the same recorded changes as a git-style unified diff, so `--dry-run` and the real run
share one plan. (git works the same way: `*.lock` files renamed into place, never a half-written file.)
"""

from __future__ import annotations

import contextlib
import difflib
import os
import signal
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from modforge.errors import ModforgeError
from modforge.filesystem import confine, textcodec
from modforge.lifecycle import vcs

_TEMP_SUFFIX = ".modforge-tmp"


class _Undo(NamedTuple):
    action: str  # "restore" (put bytes back or remove), "unrename", "rmdir", "mkdir"
    path: Path
    data: bytes | None = None  # what was there before (None: nothing)
    mode: int | None = None
    other: Path | None = None  # the rename's source


class Transaction:
    """Changes under `root`, applied together by `commit()` or not at all. Paths are POSIX, relative to root."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self._final: dict[str, bytes | None] = {}  # path -> planned bytes (None: removed)
        self._origin: dict[str, str] = {}  # path after renames -> path it had on disk
        self._renames: list[tuple[str, str]] = []
        self._resolve: list[str] = []  # unmerged in git: mark resolved after writing
        self._stage: list[str] = []  # stage in git's index after writing
        self._entries: dict[str, list[tuple[int, int, bytes]]] = {}  # index entries to set: (mode, stage, blob)
        self._modes: dict[str, int] = {}  # permission bits to give a written file
        self._folders: list[str] = []  # folders to remove once the deletions leave them empty
        self._disk: dict[str, bytes | None] = {}

    # --- planning ------------------------------------------------------------------------------------
    def _check(self, relative: str) -> str:
        relative = confine.relative_posix(relative)
        confine.confined(self.root, relative)  # refused early: a dry run says so too
        return relative

    def original(self, relative: str) -> bytes | None:
        """The bytes on disk at `relative` before this transaction (None when no regular file is there)."""
        relative = confine.relative_posix(relative)
        if relative not in self._disk:
            path = confine.confined(self.root, relative)
            kind = confine.kind_of(path)
            self._disk[relative] = confine.read_regular(path) if kind == "file" else None
        return self._disk[relative]

    def planned(self, relative: str) -> bytes | None:
        """The bytes `relative` will hold after the commit."""
        relative = confine.relative_posix(relative)
        return self._final[relative] if relative in self._final else self.original(relative)

    def write(self, relative: str, data: bytes, mode: int | None = None) -> None:
        """Make `relative` hold `data`; with `mode`, those permission bits (default: the replaced file's, or
        a new file's usual ones)."""
        relative = self._check(relative)
        self._final[relative] = data
        if mode is not None:
            self._modes[relative] = stat.S_IMODE(mode)

    def rename(self, old: str, new: str) -> None:
        """Move the file `old` to `new` (with `git mv`'s effect on the index when `old` is tracked)."""
        old, new = self._check(old), self._check(new)
        data = self.planned(old)
        if data is None:
            raise ModforgeError(f"cannot rename {old}: it is not a file")
        if self.planned(new) is not None or confine.kind_of(self.root / new) is not None:
            raise ModforgeError(f"cannot rename {old} to {new}: {new} exists")
        self._final[new], self._final[old] = data, None
        self._origin[new] = self._origin.pop(old, old)
        self._renames.append((old, new))

    def delete(self, relative: str) -> None:
        self._final[self._check(relative)] = None

    def resolve_conflict(self, relative: str) -> None:
        """After writing, clear `relative`'s unmerged entries in git's index (its new text stays unstaged)."""
        self._resolve.append(self._check(relative))

    def stage(self, relative: str) -> None:
        """After writing, stage `relative` in git's index."""
        self._stage.append(self._check(relative))

    def set_index_entries(self, relative: str, entries: list[tuple[int, int, bytes]]) -> None:
        """After writing, replace `relative`'s entries in git's index by `entries`, each (mode, stage, blob
        content): the unmerged stages 1 (base), 2 (ours), 3 (theirs) of a conflict, as `git merge` leaves
        them. The blobs are written into the repository first."""
        self._entries[self._check(relative)] = list(entries)

    def remove_folder_if_empty(self, relative: str) -> None:
        """After the deletions, remove the folder `relative` when nothing is left in it."""
        self._folders.append(self._check(relative))

    # --- reading the plan ----------------------------------------------------------------------------
    def changes(self) -> list[tuple[str, str | None, bytes | None, bytes | None]]:
        """(path, path on disk before or None for a new file, bytes before, bytes after or None when removed)."""
        found = []
        renamed_from = set(self._origin.values())
        for path, after in sorted(self._final.items()):
            source = self._origin.get(path, path)
            if after is None and path in renamed_from:
                continue  # the source of a rename: shown with its new name
            before = self.original(source)
            if source == path and before == after and not self._mode_changes(path):
                continue
            found.append((path, source if before is not None else None, before, after))
        return found

    def _mode_changes(self, path: str) -> bool:
        if path not in self._modes:
            return False
        target = self.root / path
        return confine.kind_of(target) != "file" or stat.S_IMODE(os.stat(target).st_mode) != self._modes[path]

    def _index_work(self) -> bool:
        return bool(self._renames or self._resolve or self._stage or self._entries)

    def __bool__(self) -> bool:
        return bool(self.changes() or self._index_work() or self._folders)

    def diff(self) -> str:
        """The changes as a git-style unified diff, paths relative to the root (`git apply` reads it)."""
        out: list[str] = []
        for path, source, before, after in self.changes():
            old = source or path
            out.append(f"diff --git a/{old} b/{path}\n")
            if source is None:
                out.append("new file mode 100644\n")
            elif after is None:
                out.append("deleted file mode 100644\n")
            elif source != path:
                out.append(f"rename from {source}\nrename to {path}\n")
            lines = difflib.unified_diff(
                _lines(before),
                _lines(after),
                f"a/{source}" if source else "/dev/null",
                f"b/{path}" if after is not None else "/dev/null",
            )
            out.extend(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
        return "".join(out)

    # --- applying ------------------------------------------------------------------------------------
    def commit(self) -> None:
        """Apply every change, or none: see the module docstring. ModforgeError when something is in the way."""
        changes = self.changes()
        if not changes and not self._index_work() and not self._folders:
            return
        targets = self._preflight(changes)
        git_top = vcs.toplevel(self.root) if self._index_work() else None
        index_path = _index_path(git_top) if git_top else None
        index_before = index_path.read_bytes() if index_path and index_path.is_file() else None
        undo: list[_Undo] = []
        temporaries: dict[str, Path] = {}
        with _interrupts_held():
            try:
                for path, after in targets.items():
                    if after is not None:
                        temporaries[path] = self._stage_bytes(path, after, undo)
                for old, new in self._renames:
                    source, target = self.root / old, self.root / new
                    _make_parents(target, self.root, undo)
                    os.rename(source, target)
                    undo.append(_Undo("unrename", target, other=source))
                for path, after in targets.items():
                    target = self.root / path
                    current = target if confine.kind_of(target) == "file" else None
                    previous = target.read_bytes() if current else None
                    mode = os.stat(target).st_mode if current else None
                    if after is None:
                        if current:
                            os.unlink(target)
                            undo.append(_Undo("restore", target, previous, mode))
                        continue
                    os.replace(temporaries.pop(path), target)
                    undo.append(_Undo("restore", target, previous, mode))
                for folder in sorted(self._folders, key=lambda f: f.count("/"), reverse=True):
                    path = self.root / folder
                    if confine.kind_of(path) == "dir" and not any(path.iterdir()):
                        os.rmdir(path)
                        undo.append(_Undo("mkdir", path))
                if git_top is not None:
                    self._update_index(git_top)
            except BaseException as error:
                _rollback(undo, index_path, index_before)
                for temporary in temporaries.values():
                    with contextlib.suppress(OSError):
                        os.unlink(temporary)
                if isinstance(error, ModforgeError | OSError | subprocess.SubprocessError):
                    reason = getattr(error, "strerror", None) or str(error)
                    raise ModforgeError(f"could not write the changes ({reason}); nothing was changed") from None
                raise

    def _preflight(self, changes) -> dict[str, bytes | None]:
        """Every write and removal target (path -> bytes, None to remove), checked before anything is written."""
        for old, _new in self._renames:
            if confine.kind_of(confine.confined(self.root, old)) != "file":
                raise ModforgeError(f"{self.root / old} is not a regular file; it cannot be renamed")
        targets = {path: after for path, _source, _before, after in changes}
        for path in targets:
            target = confine.confined(self.root, path)
            kind = confine.kind_of(target)
            if kind not in (None, "file"):
                what = {"dir": "a folder", "other": "a FIFO, device or socket"}.get(kind or "", kind)
                raise ModforgeError(f"{target} is {what}, not a regular file; move it away, then run again")
        return targets

    def _stage_bytes(self, path: str, data: bytes, undo: list[_Undo]) -> Path:
        target = self.root / path
        _make_parents(target, self.root, undo)
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_TEMP_SUFFIX, dir=target.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            source = self.root / self._origin.get(path, path)  # a renamed file keeps its mode (read-only, say)
            kind = confine.kind_of(source)
            mode = stat.S_IMODE(os.stat(source).st_mode) if kind == "file" else 0o666 & ~_umask()
            os.chmod(name, self._modes.get(path, mode))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
        return Path(name)

    def _update_index(self, top: Path) -> None:
        """git mv's index move for each renamed tracked file, then resolutions and staging."""
        lines = []
        for old, new in self._renames:
            old_top = (self.root / old).relative_to(top).as_posix()
            new_top = (self.root / new).relative_to(top).as_posix()
            entry = _git(top, "ls-files", "-s", "--", old_top).stdout.split("\n", 1)[0]
            if not entry:
                continue  # untracked: nothing to move in the index
            mode, sha, _stage_number = entry.split("\t", 1)[0].split()
            lines.append(f"0 {'0' * len(sha)}\t{old_top}")
            lines.append(f"{mode} {sha}\t{new_top}")
        if lines:
            _git(top, "update-index", "--index-info", input="\n".join(lines) + "\n")
        for path in self._resolve:
            relative = (self.root / path).relative_to(top).as_posix()
            _git(top, "add", "--", relative)
            _git(top, "reset", "-q", "--", relative)
        if self._stage:
            _git(top, "add", "--", *[(self.root / p).relative_to(top).as_posix() for p in self._stage])
        entries = []
        for path, wanted in self._entries.items():
            relative = (self.root / path).relative_to(top).as_posix()
            shas = [(mode, number, _write_blob(top, data)) for mode, number, data in wanted]
            width = len(shas[0][2]) if shas else 40
            entries.append(f"0 {'0' * width}\t{relative}")
            entries += [f"{mode:o} {sha} {number}\t{relative}" for mode, number, sha in shas]
        if entries:
            _git(top, "update-index", "--index-info", input="\n".join(entries) + "\n")


def _lines(data: bytes | None) -> list[str]:
    return [] if data is None else textcodec.lines(data.decode("utf-8", "replace"), keepends=True)


def _make_parents(target: Path, root: Path, undo: list[_Undo]) -> None:
    """Create the missing folders above `target` (recorded, so a rollback removes them)."""
    missing = []
    folder = target.parent
    while folder != root and confine.kind_of(folder) is None:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        os.mkdir(folder)
        undo.append(_Undo("rmdir", folder))


def _rollback(undo: list[_Undo], index_path: Path | None, index_before: bytes | None) -> None:
    for step in reversed(undo):
        with contextlib.suppress(OSError):
            if step.action == "unrename" and step.other is not None:
                os.rename(step.path, step.other)
            elif step.action == "rmdir":
                os.rmdir(step.path)
            elif step.action == "mkdir":
                os.mkdir(step.path)
            elif step.data is None:
                os.unlink(step.path)
            else:
                _put_back(step.path, step.data, step.mode)
    if index_path is not None and index_before is not None:
        with contextlib.suppress(OSError):
            _put_back(index_path, index_before, None)


def _put_back(path: Path, data: bytes, mode: int | None) -> None:
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMP_SUFFIX, dir=path.parent)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    if mode is not None:
        os.chmod(name, stat.S_IMODE(mode))
    os.replace(name, path)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while files are swapped, so an interrupt never leaves half a change; the
    interrupt is delivered (KeyboardInterrupt) once the change is complete or undone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, _frame: received.append(number)) for sig in _HELD}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            raise KeyboardInterrupt


_HELD = (signal.SIGINT, signal.SIGTERM)


def _git(top: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return vcs.git(top, *args, input=input)  # one line: git's first line of complaint


def _write_blob(top: Path, data: bytes) -> str:
    """Store `data` as a blob in the repository (as it is: no filters) and return its id."""
    result = subprocess.run(
        ["git", "hash-object", "-w", "--no-filters", "--stdin"], cwd=top, capture_output=True, input=data
    )
    if result.returncode != 0:
        raise ModforgeError(f"`git hash-object` failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout.decode().strip()


def _index_path(top: Path) -> Path | None:
    result = vcs.git(top, "rev-parse", "--path-format=absolute", "--git-path", "index", check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 else None
