"""What a fleet run knows of each module: where it starts, the one state it ends in, and why.

States (exactly one per module):
- `clean`: updated, nothing left to resolve;
- `conflicts`: updated, with conflict markers, `*.rej` files or unmerged files to resolve (each file:line);
- `current`: already at the target release; nothing rendered, nothing written;
- `failed`: not updated; the module is exactly as it was (files and git index), and the error says why.
A dry run ends each module in the state the real run would, and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from modforge.fleet.scratch import Result

CLEAN, CONFLICTS, CURRENT, FAILED = "clean", "conflicts", "current", "failed"
STATES = (CLEAN, CONFLICTS, CURRENT, FAILED)


@dataclass
class Conflict:
    path: str  # relative to the module
    line: int  # 0 when the whole file is concerned
    message: str


@dataclass
class Outcome:
    module: str  # the module's folder relative to the monorepo, POSIX
    name: str
    source: str | None = None  # the template the answers file records (`_src_path`)
    before: str | None = None  # the template ref the answers file records (`_commit`)
    after: str | None = None  # the ref it records after the update (or would, for a dry run)
    state: str = FAILED
    error: str | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # what the update changes, relative to the module
    messages: list[str] = field(default_factory=list)  # what the release's migrations said
    changes: Result | None = None  # the changes to write; dropped once written

    @property
    def conflict_files(self) -> list[str]:
        return sorted({conflict.path for conflict in self.conflicts})

    def fail(self, error: str) -> Outcome:
        self.state, self.error, self.changes, self.after = FAILED, error, None, None
        self.conflicts, self.files = [], []
        return self
