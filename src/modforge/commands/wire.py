"""Wire a module into its monorepo: both crates in the root Cargo.toml's [workspace].members, the server
crate's dependency and `use <lib> as _;` line, the module's block in each server config, and its E2E
package. Every edit keeps the files' comments, order and formatting; all are computed first, then written
together. Exit codes: 0 wired (or nothing to do); 1 --check found something missing, or --dry-run has
changes to show; 2 bad input (not in a monorepo, no server crate, a file that cannot be edited safely),
nothing written.
"""

from __future__ import annotations

import argparse
import sys

from modforge.workspace import wiring


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module", metavar="MODULE", help="the module's folder (modules/cred-store) or its name")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print the unified diff and change nothing")
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 and say what is missing")


def run(args: argparse.Namespace) -> int:
    repo, module = wiring.open_module(args.module)
    plan = wiring.wire(repo, module)
    if args.check:
        if not plan.steps:
            print(f"{module.name} is wired into {repo.root.name} (server crate {repo.server.path})")
            return 0
        print(f"{module.name} is not fully wired; `modforge wire {args.module}` adds:")
        for step in plan.steps:
            print(f"  {step.line('missing')}")
        return 1
    if args.dry_run:
        sys.stdout.write(plan.transaction.diff())
        count = len(plan.steps)
        print(f"wire would add {count} item{'s' * (count != 1)} for {module.name}", file=sys.stderr)
        return 1 if plan.steps else 0
    plan.transaction.commit()
    report(plan, "added")
    return 0


def report(plan: wiring.Plan, verb: str) -> None:
    """One line per item, then what was left alone."""
    if not plan.steps:
        print(f"{plan.module.name}: nothing to do ({'already wired' if verb == 'added' else 'not wired'})")
    for step in plan.steps:
        print(f"{verb} {step.file}: {step.what}")
    for note in plan.notes:
        print(note)
