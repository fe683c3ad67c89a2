"""A fleet update: every selected module brought to the target release, in parallel, written one at a time.

1. For each module still pending, the target is `--vcs-ref` or the newest release of the template its
   answers file records; a module already there is `current` and nothing is rendered for it.
2. The template checkouts the run needs (each recorded release, each target) are made once, before any
   worker starts (modforge.fleet.copier_seams), so the forked workers share them.
3. Workers update modules in scratch repositories (modforge.fleet.module_update), `jobs` at a time; as
   each result arrives, this process writes it into the monorepo in one transaction (modforge.fleet.apply)
   and reports it. A dry run writes nothing. A module recording the ID prefix of an earlier sibling waits
   for the others and runs alone, so it sees their updates as a loop would (copier re-picks a refused prefix).

An interrupt stops the run between two modules, or after the module being written is complete or put back
(the transaction holds SIGINT while it swaps files): every module is untouched or fully updated.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.fleet import apply, module_update, pool
from modforge.fleet import scratch as scratch_repo
from modforge.fleet.copier_seams import Seams
from modforge.fleet.outcome import CURRENT, Outcome
from modforge.fleet.selection import PENDING
from modforge.spec import layout

_PLAIN_RELEASE = re.compile(r"v?\d+(?:\.\d+)*")


def update(
    top: Path,
    outcomes: list[Outcome],
    *,
    vcs_ref: str | None,
    dry_run: bool,
    jobs: int,
    report: Callable[[Outcome], None],
) -> list[Outcome]:
    """Run the update (module docstring); `report` is called once per module as it ends, in that order."""
    for outcome in outcomes:
        if outcome.state != PENDING:
            report(outcome)
    from modforge.lifecycle import template_repo

    base = Path(tempfile.mkdtemp(prefix="modforge-update-"))
    # copier's own temporary folders go under `base` too (workers inherit it), so that those of a worker
    # stopped by an interrupt are removed with the run's.
    previous_tempdir, tempfile.tempdir = tempfile.tempdir, str(base)
    sources = sorted({str(o.source) for o in outcomes if o.state == PENDING})
    main_thread = threading.current_thread() is threading.main_thread()
    terminate = signal.signal(signal.SIGTERM, _stop) if main_thread else None  # like Ctrl-C: stop, clean up
    try:
        # Every release of each template is a tag for copier, even from a clone without tags (git fetches
        # the template from a tagged repository for the run; the forked workers inherit the setting).
        with contextlib.ExitStack() as stack:
            for source in sources:
                try:
                    stack.enter_context(template_repo.serving(source))
                except ModforgeError as error:  # its modules fail; the others go on
                    for outcome in outcomes:
                        if outcome.state == PENDING and outcome.source == source:
                            report(outcome.fail(f"cannot read the template {source}: {error}"))
            seams = stack.enter_context(Seams(base).installed_in())
            todo = []
            for position, outcome in enumerate(outcomes):
                if outcome.state != PENDING:
                    continue
                if _prepare(seams, top, outcome, vcs_ref):
                    todo.append(position)
                else:
                    report(outcome)  # current, or its template cannot be read
            monorepo = scratch_repo.Monorepo.read(top, layout.ANSWERS_FILE)

            # A module sharing its ID prefix with an earlier sibling runs after the others are written, one at
            # a time in order, so that it sees their updates as it would in a loop (rare: usually none).
            later = [p for p in todo if monorepo.follows_a_twin(outcomes[p].module, layout.ANSWERS_FILE)]
            for batch, batch_jobs in (([p for p in todo if p not in later], jobs), (later, 1)):

                def work(index: int, batch: list[int] = batch) -> Outcome:
                    outcome = outcomes[batch[index]]
                    with _in_folder(top / outcome.module):  # a relative `_src_path` is relative to the module
                        return module_update.update(monorepo, outcome, base, vcs_ref, seams.inline.take_output)

                def lost(index: int, batch: list[int] = batch) -> Outcome:
                    return outcomes[batch[index]].fail("the worker process updating it died; nothing was changed")

                with contextlib.closing(pool.stream(work, len(batch), batch_jobs, lost)) as results:
                    for index, outcome in results:
                        outcomes[batch[index]] = outcome
                        if not dry_run and outcome.changes is not None:
                            _write(top, outcome)
                        elif outcome.changes is not None and layout.ANSWERS_FILE in outcome.changes.written:
                            answers = f"{outcome.module}/{layout.ANSWERS_FILE}"
                            monorepo.unwritten[answers] = outcome.changes.written[layout.ANSWERS_FILE][1]
                        outcome.changes = None
                        report(outcome)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, terminate)
        tempfile.tempdir = previous_tempdir
        _remove(base)
    return outcomes


def _remove(folder: Path) -> None:
    """Remove the run's scratch folder. After an interrupt, a git process its worker started has been told to
    stop but may still write in it for a moment, so try again until it is gone (a second at most)."""
    for _ in range(50):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.02)


def _stop(number: int, frame: object) -> None:
    raise KeyboardInterrupt


def _prepare(seams: Seams, top: Path, outcome: Outcome, vcs_ref: str | None) -> bool:
    """Whether `outcome` needs an update: false when it is current or its template cannot be read (failed)."""
    from copier import _template

    try:
        with _in_folder(top / outcome.module):
            template = _template.Template(url=str(outcome.source), ref=vcs_ref)
            target = vcs_ref or _template.get_latest_tag(template.url_expanded, False)
            if _same_release(str(outcome.before), str(target)):
                outcome.state, outcome.after = CURRENT, outcome.before
                return False
            seams.prepare(str(outcome.source), [outcome.before, vcs_ref])
    except Exception as error:  # (a template copier cannot read fails this module only)
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        outcome.fail(f"cannot read the template {outcome.source} at {outcome.before} and the target: {text}")
        return False
    return True


def _same_release(recorded: str, target: str) -> bool:
    """Both name the same release tag (`v0.2.0`, not a commit after it)."""
    if not (_PLAIN_RELEASE.fullmatch(recorded) and _PLAIN_RELEASE.fullmatch(target)):
        return recorded == target
    return recorded.lstrip("v") == target.lstrip("v")


def _write(top: Path, outcome: Outcome) -> None:
    """One module's changes, all or nothing; a failure leaves the module as it was and fails it."""
    assert outcome.changes is not None
    try:
        apply.transaction(top / outcome.module, outcome.changes).commit()
    except ModforgeError as error:
        outcome.fail(str(error))


@contextlib.contextmanager
def _in_folder(folder: Path) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)
