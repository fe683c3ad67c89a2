"""What a merge can leave in a module: conflict markers in files, `*.rej` files, unmerged index entries.

`copier update` exits 0 even when it left any of these, so `modforge update` looks for them itself.
Conflict markers are found by the parser's detection (modforge.documents.parser), the same the checker reports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.filesystem import confine, textcodec
from modforge.lifecycle import migration, vcs

SKIP_DIRS = {".git", "target", "node_modules", "__pycache__", ".venv"}
MAX_BYTES = 2_000_000


@dataclass(frozen=True, order=True)
class Leftover:
    path: str  # relative to the module
    line: int  # 0 when the whole file is concerned
    message: str


def find(root: Path) -> list[Leftover]:
    root = Path(root).resolve()
    found: list[Leftover] = []
    for file in _files(root):
        relative = file.relative_to(root).as_posix()
        if file.name.endswith(".rej"):
            found += _rejected(file, relative)
            continue
        text = _text(file)
        if text is None:
            continue
        for line in migration.conflict_lines(text, markdown=file.suffix == ".md"):
            found.append(Leftover(relative, line, "conflict marker; keep the right lines, then delete the markers"))
    if vcs.toplevel(root):
        marked = {item.path for item in found}
        for path in vcs.unmerged_paths(root):
            if path not in marked:
                found.append(Leftover(path, 0, "unmerged in git; resolve it, then `git add` it"))
    return sorted(found)


def _files(root: Path):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            yield Path(folder, name)


def _rejected(rej: Path, relative: str) -> list[Leftover]:
    """What a `*.rej` file holds that the file beside it lacks: the lines of the owner's change (the hunks'
    `+` lines) found nowhere in that file exist only in the `.rej`, and are named one by one."""
    target = rej.with_name(rej.name.removesuffix(".rej"))
    text, current = _text(rej) or "", _text(target) or ""
    present = {line.strip() for line in textcodec.lines(current)}
    lost = []
    adds_lines = False
    in_hunk = False  # the lines before the first hunk are the file names (`+++ b/TASKS.md`), not content
    for number, line in enumerate(textcodec.lines(text), start=1):
        if line.startswith("@@"):
            in_hunk = True
        elif in_hunk and line.startswith("+") and line[1:].strip():
            adds_lines = True
            if line[1:].strip() not in present:
                lost.append(
                    Leftover(relative, number, f"your line is only here, not in {target.name}: {line[1:].strip()!r}")
                )
    if lost:
        lost.append(Leftover(relative, 0, f"apply its {len(lost)} line(s) to {target.name} by hand, then delete it"))
        return lost
    if adds_lines:
        return [Leftover(relative, 0, f"rejected hunks; {target.name} holds every line they add: delete the file")]
    return [Leftover(relative, 0, "rejected hunks of the update; apply them by hand, then delete the file")]


def _text(file: Path) -> str | None:
    try:  # a regular file only (a FIFO would hang the read), and not a huge one
        data = confine.read_regular(file, limit=MAX_BYTES)
    except ModforgeError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")
