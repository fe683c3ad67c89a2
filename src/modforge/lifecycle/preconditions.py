"""Checks that `modforge update`, `migrate` and `adopt` make before changing anything, each failing with a
ModforgeError that names the problem and the fix (exit 2, nothing changed)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.filesystem import confine
from modforge.lifecycle import vcs
from modforge.templating import template_source

_VERSION_RE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.M)
SHOWN = 5  # dirty paths named in a message


def module_dir(path: Path) -> Path:
    root = Path(path).resolve()
    if not root.is_dir():
        raise ModforgeError(f"{path} is not a folder; pass the module's folder, such as modules/cred-store")
    return root


# Folders a template never renders into: links and special files there are no concern of an update.
UNRENDERED_DIRS = frozenset({".git", "target", "node_modules", "__pycache__", ".venv", "venv"})


def no_links(root: Path, action: str) -> None:
    """Refuse a module holding a symbolic link, a FIFO, a device or a socket: copier writes the template's
    files in place, through a link to wherever it points, and would hang reading a FIFO."""
    for folder, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = Path(folder, name)
            kind = confine.kind_of(path)
            if kind in ("link", "other"):
                what = "a symbolic link" if kind == "link" else "a FIFO, device or socket"
                raise ModforgeError(
                    f"{path} is {what}; {action} never writes through links nor reads special files: replace it "
                    "with the real file or folder (or remove it), commit, then run again"
                )
        dirs[:] = [name for name in dirs if name not in UNRENDERED_DIRS]


def git_root(root: Path, why: str) -> Path:
    top = vcs.toplevel(root)
    if top is None:
        raise ModforgeError(
            f"{root} is not in a git repository, and {why}; run `git init && git add -A && git commit` in the "
            "monorepo first"
        )
    return top


def clean(root: Path, *, whole_repository: bool, action: str) -> None:
    """Refuse when the module (or the whole work tree, as copier requires for update) has uncommitted changes."""
    dirty = vcs.dirty_paths(root, whole_repository=whole_repository)
    if dirty:
        where = "the repository" if whole_repository else str(root)
        listed = ", ".join(dirty[:SHOWN]) + (f" and {len(dirty) - SHOWN} more" if len(dirty) > SHOWN else "")
        raise ModforgeError(
            f"{where} has uncommitted changes ({listed}); commit or stash them first, so that {action} "
            "can be reviewed with `git diff` and undone with `git checkout`"
        )


def local_template(explicit: str | None, start: Path | None = None) -> tuple[str, Path]:
    """The template source (as modules record it) and its checkout on disk, whose files migrations and
    skeletons are read from; `start` is where the project's configuration is looked for."""
    from modforge.lifecycle.template_repo import is_remote

    source = template_source.locate(explicit, start)
    path = None if is_remote(source) else template_source.local_path(source)
    if path is None or not (path / template_source.TEMPLATE_CONFIG).is_file():
        raise ModforgeError(f"the template must be a local checkout of the modforge template, not {source}")
    return source, path


def template_version(template: Path) -> str:
    """The version the template checkout declares (`src/modforge/__init__.py`), read without importing it."""
    init = template / "src" / "modforge" / "__init__.py"
    try:
        match = _VERSION_RE.search(init.read_text(encoding="utf-8"))
    except OSError:
        match = None
    if not match:
        raise ModforgeError(f"{template} does not declare its version in src/modforge/__init__.py")
    return match.group(1)
