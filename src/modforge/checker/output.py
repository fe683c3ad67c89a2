"""Printers over one list of diagnostics: `text` (ruff-like lines, coloured on a terminal), `json`, `github`
(workflow annotations) and `sarif` (SARIF 2.1.0, for code scanning).

Each returns the whole output as a string; the command prints it or writes it to `--output-file`.
`Summary` says what was checked, so "no findings" can say over how much. Diagnostics name files relative
to the working directory; `github` and `sarif` name them from the repository root (the folder holding
`.git`, else $GITHUB_WORKSPACE), which is where CI looks for them whatever folder the check ran in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import NamedTuple

from modforge import __version__
from modforge.checker.diagnostic import Diagnostic

FORMATS = ("text", "json", "github", "sarif")
JSON_SCHEMA_VERSION = 1  # of `--format json` (diagnostics, summary; or error): bumped on incompatible change
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


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


# --- text ---------------------------------------------------------------------------------------------
_BOLD, _RED, _YELLOW, _GREEN, _RESET = "\033[1m", "\033[1;31m", "\033[1;33m", "\033[1;32m", "\033[0m"


def wants_color(stream_is_terminal: bool, environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (no-color.org); FORCE_COLOR forces it anywhere."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return stream_is_terminal and environ.get("TERM") != "dumb"


def text(diagnostics: Sequence[Diagnostic], summary: Summary, *, color: bool = False) -> str:
    if not color:
        lines = [f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}" for d in diagnostics]
        return "\n".join([*lines, summary_line(summary)]) + "\n"
    lines = [
        f"{_BOLD}{d.path}{_RESET}:{d.line}:{d.column}: {_RED if d.severity == 'error' else _YELLOW}{d.code}{_RESET} "
        f"{d.message}"
        for d in diagnostics
    ]
    closing = _RED if summary.errors else _YELLOW if summary.warnings else _GREEN
    return "\n".join([*lines, f"{closing}{summary_line(summary)}{_RESET}"]) + "\n"


# --- json ---------------------------------------------------------------------------------------------
def json_(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "modforge_version": __version__,
        "diagnostics": [d._asdict() for d in diagnostics],
        "summary": summary._asdict(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def json_error(command: str, message: str, exit_code: int) -> str:
    """A usage or I/O problem as `--format json` reports it, instead of findings."""
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "modforge_version": __version__,
        "error": {"command": command, "message": message, "exit_code": exit_code},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- paths from the repository root -------------------------------------------------------------------
class RepositoryPaths:
    """Diagnostic paths (relative to `cwd`, or absolute) as paths from their repository's root."""

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self._roots: dict[str, str | None] = {}
        self.workspace = os.environ.get("GITHUB_WORKSPACE")

    def root_of(self, folder: str) -> str | None:
        if folder not in self._roots:
            found = None
            for candidate in (folder, *_parents(folder)):
                if os.path.exists(os.path.join(candidate, ".git")):
                    found = candidate
                    break
            if found is None and self.workspace and _inside(folder, self.workspace):
                found = os.path.normpath(self.workspace)
            self._roots[folder] = found
        return self._roots[folder]

    def __call__(self, path: str) -> str:
        absolute = os.path.normpath(os.path.join(self.cwd, path))
        root = self.root_of(os.path.dirname(absolute))
        if root is None:
            return path
        return os.path.relpath(absolute, root).replace(os.sep, "/")


def _parents(folder: str) -> list[str]:
    out = []
    while (parent := os.path.dirname(folder)) != folder:
        out.append(parent)
        folder = parent
    return out


def _inside(path: str, folder: str) -> bool:
    folder = os.path.normpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


# --- github -------------------------------------------------------------------------------------------
def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: Sequence[Diagnostic], summary: Summary, *, cwd: str | None = None) -> str:
    """GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding, the file named
    from the repository root."""
    where = RepositoryPaths(cwd or os.getcwd())
    lines = []
    for d in diagnostics:
        level = "error" if d.severity == "error" else "warning"
        props = f"file={_escape_property(where(d.path))},line={d.line},col={d.column},title={_escape_property(d.code)}"
        lines.append(f"::{level} {props}::{_escape_data(d.message)}")
    return "".join(line + "\n" for line in lines)


# --- sarif --------------------------------------------------------------------------------------------
def sarif(diagnostics: Sequence[Diagnostic], summary: Summary, *, cwd: str | None = None) -> str:
    """One SARIF 2.1.0 log: the tool with the rules it reports on, and one result per finding, its file a
    URI relative to the repository root (`%SRCROOT%`), as GitHub code scanning reads it."""
    from modforge.checker.rules import BY_CODE

    where = RepositoryPaths(cwd or os.getcwd())
    codes = sorted({d.code for d in diagnostics})
    index = {code: i for i, code in enumerate(codes)}
    rules = []
    for code in codes:
        rule = BY_CODE.get(code)
        entry: dict = {"id": code}
        if rule is not None:
            entry |= {
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc.strip()},
                "defaultConfiguration": {"level": _level(rule.severity)},
                "help": {"text": f"`modforge rules {code}` shows the rule's page."},
            }
        rules.append(entry)
    results = []
    for d in diagnostics:
        location: dict = {"artifactLocation": _artifact(where(d.path))}
        if d.line >= 1:
            location["region"] = {"startLine": d.line, "startColumn": max(d.column, 1)}
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _level(d.severity),
                "message": {"text": d.message},
                "locations": [{"physicalLocation": location}],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "modforge", "version": __version__, "rules": rules}},
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _level(severity: str) -> str:
    return "error" if severity == "error" else "warning"


def _artifact(path: str) -> dict[str, str]:
    """A path from the repository root as a relative URI on %SRCROOT%; a path outside any as a file URI."""
    from pathlib import Path
    from urllib.parse import quote

    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}  # quote keeps the `/` between folders


PRINTERS = {"text": text, "json": json_, "github": github, "sarif": sarif}


def render(
    diagnostics: Sequence[Diagnostic],
    summary: Summary,
    format: str = "text",
    *,
    color: bool = False,
    cwd: str | None = None,
) -> str:
    if format == "text":
        return text(diagnostics, summary, color=color)
    if format in ("github", "sarif"):
        return PRINTERS[format](diagnostics, summary, cwd=cwd)
    return PRINTERS[format](diagnostics, summary)
