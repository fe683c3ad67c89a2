"""Small modules on disk and what `modforge check` says about them, in-process: for tests that assert a rule's
exact findings (code, document, line, column, message) on a few lines of Markdown, in milliseconds."""

from __future__ import annotations

import shutil
from pathlib import Path

from modforge.checker.check import check_module
from modforge.config import Settings
from modforge.documents.loader import load_module
from modforge.spec import layout

CLEAN = Path(__file__).parent / "fixtures" / "check" / "clean-module"

Reported = tuple[str, str, int, int, str]  # code, document name, line, column, message


def clean_module(tmp_path: Path) -> Path:
    """A copy of the clean fixture module (prefix OAGW from its answers file), as modules/oagw."""
    return Path(shutil.copytree(CLEAN, tmp_path / "modules" / "oagw"))


def write_module(tmp_path: Path, documents: dict[str, str], prefix: str | None = "OAGW") -> Path:
    """A module of just these documents; its answers file declares `prefix` (none when None)."""
    root = tmp_path / "modules" / "oagw"
    (root / layout.DOCS_DIR).mkdir(parents=True)
    if prefix is not None:
        (root / layout.ANSWERS_FILE).write_text(f"id_prefix: {prefix}\nmodule_name: oagw\n", encoding="utf-8")
    for name, text in documents.items():
        (root / layout.DOCS_DIR / name).write_text(text, encoding="utf-8")
    return root


def append(module: Path, doc: str, text: str) -> None:
    """Add `text` at the end of `doc`, after a blank line."""
    path = module / layout.DOCS_DIR / doc
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text, encoding="utf-8")


def findings(module: Path, *codes: str) -> list[Reported]:
    """Every finding on the module (only those of `codes`, when given), in the checker's order."""
    return [
        (d.code, Path(d.path).name, d.line, d.column, d.message)
        for d in check_module(load_module(module), settings=Settings())
        if not codes or d.code in codes
    ]
