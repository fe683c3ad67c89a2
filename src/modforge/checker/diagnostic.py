"""`Diagnostic`: one finding of `modforge check`, as the printers (text, json, github) and the cache see it.

Apart from the document model so that a run answered from the cache imports no more than it prints.
"""

from __future__ import annotations

from typing import NamedTuple


class Diagnostic(NamedTuple):
    path: str  # as the user should see it (relative to the working directory when possible)
    line: int
    column: int
    code: str
    severity: str  # "error" | "warning"
    message: str
