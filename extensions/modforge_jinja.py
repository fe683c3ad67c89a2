"""Jinja extension that copier loads (via copier-template-extensions) to render the module template.

It adds modforge's ID, heading and naming functions to copier's Jinja environment. The functions live
in the template's own `src/modforge`, so a copy renders with the grammar of the template version it
comes from, and `copier` needs nothing installed but copier-template-extensions. In a regular install the
template sits inside the package (`modforge/_template/`): then the code is the package that holds it.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from pathlib import Path

from jinja2.ext import Extension


def _code_root(template: Path) -> Path:
    """The folder to import `modforge` from: the checkout's `src/`, or the site folder of the installed
    package that contains the template."""
    if (template / "src" / "modforge" / "__init__.py").is_file():
        return template / "src"
    if (template.parent / "__init__.py").is_file() and template.parent.name == "modforge":
        return template.parent.parent
    raise ImportError(f"the modforge template at {template} has neither src/modforge nor an enclosing package")


_TEMPLATE_SRC = _code_root(Path(__file__).resolve().parent.parent)


def _own_jinja_api():
    """`modforge.templating.jinja_api` imported from this template checkout, whatever `modforge` the process has.

    `copier update` renders two template versions in one process, and `modforge update` runs copier
    inside modforge: a plain import would reuse the first `modforge` loaded and render this version with
    another version's layout. So the import runs against an empty `modforge` namespace and the process's
    own modules are put back afterwards; the functions keep their own module globals.

    copier loads this file afresh for every Jinja environment (three per update), so the imported module
    is kept in a process-wide cache for this checkout, until one of the files it was built from changes.
    """
    cache = sys.modules.setdefault(_CACHE, types.ModuleType(_CACHE)).__dict__
    kept = cache.get(str(_TEMPLATE_SRC))
    if kept is not None and kept[1] == _stamps(kept[1]):
        return kept[0]

    def ours() -> dict:
        return {n: m for n, m in sys.modules.items() if n == "modforge" or n.startswith("modforge.")}

    saved = ours()
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(_TEMPLATE_SRC))
    try:
        api = importlib.import_module("modforge.templating.jinja_api")
        files = [getattr(module, "__file__", None) for module in ours().values()]
        cache[str(_TEMPLATE_SRC)] = (api, _stamps({file: None for file in files if file}))
        return api
    finally:
        sys.path.remove(str(_TEMPLATE_SRC))
        for name in ours():
            del sys.modules[name]
        sys.modules.update(saved)


_CACHE = "_modforge_template_jinja_api"  # a sys.modules entry: the one place that outlives this file's reloads


def _stamps(files: dict) -> dict:
    """Each file's modification time (None once it is gone)."""
    stamps = {}
    for file in files:
        try:
            stamps[file] = os.stat(file).st_mtime_ns
        except OSError:
            stamps[file] = None
    return stamps


class ModforgeExtension(Extension):
    """Registers modforge's filters and globals (see modforge.templating.jinja_api)."""

    def __init__(self, environment):
        super().__init__(environment)
        _own_jinja_api().register(environment)
