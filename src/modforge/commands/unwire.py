"""Unwire a module: remove exactly what `modforge wire` adds (member entries, the server's dependency and
`use` line, the config blocks, the E2E files still as wire wrote them; edited ones are kept and named).
Exit codes: 0 done (or nothing to do); 1 --dry-run has changes to show; 2 bad input, nothing written.
"""

from __future__ import annotations

import argparse
import sys

from modforge.commands.wire import report
from modforge.workspace import wiring


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module", metavar="MODULE", help="the module's folder (modules/cred-store) or its name")
    parser.add_argument("--dry-run", action="store_true", help="print the unified diff and change nothing")


def run(args: argparse.Namespace) -> int:
    repo, module = wiring.open_module(args.module)
    plan = wiring.unwire(repo, module)
    if args.dry_run:
        sys.stdout.write(plan.transaction.diff())
        for note in plan.notes:
            print(note, file=sys.stderr)
        return 1 if plan.steps else 0
    plan.transaction.commit()
    wiring.remove_empty_e2e_folder(repo, module)
    report(plan, "removed")
    return 0
