"""Run the enabled rules over one parsed module: `check_module(module, globals, settings)`.

Pure over the model (modforge.documents.model): parsing, discovery, caching and parallelism are
modforge.checker.engine's.
"""

from __future__ import annotations

import os
from pathlib import Path

from modforge.checker.diagnostic import Diagnostic
from modforge.checker.paths import PathDisplay
from modforge.checker.rules import BY_CODE
from modforge.checker.rules.context import Context
from modforge.config import Settings
from modforge.documents.model import Module
from modforge.spec.global_requirements import BUILT_IN_GLOBALS, GlobalRequirements

DEFAULT_SETTINGS = Settings()


def check_module(
    module: Module,
    globals: GlobalRequirements = BUILT_IN_GLOBALS,
    settings: Settings = DEFAULT_SETTINGS,
) -> list[Diagnostic]:
    """Every finding of the enabled rules on `module`, sorted by path, line, column and code; paths are
    shown relative to the working directory when the file is under it."""
    context = Context(module, globals)
    display = PathDisplay(os.getcwd())
    shown: dict[Path, str] = {}
    diagnostics: list[Diagnostic] = []
    for code in settings.enabled_codes:
        rule = BY_CODE[code]
        for finding, message in rule.run(context):
            path = shown.get(finding.path)
            if path is None:
                path = shown[finding.path] = display(finding.path)
            diagnostics.append(Diagnostic(path, finding.line, finding.column, code, rule.severity, message))
    diagnostics.sort(key=lambda d: (d.path, d.line, d.column, d.code))
    return diagnostics
