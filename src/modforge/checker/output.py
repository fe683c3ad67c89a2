"""Printers over one list of diagnostics: `text` (ruff-like lines), `json` and `github` (workflow commands).

Each returns the whole output as a string; the command prints it. `Summary` says what was checked, so
"no findings" can say over how much.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import NamedTuple

from modforge.checker.diagnostic import Diagnostic

FORMATS = ("text", "json", "github")


class Summary(NamedTuple):
    errors: int
    warnings: int
    modules: int
    documents: int

    @classmethod
    def of(cls, diagnostics: Sequence[Diagnostic], modules: int, documents: int) -> Summary:
        errors = sum(1 for d in diagnostics if d.severity == "error")
        return cls(errors, len(diagnostics) - errors, modules, documents)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def summary_line(summary: Summary) -> str:
    scope = f"{_count(summary.modules, 'module')}, {_count(summary.documents, 'document')}"
    if not summary.errors and not summary.warnings:
        return f"All checks passed ({scope})."
    return f"Found {_count(summary.errors, 'error')} and {_count(summary.warnings, 'warning')} ({scope} checked)."


def text(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    lines = [f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}" for d in diagnostics]
    lines.append(summary_line(summary))
    return "\n".join(lines) + "\n"


def json_(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    document = {"diagnostics": [d._asdict() for d in diagnostics], "summary": summary._asdict()}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    """GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding."""
    lines = []
    for d in diagnostics:
        level = "error" if d.severity == "error" else "warning"
        props = f"file={_escape_property(d.path)},line={d.line},col={d.column},title={_escape_property(d.code)}"
        lines.append(f"::{level} {props}::{_escape_data(d.message)}")
    return "".join(line + "\n" for line in lines)


PRINTERS = {"text": text, "json": json_, "github": github}


def render(diagnostics: Sequence[Diagnostic], summary: Summary, format: str = "text") -> str:
    return PRINTERS[format](diagnostics, summary)
