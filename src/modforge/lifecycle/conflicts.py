"""What a merge can leave in a module: conflict markers in files, `*.rej` files, unmerged index entries.

`copier update` exits 0 even when it left any of these, so `modforge update` looks for them itself.
Conflict markers are found by the parser's detection (modforge.documents.parser), the same the checker reports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
            found.append(
                Leftover(relative, 0, "rejected hunks of the update; apply them by hand, then delete the file")
            )
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


def _text(file: Path) -> str | None:
    try:
        if file.is_symlink() or file.stat().st_size > MAX_BYTES:
            return None
        data = file.read_bytes()
    except OSError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")
