"""One module's `copier update`, run in its scratch repository (modforge.fleet.scratch), read back as an Outcome.

This is the work a fleet run's worker processes share. It calls copier's public `run_update` exactly as
`modforge update` always has (`--defaults`, trusted, inline conflicts); the run's copier seams
(modforge.fleet.copier_seams) only save what repeats between modules. Nothing here touches the monorepo:
the changes come back as data, and the runner writes them (modforge.fleet.apply).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.fleet import scratch as scratch_repo
from modforge.fleet.outcome import CLEAN, CONFLICTS, Conflict, Outcome
from modforge.spec import layout


def update(monorepo: scratch_repo.Monorepo, outcome: Outcome, base: Path, vcs_ref: str | None, messages) -> Outcome:
    """Update `outcome.module` in a scratch repository under `base`; `messages()` gives (and clears) what the
    migrations printed. Any error leaves the outcome `failed` with one line saying why."""
    scratch = None
    messages()  # nothing left over from another module
    try:
        scratch = scratch_repo.prepare(monorepo, outcome.module, base, layout.ANSWERS_FILE)
        _run_copier(scratch.root, vcs_ref)
        outcome.messages = [line for line in messages().splitlines() if line.strip()]
        from modforge.lifecycle import conflicts

        outcome.conflicts = [Conflict(c.path, c.line, c.message) for c in conflicts.find(scratch.root)]
        changes = scratch_repo.collect(scratch)
        if changes.links:
            raise ModforgeError(
                f"the update made symbolic links ({', '.join(changes.links)}), which modforge never writes"
            )
        outcome.changes = changes
        outcome.files = sorted({*changes.written, *changes.deleted, *changes.index})
        outcome.after = _recorded_ref(scratch.root)
        outcome.state = CONFLICTS if outcome.conflicts else CLEAN
        return outcome
    except ModforgeError as error:
        return outcome.fail(str(error))
    except Exception as error:  # (one module's failure must not stop the others)
        return outcome.fail(f"{type(error).__name__}: {_first_line(error)}")
    finally:
        if scratch is not None:
            scratch_repo.remove(scratch)


def _run_copier(root: Path, vcs_ref: str | None) -> None:
    from copier import run_update
    from copier.errors import CopierError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dirty-template and deprecation notices are for template authors
        try:
            # Conflicts inline, never `rej`: a .rej file would be the only place some of the owner's lines live.
            run_update(
                str(root), defaults=True, overwrite=True, unsafe=True, quiet=True, vcs_ref=vcs_ref, conflict="inline"
            )
        except ValueError as error:  # a stored answer the new template's validators reject
            raise ModforgeError(f"the new template rejects an answer: {_first_line(error)}") from None
        except CopierError as error:
            raise ModforgeError(f"copier could not update the module: {_first_line(error)}") from None


def _recorded_ref(root: Path) -> str | None:
    from modforge.documents import loader

    try:
        return str(loader.load_answers(root / layout.ANSWERS_FILE).get("_commit") or "") or None
    except ModforgeError:
        return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
