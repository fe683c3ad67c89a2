"""The git facts and moves that `modforge update`, `migrate` and `adopt` need, through the git CLI.

Paths given to these helpers are absolute or relative to the working directory; git runs in the folder
concerned, so a module inside a monorepo is handled wherever modforge is started.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from modforge.errors import ModforgeError


def git(
    cwd: Path, *args: str, check: bool = True, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None:
        raise ModforgeError("git is not installed; install git, which copier needs too")
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        encoding="utf-8",
        errors="surrogateescape",  # names that are not UTF-8 come through, and go back to git, unchanged
        input=input,
        env=env,
    )
    if check and result.returncode != 0:
        complaint = next((line.strip() for line in result.stderr.splitlines() if line.strip()), "no reason given")
        raise ModforgeError(f"`git {' '.join(args)}` failed in {cwd}: {complaint}")  # one line: git's first
    return result


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree holding `path`, or None when `path` is not in one."""
    if shutil.which("git") is None:
        return None
    folder = path if path.is_dir() else path.parent
    result = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=folder,
        capture_output=True,
        encoding="utf-8",
        errors="surrogateescape",
    )
    return Path(result.stdout.strip()).resolve() if result.returncode == 0 else None


def dirty_paths(folder: Path, *, whole_repository: bool = False) -> list[str]:
    """`git status --porcelain` entries (untracked files included) under `folder`, or in the whole work tree."""
    scope = [] if whole_repository else ["--", "."]
    out = git(folder, "status", "--porcelain", "--untracked-files=all", *scope).stdout
    return [line[3:] for line in out.splitlines() if line.strip()]


def unmerged_paths(folder: Path) -> list[str]:
    """Files under `folder` that the index holds as unmerged (a conflict left by a merge or `copier update`),
    relative to `folder`."""
    out = git(folder, "ls-files", "-z", "--unmerged", "--", ".").stdout  # -z: names as they are, never quoted
    return sorted({entry.split("\t", 1)[1] for entry in out.split("\0") if "\t" in entry})


def stage_text(folder: Path, relative: str, stage: int) -> str | None:
    """The text of index stage `stage` (1 base, 2 ours, 3 theirs) of `relative`, or None when that stage is empty."""
    result = git(folder, "show", f":{stage}:./{relative}", check=False)
    if result.returncode != 0:
        return None
    try:
        result.stdout.encode("utf-8")
    except UnicodeEncodeError:  # git's output was read with surrogateescape: these bytes are not UTF-8
        raise ModforgeError(
            f"{relative} is not UTF-8 in git's index (stage {stage}); save it as UTF-8, then run again"
        ) from None
    return result.stdout


def stage_mode(folder: Path, relative: str) -> int:
    """The file mode git's index records for `relative` (any stage; 0o100644 when it holds none)."""
    out = git(folder, "ls-files", "-s", "--", relative, check=False).stdout
    return int(out.split()[0], 8) if out.strip() else 0o100644


def is_tracked(folder: Path, relative: str) -> bool:
    return git(folder, "ls-files", "--error-unmatch", "--", relative, check=False).returncode == 0


def move(folder: Path, old: str, new: str) -> None:
    """`git mv old new` (so history follows the file), creating the destination's folder first."""
    (folder / new).parent.mkdir(parents=True, exist_ok=True)
    git(folder, "mv", "--", old, new)


def mark_resolved(folder: Path, relative: str) -> None:
    """Clear a file's unmerged index entries, leaving its new content as an unstaged change like the rest."""
    git(folder, "add", "--", relative)
    git(folder, "reset", "-q", "--", relative)


def merge_file(ours: str, base: str, theirs: str, labels: tuple[str, str, str], scratch: Path) -> tuple[str, bool]:
    """`git merge-file -p` of three texts: the merged text and whether it merged without conflict."""
    names = ("ours", "base", "theirs")
    for name, text in zip(names, (ours, base, theirs), strict=True):
        (scratch / name).write_text(text, encoding="utf-8")
    label_args = [arg for label in labels for arg in ("-L", label)]
    result = git(scratch, "merge-file", "-p", *label_args, *names, check=False)
    if result.returncode > 127:  # git exits with the number of conflicts, or a negative number on error
        raise ModforgeError(f"`git merge-file` failed: {result.stderr.strip()}")
    return result.stdout, result.returncode == 0
