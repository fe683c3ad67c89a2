"""Small modules on disk and what `modforge check` says about them, in-process: for tests that assert a rule's
exact findings (code, document, line, column, message) on a few lines of Markdown, in milliseconds."""

from __future__ import annotations

from pathlib import Path

from small_modules import prefix_answers
from small_modules import write_module as _write_module

from modforge.checker.check import check_module
from modforge.config import Settings
from modforge.documents.loader import load_module

Reported = tuple[str, str, int, int, str]  # code, document name, line, column, message


def write_module(tmp_path: Path, documents: dict[str, str], prefix: str | None = "OAGW") -> Path:
    """A module of just these documents; its answers file declares `prefix` (none when None)."""
    return _write_module(tmp_path, documents, prefix_answers(prefix))


def findings(module: Path, *codes: str) -> list[Reported]:
    """Every finding of the rules `codes` on the module, in the checker's order. Only those rules run, so a test
    stays cheap where every call of the checker's functions is recorded (`make mutation` picks the cheapest)."""
    diagnostics = check_module(load_module(module), settings=Settings(select=codes))
    return [(d.code, Path(d.path).name, d.line, d.column, d.message) for d in diagnostics]
