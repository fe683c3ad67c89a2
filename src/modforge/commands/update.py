"""Update modules to a newer template release: `copier update` for one module or the whole monorepo, with one report.

Each module ends in exactly one state: updated cleanly; updated with conflicts (each file:line listed:
copier exits 0 even when it leaves conflict markers, `*.rej` files or unmerged files); already current
(nothing rendered); or failed, left exactly as it was (files and git index) while the others go on.
Modules are updated in parallel, each alone in a scratch repository, and written into the monorepo one at
a time, all or nothing. The result is the one `copier update --trust --defaults` gives in each module.
The template is the one the module records (`_src_path` of its answers file), for each module; a clone of it
without release tags works too (releases.toml names each release's commit).

Before anything is written the run needs git and a clean work tree (else exit 2, nothing changed).
Exit codes: 0 every module clean or current; 1 a module has conflicts or failed (with --dry-run: a module
would change; with --check: a module is behind the newest release); 2 usage problem; 130 interrupted (every
module untouched or fully updated).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from modforge.errors import ModforgeError
from modforge.fleet import report, runner, selection
from modforge.fleet.outcome import CONFLICTS, CURRENT, FAILED, Outcome

FORMATS = ("text", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "modules", nargs="*", type=Path, metavar="MODULE", help="module folders, e.g. modules/cred-store"
    )
    parser.add_argument(
        "--all", dest="every", action="store_true", help="every module of the monorepo (the git work tree here)"
    )
    parser.add_argument(
        "--vcs-ref",
        help="template release tag (v0.2.0) or git ref to update to (default: the latest release of each module's "
        "template; releases.toml stands in for missing tags)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say per module which files would change and where conflicts would be"
    )
    parser.add_argument("--jobs", type=int, metavar="N", help="modules updated at once (default: the number of CPUs)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="render nothing; exit 1 when a module is behind the newest release (for CI, as `modforge status` shows)",
    )


def run(args: argparse.Namespace) -> int:
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise ModforgeError(f"--jobs must be 1 or more, not {jobs}")
    top, roots = selection.select(args.modules, args.every, action="the update", need_clean=not args.check)
    outcomes = selection.outcomes(top, roots)
    cwd = os.getcwd()
    if args.check:
        return _check(outcomes, str(top), cwd, args.format)
    progress = report.progress_for(
        len(outcomes), top=str(top), cwd=cwd, dry_run=args.dry_run, json_output=args.format == "json"
    )
    finished: list[Outcome] = []

    def ended(outcome: Outcome) -> None:
        finished.append(outcome)
        progress(outcome)

    start = time.perf_counter()
    try:
        runner.update(top, outcomes, vcs_ref=args.vcs_ref, dry_run=args.dry_run, jobs=jobs, report=ended)
    except KeyboardInterrupt:
        progress.finish()
        untouched = len(outcomes) - len(finished)
        sys.stdout.write(report.table(finished, str(top), cwd))
        print(
            f"modforge update: interrupted; {len(finished)} module{'s' * (len(finished) != 1)} ended as shown, "
            f"{untouched} left untouched",
            file=sys.stderr,
        )
        return 130
    progress.finish()
    seconds = time.perf_counter() - start
    if args.format == "json":
        sys.stdout.write(
            report.as_json(outcomes, command="update", top=str(top), cwd=cwd, dry_run=args.dry_run, target=args.vcs_ref)
        )
    else:
        if progress.bar_to is not None:  # the lines were not shown while the bar ran: show what needs action
            for outcome in outcomes:
                if outcome.state in (CONFLICTS, FAILED) or args.dry_run:
                    where = report.shown(str(top), outcome.module, cwd)
                    sys.stdout.write("\n".join(report.lines(outcome, where, args.dry_run)) + "\n")
        if len(outcomes) > 1 or progress.bar_to is not None:
            sys.stdout.write(report.table(outcomes, str(top), cwd))
        sys.stdout.write(report.totals(outcomes, args.dry_run, seconds))
    states = {outcome.state for outcome in outcomes}
    if args.dry_run:
        return 1 if states - {CURRENT} else 0
    return 1 if states & {CONFLICTS, FAILED} else 0


def _check(outcomes: list[Outcome], top: str, cwd: str, output: str) -> int:
    """Compare each module's recorded release with the newest, rendering nothing."""
    from modforge import __version__
    from modforge.lifecycle.releases import standing

    behind = 0
    records = []
    for outcome in outcomes:
        where = report.shown(top, outcome.module, cwd)
        if outcome.state == FAILED:
            state, line = FAILED, f"{where}: {outcome.error}"
        else:
            release, late = standing(outcome.before, __version__)
            if release is None:
                state, line = "unknown", f"{where}: follows {outcome.before}, not a release"
            elif late:
                state, line = "behind", f"{where}: {release}, newest {__version__}: run `modforge update {where}`"
            else:
                state, line = CURRENT, f"{where}: {release} (the newest)"
        behind += state in ("behind", FAILED)
        records.append({"module": outcome.name, "path": where, "from": outcome.before, "state": state})
        if output == "text":
            print(line)
    if output == "json":
        import json

        document = {"version": report.JSON_VERSION, "command": "update --check", "newest": __version__}
        sys.stdout.write(json.dumps({**document, "modules": records}, indent=2) + "\n")
    elif behind:
        print(f"{behind} of {len(outcomes)} modules behind {__version__} or unreadable: `modforge update --all`")
    return 1 if behind else 0
