"""How findings name files: relative to the working directory when inside it (with `/`), else absolute.
One definition for the rules (check.py) and the cached results (engine.py), so a finding reads the same
whether it was just computed or came from the cache. (modforge.filesystem.names.printable makes a name valid
text whatever bytes the file system holds.)"""

from __future__ import annotations

import os


class PathDisplay:
    def __init__(self, cwd: str) -> None:
        self.cwd = os.path.normpath(cwd)
        self.prefix = self.cwd.rstrip(os.sep) + os.sep

    def __call__(self, path: str | os.PathLike[str]) -> str:
        path = os.path.normpath(os.path.join(self.cwd, os.fspath(path)))
        if path.startswith(self.prefix):
            return path[len(self.prefix) :].replace(os.sep, "/")
        if path == self.cwd:
            return "."
        return path
