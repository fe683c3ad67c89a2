"""Small modules written to a temporary directory and checked in this process: what a rule reports about one
document (code, document, line, column and the message a user reads), in milliseconds."""

from __future__ import annotations

from pathlib import Path

from modforge.checker.check import check_module
from modforge.config import Settings
from modforge.documents.loader import load_module
from modforge.spec import layout

Report = tuple[str, str, int, int, str]  # code, file name, line, column, message


def write_module(tmp_path: Path, docs: dict[str, str], answers: str | None = None) -> Path:
    """modules/oagw of a monorepo under `tmp_path`, holding `docs` (name -> text) in docs/ and, when given, the
    answers file."""
    root = tmp_path / "modules" / "oagw"
    (root / layout.DOCS_DIR).mkdir(parents=True)
    for name, text in docs.items():
        (root / layout.DOCS_DIR / name).write_text(text, encoding="utf-8")
    if answers is not None:
        (root / layout.ANSWERS_FILE).write_text(answers, encoding="utf-8")
    return root


def prefix_answers(prefix: str | None) -> str | None:
    """An answers file declaring `prefix` for module oagw (none when None: the prefix is whatever the IDs carry)."""
    return None if prefix is None else f"id_prefix: {prefix}\nmodule_name: oagw\n"


def reports(root: Path, *select: str) -> list[Report]:
    """What `modforge check --select ...` reports on the module at `root`, in report order."""
    diagnostics = check_module(load_module(root), settings=Settings(select=select or ("ALL",)))
    return [(d.code, Path(d.path).name, d.line, d.column, d.message) for d in diagnostics]


def check_docs(tmp_path: Path, docs: dict[str, str], *select: str, answers: str | None = None) -> list[Report]:
    return reports(write_module(tmp_path, docs, answers), *select)
