"""Which modules a fleet command works on, and what each one's answers file says, read before anything runs.

`MODULE...` names module folders; `--all` takes every module of the monorepo (the git work tree holding the
working directory) that has an answers file written by the modforge template. Every module must be in the
same git work tree, which must be clean: checked once for the whole run, before anything is written.
A module whose answers file cannot be used is not a usage error: it ends `failed`, and the others go on.
"""

from __future__ import annotations

import os
from pathlib import Path

from modforge.documents import loader
from modforge.errors import ModforgeError
from modforge.fleet.outcome import Outcome
from modforge.lifecycle import migration, preconditions, vcs
from modforge.spec import layout

PENDING = ""  # the state of a module not yet run


def select(paths: list[Path], every: bool, *, action: str, need_clean: bool = True) -> tuple[Path, list[Path]]:
    """The monorepo's root and the module folders to work on (sorted), after the run's preconditions."""
    if every and paths:
        raise ModforgeError("pass module folders or --all, not both")
    if not every and not paths:
        raise ModforgeError("name the module folders to work on, or pass --all for every module of the monorepo")
    if every:
        top = preconditions.git_root(Path.cwd(), f"{action} needs git to find the modules and undo its changes")
        roots = _every_module(top)
        if not roots:
            raise ModforgeError(f"{top} has no module with a {layout.ANSWERS_FILE} written by the modforge template")
    else:
        roots = sorted({preconditions.module_dir(path) for path in paths})
        for root in roots:
            _check_is_modforge_module(root)
        tops = {preconditions.git_root(root, f"{action} needs git to merge and undo its changes") for root in roots}
        if len(tops) > 1:
            raise ModforgeError(f"the modules are in {len(tops)} git repositories; run once per repository")
        top = tops.pop()
    if need_clean:
        preconditions.clean(top, whole_repository=True, action=action)
    for root in roots:  # copier writes the template's files in place: through a link, wherever it points
        preconditions.no_links(root, action)
    return top, roots


def outcomes(top: Path, roots: list[Path], *, need_source: bool = True) -> list[Outcome]:
    """One outcome per module: pending, or failed when its answers file cannot be used (an update also needs
    the template it records, `need_source`)."""
    found = []
    for root in roots:
        outcome = Outcome(root.relative_to(top).as_posix(), root.name, state=PENDING)
        try:
            answers = loader.load_answers(root / layout.ANSWERS_FILE)
            migration.check_modforge_answers(root, answers)
            needed = (("_src_path", "which template made the module"),) if need_source else ()
            for key, what in (*needed, ("_commit", "its template release")):
                if not answers.get(key):
                    raise ModforgeError(f"{root / layout.ANSWERS_FILE} does not say {what} ({key})")
        except ModforgeError as error:
            outcome.fail(str(error))
        else:
            outcome.before = str(answers["_commit"])
            outcome.source = str(answers.get("_src_path", ""))
        found.append(outcome)
    return found


def _check_is_modforge_module(root: Path) -> None:
    """A named folder must have a modforge answers file; one that cannot be parsed fails in the run instead."""
    path = root / layout.ANSWERS_FILE
    if not path.is_file():
        migration.read_answers(root)  # raises, naming `modforge adopt`
    data, problem = loader.read_answers(path.read_bytes())
    if data is not None and problem is None:
        migration.check_modforge_answers(root, data)


def _every_module(top: Path) -> list[Path]:
    """Every folder of the work tree whose tracked answers file is modforge's, or unreadable (to report it)."""
    listed = vcs.git(top, "ls-files", "-z", "--", f":(glob)**/{layout.ANSWERS_FILE}").stdout
    roots = []
    for name in filter(None, listed.split("\0")):
        root = (top / name).parent
        try:
            data, problem = loader.read_answers((top / name).read_bytes())
        except OSError:
            continue
        if problem is not None or (data is not None and all(key in data for key in migration.MODFORGE_KEYS)):
            roots.append(Path(os.path.normpath(root)))
    return sorted(roots)
