"""`modforge check`'s rules run in-process on a module written from a few literal documents: real files in a
temporary directory and the real loader, parser and checker, in milliseconds (no copier run, no fixture module).
The rules' unit tests (tests/test_rules_*.py) state each finding they expect literally: code, document, line,
column and the message the user reads."""

from __future__ import annotations

from pathlib import Path

from modforge.checker.check import check_module
from modforge.documents.loader import load_module
from modforge.spec import layout
from modforge.spec.global_requirements import BUILT_IN_GLOBALS, GlobalRequirements

Finding = tuple[str, str, int, int, str]  # code, document name, line, column, message


def write_module(root: Path, documents: dict[str, str], prefix: str | None = "OAGW") -> Path:
    """modules/oagw under `root` with `documents` (name -> text) in docs/; an answers file naming `prefix`
    when one is given (without it, the module's prefix is whatever its IDs carry)."""
    module = root / "modules" / "oagw"
    (module / layout.DOCS_DIR).mkdir(parents=True)
    if prefix is not None:
        (module / layout.ANSWERS_FILE).write_text(f"id_prefix: {prefix}\nmodule_name: oagw\n", encoding="utf-8")
    for name, text in documents.items():
        (module / layout.DOCS_DIR / name).write_text(text, encoding="utf-8")
    return module


def check_documents(
    root: Path,
    documents: dict[str, str],
    prefix: str | None = "OAGW",
    globals: GlobalRequirements = BUILT_IN_GLOBALS,
) -> list[Finding]:
    """Every finding of the checker on a module made of `documents`, in the checker's order."""
    diagnostics = check_module(load_module(write_module(root, documents, prefix)), globals)
    return [(d.code, Path(d.path).name, d.line, d.column, d.message) for d in diagnostics]
