"""`modforge check`'s rules run in-process on a module written from a few literal documents: real files in a
temporary directory and the real loader, parser and checker, in milliseconds (no copier run, no fixture module).
The rules' unit tests (tests/test_rules_*.py) state each finding they expect literally: code, document, line,
column and the message the user reads."""

from __future__ import annotations

from pathlib import Path

from small_modules import prefix_answers, write_module

from modforge.checker.check import check_module
from modforge.documents.loader import load_module
from modforge.spec.global_requirements import BUILT_IN_GLOBALS, GlobalRequirements

Finding = tuple[str, str, int, int, str]  # code, document name, line, column, message


def check_documents(
    root: Path,
    documents: dict[str, str],
    prefix: str | None = "OAGW",
    globals: GlobalRequirements = BUILT_IN_GLOBALS,
) -> list[Finding]:
    """Every finding of the checker on a module made of `documents`, in the checker's order."""
    diagnostics = check_module(load_module(write_module(root, documents, prefix_answers(prefix))), globals)
    return [(d.code, Path(d.path).name, d.line, d.column, d.message) for d in diagnostics]
