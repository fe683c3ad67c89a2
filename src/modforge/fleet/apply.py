"""Writing one module's update into the monorepo: one all-or-nothing transaction (modforge.filesystem).

The files the update wrote, with their permission bits, the files and folders it removed, and the index
entries it set (a conflict's unmerged stages 1, 2 and 3, as copier records them) go into one
`Transaction` on the module's folder: written together, or, when anything fails or the user interrupts,
not at all, the files and the git index put back as they were.
"""

from __future__ import annotations

from pathlib import Path

from modforge.filesystem.transaction import Transaction
from modforge.fleet.scratch import Result


def transaction(module_root: Path, changes: Result) -> Transaction:
    change = Transaction(module_root)
    for path, (mode, data) in changes.written.items():
        change.write(path, data, mode)
    for path in changes.deleted:
        change.delete(path)
    for folder in changes.removed_folders:
        change.remove_folder_if_empty(folder)
    for path, entries in changes.index.items():
        change.set_index_entries(path, entries)
    return change
