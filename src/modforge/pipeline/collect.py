"""Gather the modules a pipeline command looks at: one checker pass (modforge.checker.engine) that also makes
each module's facts and reads its code, so `status` and `trace` cost about one `check`."""

from __future__ import annotations

from pathlib import Path

from modforge.errors import ModforgeError
from modforge.pipeline.view import ModuleView

# Findings that mean a module cannot be read as the pipeline's documents: a command refuses, as for bad input.
UNREADABLE = {"MF001": "cannot be read as a Markdown document", "MF003": "is not a readable answers file"}


def collect(paths: list[Path] | None, use_cache: bool = True) -> list[ModuleView]:
    """Every module `paths` name (the working directory when empty), as views, in path order.

    Raises ModforgeError for a path that is not there or holds no module, and for a module whose documents
    or answers file cannot be read (the checker's MF001 or MF003), naming the file."""
    from modforge.checker import engine
    from modforge.config import load_settings
    from modforge.pipeline import code

    settings = load_settings(Path.cwd(), None, None, paths or [])
    result = engine.run_check(paths, settings, use_cache=use_cache, facts=True, also=code.scan)
    for diagnostic in result.diagnostics:
        if diagnostic.code in UNREADABLE:
            raise ModforgeError(
                f"{diagnostic.path}:{diagnostic.line}: {diagnostic.message}; fix it (see `modforge check`), then run again"
            )
    return [
        ModuleView(str(m.root), str(m.repo_root), m.facts, m.also, m.errors, m.warnings) for m in result.per_module
    ]
