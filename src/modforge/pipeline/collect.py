"""Gather the modules a pipeline command looks at: one checker pass (modforge.checker.engine) that also makes
each module's facts and reads its code, so `status` and `trace` cost about one `check`."""

from __future__ import annotations

from pathlib import Path

from modforge.errors import ModforgeError
from modforge.pipeline.view import ModuleView

# Findings that mean a module cannot be read as the pipeline's documents: a command refuses, as for bad input.
UNREADABLE = {"MF001": "cannot be read as a Markdown document", "MF003": "is not a readable answers file"}


def collect(paths: list[Path] | None, use_cache: bool = True, record=None) -> list[ModuleView]:
    """Every module `paths` name (the working directory when empty), as views, in path order.

    `record(view)`, when given, runs in the worker that read the module (in parallel, like the check) and its
    result (plain data) is the view's `record`: the per-module part of a command's output. The views then hold
    only the record, the module's place and its findings counted: facts and code stay in the workers, which
    saves the parent receiving megabytes it would not read.

    Raises ModforgeError for a path that is not there or holds no module, and for a module whose documents
    or answers file cannot be read (the checker's MF001 or MF003), naming the file."""
    from modforge.checker import engine
    from modforge.config import load_settings
    from modforge.pipeline import code

    settings = load_settings(Path.cwd(), None, None, paths or [])
    # what the workers run on a cache miss, and the answers file's reader, which `code.scan` runs on every module:
    # imported once here rather than by each worker after the fork
    import yaml  # noqa: F401

    import modforge.checker.quickcheck
    import modforge.filesystem.structured
    import modforge.pipeline.facts  # noqa: F401

    def also(source, facts: dict, stored: list) -> tuple:
        scanned = code.scan(source)
        if record is None:
            return scanned, None
        errors = sum(1 for item in stored if item[5] == "error")
        view = ModuleView(str(source.root), str(source.repo_root), facts, scanned, errors, len(stored) - errors)
        return None, record(view)

    result = engine.run_check(paths, settings, use_cache=use_cache, facts=True, also=also, keep_facts=record is None)
    for diagnostic in result.diagnostics:
        if diagnostic.code in UNREADABLE:
            raise ModforgeError(
                f"{diagnostic.path}:{diagnostic.line}: {diagnostic.message}; "
                "fix it (see `modforge check`), then run again"
            )
    views = []
    for m in result.per_module:
        view = ModuleView(str(m.root), str(m.repo_root), m.facts or {}, m.also[0], m.errors, m.warnings)
        view.record = m.also[1]
        views.append(view)
    return views
